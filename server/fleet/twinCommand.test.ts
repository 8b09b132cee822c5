import { describe, expect, it } from 'vitest';
import { parseCommandPayload } from './twinCommand.ts';

describe('parseCommandPayload', () => {
  it('accepts commands for members that exist', () => {
    expect(parseCommandPayload('{"kind":"setDamage","member":9,"health":0.5}', 10)).toEqual({
      ok: true,
      command: { kind: 'setDamage', member: 9, health: 0.5 },
    });
    expect(parseCommandPayload(Buffer.from('{"kind":"clearDamage"}'), 10)).toMatchObject({
      ok: true,
    });
  });

  it('says what is wrong with the rest', () => {
    expect(parseCommandPayload('{"kind":"setDamage","member":10,"health":0.5}', 10)).toEqual({
      ok: false,
      error: 'setDamage.member 10 does not exist: the footbridge has members 0…9',
    });
    expect(parseCommandPayload('nope', 10)).toMatchObject({
      ok: false,
      error: 'command payload is not JSON',
    });
    expect(parseCommandPayload('{"kind":"setDamage"}', 10)).toMatchObject({ ok: false });
  });
});
