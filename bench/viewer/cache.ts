/**
 * The recording is kept between runs: writing 100M samples takes 10–15 min on a 2-core machine.
 * It lives in a Chromium profile directory (IndexedDB on disk), named for what it holds; a
 * marker file written after the final flush says the recording in it is complete. A directory
 * without the marker is a run that did not finish, and is rebuilt.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Bump when what the bench writes changes (the synthetic telemetry, the batch layout). */
const VERSION = 1;

export interface RecordingMarker {
  readonly version: number;
  readonly recordingId: string;
  /** The bench server's port when it was written: IndexedDB belongs to the origin. */
  readonly port: number;
  readonly samples: number;
  readonly channels: number;
  readonly ingestSeconds: number;
  readonly chromium: string;
  readonly createdAt: string;
}

export interface RecordingCache {
  readonly dir: string;
  /** The complete recording the directory holds, or null (none yet, or one cut short). */
  readonly marker: RecordingMarker | null;
  /** Marks the recording complete; returns the marker written. */
  save(marker: Omit<RecordingMarker, 'version' | 'createdAt'>): RecordingMarker;
}

/** The cache directory for `samples` on exactly these channels; `fresh` empties it first. */
export function recordingCache(
  samples: number,
  channels: readonly string[],
  fresh: boolean,
): RecordingCache {
  const hash = createHash('sha256').update(channels.join('\n')).digest('hex').slice(0, 10);
  const dir = join(
    homedir(),
    '.cache',
    'twinbench',
    'viewer-bench',
    `${samples}-${channels.length}ch-${hash}-v${VERSION}`,
  );
  const owner = runningChromium(dir);
  if (owner !== null)
    throw new Error(
      `viewer bench: Chromium (pid ${owner}) has ${dir} open — another viewer bench is running on this recording; wait for it to finish`,
    );
  const file = join(dir, 'twinbench-recording.json');
  let marker: RecordingMarker | null = null;
  if (!fresh && existsSync(file)) {
    const read = JSON.parse(readFileSync(file, 'utf8')) as RecordingMarker;
    if (read.version === VERSION && read.samples >= samples) marker = read;
  }
  if (marker === null) rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return {
    dir,
    marker,
    save(fields) {
      const full: RecordingMarker = {
        version: VERSION,
        createdAt: new Date().toISOString(),
        ...fields,
      };
      writeFileSync(file, `${JSON.stringify(full, null, 2)}\n`);
      return full;
    },
  };
}

/** The pid of a live Chromium holding the profile (its SingletonLock names `host-pid`), or null. */
function runningChromium(dir: string): number | null {
  let target: string;
  try {
    target = readlinkSync(join(dir, 'SingletonLock'));
  } catch {
    return null;
  }
  const pid = Number(target.split('-').pop());
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}
