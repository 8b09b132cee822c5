/**
 * How annotations travel in MCAP: one message each on the topic {@link ANNOTATION_TOPIC},
 * message encoding `json`, schema `twinbench.Annotation` (JSON Schema), log time = publish time =
 * the annotation's t0 in ns. The message is the annotation without its recording id, so
 * Foxglove's and Lichtblick's raw-message and table panels show the note, its author and span.
 */
import { MAX_ANNOTATION_TEXT, annotationRecord, parseAnnotationContent } from '../annotations.ts';
import type { Annotation, AnnotationContent } from '../annotations.ts';

export const ANNOTATION_TOPIC = '/twinbench/annotations';
export const ANNOTATION_SCHEMA_NAME = 'twinbench.Annotation';

const time = (description: string) => ({ type: 'number', description });

export const ANNOTATION_JSON_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: ANNOTATION_SCHEMA_NAME,
  description:
    'A note or bookmark on a Twinbench recording: a point (t1 = t0) or a range of device time.',
  type: 'object',
  properties: {
    id: { type: 'string' },
    t0: time('Start, device time in ms since the Unix epoch.'),
    t1: time('End (≥ t0; = t0 for a point bookmark), device time in ms since the Unix epoch.'),
    text: { type: 'string', maxLength: MAX_ANNOTATION_TEXT },
    author: { type: 'string', minLength: 1 },
    kind: { type: 'string', enum: ['note', 'alert'] },
    createdAt: time('When it was written, wall clock in ms since the Unix epoch.'),
    channels: {
      type: 'array',
      items: { type: 'string' },
      description: 'Names of the channels (topics) it concerns.',
    },
  },
  required: ['id', 't0', 't1', 'text', 'author', 'kind', 'createdAt'],
  additionalProperties: false,
} as const;

/** The JSON text of one annotation's message. */
export function annotationMessageJson(annotation: Annotation): string {
  return JSON.stringify(annotationRecord(annotation));
}

/**
 * The annotation in a message's bytes, checked; throws a `ReplayError('invalid_argument')` (or
 * a SyntaxError for bytes that are not JSON) saying what is wrong.
 */
export function parseAnnotationMessage(text: string): AnnotationContent {
  return parseAnnotationContent(JSON.parse(text));
}
