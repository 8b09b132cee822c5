import { initialContents } from '../runtime/bufferContents.ts';
import { planModel, type ModelPlan } from '../runtime/modelPlan.ts';
import type { ExampleModel } from './exampleModels.ts';
import { observedEvery } from './observedEvery.ts';

/**
 * A recording of an example as a CSV for `twinbench fit --data`: one row per step time k · dt
 * (k = 0 … steps), `time`, then the input channels (what the kernels saw at step k), then the
 * measured channels (the state after k steps, with noise). Both kinds in one file, as a
 * recorder writes them, so `fit` finds its inputs in the data.
 */
export function exampleCsv(
  plan: ModelPlan,
  example: ExampleModel,
  options: { readonly steps: number; readonly noise: number; readonly seed: number },
  comment: string,
): string {
  const { spec } = plan;
  // Measure after every step, not only where this manifest's loss looks.
  const everyStep = planModel(observedEvery(spec, 1));
  const measured = example.measure(everyStep, options);
  const inputs = example.inputs(options.steps + 1);
  const columns: { name: string; at: (k: number) => number }[] = [];
  for (const input of spec.inputs) {
    const rows = inputs[input.buffer];
    const width = plan.buffers.get(input.buffer)!.length;
    if (rows) columns.push({ name: input.channel, at: (k) => rows[k * width + input.column]! });
  }
  const seen = new Set<string>();
  for (const o of spec.observables) {
    const values = o.channel === undefined ? undefined : measured.channels[o.channel];
    if (o.channel === undefined || !values || seen.has(o.channel)) continue;
    seen.add(o.channel);
    const state0 = (o.scale ?? 1) * initialContents(plan.buffers.get(o.buffer)!, 'f64')[o.index]!;
    columns.push({ name: o.channel, at: (k) => (k === 0 ? state0 : values[k - 1]!) });
  }
  const lines = [
    ...comment.split('\n').map((line) => `# ${line}`),
    ['time', ...columns.map((c) => csvCell(c.name))].join(','),
  ];
  for (let k = 0; k <= options.steps; k++)
    lines.push([number(k * spec.dt, 12), ...columns.map((c) => number(c.at(k), 8))].join(','));
  return `${lines.join('\n')}\n`;
}

/** Short decimals: `0.07`, not `0.07000000000000001`; NaN as an empty cell (a gap). */
const number = (v: number, digits: number) =>
  Number.isFinite(v) ? String(Number(v.toPrecision(digits))) : '';

const csvCell = (text: string) => (/[",]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
