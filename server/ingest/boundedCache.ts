/**
 * A Map that keeps at most `capacity` entries, dropping the oldest inserted first. Lookups cost
 * a Map lookup and nothing else (no recency bookkeeping), which is what the per-message path
 * wants: the mapper caches each topic's rule and channel names here.
 */
export class BoundedCache<K, V> {
  private readonly map = new Map<K, V>();

  constructor(readonly capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      throw new RangeError(`BoundedCache: capacity must be a whole number ≥ 1, got ${capacity}`);
    }
  }

  get size(): number {
    return this.map.size;
  }

  get(key: K): V | undefined {
    return this.map.get(key);
  }

  set(key: K, value: V): void {
    if (this.map.size >= this.capacity && !this.map.has(key)) {
      const oldest = this.map.keys().next();
      if (oldest.done !== true) this.map.delete(oldest.value);
    }
    this.map.set(key, value);
  }

  clear(): void {
    this.map.clear();
  }
}
