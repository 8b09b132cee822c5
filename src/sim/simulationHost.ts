import * as Comlink from 'comlink';
import type { ChannelInfo, Sample } from '../protocol/relay.ts';
import { FOOTBRIDGE_INPUT_CHANNELS } from '../twin/footbridgeInputs.ts';
import { buildFootbridge, footbridgeSensors } from '../twin/footbridge.ts';
import { SAMPLE_STRIDE } from '../workers/sampleBatch.ts';
import {
  SIM_PROTOCOL_VERSION,
  type ModelDamage,
  type ShadowFrame,
  type SimBackendInfo,
  type SimEvent,
  type SimStatus,
  type SimWorkerApi,
} from '../workers/simProtocol.ts';

export type SimState =
  | { readonly phase: 'starting' }
  | {
      readonly phase: 'running';
      readonly backend: SimBackendInfo;
      readonly status: SimStatus | null;
      readonly problem: string | null;
    }
  | { readonly phase: 'failed'; readonly message: string };

export interface SimulationHost {
  /** The relay's channel table; samples of channels the shadow does not use stay on this side. */
  setChannels(channels: readonly Pick<ChannelInfo, 'id' | 'name'>[]): void;
  /** Live or replayed samples, in any order: the shadow steps on its inputs as they arrive. */
  feed(samples: readonly Sample[]): void;
  /** Back to rest: call on a seek, or when switching between live and replayed samples. */
  resetShadow(): void;
  /** The model's damage (null: the design), e.g. a fitted damage the user applied. */
  setModelDamage(damage: ModelDamage | null): void;
  dispose(): void;
}

export interface SimulationOptions {
  readonly preferGpu: boolean;
  /** Each shadow frame, 10–20 times a second (residuals, ghost displacements, counters). */
  readonly onShadow?: (frame: ShadowFrame) => void;
}

/** Channel names the shadow reads: its inputs and the sensors it compares. */
const SHADOW_CHANNELS: ReadonlySet<string> = new Set([
  ...FOOTBRIDGE_INPUT_CHANNELS,
  ...footbridgeSensors(buildFootbridge()).map((s) => s.id),
]);

/**
 * Starts the simulation worker, asks it for a WebGPU device (it falls back to the CPU step and
 * says why), relays its status to `onState` and its shadow frames to `onShadow`.
 */
export function startSimulation(
  onState: (state: SimState) => void,
  options: SimulationOptions,
): SimulationHost {
  onState({ phase: 'starting' });
  let worker: Worker;
  try {
    worker = new Worker(new URL('../workers/sim.worker.ts', import.meta.url), {
      type: 'module',
      name: 'twinbench-sim',
    });
  } catch (error) {
    onState({ phase: 'failed', message: `cannot start the simulation worker: ${String(error)}` });
    return { setChannels() {}, feed() {}, resetShadow() {}, setModelDamage() {}, dispose() {} };
  }
  const api = Comlink.wrap<SimWorkerApi>(worker);
  let disposed = false;
  let backend: SimBackendInfo | null = null;
  let status: SimStatus | null = null;
  let wanted = new Set<number>();
  worker.addEventListener('error', (event) => {
    onState({
      phase: 'failed',
      message: `simulation worker crashed: ${event.message || 'unknown error'}`,
    });
  });

  const problem = (message: string) => {
    if (disposed || !backend) return;
    onState({ phase: 'running', backend, status, problem: message });
  };

  const onEvent = (event: SimEvent) => {
    if (disposed || !backend) return;
    switch (event.type) {
      case 'status':
        status = event.status;
        onState({ phase: 'running', backend, status, problem: null });
        break;
      case 'shadow':
        options.onShadow?.(event.frame);
        break;
      case 'error':
        problem(`${event.message} (${event.reason})`);
        break;
      default: {
        const unreachable: never = event;
        console.warn('Twinbench: unknown simulation event', unreachable);
      }
    }
  };

  void (async () => {
    try {
      const version = await api.protocolVersion();
      if (version !== SIM_PROTOCOL_VERSION)
        throw new Error(
          `worker speaks protocol ${version}, page ${SIM_PROTOCOL_VERSION}: reload the page`,
        );
      backend = await api.init({ preferGpu: options.preferGpu });
      if (disposed) return;
      onState({ phase: 'running', backend, status: null, problem: null });
      await api.start(Comlink.proxy(onEvent));
    } catch (error) {
      if (!disposed)
        onState({ phase: 'failed', message: `simulation did not start: ${String(error)}` });
    }
  })();

  const call = (what: string, promise: Promise<void>) =>
    promise.catch((error: unknown) => problem(`${what} failed: ${String(error)}`));

  return {
    setChannels(channels) {
      const used = channels.filter((c) => SHADOW_CHANNELS.has(c.name));
      wanted = new Set(used.map((c) => c.id));
      void call('setChannels', api.setChannels(used.map((c) => ({ id: c.id, name: c.name }))));
    },
    feed(samples) {
      let count = 0;
      for (const s of samples) if (wanted.has(s[0])) count++;
      if (count === 0) return;
      const batch = new Float64Array(count * SAMPLE_STRIDE);
      let k = 0;
      for (const [channel, time, value, receiveTime] of samples) {
        if (!wanted.has(channel)) continue;
        batch[k++] = channel;
        batch[k++] = time;
        batch[k++] = value;
        batch[k++] = receiveTime;
      }
      void call('feed', api.feed(Comlink.transfer(batch, [batch.buffer])));
    },
    resetShadow() {
      void call('resetShadow', api.resetShadow());
    },
    setModelDamage(damage) {
      void call('setModelDamage', api.setModelDamage(damage));
    },
    dispose() {
      disposed = true;
      void api.dispose().finally(() => worker.terminate());
    },
  };
}
