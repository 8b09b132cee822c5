/**
 * Playback of a stored recording: a cursor in device time that advances at a chosen speed, and a
 * {@link LiveTelemetry} fed with the recording's samples up to the cursor, so every view that
 * draws live telemetry draws the recording instead. Plain TypeScript: the page calls `tick()`
 * once per animation frame; tests call it with their own clock.
 *
 * Samples are read ahead from the recorder worker in windows (`window()`), a few seconds of
 * device time at a time, and handed to the telemetry as the cursor passes them. A seek starts a
 * fresh telemetry from the ten seconds before the new cursor, so sparklines have history at once.
 */
import type { Sample } from '../protocol/relay.ts';
import { LiveTelemetry } from '../telemetry/liveTelemetry.ts';
import type { RecorderWorkerApi, RecordingSummary } from '../workers/recorderProtocol.ts';
import { decodeSampleBatch } from '../workers/sampleBatch.ts';

/**
 * Where playback reads a recording: the recorder worker's `window` and `neighbour`, and — when
 * given — `latestAt`, which lets a seek show the values at the new cursor before the history
 * behind it has been read.
 */
export type PlaybackSource = Pick<RecorderWorkerApi, 'window' | 'neighbour'> &
  Partial<Pick<RecorderWorkerApi, 'latestAt'>>;

/** A stretch of device time the cursor plays round and round (ms since the epoch). */
export interface LoopRegion {
  readonly t0: number;
  readonly t1: number;
}

export type PlaybackView =
  | { readonly mode: 'live' }
  | {
      readonly mode: 'playback';
      readonly recordingId: string;
      /** Device-time span of the recording (ms since the epoch). */
      readonly start: number;
      readonly end: number;
      readonly cursor: number;
      readonly playing: boolean;
      readonly speed: number;
      /** The cursor is ahead of the samples read so far (reading is slower than playing). */
      readonly buffering: boolean;
      /**
       * The views show the recording's latest-at values at the cursor: from a `latestAt` query
       * right after a seek, or from the samples read up to it. False between a seek and then.
       */
      readonly ready: boolean;
      readonly problem: string | null;
      /** Played round and round while set. */
      readonly loop: LoopRegion | null;
      /** True while the recording is still being written (its end moves on). */
      readonly growing: boolean;
    };

export interface PlaybackOptions {
  /** Device time kept behind the cursor after a seek, ms. */
  readonly historyMs?: number;
  /** Device time read ahead of the cursor at 1×, ms. */
  readonly readAheadMs?: number;
  /** Samples per window request. */
  readonly pageLimit?: number;
  /** Every sample the cursor passes, in time order, as it hands them to the views. */
  readonly onSamples?: (samples: readonly Sample[]) => void;
  /** The samples start over (open, seek, loop): what follows them must forget what came before. */
  readonly onRestart?: () => void;
}

export const PLAYBACK_SPEEDS = [0.1, 0.25, 0.5, 1, 2, 5, 10] as const;

export class PlaybackError extends Error {
  override readonly name = 'PlaybackError';
  constructor(
    readonly reason: 'empty_recording' | 'bad_speed' | 'not_playing' | 'bad_loop',
    message: string,
  ) {
    super(`Twinbench playback: ${message}`);
  }
}

/**
 * How far behind the end of a recording still being written playback reads: samples of one
 * device time reach the recorder over a few relay batches, so the newest ones may be incomplete.
 */
export const GROWING_MARGIN_MS = 300;

/** Longest wall-clock step one tick advances; a tab returning from the background does not jump. */
const MAX_TICK_MS = 250;

