import { describe, expect, it } from 'vitest';
import {
  canRedo,
  canUndo,
  filesAt,
  recordRevision,
  redoRevision,
  startHistory,
  undoRevision,
  type DraftHistory,
} from './draftHistory.ts';

const start = () => startHistory({ 'model.yaml': 'v0', 'k.wgsl': 'k0' });

function undo(h: DraftHistory): DraftHistory {
  const step = undoRevision(h);
  if (!step) throw new Error('nothing to undo');
  return step.history;
}

describe('draft history', () => {
  it('undoes and redoes saves of different files in order', () => {
    let h = start();
    h = recordRevision(h, 'model.yaml', 'v1', 1);
    h = recordRevision(h, 'k.wgsl', 'k1', 2);
    h = recordRevision(h, 'model.yaml', 'v2', 3);
    expect(filesAt(h)).toEqual({ 'model.yaml': 'v2', 'k.wgsl': 'k1' });

    const first = undoRevision(h)!;
    expect(first.file).toBe('model.yaml');
    expect(filesAt(first.history)).toEqual({ 'model.yaml': 'v1', 'k.wgsl': 'k1' });
    const second = undoRevision(first.history)!;
    expect(second.file).toBe('k.wgsl');
    expect(filesAt(second.history)).toEqual({ 'model.yaml': 'v1', 'k.wgsl': 'k0' });
    const back = undo(second.history);
    expect(filesAt(back)).toEqual({ 'model.yaml': 'v0', 'k.wgsl': 'k0' });
    expect(canUndo(back)).toBe(false);
    expect(undoRevision(back)).toBeNull();

    const again = redoRevision(back)!;
    expect(again.file).toBe('model.yaml');
    expect(filesAt(again.history)['model.yaml']).toBe('v1');
  });

  it('ignores a save that changes nothing', () => {
    const h = recordRevision(start(), 'model.yaml', 'v0', 1);
    expect(h).toEqual(start());
  });

  it('drops the revisions ahead of the cursor when saving after an undo', () => {
    let h = start();
    h = recordRevision(h, 'model.yaml', 'v1', 1);
    h = recordRevision(h, 'model.yaml', 'v2', 2);
    h = undo(h);
    expect(canRedo(h)).toBe(true);
    h = recordRevision(h, 'model.yaml', 'v3', 3);
    expect(canRedo(h)).toBe(false);
    expect(h.revisions.map((r) => r.text)).toEqual(['v1', 'v3']);
    expect(filesAt(undo(h))['model.yaml']).toBe('v1');
  });

  it('folds the oldest revisions into the base past the limit and still undoes the rest', () => {
    let h = start();
    for (let i = 1; i <= 7; i++) h = recordRevision(h, 'model.yaml', `v${i}`, i, 3);
    expect(h.revisions.map((r) => r.text)).toEqual(['v5', 'v6', 'v7']);
    expect(h.base['model.yaml']).toBe('v4');
    h = undo(undo(undo(h)));
    expect(filesAt(h)['model.yaml']).toBe('v4');
    expect(canUndo(h)).toBe(false);
  });

  it('survives a JSON round trip, as the draft store keeps it', () => {
    let h = recordRevision(start(), 'k.wgsl', 'k1', 5);
    h = JSON.parse(JSON.stringify(h)) as DraftHistory;
    expect(filesAt(undo(h))).toEqual({ 'model.yaml': 'v0', 'k.wgsl': 'k0' });
  });
});
