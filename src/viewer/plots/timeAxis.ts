/** Labels of a plot's time axis, in the local clock (pure; tests build times with local Dates). */

const pad = (n: number, width = 2) => String(Math.trunc(n)).padStart(width, '0');

/**
 * A tick at device time `t` when ticks are `stepMs` apart: `14:03` for whole minutes,
 * `14:03:07` for seconds, `14:03:07.25` below a second (as many decimals as the step needs).
 */
export function formatTimeTick(t: number, stepMs: number): string {
  if (!Number.isFinite(t)) return '';
  const d = new Date(t);
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  if (stepMs >= 60_000 && d.getSeconds() === 0 && d.getMilliseconds() === 0) return hm;
  const hms = `${hm}:${pad(d.getSeconds())}`;
  if (stepMs >= 1000) return hms;
  const decimals = stepMs >= 100 ? 1 : stepMs >= 10 ? 2 : 3;
  return `${hms}.${pad(d.getMilliseconds(), 3).slice(0, decimals)}`;
}

/** A span for the window picker: `10 s`, `2 min`, `1.5 h`. */
export function formatSpan(ms: number): string {
  if (ms < 60_000) return `${Number((ms / 1000).toPrecision(2))} s`;
  if (ms < 3_600_000) return `${Number((ms / 60_000).toPrecision(2))} min`;
  return `${Number((ms / 3_600_000).toPrecision(2))} h`;
}
