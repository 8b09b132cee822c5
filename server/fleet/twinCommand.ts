import { parseTwinCommand, type TwinCommand } from '../../src/protocol/relay.ts';

export type TwinCommandParse =
  | { readonly ok: true; readonly command: TwinCommand }
  | { readonly ok: false; readonly error: string };

/** Checks a valid command against the twin it is for; returns what is wrong, or null. */
export function checkCommandForTwin(command: TwinCommand, memberCount: number): string | null {
  if (command.kind === 'setDamage' && command.member >= memberCount) {
    return `setDamage.member ${command.member} does not exist: the footbridge has members 0…${memberCount - 1}`;
  }
  return null;
}

/**
 * Reads a TwinCommand from the broker's command topic (`{"kind":"setDamage","member":3,
 * "health":0.5}` or `{"kind":"clearDamage"}`). Never throws.
 */
export function parseCommandPayload(
  bytes: Uint8Array | string,
  memberCount: number,
): TwinCommandParse {
  let value: unknown;
  try {
    value = JSON.parse(typeof bytes === 'string' ? bytes : new TextDecoder().decode(bytes));
  } catch {
    return { ok: false, error: 'command payload is not JSON' };
  }
  const command = parseTwinCommand(value);
  if (typeof command === 'string') return { ok: false, error: command };
  const problem = checkCommandForTwin(command, memberCount);
  return problem === null ? { ok: true, command } : { ok: false, error: problem };
}