export class Playback {
  private view: PlaybackView = { mode: 'live' };
  private display = new LiveTelemetry();
  private readonly historyMs: number;
  private readonly readAheadMs: number;
  private readonly pageLimit: number;
  /** Samples read but not yet passed by the cursor, in time order, from `due`. */
  private pending: Sample[] = [];
  private due = 0;
  /** Device time up to which (exclusive) the recording has been read. */
  private readThrough = 0;
  /**
   * A window read is in flight. Reads are not abandoned by a seek: one at a time reaches the
   * recorder worker, and a stale one's answer is dropped and the current read started.
   */
  private reading = false;
  /** A `latestAt` seed is in flight; like reads, one at a time reaches the worker. */
  private seeding = false;
  /** A seek came while a seed was in flight: seed the cursor then current when it answers. */
  private seedWanted = false;
  /** Bumped by every open and seek, so a late window of an older read is discarded. */
  private generation = 0;
  /**
   * After a seek, until the reads reach the cursor: samples are kept back, so the views go on
   * showing the latest-at values at the cursor rather than the history as it streams in.
   */
  private catchingUp = false;
  /** The display holds `latestAt` values, to be replaced once the reads reach the cursor. */
  private seeded = false;
  /** The cursor is being dragged: see `holdHistory`. */
  private historyHeld = false;
  private lastTick: number | null = null;
  private recording: RecordingSummary | null = null;
  private readonly onSamples: ((samples: readonly Sample[]) => void) | undefined;
  private readonly onRestart: (() => void) | undefined;

  constructor(
    private readonly source: PlaybackSource,
    private readonly onChange: (view: PlaybackView) => void,
    options: PlaybackOptions = {},
  ) {
    this.historyMs = options.historyMs ?? 10_000;
    this.readAheadMs = options.readAheadMs ?? 3_000;
    this.pageLimit = options.pageLimit ?? 50_000;
    this.onSamples = options.onSamples;
    this.onRestart = options.onRestart;
  }

  get state(): PlaybackView {
    return this.view;
  }

  /** The telemetry views draw while playing back (its values are the recording's at the cursor). */
  get telemetry(): LiveTelemetry {
    return this.display;
  }

  get active(): boolean {
    return this.view.mode === 'playback';
  }

  /**
   * Switches to playback of `recording`, paused at its first sample (or at `at`). A recording
   * still being written (`active`) keeps growing: {@link extend} moves its end on.
   */
  open(recording: RecordingSummary, at?: number): void {
    const { firstSampleTime: start, lastSampleTime: end } = recording;
    if (start === null || end === null) {
      throw new PlaybackError(
        'empty_recording',
        'this recording holds no samples yet; record some telemetry first, or pick another recording.',
      );
    }
    this.recording = recording;
    this.view = {
      mode: 'playback',
      recordingId: recording.id,
      start,
      end,
      cursor: start,
      playing: false,
      speed: 1,
      buffering: false,
      ready: false,
      problem: null,
      loop: null,
      growing: recording.active,
    };
    this.seek(at ?? start);
  }

  /** The recording being played grew: its last sample is now at `end` (device time). */
  extend(end: number): void {
    if (this.view.mode !== 'playback' || !(end > this.view.end)) return;
    this.view = { ...this.view, end };
  }

  /** The recording stopped growing (it was ended). */
  sealed(): void {
    if (this.view.mode === 'playback' && this.view.growing) this.update({ growing: false });
  }

  /** Plays `region` round and round (null: no loop). The cursor jumps into it when outside. */
  setLoop(region: LoopRegion | null): void {
    const v = this.playing();
    if (region === null) {
      this.update({ loop: null });
      return;
    }
    const t0 = Math.max(v.start, Math.min(region.t0, region.t1));
    const t1 = Math.min(v.end, Math.max(region.t0, region.t1));
    if (!(t1 - t0 >= 10))
      throw new PlaybackError(
        'bad_loop',
        `a loop needs at least 10 ms of the recording, got ${Math.max(0, t1 - t0)} ms; drag a wider region.`,
      );
    this.update({ loop: { t0, t1 } });
    if (v.cursor < t0 || v.cursor > t1) this.seek(t0);
  }

  /** Moves the cursor by `deltaMs` of device time (negative: back). */
  jump(deltaMs: number): void {
    this.seek(this.playing().cursor + deltaMs);
  }

  /**
   * Pauses and moves the cursor to the previous or next sample of any channel (or of
   * `channels`). Resolves to the new cursor, or null at either end of the recording.
   */
  async step(direction: 'before' | 'after', channels: readonly number[] | null = null) {
    const v = this.playing();
    this.pause();
    const generation = this.generation;
    const t = await this.source.neighbour(v.recordingId, v.cursor, direction, channels);
    // A seek in the meantime wins.
    if (t === null || generation !== this.generation || this.view.mode !== 'playback') return null;
    this.seek(t);
    return t;
  }

