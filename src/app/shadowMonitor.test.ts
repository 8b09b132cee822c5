import { describe, expect, it } from 'vitest';
import type { ShadowFrame } from '../sim/shadow/shadowFrame.ts';
import { ShadowMonitor } from './shadowMonitor.ts';

const SENSORS = ['strain.bc.L7', 'disp.z.L50'];
const counters = {
  rowsStepped: 1,
  rowsSkipped: 0,
  rowsHeld: 0,
  lateSamples: 0,
  restarts: 1,
  steps: 33,
};

function frame(time: number, residual: [number, number], settling = false): ShadowFrame {
  return {
    residuals: {
      time,
      sensors: SENSORS,
      measured: new Float64Array(2),
      simulated: new Float64Array(2),
      residual: new Float64Array(residual),
      nodeDisplacement: new Float32Array(6),
      settling,
      inputFill: 0,
      degraded: false,
      thresholdScale: 1,
    },
    counters,
    waitingForInputs: false,
    missingInputs: [],
  };
}

describe('ShadowMonitor', () => {
  it('fires an alert once on the gauge whose residual stays high, and summarises the sensors', () => {
    const fired: string[] = [];
    const monitor = new ShadowMonitor((a) => fired.push(`${a.sensor}@${a.member}`));
    expect(monitor.summary().phase).toBe('starting');
    monitor.take(frame(0, [5, 0.01], true));
    expect(monitor.summary().phase).toBe('settling');
    for (let t = 100; t <= 3000; t += 50) monitor.take(frame(t, [t > 1000 ? 3 : 0.1, 0.01]));
    expect(fired).toEqual(['strain.bc.L7@7']);
    const summary = monitor.summary();
    expect(summary.phase).toBe('watching');
    expect(summary.alerts).toHaveLength(1);
    expect(summary.alerts[0]).toMatchObject({ sensor: 'strain.bc.L7', member: 7, active: true });
    const gauge = summary.sensors.find((s) => s.sensor === 'strain.bc.L7')!;
    expect(gauge.alerting).toBe(true);
    expect(gauge.threshold).toBe(0.6);
    expect(gauge.rms).toBeGreaterThan(2.5);
    expect(monitor.alertingSensors().has('strain.bc.L7')).toBe(true);
    expect(monitor.displacement()).toHaveLength(6);
  });

  it('forgets windows and active alerts on a reset, keeping the history', () => {
    const monitor = new ShadowMonitor();
    for (let t = 0; t <= 3000; t += 50) monitor.take(frame(t, [3, 0]));
    expect(monitor.summary().alerts.some((a) => a.active)).toBe(true);
    monitor.reset();
    const summary = monitor.summary();
    expect(summary.phase).toBe('starting');
    expect(summary.alerts).toHaveLength(1);
    expect(summary.alerts[0]!.active).toBe(false);
    expect(monitor.alertingSensors().size).toBe(0);
    expect(monitor.displacement()).toBeNull();
  });
});
