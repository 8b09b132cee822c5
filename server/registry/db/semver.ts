import { RegistryDbError } from './errors.ts';

/** A version per Semantic Versioning 2.0.0 (https://semver.org). */
export interface Semver {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** Dot-separated identifiers after `-`; empty for a release. */
  readonly prerelease: readonly string[];
  /** Dot-separated identifiers after `+`; ignored by precedence. */
  readonly build: readonly string[];
}

// The regular expression semver.org suggests, without named groups.
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/** The parsed version, or null when `text` is not a semantic version. */
export function tryParseSemver(text: string): Semver | null {
  const match = SEMVER.exec(text);
  if (match === null) return null;
  const [major, minor, patch] = [match[1], match[2], match[3]].map(Number);
  if (
    !Number.isSafeInteger(major) ||
    !Number.isSafeInteger(minor) ||
    !Number.isSafeInteger(patch)
  ) {
    return null;
  }
  return {
    major: major!,
    minor: minor!,
    patch: patch!,
    prerelease: match[4] === undefined ? [] : match[4].split('.'),
    build: match[5] === undefined ? [] : match[5].split('.'),
  };
}

/**
 * Parses a semantic version or throws a `bad_semver` error that says what is wrong.
 *
 * @example parseSemver('1.10.0-rc.1') // { major: 1, minor: 10, patch: 0, prerelease: ['rc', '1'], build: [] }
 */
export function parseSemver(text: string): Semver {
  const parsed = tryParseSemver(text);
  if (parsed !== null) return parsed;
  const hint = /^[vV]\d/.test(text)
    ? 'Drop the leading "v".'
    : /^\d+(\.\d+)?$/.test(text)
      ? 'Give all three numbers, e.g. 1.0.0.'
      : 'Write MAJOR.MINOR.PATCH with numbers without leading zeros, optionally -PRERELEASE, e.g. 1.2.0 or 2.0.0-rc.1.';
  return badSemver(text, hint);
}

function badSemver(text: string, hint: string): never {
  throw new RegistryDbError(
    'bad_semver',
    `${JSON.stringify(text)} is not a semantic version (semver.org). ${hint}`,
  );
}

const NUMERIC = /^\d+$/;

function compareIdentifiers(a: string, b: string): number {
  const aNumeric = NUMERIC.test(a);
  const bNumeric = NUMERIC.test(b);
  if (aNumeric && bNumeric) {
    // No leading zeros, so the longer number is the larger; this also holds past 2^53.
    if (a.length !== b.length) return a.length < b.length ? -1 : 1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (aNumeric !== bNumeric) return aNumeric ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Semver precedence: negative when `a` comes before `b`, 0 when equal (build metadata is
 * ignored), positive after. `1.9.0 < 1.10.0`, `1.0.0-rc.1 < 1.0.0`,
 * `1.0.0-alpha < 1.0.0-alpha.1 < 1.0.0-alpha.beta < 1.0.0-beta.2 < 1.0.0-beta.11`.
 */
export function compareSemver(a: Semver, b: Semver): number {
  const core = a.major - b.major || a.minor - b.minor || a.patch - b.patch;
  if (core !== 0) return Math.sign(core);
  const aRelease = a.prerelease.length === 0;
  const bRelease = b.prerelease.length === 0;
  // A release comes after its prereleases.
  if (aRelease || bRelease) return aRelease === bRelease ? 0 : aRelease ? 1 : -1;
  const shared = Math.min(a.prerelease.length, b.prerelease.length);
  for (let i = 0; i < shared; i++) {
    const order = compareIdentifiers(a.prerelease[i]!, b.prerelease[i]!);
    if (order !== 0) return order;
  }
  return Math.sign(a.prerelease.length - b.prerelease.length);
}

/** `compareSemver` on strings; throws `bad_semver` for either that is not a version. */
export function compareVersionStrings(a: string, b: string): number {
  return compareSemver(parseSemver(a), parseSemver(b));
}
