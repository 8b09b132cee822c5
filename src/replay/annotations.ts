/**
 * Annotations: notes and bookmarks on a recording's device time, stored beside its samples
 * (`annotations` in `replayDb.ts`) and written into its MCAP export. A point bookmark has
 * `t1 === t0`; a range has `t1 > t0`.
 *
 * Everything that makes or changes one goes through the checks here, because annotations come
 * from the page (over the worker boundary), from automatic alerts and from MCAP files; a bad one
 * throws `ReplayError('invalid_argument')` naming the field and the fix, and nothing is stored.
 */
import { ReplayError } from './replayError.ts';

export type AnnotationKind = 'note' | 'alert';

export const ANNOTATION_KINDS: readonly AnnotationKind[] = ['note', 'alert'];

/** Longest note text, in UTF-16 code units (`text.length`). */
export const MAX_ANNOTATION_TEXT = 10_000;

export interface Annotation {
  /** `crypto.randomUUID()`, assigned by the store. */
  readonly id: string;
  readonly recordingId: string;
  /** Device time, ms since the epoch. */
  readonly t0: number;
  /** `=== t0` for a point bookmark; `> t0` for a range. */
  readonly t1: number;
  /** The note; `''` for a bare bookmark. At most {@link MAX_ANNOTATION_TEXT} characters. */
  readonly text: string;
  /** Who wrote it: `'operator'`, a token subject, or `'shadow'` for automatic alerts. */
  readonly author: string;
  readonly kind: AnnotationKind;
  /** Wall clock ms since the epoch, assigned by the store. */
  readonly createdAt: number;
  /** Names of the channels it concerns (alerts name their sensor). */
  readonly channels?: readonly string[];
}

/** What `addAnnotation` takes: the store assigns `id` and `createdAt`. */
export type NewAnnotation = Omit<Annotation, 'id' | 'createdAt'>;

/** An annotation as an MCAP export carries it: no recording id (the file is the recording). */
export type AnnotationRecord = Omit<Annotation, 'recordingId'>;

/**
 * What an import restores: an annotation without its id and recording. Imports get new ids, so
 * the same file can be imported twice next to the recording it came from.
 */
export type AnnotationContent = Omit<Annotation, 'id' | 'recordingId'>;

/**
 * What `updateAnnotation` may change. Moving `t0` of a point bookmark without giving `t1` moves
 * `t1` with it, so the bookmark stays a point.
 */
export interface AnnotationPatch {
  readonly text?: string;
  readonly t0?: number;
  readonly t1?: number;
}

type AnnotationFields = Pick<Annotation, 't0' | 't1' | 'text' | 'author' | 'kind' | 'channels'>;

const PATCH_KEYS: ReadonlySet<string> = new Set(['text', 't0', 't1']);

function invalid(message: string): never {
  throw new ReplayError('invalid_argument', message);
}

function describe(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return 'an array';
  return value === null ? 'null' : typeof value;
}

function asRecord(value: unknown, what: string): Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return invalid(`${what} must be an object, got ${describe(value)}.`);
  }
  return value as Record<string, unknown>;
}

function finiteTime(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return invalid(
      `annotation ${field} must be a finite device time in ms since the epoch, got ${describe(value)}.`,
    );
  }
  return value;
}

/**
 * The checked fields of an annotation, copied into a fresh object (unknown keys are dropped):
 * finite t0 ≤ t1, text within the limit, a known kind, a non-empty author, channel names.
 */
