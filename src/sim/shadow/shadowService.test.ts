import { describe, expect, it } from 'vitest';
import { FOOTBRIDGE_INPUT_CHANNELS } from '../../twin/footbridgeInputs.ts';
import type { SimEvent, SimStatus } from '../../workers/simProtocol.ts';
import { createCpuBackend } from '../cpuBackend.ts';
import type { ShadowFrame } from './shadowFrame.ts';
import { ShadowRunner, footbridgeShadowModel } from './shadowRunner.ts';
import { ShadowService, shadowTransferables } from './shadowService.ts';

const T0 = 1_700_000_000_000;

function setup(channels = FOOTBRIDGE_INPUT_CHANNELS) {
  const model = footbridgeShadowModel();
  const runner = new ShadowRunner(model, createCpuBackend(model.truss, model.dt));
  runner.setChannels(channels.map((name, id) => ({ id, name })));
  const events: SimEvent[] = [];
  const clock = { now: 0 };
  const service = new ShadowService(runner, (e) => events.push(e), {
    backend: { kind: 'cpu', reason: 'test' },
    now: () => clock.now,
  });
  let row = 0;
  /** The fleet's 100 Hz: `rows` rows of 1 kN on every deck joint and a 6 m/s wind. */
  const feed = (rows: number) => {
    const batch: number[] = [];
    for (let r = 0; r < rows; r++, row++) {
      const t = T0 + 10 * (row + 1);
      FOOTBRIDGE_INPUT_CHANNELS.forEach((name, id) =>
        batch.push(id, t, name === 'wind.speed' ? 6 : -1000, t + 2),
      );
    }
    runner.feed(Float64Array.from(batch));
  };
  const frames = () =>
    events.flatMap((e) => (e.type === 'shadow' ? [e.frame] : ([] as ShadowFrame[])));
  const statuses = () =>
    events.flatMap((e) => (e.type === 'status' ? [e.status] : ([] as SimStatus[])));
  return { model, runner, service, clock, feed, frames, statuses };
}

describe('ShadowService', () => {
  it('steps as inputs arrive and sends a frame at most every frameMs, with one readback each', async () => {
    const { service, clock, feed, frames, model } = setup();
    for (let tick = 0; tick < 50; tick++) {
      feed(2);
      await service.tick();
      clock.now += 20;
    }
    const sent = frames();
    // 1 s of ticks at 20 ms: a frame on the first tick and then every 4th (80 ms ≥ 66 ms).
    expect(sent).toHaveLength(13);
    const last = sent.at(-1)!;
    expect(last.waitingForInputs).toBe(false);
    expect(last.missingInputs).toEqual([]);
    expect(last.counters.rowsStepped).toBeGreaterThan(90);
    expect(last.residuals!.settling).toBe(true);
    expect(last.residuals!.time).toBeGreaterThan(sent.at(-2)!.residuals!.time);
    expect(last.residuals!.nodeDisplacement).toHaveLength(model.truss.nodeCount * 3);
    expect(shadowTransferables({ type: 'shadow', frame: last })).toHaveLength(4);
  });

  it('says it is waiting when no row has come for idleMs, or an input channel is missing', async () => {
    const { service, clock, feed, frames } = setup();
    await service.tick();
    expect(frames().at(-1)).toMatchObject({ residuals: null, waitingForInputs: true });
    feed(2);
    clock.now += 100;
    await service.tick();
    expect(frames().at(-1)!.waitingForInputs).toBe(false);
    clock.now += 1100;
    await service.tick();
    expect(frames().at(-1)!.waitingForInputs).toBe(true);

    const partial = setup(FOOTBRIDGE_INPUT_CHANNELS.filter((c) => c !== 'load.z.L3'));
    partial.feed(5);
    await partial.service.tick();
    expect(partial.frames().at(-1)).toMatchObject({
      residuals: null,
      waitingForInputs: true,
      missingInputs: ['load.z.L3'],
    });
  });

  it('reports steps, the real-time factor and the shadow’s midspan in its status', async () => {
    const { service, clock, feed, statuses, model } = setup();
    for (let tick = 0; tick < 100; tick++) {
      feed(2);
      await service.tick();
      clock.now += 20;
    }
    const status = statuses().at(-1)!;
    expect(statuses().length).toBeGreaterThanOrEqual(7);
    expect(status.backend).toEqual({ kind: 'cpu', reason: 'test' });
    expect(status.realtimeFactor).toBeGreaterThan(0.9);
    expect(status.realtimeFactor).toBeLessThan(1.1);
    expect(status.stepsPerSecond).toBeCloseTo(status.realtimeFactor / model.dt, -2);
    // 34 kN of deck load: the midspan hangs millimetres down.
    expect(status.midspanMm).toBeLessThan(-0.5);
  });
});
