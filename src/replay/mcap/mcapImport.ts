/**
 * Import an MCAP file into a new recording.
 *
 * Channels with message encoding `json` become Twinbench channels when their messages hold a
 * number (see `numericValueOf` in `sampleMessage.ts` for the shapes accepted); every other
 * message is counted, per channel and reason, in `skipped` — protobuf, ros1msg, cdr and the
 * rest never stop an import. Messages on {@link ANNOTATION_TOPIC} become the new recording's
 * annotations (with new ids); one that fails the checks is skipped as `invalid_annotation`. Device time is the publish time (the log time when a writer left
 * publish time 0), receive time the log time.
 *
 * Files with a summary are read through the index; files without one (a recorder that crashed,
 * a download cut short) are read from the start as far as they go, and what stopped the read
 * is listed in `errors`. Only a file with nothing readable at all throws.
 *
 * Samples are collected in memory (24 bytes each) before the recording is created, because a
 * recording's channels are fixed when it is created and a file without a summary names its
 * channels only as it goes.
 *
 * ```ts
 * const report = await importMcap(store, new Uint8Array(await file.arrayBuffer()), { twin: 'footbridge' });
 * for (const s of report.skipped) console.warn(`${s.topic}: ${s.count} ${s.encoding} messages skipped (${s.reason})`);
 * ```
 */
import {
  hasMcapPrefix,
  McapIndexedReader,
  McapRecordBuilder,
  McapStreamReader,
  Opcode,
} from '@mcap/core';
import type { DecompressHandlers, IReadable, TypedMcapRecords } from '@mcap/core';
import type { ChannelInfo, Sample } from '../../protocol/relay.ts';
import { ReplayError } from '../replayError.ts';
import type { ReplayStore } from '../replayStore.ts';
import type { AnnotationContent } from '../annotations.ts';
import { ANNOTATION_TOPIC, parseAnnotationMessage } from './annotationMessage.ts';
import { CHANNEL_ID_KEY, RECORDING_METADATA_NAME } from './mcapExport.ts';
import { nsToMs } from '../../protocol/nanoTime.ts';
import { numericValueOf } from './sampleMessage.ts';
import { SampleColumns } from './sampleColumns.ts';

export interface McapImportOptions {
  /** Twin of the new recording; default: the file's `twinbench.recording` metadata, else "imported". */
  readonly twin?: string;
  /** Notes of the new recording; default: the file's metadata, else a line naming the import. */
  readonly notes?: string;
  /**
   * Decompressors by chunk compression name. @mcap/core brings none, and files from the mcap
   * CLI and ROS 2 are usually `zstd`: pass `{ zstd: (data, size) => … }` (e.g. from
   * @foxglove/wasm-zstd) to read them.
   */
  readonly decompressHandlers?: DecompressHandlers;
}

export type SkipReason = 'unsupported_encoding' | 'bad_json' | 'not_numeric' | 'invalid_annotation';

/** Messages of one MCAP channel that were not imported, for one reason. */
export interface SkippedMessages {
  readonly topic: string;
  readonly encoding: string;
  readonly reason: SkipReason;
  readonly count: number;
  /** For `invalid_annotation`: what was wrong with the first of them. */
  readonly detail?: string;
}

/** Why part of a file could not be read: it ends early, or a record in it is damaged. */
export interface ImportProblem {
  readonly reason: 'truncated' | 'corrupt';
  readonly message: string;
}

export interface McapImportReport {
  /** The new recording; null when the file held no channel that could be imported. */
  readonly recordingId: string | null;
  /** `indexed` when the summary was used, `stream` when the file was read from the start. */
  readonly reader: 'indexed' | 'stream';
  readonly channels: number;
  readonly samples: number;
  /** Annotations added to the new recording. */
  readonly annotations: number;
  readonly skipped: readonly SkippedMessages[];
  readonly errors: readonly ImportProblem[];
}

type McapChannel = TypedMcapRecords['Channel'];
type McapMessage = TypedMcapRecords['Message'];

/** Bytes handed to the stream reader at a time, so it never holds a second copy of the file. */
const STREAM_SLICE = 4 * 1024 * 1024;
/** Samples appended between flushes, so the store's in-memory drafts stay small. */
const FLUSH_EVERY = 200_000;

