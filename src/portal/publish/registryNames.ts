/**
 * The registry's naming rules as the portal checks them before publishing: model names as the
 * server requires (server/registry/db/names.ts) and semantic versions (semver.org), with the next
 * version suggested from those already published.
 */

const MODEL_NAME = /^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$/;
// semver.org's suggested expression.
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/** Why `name` is not a model name the registry accepts, or null when it is. */
export function modelNameProblem(name: string): string | null {
  if (MODEL_NAME.test(name)) return null;
  return `"${name}" is not a registry model name: use 1–64 lowercase letters, digits, ".", "_" or "-", starting and ending with a letter or digit (e.g. "heat-plate").`;
}

/**
 * A model name from a draft's title: `PID plant` → `pid-plant`; a draft opened from the registry
 * (`pid-plant@1.2.0`) keeps its model's name.
 */
export function suggestModelName(title: string): string {
  const published = /^([a-z0-9][a-z0-9._-]*)@\S+$/.exec(title.trim());
  if (published && modelNameProblem(published[1]!) === null) return published[1]!;
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '')
    .slice(0, 64)
    .replace(/[^a-z0-9]+$/g, '');
  return slug === '' ? 'model' : slug;
}

interface Release {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  readonly prerelease: boolean;
}

function parse(version: string): Release | null {
  const match = SEMVER.exec(version);
  if (!match) return null;
  return {
    major: Number(match[1]),
    minor: Number(match[2]),
    patch: Number(match[3]),
    prerelease: match[4] !== undefined,
  };
}

/** Why `version` cannot be published next, or null when it can. */
export function versionProblem(version: string, published: readonly string[]): string | null {
  if (parse(version) === null) {
    const hint = /^[vV]\d/.test(version)
      ? 'drop the leading "v"'
      : 'write MAJOR.MINOR.PATCH, e.g. 1.0.0 or 2.0.0-rc.1';
    return `"${version}" is not a semantic version: ${hint}.`;
  }
  if (published.includes(version))
    return `${version} is already published and versions never change: publish a higher one.`;
  return null;
}

/**
 * The version to suggest after `published`: the highest release with its patch number raised
 * (`1.2.0` → `1.2.1`; a prerelease `2.0.0-rc.1` → `2.0.0`), or `1.0.0` for a new model.
 */
export function suggestNextVersion(published: readonly string[]): string {
  let top: Release | null = null;
  for (const version of published) {
    const v = parse(version);
    if (v === null) continue;
    if (top === null || compare(v, top) > 0) top = v;
  }
  if (top === null) return '1.0.0';
  if (top.prerelease) return `${top.major}.${top.minor}.${top.patch}`;
  return `${top.major}.${top.minor}.${top.patch + 1}`;
}

function compare(a: Release, b: Release): number {
  return (
    a.major - b.major ||
    a.minor - b.minor ||
    a.patch - b.patch ||
    // A release comes after its prereleases.
    Number(!a.prerelease) - Number(!b.prerelease)
  );
}

/** Splits `name@ref` (ref a version or an alias, `latest` when missing). */
export function parseRegistryRef(text: string): { name: string; ref: string } | null {
  const at = text.lastIndexOf('@');
  const name = at < 0 ? text : text.slice(0, at);
  const ref = at < 0 ? 'latest' : text.slice(at + 1);
  if (modelNameProblem(name) !== null || ref === '') return null;
  return { name, ref };
}