  /** Back to live telemetry. */
  live(): void {
    this.generation++;
    this.pending = [];
    this.due = 0;
    this.view = { mode: 'live' };
    this.onChange(this.view);
  }

  play(): void {
    const v = this.playing();
    // Playing from the end starts over.
    if (v.cursor >= v.end) this.seek(v.start);
    this.lastTick = null;
    this.update({ playing: true });
  }

  pause(): void {
    this.update({ playing: false });
  }

  setSpeed(speed: number): void {
    if (!(speed > 0) || !Number.isFinite(speed))
      throw new PlaybackError('bad_speed', `speed must be a positive number, got ${speed}.`);
    this.playing();
    this.update({ speed });
  }

  /**
   * While the user drags the cursor (`held`), a seek asks only for the latest-at values at the
   * cursor, which is what a drag shows; reading the history behind it waits for the release.
   * A drag seeks many times a second, and each history read is seconds of every channel: they
   * kept the recorder worker busy, so the next seek's values waited behind them. Without a
   * `latestAt` source there is nothing to show but the history, so nothing is held.
   */
  holdHistory(held: boolean): void {
    if (this.historyHeld === held) return;
    this.historyHeld = held;
    if (!held) this.readAhead();
  }

  /** Moves the cursor to device time `t` (clamped to the recording). */
  seek(t: number): void {
    const v = this.playing();
    const cursor = Math.min(Math.max(t, v.start), v.end);
    this.generation++;
    this.display = this.freshDisplay();
    this.pending = [];
    this.due = 0;
    this.readThrough = Math.max(v.start, cursor - this.historyMs);
    this.catchingUp = true;
    this.seeded = false;
    this.onRestart?.();
    this.update({ cursor, buffering: true, ready: false, problem: null });
    this.seed(v.recordingId, cursor);
    this.readAhead();
  }

  private freshDisplay(): LiveTelemetry {
    const display = new LiveTelemetry();
    display.setChannels(this.recording?.channels ?? []);
    return display;
  }

  /**
   * Asks for every channel's latest sample at the cursor, and shows them unless the reads have
   * reached the cursor first: one chunk per channel instead of seconds of history for all.
   *
   * A drag seeks many times a second, faster than the worker answers: only one seed is in
   * flight, and when it answers the cursor of the latest seek is seeded next (the ones between
   * are never asked for). History reads wait for the seed, so the worker answers it first.
   */
  private seed(recordingId: string, cursor: number): void {
    const latestAt = this.source.latestAt;
    const channels = this.recording?.channels.map((c) => c.id) ?? [];
    if (latestAt === undefined || channels.length === 0) return;
    if (this.seeding) {
      this.seedWanted = true;
      return;
    }
    this.seeding = true;
    const generation = this.generation;
    const answered = () => {
      this.seeding = false;
      const v = this.view;
      if (this.seedWanted && v.mode === 'playback' && this.catchingUp) {
        this.seedWanted = false;
        this.seed(v.recordingId, v.cursor);
      } else this.seedWanted = false;
      this.readAhead();
    };
    latestAt(recordingId, cursor, channels).then(
      (latest) => {
        if (generation !== this.generation || !this.catchingUp) {
          answered();
          return;
        }
        const samples: Sample[] = [];
        for (const s of latest)
          if (s !== null) samples.push([s.channel, s.time, s.value, s.receiveTime]);
        samples.sort((a, b) => a[1] - b[1]);
        this.display.ingest(samples, cursor);
        this.seeded = true;
        if (this.view.mode === 'playback' && !this.view.ready) this.update({ ready: true });
        answered();
      },
      // The history read still brings the values; a failing read reports itself there.
      answered,
    );
  }

