import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { withGpu } from '../gpu/testing/requireGpu.ts';
import { exampleCommand } from './exampleCommand.ts';
import { runCommand, type RunReport } from './runCommand.ts';
import { capture, runBin } from './testing.ts';

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tb-cli-run-'));
  const r = await capture(exampleCommand, ['pid-plant', '--out', dir]);
  expect(r.code, r.err).toBe(0);
});

describe('twinbench run on the PID example', () => {
  it(
    'prints one JSON object with an observation every 5 steps of 600 (the CLI as users run it)',
    (ctx) =>
      // The spawned CLI requests its own device; withGpu skips (or fails in CI) without one.
      withGpu(ctx, async () => {
        const data = join(dir, 'data.csv');
        const r = await runBin(['run', join(dir, 'model.yaml'), '--inputs', data, '--json']);
        expect(r.code, r.err).toBe(0);
        const report = JSON.parse(r.out) as RunReport;
        expect(report.model).toBe('pid plant');
        expect(report.steps).toBe(600);
        expect(report.cancelled).toBe(false);
        expect(report.observations.every).toBe(5);
        expect(report.observations.steps).toHaveLength(120);
        expect(report.observations.steps.slice(0, 3)).toEqual([5, 10, 15]);
        const position = report.observations.values.position!;
        expect(position).toHaveLength(120);
        // The set-point steps to 1 m at 0.3 s; under the manifest's timid gains (Kp 5) the
        // plant is about half-way there by 2 s.
        expect(position[39]).toBeGreaterThan(300);
        expect(position[39]).toBeLessThan(1000);
        expect(report.finalState.plant).toMatchObject({ length: 4, nonFinite: 0 });
        expect(report.adapter).not.toBe('');
      }),
    60_000,
  );

  it(
    'records every K steps with --every, runs --steps, and prints tables without --json',
    (ctx) =>
      withGpu(ctx, async (device, adapter) => {
        const model = join(dir, 'model.yaml');
        const json = await capture(
          runCommand,
          [model, '--steps', '250', '--every', '100', '--json'],
          {
            device: { device, adapter },
          },
        );
        expect(json.code, json.err).toBe(0);
        const report = JSON.parse(json.out) as RunReport;
        expect(report.steps).toBe(250);
        expect(report.observations.steps).toEqual([100, 200]);
        // No --inputs: the set-point keeps its initial row (0), so the plant stays at rest.
        expect(report.observations.values.position).toEqual([0, 0]);

        const text = await capture(runCommand, [model, '--steps', '20'], {
          device: { device, adapter },
        });
        expect(text.code, text.err).toBe(0);
        expect(text.out).toContain('pid plant: 20 steps of 0.01 s (0.2 s)');
        expect(text.out).toMatch(/observables: 4 values each, after every 5 steps/);
        expect(text.out).toMatch(/\n {2}position +0 +0 +0 +0 +0\n/);
        expect(text.out).toMatch(/\n {2}plant +4 +0 +0 +0$/);
      }),
    60_000,
  );
});
