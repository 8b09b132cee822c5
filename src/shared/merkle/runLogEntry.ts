/**
 * What the run log records for each publish, fit and shadow deployment, and the one byte
 * encoding of it that the Merkle tree commits to: canonical JSON (canonicalJson.ts) in UTF-8.
 * The leaf hash of those bytes is the tree's leaf, so changing any byte of a stored entry
 * changes its leaf hash and no longer verifies against a checkpoint taken before the change.
 */
import { canonicalJson, CanonicalJsonError, type JsonValue } from './canonicalJson.ts';
import { bytesEqual, fromUtf8, toHex, utf8 } from './bytes.ts';
import { hashLeaf, sha256 } from './rfc6962.ts';

/** Bumped when the entry's fields change; decoders refuse versions they do not know. */
export const RUN_LOG_ENTRY_VERSION = 1;

/** Encoded entries larger than this are refused: log digests of large data, not the data. */
export const MAX_ENTRY_BYTES = 64 * 1024;

export type RunKind = 'publish' | 'fit' | 'shadow';
export const RUN_KINDS: readonly RunKind[] = ['publish', 'fit', 'shadow'];

/** A named input or output and the digest of its bytes, e.g. `sha256:9f86d0…` (64 hex). */
export interface ArtifactDigest {
  readonly name: string;
  readonly digest: string;
}

export interface RunLogEntry {
  readonly v: typeof RUN_LOG_ENTRY_VERSION;
  readonly kind: RunKind;
  readonly model: { readonly id: string; readonly version: string };
  /** In the order the run took them; names are unique. */
  readonly inputs: readonly ArtifactDigest[];
  /** The run's settings and parameter values, as JSON. */
  readonly parameters: { readonly [name: string]: JsonValue };
  readonly outputs: readonly ArtifactDigest[];
  /** The principal that did it (a user or service id from the auth layer). */
  readonly who: string;
  /** When, as RFC 3339 UTC with milliseconds: what `Date.prototype.toISOString` writes. */
  readonly when: string;
}

export type LogEntryErrorReason =
  /** The bytes are not UTF-8 JSON. */
  | 'not_json'
  /** Valid JSON, but not the canonical encoding of the entry it holds. */
  | 'not_canonical'
  /** A field is missing, unknown, or has the wrong type or form. */
  | 'invalid_field'
  | 'unsupported_version'
  | 'too_large';

