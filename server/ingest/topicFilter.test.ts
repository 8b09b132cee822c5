import { describe, expect, it } from 'vitest';
import { channelForTopic, topicMatches } from '../relay/topicChannel.ts';
import { compileTopicFilter, filterCovers, filterProblem } from './topicFilter.ts';

describe('filterProblem', () => {
  it('accepts MQTT filters and Kafka topic names', () => {
    for (const filter of ['a/b', 'a/+/c', 'a/#', '#', '+', 'twinbench.telemetry', 'a//b', '/a']) {
      expect(filterProblem(filter)).toBeUndefined();
    }
  });

  it('says how to fix wildcards that are not whole levels, a # before the end, or nothing', () => {
    expect(filterProblem('a/#/b')).toContain('`#` must be a whole level and the last one');
    expect(filterProblem('a/b#')).toContain('`#` must be a whole level');
    expect(filterProblem('a/b+/c')).toContain('`+` must fill a whole level');
    expect(filterProblem('')).toContain('empty');
    expect(filterProblem('a\u0000b')).toContain('NUL');
  });
});

describe('compileTopicFilter', () => {
  it('captures + levels in order and the # rest', () => {
    const filter = compileTopicFilter('plant/+/sensors/#');
    expect(filter.plusCount).toBe(1);
    expect(filter.hasHash).toBe(true);
    expect(filter.match('plant/p1/sensors/boiler/in')).toEqual({
      topic: 'plant/p1/sensors/boiler/in',
      plus: ['p1'],
      hash: 'boiler/in',
      suffix: 'p1/sensors/boiler/in',
    });
    expect(filter.match('plant/p1/sensors')).toMatchObject({ hash: '' });
    expect(filter.match('plant/p1/other/x')).toBeUndefined();
    expect(compileTopicFilter('a/+/+').match('a/x/y')).toMatchObject({
      plus: ['x', 'y'],
      hash: undefined,
    });
  });

  it('matches exactly the topics topicMatches does', () => {
    const filters = ['a/#', 'a/+/c', 'a/+', 'a/b', '#', '+', '+/b/#', 'x'];
    const topics = ['a', 'a/b', 'a/b/c', 'a/b/d', 'a//c', '$SYS/uptime', 'x', 'x/b/c', '/b', 'b'];
    for (const filter of filters) {
      const compiled = compileTopicFilter(filter);
      for (const topic of topics) {
        expect(compiled.match(topic) !== undefined, `${filter} on ${topic}`).toBe(
          topicMatches(filter, topic),
        );
      }
    }
  });

  it('gives {suffix} as channelForTopic names channels', () => {
    const cases: [string, string][] = [
      ['twinbench/footbridge/sensors/#', 'twinbench/footbridge/sensors/disp.z.L50'],
      ['twinbench/footbridge/sensors/#', 'twinbench/footbridge/sensors/deck/acc'],
      ['twinbench/footbridge/sensors/#', 'twinbench/footbridge/sensors'],
      ['plant/+/temp', 'plant/p1/temp'],
      ['#', 'a/b/c'],
      ['site/bridge/strain1', 'site/bridge/strain1'],
      ['twinbench.telemetry', 'twinbench.telemetry'],
    ];
    for (const [filter, topic] of cases) {
      expect(compileTopicFilter(filter).match(topic)?.suffix).toBe(
        channelForTopic([filter], topic),
      );
    }
  });

  it('does not let a leading wildcard match $ topics (MQTT 3.1.1 §4.7.2)', () => {
    expect(compileTopicFilter('#').match('$SYS/x')).toBeUndefined();
    expect(compileTopicFilter('+/x').match('$SYS/x')).toBeUndefined();
    expect(compileTopicFilter('$SYS/#').match('$SYS/x')).toBeDefined();
  });
});

describe('filterCovers', () => {
  it('is true when every topic of the later filter matches the earlier one', () => {
    expect(filterCovers('#', 'a/b')).toBe(true);
    expect(filterCovers('a/#', 'a')).toBe(true);
    expect(filterCovers('a/#', 'a/+/c')).toBe(true);
    expect(filterCovers('a/+/c', 'a/b/c')).toBe(true);
    expect(filterCovers('a/+', 'a/+')).toBe(true);
    expect(filterCovers('+/#', 'x/#')).toBe(true);
  });

  it('is false when the later filter reaches topics the earlier one does not', () => {
    expect(filterCovers('a/b', 'a/+')).toBe(false);
    expect(filterCovers('a/+', 'a/#')).toBe(false);
    expect(filterCovers('a/+', 'a/b/c')).toBe(false);
    expect(filterCovers('a/b/#', 'a')).toBe(false);
    expect(filterCovers('#', '$SYS/#')).toBe(false);
    expect(filterCovers('+/x', '$SYS/x')).toBe(false);
  });
});
