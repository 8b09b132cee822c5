import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  createMemoryLogger,
  createPinoLogger,
  formatFields,
  throttled,
  type LogFields,
} from './logger.ts';

/** A writable stream that keeps each JSON line pino writes, parsed. */
function jsonLines() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      for (const text of String(chunk).split('\n')) {
        if (text !== '') lines.push(JSON.parse(text) as Record<string, unknown>);
      }
      done();
    },
  });
  return { lines, destination };
}

describe('logger', () => {
  it('prefixes child loggers with their scope', () => {
    const logger = createMemoryLogger();
    logger.child('relay').child('mqtt').warn('hello');
    expect(logger.lines).toEqual([{ level: 'warn', line: '[relay][mqtt] hello' }]);
  });

  it('keeps the fields a caller passes next to the line', () => {
    const logger = createMemoryLogger();
    logger.child('relay').info('client connected', { client: 'c17' });
    logger.info('no fields');
    expect(logger.lines).toEqual([
      { level: 'info', line: '[relay] client connected', fields: { client: 'c17' } },
      { level: 'info', line: 'no fields' },
    ]);
    expect('fields' in logger.lines[1]!).toBe(false);
  });

  it('writes fields as key=value for text lines, quoting only where needed', () => {
    expect(
      formatFields({
        client: 'c17',
        topic: 'twinbench/footbridge/sensors/a.b',
        reason: 'not json',
        bytes: 1024,
        ok: false,
        err: new Error('boom'),
        gone: undefined,
      }),
    ).toBe(
      'client=c17 topic=twinbench/footbridge/sensors/a.b reason="not json" bytes=1024 ok=false err="boom"',
    );
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

  it('passes fields through a throttled log', () => {
    const calls: [string, LogFields | undefined][] = [];
    const log = throttled(
      (message, fields) => calls.push([message, fields]),
      1000,
      () => 0,
    );
    log('malformed payload', { topic: 'a/b' });
    log('malformed payload', { topic: 'a/c' });
    expect(calls).toEqual([['malformed payload', { topic: 'a/b' }]]);
  });
});

describe('createPinoLogger', () => {
  it('writes one JSON line per message with level, time, scope and msg', () => {
    const { lines, destination } = jsonLines();
    const logger = createPinoLogger({ destination });
    logger.child('relay').child('ws').warn('client is not keeping up', { client: 'c17' });
    expect(lines).toHaveLength(1);
    const [line] = lines;
    expect(line).toMatchObject({
      level: 'warn',
      scope: 'relay.ws',
      client: 'c17',
      msg: 'client is not keeping up',
    });
    expect(typeof line!.time).toBe('number');
    expect(Object.keys(line!)).not.toContain('pid');
  });

  it('leaves scope out at the root', () => {
    const { lines, destination } = jsonLines();
    createPinoLogger({ destination }).info('started');
    expect(lines).toEqual([{ level: 'info', time: expect.any(Number) as number, msg: 'started' }]);
  });

  it('writes fields named like its own keys under another name instead of twice', () => {
    const text: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        text.push(String(chunk));
        done();
      },
    });
    createPinoLogger({ destination })
      .child('fleet')
      .error('bad', { level: 'x', msg: 'y', scope: 'z', time: 1 });
    const raw = text.join('');
    expect(raw.match(/"level":/g)).toHaveLength(1);
    expect(JSON.parse(raw)).toMatchObject({
      level: 'error',
      scope: 'fleet',
      msg: 'bad',
      _level: 'x',
      _msg: 'y',
      _scope: 'z',
      _time: 1,
    });
  });

  it('writes an Error passed as err with its message and stack', () => {
    const { lines, destination } = jsonLines();
    createPinoLogger({ destination }).error('publish failed', { err: new Error('not authorised') });
    expect(lines[0]).toMatchObject({ err: { type: 'Error', message: 'not authorised' } });
    expect(String((lines[0]!.err as { stack: unknown }).stack)).toContain('not authorised');
  });

  it('drops lines below its level', () => {
    const { lines, destination } = jsonLines();
    const logger = createPinoLogger({ destination, level: 'warn' });
    logger.info('chatty');
    logger.child('relay').error('broken');
    expect(lines.map((l) => [l.level, l.msg])).toEqual([['error', 'broken']]);
  });
});
