import * as Comlink from 'comlink';
import { describe, expect, it } from 'vitest';
import {
  FIT_PROTOCOL_VERSION,
  type ExampleFitRequest,
  type FitProgress,
  type FitWorkerApi,
} from '../workers/fitProtocol.ts';
import { createFitHost, type FitState } from './fitHost.ts';

const progress = (iteration: number, loss: number): FitProgress => ({
  stage: 'fit',
  iteration,
  maxIterations: 10,
  loss,
  gradientNorm: 1,
  elapsedMs: iteration,
  suspect: -1,
  suspectHealth: NaN,
  resume: { stage: 'fit', iteration, parameters: [iteration, 2 * iteration] },
});

/** A fit worker that loses its device after two iterations of the first fit. */
function flakyWorker(requests: ExampleFitRequest[]): FitWorkerApi {
  return {
    protocolVersion: () => FIT_PROTOCOL_VERSION,
    fitBridge: () => Promise.reject(new Error('not in this test')),
    // Progress crosses its own message channel: the page may see the outcome first.
    async fitExample(request, onProgress) {
      await Promise.resolve();
      requests.push(request);
      if (requests.length === 1) {
        onProgress(progress(1, 10));
        onProgress(progress(2, 5));
        return {
          status: 'failed',
          reason: 'device_lost',
          message: 'the GPU device was lost',
          resumeFrom: progress(2, 5).resume,
        };
      }
      onProgress(progress(3, 2));
      return {
        status: 'done',
        result: {
          example: 'pid-plant',
          optimiser: 'lbfgs',
          parameters: [],
          lossStart: 10,
          loss: 2,
          iterations: 3,
          evaluations: 4,
          elapsedMs: 3,
          adapter: 'fake',
        },
      };
    },
    cancel: () => {},
    dispose: () => {},
  };
}

async function until(states: FitState[], phase: FitState['phase']): Promise<FitState> {
  for (let i = 0; i < 200; i++) {
    const last = states.at(-1);
    if (last?.phase === phase) return last;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`fit host never reached ${phase}; last ${states.at(-1)?.phase}`);
}

describe('fit host', () => {
  it('resumes a fit whose device was lost from its last iteration, the loss curve going on', async () => {
    const requests: ExampleFitRequest[] = [];
    const { port1, port2 } = new MessageChannel();
    Comlink.expose(flakyWorker(requests), port1);
    const states: FitState[] = [];
    const host = createFitHost(
      (s) => states.push(s),
      () => ({ endpoint: port2, terminate: () => port2.close() }),
    );
    host.run({ kind: 'example', request: { example: 'pid-plant', seed: 1, iterations: 10 } });
    const failed = await until(states, 'failed');
    expect(failed).toMatchObject({
      retry: true,
      resumeFrom: { stage: 'fit', iteration: 2, parameters: [2, 4] },
    });

    host.resume();
    const done = await until(states, 'done');
    expect(requests[1]).toEqual({
      example: 'pid-plant',
      seed: 1,
      iterations: 10,
      resume: { stage: 'fit', iteration: 2, parameters: [2, 4] },
    });
    expect(done.phase === 'done' && done.progress.map((p) => p.iteration)).toEqual([1, 2, 3]);
    host.dispose();
    port1.close();
  });

  it('has nothing to resume after an ordinary failure', async () => {
    const { port1, port2 } = new MessageChannel();
    Comlink.expose(
      {
        ...flakyWorker([]),
        fitExample: () =>
          Promise.resolve({ status: 'failed', reason: 'error', message: 'bad WGSL' }),
      } satisfies FitWorkerApi,
      port1,
    );
    const states: FitState[] = [];
    const host = createFitHost(
      (s) => states.push(s),
      () => ({ endpoint: port2, terminate: () => port2.close() }),
    );
    host.run({ kind: 'example', request: { example: 'heat-plate', seed: 1, iterations: 3 } });
    expect(await until(states, 'failed')).toMatchObject({ retry: false, resumeFrom: null });
    host.resume();
    expect(states.at(-1)?.phase).toBe('failed');
    host.dispose();
    port1.close();
  });
});
