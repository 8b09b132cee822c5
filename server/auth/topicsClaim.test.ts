import { describe, expect, it } from 'vitest';
import { parseTopicsClaim } from './topicsClaim.ts';

describe('parseTopicsClaim', () => {
  it('applies a list to both directions', () => {
    expect(parseTopicsClaim(['a/#', 'b/+'])).toEqual({
      subscribe: ['a/#', 'b/+'],
      publish: ['a/#', 'b/+'],
    });
  });

  it('reads per-direction lists; a missing direction is not narrowed, an empty one allows nothing', () => {
    expect(parseTopicsClaim({ subscribe: ['a/#'] })).toEqual({
      subscribe: ['a/#'],
      publish: null,
    });
    expect(parseTopicsClaim({ subscribe: ['#'], publish: [] })).toEqual({
      subscribe: ['#'],
      publish: [],
    });
    expect(parseTopicsClaim({})).toEqual({ subscribe: null, publish: null });
  });

  it('says what is wrong with anything else', () => {
    expect(parseTopicsClaim('a/#')).toContain('topics must be an array');
    expect(parseTopicsClaim(null)).toContain('topics must be an array');
    expect(parseTopicsClaim({ write: ['a'] })).toBe(
      'topics.write is not allowed: use "subscribe" and "publish"',
    );
    expect(parseTopicsClaim({ publish: ['a/#/b'] })).toBe(
      `topics.publish[0]: "a/#/b" is not a valid filter: '#' must be last`,
    );
    expect(parseTopicsClaim({ subscribe: 'a' })).toContain('topics.subscribe must be an array');
  });
});
