/** The viewer bench's flags, checked: a bad flag stops the run with what to write instead. */

export interface ViewerBenchOptions {
  /** Entities the twin draws (nodes + members + sensor markers), approximately. */
  readonly entities: number;
  /** Channels the twin reads; every one is a sensor on the tower and a channel of the recording. */
  readonly channels: number;
  /** Samples in the recording scrubbed through (100 Hz per channel). */
  readonly samples: number;
  /** Measured seconds of live frames, for the twin and for the baseline each. */
  readonly seconds: number;
  /**
   * At least this many frames per scene live (half in each of its two rounds): a software GPU
   * may draw under one frame a second, and a p95 needs frames.
   */
  readonly frames: number;
  /** Scrub drags: pointer down, moves across the bar, up. */
  readonly drags: number;
  /** Rebuild the cached recording even when a complete one exists. */
  readonly fresh: boolean;
  /** A directory to write CPU profiles of the scrub phase to (main thread and recorder worker). */
  readonly profile: string | null;
  /**
   * TwinCanvas's antialiasing: `auto` (the app's default) judges the first frames afresh this
   * run; the peer then draws as TwinCanvas ended up drawing.
   */
  readonly antialias: 'auto' | 'on' | 'off';
  readonly quick: boolean;
}

export class ViewerBenchUsageError extends Error {
  override readonly name = 'ViewerBenchUsageError';
}

export const USAGE =
  'usage: npm run bench -- viewer [--entities 10k] [--channels 1000] [--samples 100M] ' +
  '[--seconds 10] [--frames 60] [--drags 20] [--antialias auto|on|off] [--fresh] [--quick] [--profile DIR]';

/** `100M`, `1e6`, `250k`, `100_000_000`: a positive count. */
export function count(flag: string, text: string): number {
  const match = /^([\d._e+]+)([kKmMgG]?)$/.exec(text.trim());
  const scale = { '': 1, k: 1e3, m: 1e6, g: 1e9 }[match?.[2]?.toLowerCase() ?? ''];
  const value = Number(match?.[1]?.replaceAll('_', '')) * (scale ?? NaN);
  if (!(value >= 1) || !Number.isFinite(value))
    throw new ViewerBenchUsageError(
      `viewer bench: ${flag} "${text}" is not a positive count; write e.g. ${flag} 10k`,
    );
  return Math.round(value);
}

function seconds(flag: string, text: string): number {
  const value = Number(text);
  if (!(value > 0) || !Number.isFinite(value))
    throw new ViewerBenchUsageError(
      `viewer bench: ${flag} "${text}" is not a positive number of seconds; write e.g. ${flag} 10`,
    );
  return value;
}

/** Reads argv (after the bench name); `--quick` sets small defaults that later flags override. */
export function parseArgs(argv: readonly string[]): ViewerBenchOptions {
  const quick = argv.includes('--quick');
  const options = {
    entities: 10_000,
    channels: 1000,
    // 50 s of 1000 channels: enough to scrub over with 10 s of history, written in about a minute.
    samples: quick ? 5_000_000 : 100_000_000,
    seconds: quick ? 4 : 10,
    frames: quick ? 10 : 60,
    drags: quick ? 6 : 20,
    fresh: false,
    profile: null as string | null,
    antialias: 'auto' as ViewerBenchOptions['antialias'],
    quick,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === '--quick') continue;
    if (flag === '--fresh') {
      options.fresh = true;
      continue;
    }
    if (flag === '--help' || flag === '-h') throw new ViewerBenchUsageError(USAGE);
    const known = [
      '--entities',
      '--channels',
      '--samples',
      '--seconds',
      '--frames',
      '--drags',
      '--antialias',
      '--profile',
    ] as const;
    if (!(known as readonly string[]).includes(flag))
      throw new ViewerBenchUsageError(`viewer bench: unknown flag ${flag}\n${USAGE}`);
    const value = argv[++i];
    if (value === undefined || value.startsWith('--'))
      throw new ViewerBenchUsageError(`viewer bench: ${flag} needs a value\n${USAGE}`);
    if (flag === '--entities') options.entities = count(flag, value);
    else if (flag === '--channels') options.channels = count(flag, value);
    else if (flag === '--samples') options.samples = count(flag, value);
    else if (flag === '--seconds') options.seconds = seconds(flag, value);
    else if (flag === '--frames') options.frames = count(flag, value);
    else if (flag === '--drags') options.drags = count(flag, value);
    else if (flag === '--antialias') {
      if (value !== 'auto' && value !== 'on' && value !== 'off')
        throw new ViewerBenchUsageError(
          `viewer bench: --antialias "${value}" is not auto, on or off; write e.g. --antialias off`,
        );
      options.antialias = value;
    } else options.profile = value;
  }
  if (options.channels < 4)
    throw new ViewerBenchUsageError(
      'viewer bench: --channels must be at least 4 (two displacement channels and a strain gauge)',
    );
  if (options.entities < options.channels + 50)
    throw new ViewerBenchUsageError(
      `viewer bench: --entities ${options.entities} leaves no room for a structure beside ` +
        `${options.channels} sensor markers; give at least --entities ${options.channels + 50}`,
    );
  if (options.samples < options.channels * 100 * 20)
    throw new ViewerBenchUsageError(
      `viewer bench: --samples ${options.samples} is under 20 s of recording for ` +
        `${options.channels} channels at 100 Hz (scrubbing needs 10 s of history); give at least ` +
        `--samples ${options.channels * 100 * 20}`,
    );
  return options;
}
