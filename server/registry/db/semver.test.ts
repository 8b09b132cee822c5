import { describe, expect, it } from 'vitest';
import { RegistryDbError } from './errors.ts';
import { compareSemver, compareVersionStrings, parseSemver, tryParseSemver } from './semver.ts';

describe('parseSemver', () => {
  it('reads core, prerelease and build', () => {
    expect(parseSemver('1.10.0-rc.1+exp.sha.5114f85')).toEqual({
      major: 1,
      minor: 10,
      patch: 0,
      prerelease: ['rc', '1'],
      build: ['exp', 'sha', '5114f85'],
    });
    expect(parseSemver('0.0.0')).toMatchObject({ prerelease: [], build: [] });
  });

  it.each([
    ['v1.2.3', 'Drop the leading "v"'],
    ['1.2', 'Give all three numbers'],
    ['1', 'Give all three numbers'],
    ['01.2.3', 'without leading zeros'],
    ['1.2.3-01', 'without leading zeros'],
    ['1.2.3-', 'MAJOR.MINOR.PATCH'],
    ['1.2.3-a..b', 'MAJOR.MINOR.PATCH'],
    ['1.2.3+', 'MAJOR.MINOR.PATCH'],
    [' 1.2.3', 'MAJOR.MINOR.PATCH'],
    ['latest', 'MAJOR.MINOR.PATCH'],
    ['99999999999999999999.0.0', 'MAJOR.MINOR.PATCH'],
  ])('refuses %j, saying what to write', (text, hint) => {
    expect(tryParseSemver(text)).toBeNull();
    let thrown: unknown;
    try {
      parseSemver(text);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(RegistryDbError);
    expect(thrown).toMatchObject({ reason: 'bad_semver' });
    expect((thrown as Error).message).toContain(hint);
  });
});

describe('compareSemver', () => {
  // semver.org §11's example chain, plus numeric (not text) order of the core numbers.
  const ascending = [
    '0.9.0',
    '1.0.0-alpha',
    '1.0.0-alpha.1',
    '1.0.0-alpha.beta',
    '1.0.0-beta',
    '1.0.0-beta.2',
    '1.0.0-beta.11',
    '1.0.0-rc.1',
    '1.0.0',
    '1.2.0',
    '1.9.0',
    '1.10.0',
    '1.10.1',
    '2.0.0-0',
    '2.0.0-1',
    '2.0.0-10',
    '2.0.0-a',
    '2.0.0',
    '10.0.0',
  ];

  it('orders versions by precedence', () => {
    const shuffled = [...ascending].reverse().sort();
    expect(shuffled.sort(compareVersionStrings)).toEqual(ascending);
    for (let i = 1; i < ascending.length; i++) {
      expect(compareVersionStrings(ascending[i - 1]!, ascending[i]!)).toBe(-1);
      expect(compareVersionStrings(ascending[i]!, ascending[i - 1]!)).toBe(1);
    }
  });

  it('compares numeric prerelease identifiers beyond 2^53 exactly', () => {
    expect(compareVersionStrings('1.0.0-9007199254740993', '1.0.0-9007199254740992')).toBe(1);
    expect(compareVersionStrings('1.0.0-99999999999999999999', '1.0.0-100000000000000000000')).toBe(
      -1,
    );
  });

  it('ignores build metadata', () => {
    expect(compareSemver(parseSemver('1.0.0+a'), parseSemver('1.0.0+b'))).toBe(0);
    expect(compareVersionStrings('1.0.0-rc.1+x', '1.0.0-rc.1')).toBe(0);
  });
});
