import { describe, expect, it } from 'vitest';
import { FootbridgeSimulation } from './footbridgeSim.ts';
import { readSensors } from './sensorReading.ts';

describe('readSensors', () => {
  it('reads a float32 copy of the state (as the GPU returns it) like the plant reads its own', () => {
    const sim = new FootbridgeSimulation({ seed: 2, noise: 0, loads: { arrivalRate: 2 } });
    for (let i = 0; i < 300; i++) sim.advanceSample();
    const plant = sim.readSensors();
    const out = new Float64Array(plant.length);
    readSensors(sim.truss, sim.memberEnds, sim.sensors, sim.nodeState, out);
    expect(Array.from(out)).toEqual(plant);
    readSensors(sim.truss, sim.memberEnds, sim.sensors, Float32Array.from(sim.nodeState), out);
    sim.sensors.forEach((sensor, i) => {
      const scale = Math.max(...plant.map(Math.abs));
      expect(Math.abs(out[i]! - plant[i]!), sensor.id).toBeLessThan(1e-5 * scale);
    });
  });
});
