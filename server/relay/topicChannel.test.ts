import { describe, expect, it } from 'vitest';
import { channelForTopic, filterPrefix, topicMatches } from './topicChannel.ts';

describe('topicMatches', () => {
  it('follows MQTT wildcard rules', () => {
    expect(topicMatches('a/#', 'a/b/c')).toBe(true);
    expect(topicMatches('a/#', 'a')).toBe(true);
    expect(topicMatches('a/+/c', 'a/b/c')).toBe(true);
    expect(topicMatches('a/+/c', 'a/b/d')).toBe(false);
    expect(topicMatches('a/+', 'a/b/c')).toBe(false);
    expect(topicMatches('a/b', 'a/b')).toBe(true);
    expect(topicMatches('#', '$SYS/uptime')).toBe(false);
  });
});

describe('channelForTopic', () => {
  it('strips the prefix of the filter that matched', () => {
    const filters = ['twinbench/footbridge/sensors/#', 'plant/+/temp'];
    expect(channelForTopic(filters, 'twinbench/footbridge/sensors/disp.z.L50')).toBe('disp.z.L50');
    expect(channelForTopic(filters, 'twinbench/footbridge/sensors/deck/acc')).toBe('deck/acc');
    expect(channelForTopic(filters, 'plant/p1/temp')).toBe('p1/temp');
    expect(filterPrefix('plant/+/temp')).toBe('plant/');
  });

  it('uses the whole topic under "#" and the last level for an exact filter', () => {
    expect(channelForTopic(['#'], 'a/b/c')).toBe('a/b/c');
    expect(channelForTopic(['site/bridge/strain1'], 'site/bridge/strain1')).toBe('strain1');
  });
});
