import { describe, expect, it } from 'vitest';
import {
  filterListProblem,
  isValidTopic,
  topicFilterMatches,
  topicFilterProblem,
} from './topicFilter.ts';

describe('topicFilterMatches', () => {
  // [filter, topic, matches]
  const table: [string, string, boolean][] = [
    // exact
    ['a/b', 'a/b', true],
    ['a/b', 'a/b/c', false],
    ['a/b', 'a', false],
    ['a/b', 'A/b', false],
    // '#' matches the level it stands for, everything below, and the parent itself
    ['#', 'a', true],
    ['#', 'a/b/c', true],
    ['#', '/', true],
    ['a/#', 'a', true],
    ['a/#', 'a/', true],
    ['a/#', 'a/b', true],
    ['a/#', 'a/b/c/d', true],
    ['a/#', 'ab', false],
    ['a/#', 'b/a', false],
    ['a/b/#', 'a', false],
    // '+' matches exactly one level, which may be empty
    ['+', 'a', true],
    ['+', 'a/b', false],
    ['+', '/a', false],
    ['+/+', '/a', true],
    ['/+', '/a', true],
    ['a/+', 'a/b', true],
    ['a/+', 'a/', true],
    ['a/+', 'a', false],
    ['a/+', 'a/b/c', false],
    ['a/+/c', 'a/b/c', true],
    ['a/+/c', 'a/b/d', false],
    ['+/+/#', 'a/b', true],
    ['+/b/#', 'x/b', true],
    // the default command filter
    ['twinbench/+/commands/#', 'twinbench/footbridge/commands', true],
    ['twinbench/+/commands/#', 'twinbench/footbridge/commands/damage', true],
    ['twinbench/+/commands/#', 'twinbench/footbridge/sensors/disp.z.L50', false],
    ['twinbench/+/commands/#', 'twinbench/commands', false],
    // '$' topics are not matched by a leading wildcard, only by their own name
    ['#', '$SYS/broker/load', false],
    ['+/broker/load', '$SYS/broker/load', false],
    ['+', '$SYS', false],
    ['$SYS/#', '$SYS/broker/load', true],
    ['$SYS/+/load', '$SYS/broker/load', true],
    ['a/#', 'a/$b', true],
    // channel names without slashes are one level
    ['#', 'disp.z.L50', true],
    ['disp.z.+', 'disp.z.L50', false],
    ['disp.z.L50', 'disp.z.L50', true],
    // invalid filters and topics never match
    ['a/#/b', 'a/x/b', false],
    ['a#', 'a#', false],
    ['a+', 'a+', false],
    ['', '', false],
    ['#', '', false],
    ['a/+', 'a/+', false],
    ['a/#', 'a/#', false],
    ['#', 'a\u0000b', false],
  ];

  it.each(table)('%j against %j → %s', (filter, topic, expected) => {
    expect(topicFilterMatches(filter, topic)).toBe(expected);
  });
});

describe('topicFilterProblem', () => {
  it.each([['#'], ['+'], ['a/b'], ['a/+/c/#'], ['/'], ['+/+'], ['$SYS/#'], ['a//b']])(
    'accepts %j',
    (filter) => {
      expect(topicFilterProblem(filter)).toBeNull();
    },
  );

  it.each([
    ['', 'it is empty'],
    ['a/#/b', "'#' must be last"],
    ['#/a', "'#' must be last"],
    ['a#', "'#' must fill a whole level"],
    ['a/b#', "'#' must fill a whole level"],
    ['a+/b', "'+' must fill a whole level"],
    ['a/++', "'+' must fill a whole level"],
    ['a\u0000', 'NUL'],
  ])('refuses %j: %s', (filter, problem) => {
    expect(topicFilterProblem(filter)).toContain(problem);
  });
});

describe('isValidTopic', () => {
  it('accepts names and refuses wildcards, NUL and the empty string', () => {
    expect(['a', 'a/b', '/', 'a//b', '$SYS/x', 'disp.z.L50'].every(isValidTopic)).toBe(true);
    expect(['', 'a/+', '#', 'a/#', 'x\u0000'].some(isValidTopic)).toBe(false);
  });
});

describe('filterListProblem', () => {
  it('names the bad entry by its path', () => {
    expect(filterListProblem(['ok', 'x/+', 'a/#/b'], 'acl.operator.publish')).toBe(
      `acl.operator.publish[2]: "a/#/b" is not a valid filter: '#' must be last`,
    );
    expect(filterListProblem(['ok', 7], 'topics')).toBe(
      'topics[1]: 7 is not a string: write each filter as a string',
    );
    expect(filterListProblem('a/#', 'topics')).toContain('topics must be an array');
    expect(filterListProblem([], 'topics')).toBeNull();
  });
});
