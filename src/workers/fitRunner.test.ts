import { describe, expect, it } from 'vitest';
import type { FitOutcome } from './fitProtocol.ts';
import { createFitRunner, type DeviceRequest } from './fitRunner.ts';

/** Enough of a GPUDevice for the runner: a `lost` promise we settle and a destroy that settles it. */
function fakeDevice() {
  let settle: (info: { reason: string; message: string }) => void = () => {};
  const lost = new Promise<{ reason: string; message: string }>((resolve) => (settle = resolve));
  const device = {
    lost,
    destroyed: false,
    destroy() {
      this.destroyed = true;
      settle({ reason: 'destroyed', message: '' });
    },
  };
  return {
    device: device as unknown as GPUDevice & { destroyed: boolean },
    lose: (message: string) => settle({ reason: 'unknown', message }),
  };
}

function deviceSource() {
  const made: ReturnType<typeof fakeDevice>[] = [];
  const request: DeviceRequest = () => {
    const next = fakeDevice();
    made.push(next);
    return Promise.resolve({ device: next.device, adapter: `fake ${made.length}` });
  };
  return { made, request };
}

const ignore = () => {};

const done = (value: number): FitOutcome<number> => ({ status: 'done', result: value });

describe('fit runner (the fit worker without comlink)', () => {
  it('reports a device lost mid-fit as device_lost, then runs the next fit on a new device', async () => {
    const { made, request } = deviceSource();
    const runner = createFitRunner(request);
    const lost = await runner.run<number>(ignore, () => {
      made[0]!.lose('GPU process crashed');
      // Work on a lost device fails before or after `lost` settles; here, right away.
      return Promise.reject(new Error('mapAsync: device lost'));
    });
    expect(lost).toEqual({
      status: 'failed',
      reason: 'device_lost',
      message: expect.stringContaining('GPU process crashed') as string,
    });
    const adapters: string[] = [];
    const resumed = await runner.run<number>(ignore, (_device, adapter) => {
      adapters.push(adapter);
      return Promise.resolve(done(1));
    });
    expect(resumed).toEqual(done(1));
    expect(adapters).toEqual(['fake 2']);
    expect(made).toHaveLength(2);
  });

  it('waits briefly for the loss when the failure comes first', async () => {
    const { made, request } = deviceSource();
    const runner = createFitRunner(request);
    const outcome = await runner.run<number>(ignore, () => {
      setTimeout(() => made[0]!.lose('TDR'), 20);
      return Promise.reject(new Error('buffer mapping failed'));
    });
    expect(outcome).toMatchObject({ status: 'failed', reason: 'device_lost' });
  });

  it('keeps the device across fits, and calls other failures errors', async () => {
    const { made, request } = deviceSource();
    const runner = createFitRunner(request);
    expect(await runner.run(ignore, () => Promise.resolve(done(1)))).toEqual(done(1));
    const failed = await runner.run<number>(ignore, () => Promise.reject(new Error('bad WGSL')));
    expect(failed).toEqual({ status: 'failed', reason: 'error', message: 'bad WGSL' });
    expect(made).toHaveLength(1);
  });

  it('refuses a second fit while one runs, and cancels through the signal', async () => {
    const { request } = deviceSource();
    const runner = createFitRunner(request);
    let started: () => void = () => {};
    const running = new Promise<void>((resolve) => (started = resolve));
    const first = runner.run<number>(
      ignore,
      (_device, _adapter, signal) =>
        new Promise((resolve) => {
          started();
          signal.addEventListener('abort', () => resolve({ status: 'cancelled' }));
        }),
    );
    await running;
    expect(await runner.run(ignore, () => Promise.resolve(done(2)))).toMatchObject({
      status: 'failed',
      reason: 'bad_request',
    });
    runner.cancel();
    expect(await first).toEqual({ status: 'cancelled' });
  });

  it('says why when there is no WebGPU, and destroys its device on dispose', async () => {
    const none = createFitRunner(() => Promise.resolve({ reason: 'navigator.gpu is missing' }));
    expect(await none.run(ignore, () => Promise.resolve(done(1)))).toEqual({
      status: 'failed',
      reason: 'no_webgpu',
      message: 'navigator.gpu is missing',
    });
    const { made, request } = deviceSource();
    const runner = createFitRunner(request);
    await runner.run(ignore, () => Promise.resolve(done(1)));
    runner.dispose();
    expect(made[0]!.device.destroyed).toBe(true);
  });
});