/** Reads `bytes` as MCAP into a new recording of `store`. */
export async function importMcap(
  store: ReplayStore,
  bytes: Uint8Array,
  options: McapImportOptions = {},
): Promise<McapImportReport> {
  assertMagic(bytes);
  const errors: ImportProblem[] = [];
  let collected: Collector | undefined;
  let reader: McapImportReport['reader'] = 'indexed';
  const decompressHandlers = options.decompressHandlers ?? {};
  const indexed = await openIndexed(bytes, decompressHandlers);
  if (indexed !== undefined) {
    collected = new Collector();
    try {
      await readIndexed(indexed, collected);
    } catch (error) {
      errors.push({
        reason: 'corrupt',
        message: `reading through the index failed (${messageOf(error)}); the file was read again from the start.`,
      });
      collected = undefined;
    }
  }
  if (collected === undefined) {
    reader = 'stream';
    collected = new Collector();
    errors.push(...readStream(bytes, collected, decompressHandlers));
  }
  if (collected.messages === 0 && errors.length > 0) {
    throw new ReplayError(
      'invalid_argument',
      `MCAP import: nothing could be read from this file (${bytes.byteLength} bytes): ${errors.map((e) => e.message).join(' ')}`,
    );
  }
  return { ...(await writeRecording(store, collected, options)), reader, errors };
}

function assertMagic(bytes: Uint8Array): void {
  if (!hasMcapPrefix(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength))) {
    const found = Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, '0'));
    throw new ReplayError(
      'invalid_argument',
      `MCAP import: not an MCAP file: missing magic "\\x89MCAP0\\r\\n" at the start ` +
        `(found ${found.length > 0 ? found.join(' ') : 'an empty file'}). Choose a .mcap file.`,
    );
  }
}

/** The indexed reader, or undefined when the file has no usable summary (then we stream). */
async function openIndexed(
  bytes: Uint8Array,
  decompressHandlers: DecompressHandlers,
): Promise<McapIndexedReader | undefined> {
  const readable: IReadable = {
    size: () => Promise.resolve(BigInt(bytes.byteLength)),
    read: (offset, size) => {
      const end = offset + size;
      if (offset < 0n || end > BigInt(bytes.byteLength)) {
        return Promise.reject(new Error(`read ${offset}+${size} is past the end of the file`));
      }
      return Promise.resolve(bytes.subarray(Number(offset), Number(end)));
    },
  };
  try {
    return await McapIndexedReader.Initialize({ readable, decompressHandlers });
  } catch {
    return undefined;
  }
}

async function readIndexed(reader: McapIndexedReader, into: Collector): Promise<void> {
  for (const channel of reader.channelsById.values()) into.channel(channel);
  if (reader.metadataIndexes.some((index) => index.name === RECORDING_METADATA_NAME)) {
    for await (const record of reader.readMetadata({ name: RECORDING_METADATA_NAME })) {
      into.recordingMetadata = record.metadata;
    }
  }
  for await (const message of reader.readMessages()) into.message(message);
}

/** Reads records from the start as far as they go; returns what stopped it, if anything. */
function readStream(
  bytes: Uint8Array,
  into: Collector,
  decompressHandlers: DecompressHandlers,
): ImportProblem[] {
  const reader = new McapStreamReader({ decompressHandlers });
  let offset = 0;
  try {
    while (offset < bytes.byteLength) {
      const end = Math.min(offset + STREAM_SLICE, bytes.byteLength);
      reader.append(bytes.subarray(offset, end));
      offset = end;
      for (let record; (record = reader.nextRecord());) {
        switch (record.type) {
          case 'Header':
            into.header = true;
            break;
          case 'Channel':
            into.channel(record);
            break;
          case 'Message':
            into.message(record);
            break;
          case 'Metadata':
            if (record.name === RECORDING_METADATA_NAME) into.recordingMetadata = record.metadata;
            break;
          default:
            break;
        }
      }
      if (reader.done()) break;
    }
  } catch (error) {
    const at = offset - reader.bytesRemaining();
    const text = messageOf(error);
    if (/Unsupported compression/.test(text)) {
      return [
        {
          reason: 'corrupt',
          message: `${text}: chunks from byte ${at} on were not read. Pass decompressHandlers (e.g. { zstd } from @foxglove/wasm-zstd) to importMcap to read them.`,
        },
      ];
    }
    return [
      {
        reason: 'corrupt',
        message: `a damaged record near byte ${at} of ${bytes.byteLength} stopped the read (${messageOf(error)}); ${into.messages} messages before it were read.`,
      },
    ];
  }
  if (!into.header) {
    return [
      {
        reason: 'truncated',
        message: `the file ends (${bytes.byteLength} bytes) before its header record is complete.`,
      },
    ];
  }
  if (!reader.done()) {
    const tail = bytes.subarray(bytes.byteLength - reader.bytesRemaining());
    const salvaged = salvageCutChunk(tail, into, decompressHandlers);
    return [
      {
        reason: 'truncated',
        message:
          `the file ends after ${bytes.byteLength} bytes, inside a record (${tail.byteLength} bytes of it present): ` +
          `it was cut short. The ${into.messages} messages before that point were read` +
          (salvaged > 0 ? `, ${salvaged} of them from the cut chunk` : '') +
          '; the rest of the file is missing.',
      },
    ];
  }
  return [];
}

