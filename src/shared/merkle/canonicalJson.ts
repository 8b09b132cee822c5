/**
 * Canonical JSON: one byte string per value, so a hash of it identifies the value. Object keys
 * are sorted by UTF-16 code unit, there is no whitespace, numbers use ECMAScript's shortest
 * round-trip form and strings JSON.stringify's escaping: the rules of the JSON Canonicalization
 * Scheme (RFC 8785) for the values allowed here. Encoded as UTF-8.
 */

export type JsonValue =
  null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** Nesting deeper than this is refused, which also stops cycles. */
export const MAX_JSON_DEPTH = 32;

/** Why a value has no canonical JSON form; `path` says where, e.g. `parameters.gains[2]`. */
export class CanonicalJsonError extends Error {
  override readonly name = 'CanonicalJsonError';
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

// With the u flag this matches only surrogates that are not half of a pair.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

function member(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function encode(value: unknown, path: string, depth: number): string {
  if (value === null || typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new CanonicalJsonError(
        path,
        `${path} is ${value}, which JSON cannot hold: store it as a string or leave it out.`,
      );
    }
    return JSON.stringify(value);
  }
  if (typeof value === 'string') {
    if (LONE_SURROGATE.test(value)) {
      throw new CanonicalJsonError(
        path,
        `${path} has an unpaired UTF-16 surrogate, which has no UTF-8 form: it is not text; store binary data as a digest or base64.`,
      );
    }
    return JSON.stringify(value);
  }
  if (depth >= MAX_JSON_DEPTH) {
    throw new CanonicalJsonError(
      path,
      `${path} is nested more than ${MAX_JSON_DEPTH} levels deep (or refers to itself): flatten it.`,
    );
  }
  if (Array.isArray(value)) {
    const items = value.map((item: unknown, i) => encode(item, `${path}[${i}]`, depth + 1));
    return `[${items.join(',')}]`;
  }
  const prototype: unknown = typeof value === 'object' ? Object.getPrototypeOf(value) : undefined;
  if (prototype === Object.prototype || prototype === null) {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).sort();
    const members = keys.map(
      (key) => `${encode(key, path, depth)}:${encode(record[key], member(path, key), depth + 1)}`,
    );
    return `{${members.join(',')}}`;
  }
  const kind =
    value === undefined
      ? 'undefined'
      : typeof value === 'object'
        ? (value.constructor?.name ?? 'an object')
        : typeof value;
  throw new CanonicalJsonError(
    path,
    `${path} is ${kind}, not a JSON value: use null, booleans, finite numbers, strings, arrays and plain objects.`,
  );
}

/** The canonical JSON text of `value`; `root` names it in errors. */
export function canonicalJson(value: unknown, root = 'value'): string {
  return encode(value, root, 0);
}

/** The canonical JSON of `value` as UTF-8 bytes. */
export function canonicalJsonBytes(value: unknown, root = 'value'): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(canonicalJson(value, root));
}
