/** Test helpers for the replay store: a manual flush timer and seeded sample generators. */
import type { Sample } from '../protocol/relay.ts';
import type { FlushTimer } from './replayStore.ts';

/** A FlushTimer that fires only when the test calls `tick()`. */
export function manualTimer(): FlushTimer & { tick(): void; intervals: number[]; active: number } {
  const callbacks = new Map<number, () => void>();
  let next = 1;
  const timer = {
    intervals: [] as number[],
    get active() {
      return callbacks.size;
    },
    setInterval(callback: () => void, ms: number) {
      timer.intervals.push(ms);
      callbacks.set(next, callback);
      return next++;
    },
    clearInterval(handle: unknown) {
      callbacks.delete(handle as number);
    },
    tick() {
      for (const callback of callbacks.values()) callback();
    },
  };
  return timer;
}

/** Regular samples: `channels` channels at `hz` for `seconds`, value = f(channel, time). */
export function regularSamples(
  channels: number,
  hz: number,
  seconds: number,
  startMs = 0,
  value: (channel: number, time: number) => number = (c, t) => Math.sin(t / 100 + c),
): Sample[] {
  const out: Sample[] = [];
  const n = Math.round(hz * seconds);
  for (let i = 0; i < n; i++) {
    const time = startMs + (i * 1000) / hz;
    for (let c = 0; c < channels; c++) out.push([c, time, value(c, time), time + 5]);
  }
  return out;
}
