/**
 * The worker end of the bench's IPC: answers each request with `done` or `failed`, and exits
 * when the coordinator goes away, so a killed bench leaves no worker behind.
 */
import type { FromWorker, ToWorker } from './protocol.ts';

/** Serves requests one by one in arrival order; `handle` resolves with a request's result. */
export function serveRequests(handle: (request: ToWorker) => Promise<unknown>): void {
  const send = (message: FromWorker) => process.send?.(message);
  let queue = Promise.resolve();
  process.on('message', (request: ToWorker) => {
    queue = queue.then(async () => {
      try {
        send({ type: 'done', id: request.id, result: await handle(request) });
      } catch (error) {
        send({
          type: 'failed',
          id: request.id,
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        });
      }
    });
  });
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready' });
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
