import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { withGpu } from '../gpu/testing/requireGpu.ts';
import { exampleCommand } from './exampleCommand.ts';
import { fitCommand, type FitReport } from './fitCommand.ts';
import { capture } from './testing.ts';

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tb-cli-fit-'));
  const r = await capture(exampleCommand, ['pid-plant', '--out', dir, '--seed', '7']);
  expect(r.code, r.err).toBe(0);
});

const args = () => [join(dir, 'model.yaml'), '--data', join(dir, 'data.csv'), '--json'];

describe('twinbench fit on the PID example', () => {
  it(
    'recovers Kp, Ki and Kd within 2 % from the generated CSV, inputs read from the same file',
    (ctx) =>
      withGpu(ctx, async (device, adapter) => {
        const progress: string[] = [];
        const r = await capture(fitCommand, [...args(), '--seed', '42'], {
          device: { device, adapter },
          onErr: (line) => progress.push(line),
        });
        expect(r.code, r.err).toBe(0);
        const report = JSON.parse(r.out) as FitReport;
        const truth = JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8')) as {
          parameters: Record<string, { value: number }>;
        };
        console.info(
          `twinbench fit: ${Object.entries(report.parameters)
            .map(
              ([name, p]) => `${name} ${String(p.fitted)} (truth ${truth.parameters[name]!.value})`,
            )
            .join(
              ', ',
            )}; ${report.iterations} iterations, ${report.evaluations} evaluations, ${report.reason}, ${report.timing.fitMs} ms`,
        );
        for (const name of ['kp', 'ki', 'kd']) {
          const fitted = report.parameters[name]!.fitted as number;
          const value = truth.parameters[name]!.value;
          expect(Math.abs(fitted - value) / value, name).toBeLessThan(0.02);
        }
        expect(report.parameters.kp).toMatchObject({
          unit: 'N/m',
          lower: 0.5,
          upper: 100,
          start: 5,
        });
        expect(report.inputs).toBe('data');
        expect(report.seed).toBe(42);
        expect(report.randomness).toBe('none');
        expect(report.observations).toBe(120);
        expect(report.steps).toBe(600);
        expect(['stalled', 'converged', 'line_search_failed']).toContain(report.reason);
        expect(report.loss.final).toBeLessThan(report.loss.start! / 1000);
        expect(progress[0]).toMatch(
          /^iteration 1 {2}loss \S+ {2}\|g\| \S+ {2}\S+ s {2}kp 5 ki 1 kd 0.5$/,
        );
        // One line per iteration, and one for the point the stall rule stopped at.
        expect(progress.length).toBeGreaterThanOrEqual(report.iterations);
      }),
    180_000,
  );

  it(
    'stops on cancel after the iteration in flight and prints the best so far, exit 130',
    (ctx) =>
      withGpu(ctx, async (device, adapter) => {
        const cancel = new AbortController();
        const r = await capture(fitCommand, [...args(), '--optimizer', 'adam', '--budget', '50'], {
          device: { device, adapter },
          signal: cancel.signal,
          onErr: (line) => {
            if (line.startsWith('iteration 2 ')) cancel.abort();
          },
        });
        expect(r.code, r.err).toBe(130);
        const report = JSON.parse(r.out) as FitReport;
        expect(report.reason).toBe('cancelled');
        expect(report.iterations).toBe(2);
        expect(report.optimizer).toBe('adam');
        // Default step: 1 % of the narrowest range (Kd, 0…20).
        expect(report.settings).toEqual({ maxIterations: 500, learningRate: 0.2, stateBudget: 50 });
        expect(report.peakStates).toBeLessThanOrEqual(50);
        // Adam reports the best point it evaluated.
        expect(report.loss.final).toBeLessThan(report.loss.start!);
      }),
    60_000,
  );
});
