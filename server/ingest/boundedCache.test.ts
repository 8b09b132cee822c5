import { describe, expect, it } from 'vitest';
import { BoundedCache } from './boundedCache.ts';

describe('BoundedCache', () => {
  it('drops the oldest inserted entry when full', () => {
    const cache = new BoundedCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('a', 3); // an update does not evict
    expect(cache.size).toBe(2);
    cache.set('c', 4);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')).toBe(2);
    expect(cache.get('c')).toBe(4);
  });
});
