import type { DeadLetterEntry } from './protocol.ts';

/** One page of dead letters, newest first. */
export interface DeadLetterPage {
  readonly entries: readonly DeadLetterEntry[];
  /** Pass as `before` for the next (older) page; undefined when there is none. */
  readonly next: number | undefined;
}

/**
 * The last `capacity` dead letters. Each gets a `seq` one above the previous, so the UI can
 * page by seq while new ones arrive and old ones fall off.
 */
export interface DeadLetterRing {
  readonly capacity: number;
  /** Entries held now (at most capacity). */
  readonly size: number;
  /** Entries ever pushed; the newest has seq = total. */
  readonly total: number;
  /** Stores an entry, giving it the next seq, and returns it; the oldest falls off when full. */
  push(entry: Omit<DeadLetterEntry, 'seq'>): DeadLetterEntry;
  /**
   * Up to `limit` entries (default 50) older than seq `before` (default: from the newest),
   * newest first.
   *
   * @example
   * let page = ring.page({ limit: 20 });
   * while (page.next !== undefined) page = ring.page({ before: page.next, limit: 20 });
   */
  page(options?: { readonly before?: number | undefined; readonly limit?: number }): DeadLetterPage;
  clear(): void;
}

export const DEFAULT_DEAD_LETTER_CAPACITY = 1000;

export function createDeadLetterRing(
  capacity: number = DEFAULT_DEAD_LETTER_CAPACITY,
): DeadLetterRing {
  if (!Number.isSafeInteger(capacity) || capacity < 1) {
    throw new RangeError(
      `createDeadLetterRing: capacity must be a whole number ≥ 1, got ${capacity}; the default is ${DEFAULT_DEAD_LETTER_CAPACITY}`,
    );
  }
  const slots: (DeadLetterEntry | undefined)[] = new Array<DeadLetterEntry | undefined>(capacity);
  let total = 0;
  let cleared = 0; // entries up to this seq were cleared

  const oldestSeq = () => Math.max(cleared, total - capacity) + 1;

  return {
    capacity,
    get size() {
      return total - oldestSeq() + 1;
    },
    get total() {
      return total;
    },
    push(entry) {
      const stored: DeadLetterEntry = { seq: total + 1, ...entry };
      slots[total % capacity] = stored;
      total++;
      return stored;
    },
    page(options = {}) {
      const limit = Math.max(1, Math.floor(options.limit ?? 50));
      const newest = Math.min(total, (options.before ?? total + 1) - 1);
      const oldest = oldestSeq();
      const entries: DeadLetterEntry[] = [];
      let seq = newest;
      for (; seq >= oldest && entries.length < limit; seq--) {
        const entry = slots[(seq - 1) % capacity];
        if (entry !== undefined) entries.push(entry);
      }
      return { entries, next: seq >= oldest ? seq + 1 : undefined };
    },
    clear() {
      cleared = total;
      slots.fill(undefined);
    },
  };
}