/**
 * Reads the whole records at the start of an uncompressed chunk that the end of the file cut
 * through (a recorder that crashed leaves exactly this), after replaying the channels already
 * seen so the reader accepts their messages. Returns how many messages it read.
 */
function salvageCutChunk(
  tail: Uint8Array,
  into: Collector,
  decompressHandlers: DecompressHandlers,
): number {
  // opcode, record length, start and end time, uncompressed size, crc, compression, records length
  const compressionAt = 1 + 8 + 8 + 8 + 8 + 4;
  if (tail.byteLength < compressionAt + 4 + 8 || tail[0] !== (Opcode.CHUNK as number)) return 0;
  const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  if (view.getUint32(compressionAt, true) !== 0) return 0; // compressed: no partial data to read
  const records = tail.subarray(compressionAt + 4 + 8);
  const known = new McapRecordBuilder();
  for (const channel of into.channels.values()) known.writeChannel(channel);
  const reader = new McapStreamReader({ noMagicPrefix: true, decompressHandlers });
  const before = into.messages;
  try {
    reader.append(known.buffer);
    reader.append(records);
    for (let record; (record = reader.nextRecord());) {
      if (record.type === 'Channel') into.channel(record);
      else if (record.type === 'Message') into.message(record);
    }
  } catch {
    // A damaged record inside the cut chunk: keep what came before it.
  }
  return into.messages - before;
}

/** What a read found: channels, the recording metadata, and per-channel samples and skips. */
class Collector {
  header = false;
  messages = 0;
  recordingMetadata: ReadonlyMap<string, string> | undefined;
  readonly channels = new Map<number, McapChannel>();
  readonly columns = new Map<number, SampleColumns>();
  readonly annotations: AnnotationContent[] = [];
  readonly skipped = new Map<
    string,
    { -readonly [K in keyof SkippedMessages]: SkippedMessages[K] } & { channelId: number }
  >();
  firstLogTime: bigint | undefined;
  lastLogTime: bigint | undefined;
  private readonly decoder = new TextDecoder();

  channel(channel: McapChannel): void {
    this.channels.set(channel.id, channel);
  }

  message(message: McapMessage): void {
    this.messages++;
    if (this.firstLogTime === undefined || message.logTime < this.firstLogTime)
      this.firstLogTime = message.logTime;
    if (this.lastLogTime === undefined || message.logTime > this.lastLogTime)
      this.lastLogTime = message.logTime;
    // Both readers refuse a message whose channel they have not seen.
    const channel = this.channels.get(message.channelId)!;
    if (channel.messageEncoding !== 'json') return this.skip(channel, 'unsupported_encoding');
    if (isAnnotationChannel(channel)) return this.annotation(channel, message);
    let decoded: unknown;
    try {
      decoded = JSON.parse(this.decoder.decode(message.data));
    } catch {
      return this.skip(channel, 'bad_json');
    }
    const value = numericValueOf(decoded);
    if (value === undefined) return this.skip(channel, 'not_numeric');
    let columns = this.columns.get(channel.id);
    if (columns === undefined) {
      columns = new SampleColumns();
      this.columns.set(channel.id, columns);
    }
    const receiveTime = nsToMs(message.logTime);
    const time = message.publishTime === 0n ? receiveTime : nsToMs(message.publishTime);
    columns.push(time, value, receiveTime);
  }

