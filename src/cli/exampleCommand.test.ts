import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HIDDEN_GAINS, setpointSeries } from '../examples/pidPlant/pidPlantTruth.ts';
import { readInputCsv, readObservationCsv } from '../runtime/manifest/index.ts';
import { exampleCommand } from './exampleCommand.ts';
import { loadModel } from './loadModel.ts';
import { capture } from './testing.ts';

const write = async (name: string, ...flags: string[]) => {
  const dir = mkdtempSync(join(tmpdir(), `tb-cli-${name}-`));
  const r = await capture(exampleCommand, [name, '--out', dir, ...flags]);
  expect(r.code, r.err).toBe(0);
  return { dir, out: r.out, read: (file: string) => readFileSync(join(dir, file), 'utf8') };
};

describe('twinbench example', () => {
  it('writes the PID manifest, kernel, data the fit reads and the hidden gains', async () => {
    const { dir, out, read } = await write('pid-plant');
    expect(out).toContain(
      `twinbench fit ${join(dir, 'model.yaml')} --data ${join(dir, 'data.csv')}`,
    );
    const spec = await loadModel(join(dir, 'model.yaml'));
    expect(spec.kernels[0]!.source).toBe(
      readFileSync(join(import.meta.dirname, '../examples/pidPlant/pidPlant.wgsl'), 'utf8'),
    );
    const csv = read('data.csv');
    expect(csv.split('\n')[1]).toBe('time,axis/setpoint,axis/position');
    const data = readObservationCsv(csv, spec, 'data.csv');
    expect(data.steps).toHaveLength(120);
    // The set-point at every step, as the kernel saw it: ramps included.
    const inputs = readInputCsv(csv, spec, { steps: 600, file: 'data.csv' });
    expect(inputs.setpoint).toEqual(setpointSeries(600));
    const truth = JSON.parse(read('truth.json')) as { parameters: unknown; seed: number };
    expect(truth.seed).toBe(1);
    expect(truth.parameters).toEqual({
      kp: { value: HIDDEN_GAINS.kp, unit: 'N/m' },
      ki: { value: HIDDEN_GAINS.ki, unit: 'N/(m·s)' },
      kd: { value: HIDDEN_GAINS.kd, unit: 'N·s/m' },
    });
  });

  it('writes the same data for the same seed and different noise for another', async () => {
    const a = (await write('pid-plant', '--seed', '5')).read('data.csv');
    const b = (await write('pid-plant', '--seed', '5')).read('data.csv');
    const c = (await write('pid-plant', '--seed', '6')).read('data.csv');
    expect(a).toBe(b);
    expect(a).not.toBe(c);
    const exact = (await write('pid-plant', '--noise', '0')).read('data.csv');
    expect(exact.split('\n')[0]).toContain('noise 0 mm');
  });

  it('writes the heat plate with sixteen sensors and four heaters', async () => {
    const { dir, read } = await write('heat-plate');
    const spec = await loadModel(join(dir, 'model.yaml'));
    const csv = read('data.csv');
    const data = readObservationCsv(csv, spec, 'data.csv');
    expect(Object.keys(data.channels)).toHaveLength(16);
    expect(data.steps).toHaveLength(30);
    expect(readInputCsv(csv, spec, { file: 'data.csv' }).heaters).toHaveLength(300 * 4);
    const truth = JSON.parse(read('truth.json')) as {
      parameters: { conductivity: { value: number[]; unit: string } };
    };
    expect(truth.parameters.conductivity.value).toHaveLength(16);
    expect(truth.parameters.conductivity.unit).toBe('W/(m·K)');
  });
});
