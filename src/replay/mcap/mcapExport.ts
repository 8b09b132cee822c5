/**
 * Export a recording, or a window of it, as an MCAP file that Foxglove and Lichtblick open.
 *
 * Layout: one MCAP channel per Twinbench channel (topic = channel name, message encoding
 * `json`, the shared `twinbench.Sample` JSON Schema, metadata `unit`, `source` and
 * `twinbench.channelId`); one message per sample, shaped as in `sampleMessage.ts`, with
 * log time = relay receive time and publish time = device time (ns); one Metadata record,
 * `twinbench.recording`, with the recording's id, twin, notes, start and end; the recording's
 * annotations on the topic {@link ANNOTATION_TOPIC} (see `annotationMessage.ts`). Chunked and
 * indexed (summary, chunk and message indexes, statistics), uncompressed: @mcap/core brings no
 * compressor and the indexed readers need none.
 *
 * ```ts
 * const bytes = await exportMcap(store, rec.id, { t0: 10_000, t1: 20_000, channels: [0, 2] });
 * download(new Blob([bytes]), `${rec.twin}.mcap`);
 * ```
 */
import { LIBRARY_IDENTIFIER, McapWriter } from '@mcap/core';
import type { IWritable } from '@mcap/core';
import type { ChannelInfo } from '../../protocol/relay.ts';
import { overlaps } from '../annotations.ts';
import { ReplayError } from '../replayError.ts';
import type { ReplayStore } from '../replayStore.ts';
import { msToNs } from '../../protocol/nanoTime.ts';
import {
  ANNOTATION_JSON_SCHEMA,
  ANNOTATION_SCHEMA_NAME,
  ANNOTATION_TOPIC,
  annotationMessageJson,
} from './annotationMessage.ts';
import { SAMPLE_JSON_SCHEMA, SAMPLE_SCHEMA_NAME, sampleMessageJson } from './sampleMessage.ts';

export { ANNOTATION_TOPIC } from './annotationMessage.ts';

/** Name of the Metadata record that carries the recording's own fields. */
export const RECORDING_METADATA_NAME = 'twinbench.recording';
/** Channel metadata key holding the Twinbench channel id, so import can keep ids. */
export const CHANNEL_ID_KEY = 'twinbench.channelId';

export interface McapExportOptions {
  /** First device time to include (ms, inclusive); default: the start. */
  readonly t0?: number;
  /** Last device time to include (ms, inclusive); default: the end. */
  readonly t1?: number;
  /**
   * Channel ids to include; default: all of the recording's channels. Annotations are written
   * whatever the channels (those that overlap [t0, t1]).
   */
  readonly channels?: readonly number[];
  /** Bytes of messages per chunk before it is closed (default 1 MiB). */
  readonly chunkSize?: number;
}

export interface McapExportSummary {
  /** Sample channels written (the annotation channel not counted). */
  readonly channels: number;
  /** Messages written, annotations included. */
  readonly messages: number;
  readonly annotations: number;
}

/**
 * Streams the recording into `writable` as MCAP. `writable.write` is awaited before the next
 * write, so a file handle or a stream with backpressure works as well as memory.
 */
