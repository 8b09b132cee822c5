/**
 * The relay as the bench runs it: server/main.ts unchanged (configured by the environment),
 * plus two things only a bench needs — it stops when the bench goes away (no relay left
 * behind if the bench is killed), and it can profile its own main thread for one step on
 * request, written as a .cpuprofile (open it in Chrome DevTools).
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import type { FromRelay, ToRelay } from './protocol.ts';

let session: Session | undefined;

process.on('message', (message: ToRelay) => {
  void (async () => {
    if (message.type === 'profile-start') {
      session = new Session();
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 250 });
      await session.post('Profiler.start');
    } else if (session !== undefined) {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(message.path, JSON.stringify(profile));
      session.disconnect();
      session = undefined;
      process.send?.({ type: 'profiled', path: message.path } satisfies FromRelay);
    }
  })();
});
process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));

await import('../../server/main.ts');