  private annotation(channel: McapChannel, message: McapMessage): void {
    try {
      this.annotations.push(parseAnnotationMessage(this.decoder.decode(message.data)));
    } catch (error) {
      this.skip(channel, 'invalid_annotation', messageOf(error));
    }
  }

  private skip(channel: McapChannel, reason: SkipReason, detail?: string): void {
    const key = `${channel.id}:${reason}`;
    const entry = this.skipped.get(key);
    if (entry !== undefined) {
      entry.count++;
      return;
    }
    this.skipped.set(key, {
      channelId: channel.id,
      topic: channel.topic,
      encoding: channel.messageEncoding,
      reason,
      count: 1,
      ...(detail === undefined ? {} : { detail }),
    });
  }
}

async function writeRecording(
  store: ReplayStore,
  found: Collector,
  options: McapImportOptions,
): Promise<Omit<McapImportReport, 'reader' | 'errors'>> {
  const skipped = [...found.skipped.values()]
    .sort((a, b) => a.channelId - b.channelId || a.reason.localeCompare(b.reason))
    .map(({ channelId: _, ...entry }): SkippedMessages => entry);
  // A json channel is kept unless it had messages and none of them was a number.
  const kept = [...found.channels.values()]
    .filter(
      (c) =>
        c.messageEncoding === 'json' &&
        !isAnnotationChannel(c) &&
        (found.columns.has(c.id) || ![...found.skipped.values()].some((s) => s.channelId === c.id)),
    )
    .sort((a, b) => a.id - b.id);
  if (kept.length === 0 && found.annotations.length === 0)
    return { recordingId: null, channels: 0, samples: 0, annotations: 0, skipped };

  const ids = twinbenchIds(kept);
  const channels: ChannelInfo[] = kept.map((c, k) => ({
    id: ids[k]!,
    name: c.topic,
    unit: c.metadata.get('unit') ?? '',
    source: c.metadata.get('source') ?? `mcap:${c.topic}`,
  }));
  const meta = found.recordingMetadata;
  const startedAt =
    finiteOr(meta?.get('startedAt')) ??
    (found.firstLogTime === undefined ? undefined : nsToMs(found.firstLogTime));
  const endedAt =
    finiteOr(meta?.get('endedAt')) ??
    (found.lastLogTime === undefined ? undefined : nsToMs(found.lastLogTime));
  const recording = await store.createRecording({
    twin: options.twin ?? meta?.get('twin') ?? 'imported',
    notes: options.notes ?? meta?.get('notes') ?? 'Imported from an MCAP file.',
    channels,
    ...(startedAt === undefined ? {} : { startedAt }),
  });

  let samples = 0;
  let sinceFlush = 0;
  const batch: Sample[] = [];
  for (const [k, c] of kept.entries()) {
    const columns = found.columns.get(c.id);
    if (columns === undefined) continue;
    columns.sortByTime();
    const id = ids[k]!;
    for (let i = 0; i < columns.length; i++) {
      batch.push([id, columns.times[i]!, columns.values[i]!, columns.receiveTimes[i]!]);
      if (batch.length === 10_000) {
        store.append(recording.id, batch);
        sinceFlush += batch.length;
        batch.length = 0;
        if (sinceFlush >= FLUSH_EVERY) {
          await store.flush();
          sinceFlush = 0;
        }
      }
    }
    samples += columns.length;
  }
  store.append(recording.id, batch);
  await store.endRecording(recording.id, ...(endedAt === undefined ? [] : [endedAt]));
  const annotations = await store.restoreAnnotations(recording.id, found.annotations);
  return {
    recordingId: recording.id,
    channels: channels.length,
    samples,
    annotations: annotations.length,
    skipped,
  };
}

/** The channel an export writes annotations on (a json channel on the reserved topic). */
function isAnnotationChannel(channel: McapChannel): boolean {
  return channel.topic === ANNOTATION_TOPIC && channel.messageEncoding === 'json';
}

/** The ids a Twinbench export wrote, when every channel has a distinct one; else 0..n-1. */
function twinbenchIds(channels: readonly McapChannel[]): number[] {
  const ids = channels.map((c) => Number(c.metadata.get(CHANNEL_ID_KEY) ?? NaN));
  const valid = ids.every((id) => Number.isSafeInteger(id) && id >= 0);
  return valid && new Set(ids).size === ids.length ? ids : channels.map((_, k) => k);
}

function finiteOr(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
