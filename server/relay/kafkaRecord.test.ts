import { describe, expect, it } from 'vitest';
import { parseKafkaRecord } from './kafkaRecord.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('parseKafkaRecord', () => {
  it('takes the channel from the key', () => {
    expect(parseKafkaRecord(bytes('acc.z.L50'), bytes('{"t":5,"v":1.5}'))).toEqual({
      ok: true,
      channel: 'acc.z.L50',
      payload: { t: 5, v: 1.5 },
    });
  });

  it('falls back to the "channel" field when there is no key', () => {
    const result = parseKafkaRecord(null, bytes('{"t":5,"v":1,"channel":"wind"}'));
    expect(result).toMatchObject({ ok: true, channel: 'wind' });
    expect(parseKafkaRecord(bytes('  '), bytes('{"t":5,"v":1,"channel":"wind"}'))).toMatchObject({
      channel: 'wind',
    });
  });

  it('reports records it cannot use', () => {
    expect(parseKafkaRecord(null, bytes('{"t":5,"v":1}'))).toMatchObject({
      ok: false,
      error: expect.stringContaining('key') as unknown,
    });
    expect(parseKafkaRecord(bytes('x'), null)).toMatchObject({ ok: false });
    expect(parseKafkaRecord(bytes('x'), bytes('garbage'))).toMatchObject({ ok: false });
  });
});