function checkFields(value: Readonly<Record<string, unknown>>): AnnotationFields {
  const t0 = finiteTime(value.t0, 't0');
  const t1 = finiteTime(value.t1, 't1');
  if (t1 < t0) {
    invalid(
      `annotation t1 (${t1}) is before t0 (${t0}); give t1 ≥ t0 (t1 = t0 for a point bookmark).`,
    );
  }
  const { text, author, kind, channels } = value;
  if (typeof text !== 'string') {
    invalid(`annotation text must be a string ('' for a bare bookmark), got ${describe(text)}.`);
  }
  if (text.length > MAX_ANNOTATION_TEXT) {
    invalid(
      `annotation text has ${text.length} characters; the limit is ${MAX_ANNOTATION_TEXT}. Shorten it or split it into several annotations.`,
    );
  }
  if (typeof author !== 'string' || author === '') {
    invalid(
      `annotation author must be a non-empty string ('operator', a token subject or 'shadow'), got ${describe(author)}.`,
    );
  }
  if (!ANNOTATION_KINDS.includes(kind as AnnotationKind)) {
    invalid(`annotation kind must be "note" or "alert", got ${describe(kind)}.`);
  }
  const fields = { t0, t1, text, author, kind: kind as AnnotationKind };
  if (channels === undefined) return fields;
  const names = Array.isArray(channels)
    ? (channels as unknown[]).filter((c): c is string => typeof c === 'string')
    : [];
  if (!Array.isArray(channels) || names.length !== channels.length) {
    invalid(
      `annotation channels must be an array of channel names (strings), got ${describe(channels)}; leave it out when the note concerns no channel.`,
    );
  }
  return { ...fields, channels: names };
}

/** A new annotation from `input`, checked; the store supplies `id` and `createdAt`. */
export function makeAnnotation(input: unknown, id: string, createdAt: number): Annotation {
  const record = asRecord(input, 'addAnnotation input');
  const { recordingId } = record;
  if (typeof recordingId !== 'string' || recordingId === '') {
    invalid(`annotation recordingId must be a recording's id, got ${describe(recordingId)}.`);
  }
  return { id, recordingId, ...checkFields(record), createdAt };
}

/**
 * The content of an annotation read back from a file (anything but its id and recording), checked.
 * Throws `ReplayError('invalid_argument')` saying what is wrong with it.
 */
export function parseAnnotationContent(value: unknown): AnnotationContent {
  const record = asRecord(value, 'an annotation');
  const { createdAt } = record;
  if (typeof createdAt !== 'number' || !Number.isFinite(createdAt)) {
    invalid(
      `annotation createdAt must be a finite wall-clock time in ms since the epoch, got ${describe(createdAt)}.`,
    );
  }
  return { ...checkFields(record), createdAt };
}

/** `current` with `patch` applied, checked. Only text, t0 and t1 can change. */
export function patchAnnotation(current: Annotation, patch: unknown): Annotation {
  const record = asRecord(patch, 'updateAnnotation patch');
  const extra = Object.keys(record).filter(
    (key) => !PATCH_KEYS.has(key) && record[key] !== undefined,
  );
  if (extra.length > 0) {
    invalid(
      `updateAnnotation changes text, t0 and t1 only, got ${extra.join(', ')}; delete the annotation and add a new one to change the rest.`,
    );
  }
  const t0 = record.t0 ?? current.t0;
  const isPoint = current.t1 === current.t0;
  const t1 = record.t1 ?? (isPoint ? t0 : current.t1);
  const text = record.text ?? current.text;
  const next = checkFields({ ...current, t0, t1, text });
  return { ...current, ...next };
}

/** An annotation as its MCAP message carries it: every field but `recordingId`. */
export function annotationRecord(annotation: Annotation): AnnotationRecord {
  const { id, t0, t1, text, author, kind, createdAt, channels } = annotation;
  const record = { id, t0, t1, text, author, kind, createdAt };
  return channels === undefined ? record : { ...record, channels };
}

/** Whether the annotation touches [t0, t1] (a point on an edge counts). */
export function overlaps(annotation: Annotation, t0: number, t1: number): boolean {
  return annotation.t1 >= t0 && annotation.t0 <= t1;
}

/** Ordering for lists: by t0, then t1, then creation, then id (a stable, total order). */
export function compareAnnotations(a: Annotation, b: Annotation): number {
  return (
    a.t0 - b.t0 ||
    a.t1 - b.t1 ||
    a.createdAt - b.createdAt ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}