export class LogEntryError extends Error {
  override readonly name = 'LogEntryError';
  constructor(
    readonly reason: LogEntryErrorReason,
    /** The field, e.g. `inputs[2].digest`; `entry` for the whole. */
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;
const FIELDS = ['v', 'kind', 'model', 'inputs', 'parameters', 'outputs', 'who', 'when'];

function invalid(field: string, message: string): LogEntryError {
  return new LogEntryError('invalid_field', field, `run log entry: ${field} ${message}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown, field: string, maxLength = 256): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength) {
    throw invalid(field, `must be a non-empty string of at most ${maxLength} characters.`);
  }
  return value;
}

function exactKeys(value: Record<string, unknown>, keys: readonly string[], field: string): void {
  for (const key of keys) {
    if (!Object.hasOwn(value, key)) throw invalid(`${field}.${key}`, 'is missing.');
  }
  for (const key of Object.keys(value)) {
    if (!keys.includes(key)) {
      throw invalid(
        field === 'entry' ? key : `${field}.${key}`,
        `is not a field of a version ${RUN_LOG_ENTRY_VERSION} entry: the fields are ${keys.join(', ')}.`,
      );
    }
  }
}

function digests(value: unknown, field: string): ArtifactDigest[] {
  if (!Array.isArray(value)) throw invalid(field, 'must be a list of { name, digest }.');
  const seen = new Set<string>();
  return value.map((item: unknown, i) => {
    const at = `${field}[${i}]`;
    if (!isRecord(item)) throw invalid(at, 'must be an object { name, digest }.');
    exactKeys(item, ['name', 'digest'], at);
    const name = text(item.name, `${at}.name`);
    if (seen.has(name))
      throw invalid(`${at}.name`, `repeats ${JSON.stringify(name)}: names are unique.`);
    seen.add(name);
    if (typeof item.digest !== 'string' || !DIGEST.test(item.digest)) {
      throw invalid(
        `${at}.digest`,
        'must be "sha256:" and 64 lower-case hex digits (use sha256Digest).',
      );
    }
    return { name, digest: item.digest };
  });
}

/**
 * Checks that `value` is a run log entry of this version and returns it typed; throws a
 * `LogEntryError` naming the first field that is wrong.
 */
export function parseRunLogEntry(value: unknown): RunLogEntry {
  if (!isRecord(value)) throw invalid('entry', 'must be an object.');
  if (value.v !== RUN_LOG_ENTRY_VERSION) {
    throw new LogEntryError(
      'unsupported_version',
      'v',
      `run log entry: version ${JSON.stringify(value.v)} is not one this code reads (${RUN_LOG_ENTRY_VERSION}): update Twinbench to read newer entries.`,
    );
  }
  exactKeys(value, FIELDS, 'entry');
  const kind = value.kind;
  if (typeof kind !== 'string' || !(RUN_KINDS as readonly string[]).includes(kind)) {
    throw invalid('kind', `must be one of ${RUN_KINDS.join(', ')}.`);
  }
  const model = value.model;
  if (!isRecord(model)) throw invalid('model', 'must be an object { id, version }.');
  exactKeys(model, ['id', 'version'], 'model');
  if (!isRecord(value.parameters)) throw invalid('parameters', 'must be an object.');
  const when = value.when;
  if (
    typeof when !== 'string' ||
    !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(when) ||
    new Date(when).toISOString() !== when
  ) {
    throw invalid(
      'when',
      'must be an RFC 3339 UTC time with milliseconds, as new Date().toISOString() writes it.',
    );
  }
  return {
    v: RUN_LOG_ENTRY_VERSION,
    kind: kind as RunKind,
    model: { id: text(model.id, 'model.id'), version: text(model.version, 'model.version') },
    inputs: digests(value.inputs, 'inputs'),
    parameters: value.parameters as RunLogEntry['parameters'],
    outputs: digests(value.outputs, 'outputs'),
    who: text(value.who, 'who'),
    when,
  };
}

/** The bytes the log stores and the tree commits to; throws `LogEntryError` for a bad entry. */
export function encodeRunLogEntry(entry: RunLogEntry): Uint8Array<ArrayBuffer> {
  const checked = parseRunLogEntry(entry);
  let json: string;
  try {
    json = canonicalJson(checked, 'entry');
  } catch (error) {
    if (!(error instanceof CanonicalJsonError)) throw error;
    throw new LogEntryError(
      'invalid_field',
      error.path.replace(/^entry\.?/, ''),
      `run log entry: ${error.message}`,
    );
  }
  const bytes = utf8(json);
  if (bytes.length > MAX_ENTRY_BYTES) {
    throw new LogEntryError(
      'too_large',
      'entry',
      `run log entry: ${bytes.length} bytes encoded, more than ${MAX_ENTRY_BYTES}: log large parameter sets or data as an input or output digest instead.`,
    );
  }
  return bytes;
}

/**
 * The entry stored as `bytes`, which must be exactly its canonical encoding: any other
 * spelling of the same JSON would have a different leaf hash, so it is refused too.
 */
export function decodeRunLogEntry(bytes: Uint8Array): RunLogEntry {
  let value: unknown;
  try {
    value = JSON.parse(fromUtf8(bytes));
  } catch (error) {
    throw new LogEntryError(
      'not_json',
      'entry',
      `run log entry: the stored bytes are not UTF-8 JSON (${(error as Error).message}): the entry was damaged or is not a run log entry.`,
    );
  }
  const entry = parseRunLogEntry(value);
  if (!bytesEqual(encodeRunLogEntry(entry), bytes)) {
    throw new LogEntryError(
      'not_canonical',
      'entry',
      'run log entry: the stored bytes are JSON but not the canonical encoding (sorted keys, no spaces): they were rewritten after logging.',
    );
  }
  return entry;
}

/** The leaf hash the tree holds for `entry`. */
export function runLogEntryLeafHash(entry: RunLogEntry): Promise<Uint8Array> {
  return hashLeaf(encodeRunLogEntry(entry));
}

/** `sha256:<hex>` of `bytes`: the digest form inputs and outputs are logged with. */
export async function sha256Digest(bytes: Uint8Array): Promise<string> {
  return `sha256:${toHex(await sha256(bytes))}`;
}
