import { describe, expect, it } from 'vitest';
import { createMemoryLogger, throttled } from './logger.ts';

describe('logger', () => {
  it('prefixes child loggers with their scope', () => {
    const logger = createMemoryLogger();
    logger.child('relay').child('mqtt').warn('hello');
    expect(logger.lines).toEqual([{ level: 'warn', line: '[relay][mqtt] hello' }]);
  });

  it('throttles a flood to one line per interval with a count of what it held back', () => {
    const lines: string[] = [];
    let now = 0;
    const log = throttled(
      (m) => lines.push(m),
      1000,
      () => now,
    );
    for (let i = 0; i < 5; i++) log(`bad ${i}`);
    now = 1500;
    log('bad 5');
    expect(lines).toEqual(['bad 0', 'bad 5 (4 similar messages suppressed)']);
  });
});
