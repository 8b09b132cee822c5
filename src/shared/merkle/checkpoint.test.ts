import { describe, expect, it } from 'vitest';
import { toBase64 } from './bytes.ts';
import { formatCheckpoint, parseCheckpoint, type Checkpoint } from './checkpoint.ts';
import { CheckpointError } from './checkpointError.ts';
import { REFERENCE_ROOTS } from './testing/rfc6962Vectors.ts';
import { fromHex } from './bytes.ts';

const checkpoint: Checkpoint = {
  origin: 'twinbench.example.org/runlog',
  treeSize: 8,
  rootHash: toBase64(fromHex(REFERENCE_ROOTS[7])),
  timestamp: 1_750_000_000_123,
};

describe('checkpoint text', () => {
  it('is origin, size, base64 root and a timestamp line', () => {
    expect(formatCheckpoint(checkpoint)).toBe(
      'twinbench.example.org/runlog\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\ntimestamp 1750000000123\n',
    );
    expect(parseCheckpoint(formatCheckpoint(checkpoint))).toEqual(checkpoint);
    expect(parseCheckpoint(formatCheckpoint({ ...checkpoint, treeSize: 0 })).treeSize).toBe(0);
  });

  it('reads nothing looser than it writes', () => {
    const good = formatCheckpoint(checkpoint);
    const lines = good.slice(0, -1).split('\n');
    const variants = [
      good.slice(0, -1),
      `${good}extension\n`,
      lines.slice(0, 3).join('\n') + '\n',
      good.replace('\n8\n', '\n08\n'),
      good.replace('\n8\n', '\n+8\n'),
      good.replace('\n8\n', '\n8.0\n'),
      good.replace('\n8\n', `\n${2 ** 53}\n`),
      good.replace('timestamp ', 'timestamp  '),
      good.replace('timestamp ', 'time '),
      good.replace(checkpoint.rootHash, checkpoint.rootHash.slice(0, -1)),
      good.replace(checkpoint.rootHash, toBase64(new Uint8Array(31))),
      good.replace('twinbench.example.org/runlog', 'twinbench example'),
      good.replace('twinbench.example.org/runlog', 'a+b'),
      good.replace('twinbench.example.org/runlog', ''),
    ];
    for (const text of variants) {
      expect(() => parseCheckpoint(text), JSON.stringify(text)).toThrow(CheckpointError);
    }
  });

  it('refuses to write fields it could not read back', () => {
    for (const bad of [
      { treeSize: -1 },
      { treeSize: 1.5 },
      { timestamp: Number.NaN },
      { origin: 'a b' },
    ]) {
      expect(() => formatCheckpoint({ ...checkpoint, ...bad })).toThrow(CheckpointError);
    }
    expect(() => formatCheckpoint({ ...checkpoint, rootHash: 'AAAA' })).toThrow(
      'is not the base64 of a 32-byte hash',
    );
  });
});
