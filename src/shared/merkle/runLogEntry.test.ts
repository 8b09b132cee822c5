import { describe, expect, it } from 'vitest';
import { fromUtf8, toHex, utf8 } from './bytes.ts';
import { hashLeaf } from './rfc6962.ts';
import {
  decodeRunLogEntry,
  encodeRunLogEntry,
  LogEntryError,
  MAX_ENTRY_BYTES,
  runLogEntryLeafHash,
  sha256Digest,
  type RunLogEntry,
} from './runLogEntry.ts';
import { sampleEntry } from './testing/entries.ts';

function fieldError(run: () => unknown): { reason: string; field: string; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof LogEntryError) return error;
    throw error;
  }
  throw new Error('expected a LogEntryError');
}

describe('run log entry encoding', () => {
  it('is canonical JSON with sorted keys, pinned here so a change shows in review', () => {
    const entry: RunLogEntry = {
      v: 1,
      kind: 'fit',
      model: { id: 'heatPlate', version: '3' },
      inputs: [{ name: 'data.csv', digest: `sha256:${'ab'.repeat(32)}` }],
      parameters: { steps: 200, lr: 0.001 },
      outputs: [],
      who: 'user:ada',
      when: '2025-06-01T12:00:00.000Z',
    };
    expect(fromUtf8(encodeRunLogEntry(entry))).toMatchInlineSnapshot(
      `"{"inputs":[{"digest":"sha256:abababababababababababababababababababababababababababababababab","name":"data.csv"}],"kind":"fit","model":{"id":"heatPlate","version":"3"},"outputs":[],"parameters":{"lr":0.001,"steps":200},"v":1,"when":"2025-06-01T12:00:00.000Z","who":"user:ada"}"`,
    );
  });

  it('decodes what it encodes, and the leaf hash is that of the bytes', async () => {
    const entry = sampleEntry(4);
    const bytes = encodeRunLogEntry(entry);
    expect(decodeRunLogEntry(bytes)).toEqual(entry);
    expect(toHex(await runLogEntryLeafHash(entry))).toBe(toHex(await hashLeaf(bytes)));
  });

  it('gives a different leaf hash for any change to any field', async () => {
    const entry = sampleEntry(2);
    const base = toHex(await runLogEntryLeafHash(entry));
    const changes: Partial<RunLogEntry>[] = [
      { kind: 'publish' },
      { model: { ...entry.model, version: '1.2.1' } },
      { inputs: [...entry.inputs].reverse() },
      { parameters: { ...entry.parameters, steps: 103 } },
      { outputs: [] },
      { who: 'user:mallory' },
      { when: '2025-06-01T00:02:00.001Z' },
    ];
    for (const change of changes) {
      expect(
        toHex(await runLogEntryLeafHash({ ...entry, ...change })),
        JSON.stringify(change),
      ).not.toBe(base);
    }
  });

  it('refuses stored bytes that are JSON but not the canonical encoding', () => {
    const entry = sampleEntry(1);
    const text = fromUtf8(encodeRunLogEntry(entry));
    const respaced = utf8(text.replace('"kind":', '"kind": '));
    const reordered = utf8(
      JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(text) as object).reverse())),
    );
    for (const bytes of [respaced, reordered]) {
      expect(fieldError(() => decodeRunLogEntry(bytes)).reason).toBe('not_canonical');
    }
    expect(fieldError(() => decodeRunLogEntry(utf8(text.slice(0, -1)))).reason).toBe('not_json');
    expect(fieldError(() => decodeRunLogEntry(new Uint8Array([0xff]))).reason).toBe('not_json');
  });

  it('names the field that is wrong', () => {
    const entry = sampleEntry(0);
    const cases: [unknown, string, string][] = [
      [{ ...entry, v: 2 }, 'unsupported_version', 'v'],
      [{ ...entry, kind: 'deploy' }, 'invalid_field', 'kind'],
      [{ ...entry, model: { id: 'x' } }, 'invalid_field', 'model.version'],
      [{ ...entry, extra: 1 }, 'invalid_field', 'extra'],
      [
        { ...entry, inputs: [{ name: 'a', digest: 'md5:00' }] },
        'invalid_field',
        'inputs[0].digest',
      ],
      [{ ...entry, inputs: [entry.inputs[0], entry.inputs[0]] }, 'invalid_field', 'inputs[1].name'],
      [
        { ...entry, outputs: [{ name: 'a', digest: `sha256:${'A'.repeat(64)}` }] },
        'invalid_field',
        'outputs[0].digest',
      ],
      [{ ...entry, parameters: [] }, 'invalid_field', 'parameters'],
      [{ ...entry, parameters: { kp: Number.NaN } }, 'invalid_field', 'parameters.kp'],
      [{ ...entry, who: '' }, 'invalid_field', 'who'],
      [{ ...entry, when: '2025-06-01T12:00:00Z' }, 'invalid_field', 'when'],
      [{ ...entry, when: '2025-02-30T12:00:00.000Z' }, 'invalid_field', 'when'],
    ];
    for (const [value, reason, field] of cases) {
      const error = fieldError(() => encodeRunLogEntry(value as RunLogEntry));
      expect([error.reason, error.field], JSON.stringify(value).slice(0, 120)).toEqual([
        reason,
        field,
      ]);
    }
    expect(fieldError(() => encodeRunLogEntry({ ...entry, kind: 'deploy' } as never)).message).toBe(
      'run log entry: kind must be one of publish, fit, shadow.',
    );
  });

  it('refuses entries over the size limit and says what to log instead', () => {
    const parameters = { weights: Array.from({ length: MAX_ENTRY_BYTES / 4 }, (_, i) => i) };
    const error = fieldError(() => encodeRunLogEntry(sampleEntry(0, { parameters })));
    expect(error.reason).toBe('too_large');
    expect(error.message).toContain('as an input or output digest instead');
  });

  it('makes digests in the logged form', async () => {
    expect(await sha256Digest(utf8('abc'))).toBe(
      // SHA-256("abc"), FIPS 180-2 appendix B.1.
      'sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
});