export async function writeMcap(
  store: ReplayStore,
  recordingId: string,
  writable: IWritable,
  options: McapExportOptions = {},
): Promise<McapExportSummary> {
  const meta = store.listRecordings().find((recording) => recording.id === recordingId);
  if (meta === undefined) {
    throw new ReplayError(
      'unknown_recording',
      `MCAP export: no recording "${recordingId}"; pick one from listRecordings().`,
    );
  }
  const t0 = options.t0 ?? -Infinity;
  const t1 = options.t1 ?? Infinity;
  if (Number.isNaN(t0) || Number.isNaN(t1) || t1 < t0) {
    throw new ReplayError('invalid_argument', `MCAP export needs t0 ≤ t1, got ${t0}..${t1}.`);
  }
  const channels = pickChannels(meta.channels, options.channels);

  const writer = new McapWriter({ writable, chunkSize: options.chunkSize ?? 1024 * 1024 });
  await writer.start({ profile: '', library: `twinbench; ${LIBRARY_IDENTIFIER}` });
  const schemaId = await writer.registerSchema({
    name: SAMPLE_SCHEMA_NAME,
    encoding: 'jsonschema',
    data: new TextEncoder().encode(JSON.stringify(SAMPLE_JSON_SCHEMA)),
  });
  const mcapChannel = new Map<number, { id: number; sequence: number }>();
  for (const channel of channels) {
    const id = await writer.registerChannel({
      schemaId,
      topic: channel.name,
      messageEncoding: 'json',
      metadata: new Map([
        ['unit', channel.unit],
        ['source', channel.source],
        [CHANNEL_ID_KEY, String(channel.id)],
      ]),
    });
    mcapChannel.set(channel.id, { id, sequence: 0 });
  }
  await writer.addMetadata({
    name: RECORDING_METADATA_NAME,
    metadata: new Map([
      ['id', meta.id],
      ['twin', meta.twin],
      ['notes', meta.notes],
      // Decimal ms (String(number) round-trips exactly) and ISO for people reading the file.
      ['startedAt', String(meta.startedAt)],
      ['startedAtIso', isoOrEmpty(meta.startedAt)],
      ['endedAt', meta.endedAt === null ? '' : String(meta.endedAt)],
      ['endedAtIso', meta.endedAt === null ? '' : isoOrEmpty(meta.endedAt)],
      ['windowT0', options.t0 === undefined ? '' : String(options.t0)],
      ['windowT1', options.t1 === undefined ? '' : String(options.t1)],
    ]),
  });

  const encoder = new TextEncoder();
  const annotations = (await store.listAnnotations(recordingId)).filter((a) => overlaps(a, t0, t1));
  if (annotations.length > 0) {
    const annotationSchema = await writer.registerSchema({
      name: ANNOTATION_SCHEMA_NAME,
      encoding: 'jsonschema',
      data: encoder.encode(JSON.stringify(ANNOTATION_JSON_SCHEMA)),
    });
    const channelId = await writer.registerChannel({
      schemaId: annotationSchema,
      topic: ANNOTATION_TOPIC,
      messageEncoding: 'json',
      metadata: new Map(),
    });
    for (const [sequence, annotation] of annotations.entries()) {
      const at = msToNs(annotation.t0);
      await writer.addMessage({
        channelId,
        sequence,
        logTime: at,
        publishTime: at,
        data: encoder.encode(annotationMessageJson(annotation)),
      });
    }
  }

  // Messages are copied into the chunk as they are added, so one scratch buffer serves all.
  const scratch = new Uint8Array(128);
  let messages = 0;
  for await (const [channel, time, value, receiveTime] of store.replay(
    recordingId,
    Number.isFinite(t0) ? t0 : -Infinity,
  )) {
    if (time > t1) break;
    const target = mcapChannel.get(channel);
    if (target === undefined) continue;
    const publishTime = msToNs(time);
    // A sample without a usable receive time is logged at its device time.
    const logTime =
      Number.isFinite(receiveTime) && receiveTime >= 0 ? msToNs(receiveTime) : publishTime;
    const { written } = encoder.encodeInto(sampleMessageJson(value), scratch);
    await writer.addMessage({
      channelId: target.id,
      sequence: target.sequence++ >>> 0,
      logTime,
      publishTime,
      data: scratch.subarray(0, written),
    });
    messages++;
  }
  await writer.end();
  return {
    channels: channels.length,
    messages: messages + annotations.length,
    annotations: annotations.length,
  };
}

/** {@link writeMcap} into memory; the whole file as one array. */
export async function exportMcap(
  store: ReplayStore,
  recordingId: string,
  options: McapExportOptions = {},
): Promise<Uint8Array> {
  const buffer = new GrowableBuffer();
  await writeMcap(store, recordingId, buffer, options);
  return buffer.bytes();
}

function pickChannels(
  all: readonly ChannelInfo[],
  wanted: readonly number[] | undefined,
): readonly ChannelInfo[] {
  if (wanted === undefined) return all;
  return wanted.map((id) => {
    const channel = all.find((c) => c.id === id);
    if (channel === undefined) {
      throw new ReplayError(
        'invalid_argument',
        `MCAP export: the recording has no channel ${id}; its channels are ${all.map((c) => c.id).join(', ')}.`,
      );
    }
    return channel;
  });
}

function isoOrEmpty(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString();
}

/** An IWritable into memory that doubles its capacity (@mcap/core's TempBuffer grows by each write). */
export class GrowableBuffer implements IWritable {
  private buffer = new Uint8Array(64 * 1024);
  private length = 0;

  write(data: Uint8Array): Promise<void> {
    if (this.length + data.byteLength > this.buffer.byteLength) {
      let capacity = this.buffer.byteLength * 2;
      while (capacity < this.length + data.byteLength) capacity *= 2;
      const next = new Uint8Array(capacity);
      next.set(this.buffer.subarray(0, this.length));
      this.buffer = next;
    }
    this.buffer.set(data, this.length);
    this.length += data.byteLength;
    return Promise.resolve();
  }

  position(): bigint {
    return BigInt(this.length);
  }

  /** A copy of what was written, exactly as long. */
  bytes(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}