  /**
   * Advances the cursor by the wall-clock time since the last tick times the speed, hands the
   * samples it passed to the telemetry and reads ahead. `now` is a monotonic clock in ms.
   */
  tick(now: number): void {
    if (this.view.mode !== 'playback') return;
    const v = this.view;
    const elapsed = this.lastTick === null ? 0 : Math.min(now - this.lastTick, MAX_TICK_MS);
    this.lastTick = now;
    let { cursor, playing } = v;
    // While buffering the cursor waits for the data instead of running past it.
    if (playing && !(v.buffering && this.readThrough <= cursor)) {
      cursor = Math.min(v.end, cursor + elapsed * v.speed);
      if (v.loop && cursor >= v.loop.t1) {
        // Round again: a seek reads from the loop's start with its history.
        this.seek(v.loop.t0);
        return;
      }
      // A growing recording waits at its end for more instead of stopping.
      if (cursor >= v.end && !v.growing) playing = false;
    }
    this.feedThrough(cursor);
    const buffering = this.readThrough <= cursor && this.readThrough <= v.end;
    const ready = v.ready || !this.catchingUp;
    if (
      cursor !== v.cursor ||
      playing !== v.playing ||
      buffering !== v.buffering ||
      ready !== v.ready
    ) {
      this.view = { ...v, cursor, playing, buffering, ready };
      // The cursor moves every frame: only discrete changes are announced.
      if (playing !== v.playing || buffering !== v.buffering || ready !== v.ready)
        this.onChange(this.view);
    }
    this.readAhead();
  }

  private feedThrough(cursor: number): void {
    if (this.catchingUp) {
      // Until the reads pass the cursor, the history stays back (see `catchingUp`).
      if (this.readThrough <= cursor) return;
      this.catchingUp = false;
      if (this.seeded) this.display = this.freshDisplay();
      this.seeded = false;
    }
    let k = this.due;
    while (k < this.pending.length && this.pending[k]![1] <= cursor) k++;
    if (k === this.due) return;
    const passed = this.pending.slice(this.due, k);
    this.display.ingest(passed, cursor);
    this.onSamples?.(passed);
    this.due = k;
    if (this.due > 4096 && this.due > this.pending.length / 2) {
      this.pending = this.pending.slice(this.due);
      this.due = 0;
    }
  }

  private readAhead(): void {
    if (this.view.mode !== 'playback' || this.reading) return;
    // After a seek the seed goes first (see `seed`), and during a drag it goes alone.
    if (this.seeding && this.catchingUp) return;
    if (this.historyHeld && this.catchingUp && this.source.latestAt !== undefined) return;
    const v = this.view;
    // A growing recording is read only up to where every channel has surely arrived.
    const limit = v.growing ? v.end + 1 - GROWING_MARGIN_MS : v.end + 1;
    const horizon = Math.min(limit, v.cursor + this.readAheadMs * Math.max(1, v.speed));
    if (this.readThrough >= horizon) return;
    const t0 = this.readThrough;
    const t1 = Math.min(limit, Math.max(horizon, t0 + 500));
    const generation = this.generation;
    this.reading = true;
    this.source.window(v.recordingId, t0, t1, null, this.pageLimit).then(
      (page) => {
        this.reading = false;
        if (generation !== this.generation) {
          this.readAhead();
          return;
        }
        for (const sample of decodeSampleBatch(page.batch)) this.pending.push(sample);
        this.readThrough = page.complete ? t1 : page.next;
        const current = this.playing();
        this.feedThrough(current.cursor);
        if (current.buffering && this.readThrough > current.cursor)
          this.update({ buffering: false, ready: true });
        this.readAhead();
      },
      (error: unknown) => {
        this.reading = false;
        if (generation !== this.generation) {
          this.readAhead();
          return;
        }
        this.update({
          playing: false,
          problem: `cannot read the recording: ${error instanceof Error ? error.message : String(error)}`,
        });
      },
    );
  }

  private playing(): Extract<PlaybackView, { mode: 'playback' }> {
    if (this.view.mode !== 'playback')
      throw new PlaybackError('not_playing', 'open a recording first (Recording panel ▶).');
    return this.view;
  }

  private update(patch: Partial<Extract<PlaybackView, { mode: 'playback' }>>): void {
    this.view = { ...this.playing(), ...patch };
    this.onChange(this.view);
  }
}
