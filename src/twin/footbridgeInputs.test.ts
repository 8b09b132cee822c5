import { describe, expect, it } from 'vitest';
import { FOOTBRIDGE, bottomNode, topNode } from './footbridge.ts';
import {
  FOOTBRIDGE_INPUTS,
  FOOTBRIDGE_INPUT_CHANNELS,
  inputLoadVector,
  measureInputs,
} from './footbridgeInputs.ts';
import { FootbridgeLoads, addWindLoad } from './footbridgeLoads.ts';
import { FootbridgeSimulation } from './footbridgeSim.ts';

describe('footbridge measured inputs', () => {
  it('names a load cell at every bottom-chord joint and the anemometer, in row order', () => {
    expect(FOOTBRIDGE_INPUT_CHANNELS.slice(0, 2)).toEqual(['load.z.L0', 'load.z.L1']);
    expect(FOOTBRIDGE_INPUT_CHANNELS[17]).toBe('load.z.R0');
    expect(FOOTBRIDGE_INPUT_CHANNELS.at(-1)).toBe('wind.speed');
    expect(FOOTBRIDGE_INPUTS[33]).toMatchObject({ id: 'load.z.R16', node: bottomNode('R', 16) });
  });

  it('loads the model exactly as the plant was loaded, but for the walkers’ lateral sway', () => {
    const loads = new FootbridgeLoads(64, { seed: 4, arrivalRate: 3 });
    const plant = new Float64Array(64 * 4);
    for (let i = 0; i < 800; i++) loads.advance(0.01, plant);
    expect(loads.pedestrianCount).toBeGreaterThan(3);
    const row: number[] = [];
    measureInputs(plant, loads.windSpeed, row);
    const model = new Float64Array(plant.length);
    inputLoadVector(row, model);
    let weight = 0;
    for (let n = 0; n < 64; n++) {
      expect(model[n * 4]).toBe(plant[n * 4]);
      expect(model[n * 4 + 2]).toBe(plant[n * 4 + 2]);
      weight += -plant[n * 4 + 2]!;
    }
    // What is left is the sway: at most 4 % of the walkers' weight (which the footfall
    // harmonic makes up to 1.4 × their static weight), and only at deck joints.
    let sway = 0;
    for (let n = 0; n < 64; n++) sway += Math.abs(plant[n * 4 + 1]! - model[n * 4 + 1]!);
    expect(sway).toBeGreaterThan(0);
    expect(sway).toBeLessThan((0.04 / 0.6) * weight);
    for (let i = 1; i < FOOTBRIDGE.panels; i++)
      expect(model[topNode('L', i) * 4 + 1]).toBe(plant[topNode('L', i) * 4 + 1]);
  });

  it('with no walkers, is the plant load exactly', () => {
    const loads = new FootbridgeLoads(64, { seed: 4, arrivalRate: 0 });
    const plant = new Float64Array(64 * 4);
    loads.advance(0.01, plant);
    const row: number[] = [];
    measureInputs(plant, loads.windSpeed, row);
    const model = new Float64Array(plant.length);
    inputLoadVector(row, model);
    expect(Array.from(model)).toEqual(Array.from(plant));
    const wind = new Float64Array(plant.length);
    addWindLoad(loads.windSpeed, wind);
    expect(Array.from(wind)).toEqual(Array.from(plant));
  });

  it('the plant reports them with noise of the stated size, rounded to 0.01 N', () => {
    const quiet = new FootbridgeSimulation({ seed: 3, noise: 0, loads: { arrivalRate: 0 } });
    const noisy = new FootbridgeSimulation({ seed: 3, loads: { arrivalRate: 0 } });
    const deviations: number[] = [];
    for (let s = 0; s < 200; s++) {
      quiet.advanceSample();
      noisy.advanceSample();
      const a = quiet.readInputs();
      const b = noisy.readInputs();
      for (let k = 0; k < 34; k++) deviations.push(b[k]! - a[k]!);
      expect(Math.round(b[5]! * 100)).toBeCloseTo(b[5]! * 100, 6);
    }
    const sigma = Math.sqrt(deviations.reduce((s, d) => s + d * d, 0) / deviations.length);
    expect(sigma).toBeGreaterThan(1.8);
    expect(sigma).toBeLessThan(2.2);
  });
});
