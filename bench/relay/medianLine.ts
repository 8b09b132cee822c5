/**
 * One line for repeated runs of the same step (`--repeats`): each figure is the median of its
 * runs, `held` is judged again on the medians, and the delivered rates' spread is kept so a
 * reader can see how noisy the machine was.
 */
import type { StepLine } from './step.ts';

function median(xs: readonly number[]): number {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const round = (x: number, digits = 3) => (Number.isFinite(x) ? Number(x.toPrecision(digits)) : x);

export function medianLine(runs: readonly StepLine[]): StepLine {
  const first = runs[0];
  if (first === undefined) throw new Error('relay bench: medianLine of no runs');
  if (runs.length === 1) return first;
  const m = (pick: (l: StepLine) => number) => round(median(runs.map(pick)));
  const mOrNull = (pick: (l: StepLine) => number | null) =>
    pick(first) === null ? null : m((l) => pick(l) ?? NaN);
  const offered = Math.round(median(runs.map((l) => l.offered_per_s)));
  const delivered = Math.round(median(runs.map((l) => l.delivered_per_s)));
  const p99 = m((l) => l.p99_ms);
  const cores = Object.fromEntries(
    Object.keys(first.cores).map((key) => [
      key,
      first.cores[key] === null ? null : round(median(runs.map((l) => l.cores[key] ?? NaN)), 2),
    ]),
  );
  const problems = runs.flatMap((l) => l.problems ?? []);
  const rates = runs.map((l) => l.delivered_per_s);
  return {
    ...first,
    offered_per_s: offered,
    delivered_per_s: delivered,
    p50_ms: m((l) => l.p50_ms),
    p99_ms: p99,
    client_cpu_ms_per_m: m((l) => l.client_cpu_ms_per_m),
    loss: m((l) => l.loss),
    held: delivered >= 0.9 * offered * first.clients && p99 <= 1000,
    relay_dropped: Math.round(median(runs.map((l) => l.relay_dropped))),
    p999_ms: m((l) => l.p999_ms),
    max_ms: m((l) => l.max_ms),
    broker_leg_p50_ms: mOrNull((l) => l.broker_leg_p50_ms),
    broker_leg_p99_ms: mOrNull((l) => l.broker_leg_p99_ms),
    relay_leg_p50_ms: mOrNull((l) => l.relay_leg_p50_ms),
    relay_leg_p99_ms: mOrNull((l) => l.relay_leg_p99_ms),
    relay_cpu_ms_per_m: mOrNull((l) => l.relay_cpu_ms_per_m),
    cores,
    load1: m((l) => l.load1),
    repeats: runs.length,
    delivered_range: [Math.min(...rates), Math.max(...rates)],
    ...(problems.length > 0 ? { problems: [...new Set(problems)].slice(0, 5) } : {}),
  };
}
