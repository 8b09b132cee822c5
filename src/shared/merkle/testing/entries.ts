/** Run log entries for tests: realistic, distinct, and made from a seed. */
import type { RunKind, RunLogEntry } from '../runLogEntry.ts';

const KINDS: readonly RunKind[] = ['publish', 'fit', 'shadow'];

export function sampleEntry(i: number, overrides: Partial<RunLogEntry> = {}): RunLogEntry {
  const hex = (n: number) => n.toString(16).padStart(2, '0').repeat(32);
  return {
    v: 1,
    kind: KINDS[i % 3]!,
    model: { id: i % 2 === 0 ? 'heatPlate' : 'pidPlant', version: `1.${i}.0` },
    inputs: [
      { name: 'manifest.yaml', digest: `sha256:${hex(i % 256)}` },
      { name: 'data/measured.csv', digest: `sha256:${hex((i * 7 + 1) % 256)}` },
    ],
    parameters: { lr: 0.001 * (i + 1), steps: 100 + i, bounds: { kp: [0, 10] } },
    outputs: [{ name: 'fit.json', digest: `sha256:${hex((i * 13 + 5) % 256)}` }],
    who: `user:author${i % 4}`,
    when: new Date(Date.UTC(2025, 5, 1) + i * 60_000).toISOString(),
    ...overrides,
  };
}
