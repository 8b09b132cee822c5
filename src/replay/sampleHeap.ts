import type { ChunkColumns } from './chunkCodec.ts';

/** A read position in one decoded chunk. */
export interface ChunkCursor {
  readonly channel: number;
  readonly columns: ChunkColumns;
  index: number;
}

function before(a: ChunkCursor, b: ChunkCursor): boolean {
  const ta = a.columns.times[a.index]!;
  const tb = b.columns.times[b.index]!;
  return ta < tb || (ta === tb && a.channel < b.channel);
}

/** Binary min-heap of chunk cursors by (current time, channel): the k-way merge for replay. */
export class CursorHeap {
  private items: ChunkCursor[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): ChunkCursor | undefined {
    return this.items[0];
  }

  push(cursor: ChunkCursor): void {
    const items = this.items;
    items.push(cursor);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(items[i]!, items[parent]!)) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  /** Re-sorts the top after its cursor advanced, or removes it when exhausted. */
  advanceTop(): void {
    const items = this.items;
    const top = items[0];
    if (top === undefined) return;
    top.index++;
    if (top.index >= top.columns.times.length) {
      const last = items.pop()!;
      if (items.length === 0) return;
      items[0] = last;
    }
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < items.length && before(items[l]!, items[m]!)) m = l;
      if (r < items.length && before(items[r]!, items[m]!)) m = r;
      if (m === i) return;
      [items[i], items[m]] = [items[m]!, items[i]!];
      i = m;
    }
  }
}
