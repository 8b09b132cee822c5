import { PLAYBACK_SPEEDS } from '../../app/playback.ts';
import type { Workbench } from '../../app/workbench.ts';
import type { TimelineAction } from './timelineKeys.ts';

/** The device time the views show now: the playback cursor, or the newest live sample. */
export function cursorTime(workbench: Workbench): number {
  const view = workbench.playback.state;
  return view.mode === 'playback' ? view.cursor : workbench.telemetry.headTime;
}

/** The speed one step faster or slower than `speed` in PLAYBACK_SPEEDS. */
export function nextSpeed(speed: number, direction: 1 | -1): number {
  const index = PLAYBACK_SPEEDS.findIndex((s) => s >= speed);
  const here = index < 0 ? PLAYBACK_SPEEDS.length - 1 : index;
  const next = Math.min(PLAYBACK_SPEEDS.length - 1, Math.max(0, here + direction));
  return PLAYBACK_SPEEDS[next]!;
}

/**
 * Carries out a timeline action (from a key or a button). Actions that need playback start it
 * from live by pausing on the recording being written. Returns a sentence for the user when the
 * action could not be done, else null.
 */
export async function runTimelineAction(
  workbench: Workbench,
  action: TimelineAction,
): Promise<string | null> {
  const { playback } = workbench;
  const ensurePlayback = () => {
    if (playback.state.mode === 'playback') return true;
    return workbench.pauseLive();
  };
  const nothing =
    'nothing is recorded yet: wait for the relay’s first samples, or open a recording.';
  switch (action.kind) {
    case 'togglePlay': {
      const view = playback.state;
      if (view.mode === 'live') return workbench.pauseLive() ? null : nothing;
      if (view.playing) playback.pause();
      else playback.play();
      return null;
    }
    case 'step':
      if (!ensurePlayback()) return nothing;
      await playback.step(action.direction);
      return null;
    case 'jump':
      if (!ensurePlayback()) return nothing;
      playback.jump(action.deltaMs);
      return null;
    case 'home':
    case 'end': {
      if (!ensurePlayback()) return nothing;
      const view = playback.state;
      if (view.mode === 'playback') playback.seek(action.kind === 'home' ? view.start : view.end);
      return null;
    }
    case 'live':
      playback.live();
      return null;
    case 'bookmark': {
      const t = cursorTime(workbench);
      if (!(t > 0)) return nothing;
      await workbench.addAnnotation({ t0: t, t1: t, text: '', author: authorName(), kind: 'note' });
      return null;
    }
    case 'loopIn':
    case 'loopOut': {
      if (!ensurePlayback()) return nothing;
      const view = playback.state;
      if (view.mode !== 'playback') return nothing;
      const loop = view.loop ?? { t0: view.start, t1: view.end };
      const region =
        action.kind === 'loopIn'
          ? { t0: view.cursor, t1: Math.max(loop.t1, view.cursor) }
          : { t0: Math.min(loop.t0, view.cursor), t1: view.cursor };
      try {
        playback.setLoop(region);
      } catch (error) {
        return error instanceof Error ? error.message : String(error);
      }
      return null;
    }
    case 'clearLoop':
      if (playback.state.mode === 'playback') playback.setLoop(null);
      return null;
    case 'faster':
    case 'slower': {
      const view = playback.state;
      if (view.mode !== 'playback') return null;
      playback.setSpeed(nextSpeed(view.speed, action.kind === 'faster' ? 1 : -1));
      return null;
    }
  }
}

const AUTHOR_KEY = 'twinbench.author';

/** The name notes are signed with: set once in the Annotations panel, remembered per browser. */
export function authorName(): string {
  try {
    return localStorage.getItem(AUTHOR_KEY)?.trim() || 'operator';
  } catch {
    return 'operator';
  }
}

export function setAuthorName(name: string): void {
  try {
    localStorage.setItem(AUTHOR_KEY, name.trim().slice(0, 80));
  } catch {
    // Storage refused (private mode): the name lasts for this page only.
  }
}
