/**
 * Scrub targets and the frames that drew them. A target is one seek from the scrub bar; it is
 * drawn by the first frame whose playback cursor is its cursor with `ready` set (the scene read
 * the recording's latest-at values there). A target overtaken by the next seek before any frame
 * drew it is superseded; it resolves when a later target is drawn, which is when the user next
 * sees data at least as new as what they asked for.
 */
import type { ScrubTarget } from './protocol.ts';

/** What a frame showed: the playback state at the moment it was drawn. */
export interface FrameView {
  readonly cursor: number;
  readonly ready: boolean;
  readonly buffering: boolean;
}

export class ScrubLog {
  readonly targets: ScrubTarget[] = [];
  /** What the inputs that follow are. */
  kind: ScrubTarget['kind'] = 'drag';

  /** A seek was made for the input event stamped `inputAt`; the playback cursor is `cursor`. */
  seek(inputAt: number, cursor: number): void {
    this.targets.push({
      seq: this.targets.length,
      kind: this.kind,
      inputAt,
      cursor,
      readyAt: null,
      drawnAt: null,
      historyAt: null,
      supersededAt: null,
      drawnValues: null,
    });
  }

  /** Playback announced `ready` at `cursor` (its latest-at values are in its telemetry). */
  ready(at: number, cursor: number): void {
    const latest = this.targets.at(-1);
    if (latest !== undefined && latest.cursor === cursor && latest.readyAt === null)
      latest.readyAt = at;
  }

  /** A frame ended at `end` showing `view`; `values` are the probe channels it read. */
  frame(end: number, view: FrameView, values: () => number[]): void {
    const latest = this.targets.at(-1);
    if (latest === undefined || view.cursor !== latest.cursor) return;
    if (!view.buffering && latest.historyAt === null && view.ready) latest.historyAt = end;
    if (!view.ready || latest.drawnAt !== null) return;
    latest.drawnAt = end;
    latest.drawnValues = values();
    for (let k = latest.seq - 1; k >= 0; k--) {
      const earlier = this.targets[k]!;
      if (earlier.drawnAt !== null || earlier.supersededAt !== null) break;
      earlier.supersededAt = end;
    }
  }

  /** Whether the latest target has been drawn, and drawn with its history (true when none). */
  get settled(): { drawn: boolean; history: boolean } {
    const latest = this.targets.at(-1);
    return {
      drawn: latest === undefined || latest.drawnAt !== null,
      history: latest === undefined || latest.historyAt !== null,
    };
  }
}

/** A target's latency under the bench's policy: to its own frame, or to a later target's. */
export function latencyOf(target: ScrubTarget): number | null {
  const end = target.drawnAt ?? target.supersededAt;
  return end === null ? null : end - target.inputAt;
}
