import { describe, expect, it } from 'vitest';
import { buildFootbridge } from '../../twin/footbridge.ts';
import { AlertRules, footbridgeGaugeMembers, globPattern, type AlertFrame } from './alertRules.ts';

const SENSORS = ['disp.z.L50', 'strain.bc.L7', 'strain.diag.L1'];
const T0 = 1_700_000_000_000;

/** 20 frames a second from `from` ms for `ms`, residuals from `value(sensor index, t)`. */
function frames(
  from: number,
  ms: number,
  value: (i: number, t: number) => number,
  settling = false,
  degraded = false,
): AlertFrame[] {
  const out: AlertFrame[] = [];
  for (let t = from; t < from + ms; t += 50)
    out.push({
      time: T0 + t,
      sensors: SENSORS,
      residual: Float64Array.from(SENSORS, (_, i) => value(i, t)),
      settling,
      degraded,
    });
  return out;
}

const strainRule = { channels: 'strain.*', threshold: 1, forMs: 1000, windowMs: 1000 };

describe('AlertRules', () => {
  it('fires once when the windowed RMS stays above the threshold for forMs, with the gauge’s member', () => {
    const rules = new AlertRules([strainRule]);
    const member = footbridgeGaugeMembers().get('strain.bc.L7');
    expect(buildFootbridge().members[member!]!.label).toBe('bottom chord L7-8');
    const fired = [];
    // 2 s quiet, then strain.bc.L7 oscillates at RMS 2 (amplitude 2√2).
    for (const f of frames(0, 2000, () => 0.1)) fired.push(...rules.update(f).fired);
    expect(fired).toEqual([]);
    const loud = (i: number, t: number) => (i === 1 ? 2 * Math.SQRT2 * Math.sin(t / 60) : 0.1);
    for (const f of frames(2000, 5000, loud)) fired.push(...rules.update(f).fired);
    expect(fired).toHaveLength(1);
    const alert = fired[0]!;
    expect(alert).toMatchObject({ sensor: 'strain.bc.L7', member, threshold: 1, rule: 'strain.*' });
    // Above 1 from about 0.2 s after the onset (the window fills), then forMs.
    expect(alert.firedAt - T0).toBeGreaterThan(3000);
    expect(alert.firedAt - T0).toBeLessThan(3400);
    expect(alert.value).toBeGreaterThan(1);
    expect(rules.active()).toEqual([alert]);
    expect(rules.rms('strain.bc.L7')).toBeCloseTo(2, 0);
  });

  it('clears once the RMS has stayed below for forMs, and can fire again', () => {
    const rules = new AlertRules([strainRule]);
    const high = (i: number) => (i === 1 ? 3 : 0);
    const log: string[] = [];
    const run = (list: AlertFrame[]) => {
      for (const f of list) {
        const { fired, cleared } = rules.update(f);
        for (const a of fired) log.push(`fired ${a.sensor} ${a.firedAt - T0}`);
        for (const a of cleared) log.push(`cleared ${a.sensor} ${a.clearedAt - T0}`);
      }
    };
    run(frames(0, 3000, high));
    run(frames(3000, 3000, () => 0));
    run(frames(6000, 3000, high));
    expect(log).toEqual([
      'fired strain.bc.L7 2000',
      // The RMS of a window whose last 0.85 s are quiet is 3·√(0.15) < 1: below from 3850 on.
      'cleared strain.bc.L7 4850',
      // Above again once 0.15 s of it are loud: at 6100, and forMs later it fires.
      'fired strain.bc.L7 7100',
    ]);
  });

  it('does not fire on a burst shorter than forMs', () => {
    const rules = new AlertRules([{ ...strainRule, windowMs: 200 }]);
    const burst = (i: number, t: number) => (i === 1 && t >= 2000 && t < 2600 ? 5 : 0);
    const fired = frames(0, 5000, burst).flatMap((f) => rules.update(f).fired);
    expect(fired).toEqual([]);
  });

  it('matches sensors by glob and watches each matching rule separately', () => {
    expect(globPattern('strain.*').test('strain.bc.L7')).toBe(true);
    expect(globPattern('strain.*').test('strainXbc')).toBe(false);
    expect(globPattern('disp.?.L50').test('disp.z.L50')).toBe(true);
    expect(globPattern('disp.?.L50').test('disp.z.L5')).toBe(false);
    const rules = new AlertRules([
      { name: 'tight', channels: 'strain.bc.*', threshold: 0.5, forMs: 0, windowMs: 500 },
      { name: 'loose', channels: 'strain.*', threshold: 10, forMs: 0, windowMs: 500 },
    ]);
    const fired = frames(0, 2000, () => 1).flatMap((f) => rules.update(f).fired);
    expect(fired.map((a) => `${a.rule} ${a.sensor}`)).toEqual(['tight strain.bc.L7']);
    expect(fired[0]!.id).toMatch(/^tight\/strain\.bc\.L7@/);
  });

  it('ignores settling frames and non-finite residuals', () => {
    const rules = new AlertRules([strainRule]);
    const fired = [
      ...frames(0, 5000, () => 9, true),
      ...frames(5000, 500, () => 9),
      ...frames(5500, 3000, () => NaN),
    ].flatMap((f) => rules.update(f).fired);
    expect(fired).toEqual([]);
    // A settling frame empties the windows: the count starts again after it.
    const again = [...frames(8500, 800, () => 9), ...frames(9300, 50, () => 9, true)]
      .concat(frames(9350, 2100, () => 9))
      .flatMap((f) => rules.update(f).fired);
    expect(again.map((a) => a.firedAt - T0)).toEqual([11350, 11350]);
  });

  it('asks degraded frames for a residual over the threshold times their scale', () => {
    const degraded = (from: number, ms: number, value: number, thresholdScale: number) =>
      frames(from, ms, () => value, false, true).map((f) => ({ ...f, thresholdScale }));
    const rules = new AlertRules([strainRule]);
    // 1.5× the threshold from a model missing inputs (scale 2): nothing fires.
    expect(degraded(0, 5000, 1.5, 2).flatMap((f) => rules.update(f).fired)).toEqual([]);
    expect(rules.rms('strain.bc.L7')).toBeCloseTo(1.5);
    // 3× fires, a rule's duration after the window's RMS passed 2 (250 ms into the 3s).
    const fired = degraded(5000, 2000, 3, 2).flatMap((f) => rules.update(f).fired);
    expect(fired.map((a) => a.firedAt - T0)).toEqual([6250, 6250]);
    // An active alert does not clear on degraded frames still above the plain threshold…
    const held = degraded(7000, 3000, 1.5, 2).flatMap((f) => rules.update(f).cleared);
    expect(held).toEqual([]);
    expect(rules.active()).toHaveLength(2);
    // …but clears below it.
    const cleared = degraded(10_000, 3000, 0.5, 2).flatMap((f) => rules.update(f).cleared);
    expect(cleared).toHaveLength(2);
  });

  it('clears everything when time jumps back (a seek)', () => {
    const rules = new AlertRules([strainRule]);
    for (const f of frames(10_000, 3000, () => 5)) rules.update(f);
    expect(rules.active()).toHaveLength(2);
    const { cleared } = rules.update(frames(0, 50, () => 0)[0]!);
    expect(cleared.map((a) => a.sensor).sort()).toEqual(['strain.bc.L7', 'strain.diag.L1']);
    expect(rules.active()).toEqual([]);
  });

  it('refuses a rule it cannot judge', () => {
    expect(() => new AlertRules([{ ...strainRule, windowMs: 0 }])).toThrow(/windowMs > 0/);
  });
});
