import { Worker } from 'node:worker_threads';
import * as Comlink from 'comlink';
import { describe, expect, it } from 'vitest';
import { withGpu } from '../gpu/testing/requireGpu.ts';
import {
  SANDBOX_PROTOCOL_VERSION,
  type CaseResult,
  type SandboxRunOutcome,
  type SandboxWorkerApi,
} from '../workers/sandboxProtocol.ts';
import { createSandboxHost, type SandboxConnection } from './sandboxHost.ts';
import { createSandboxService } from './sandboxService.ts';
import { loadLoopModel } from './testing/loopModel.ts';

const request = async () => {
  const { spec, tests } = await loadLoopModel();
  return { spec, tests };
};

const result = (name: string): CaseResult => ({
  name,
  status: 'passed',
  steps: 1,
  checks: [],
  series: { steps: [1], observables: {} },
  timing: { runMs: 1, gradientMs: 0, totalMs: 1 },
});

/** A worker API whose runs do what `runTests` says, exposed over a MessageChannel. */
function fakeWorker(runTests: SandboxWorkerApi['runTests'], calls: string[] = []) {
  const connections: { terminated: boolean }[] = [];
  const api: SandboxWorkerApi = {
    protocolVersion: () => SANDBOX_PROTOCOL_VERSION,
    runTests,
    cancel: () => void calls.push('cancel'),
    dispose: () => void calls.push('dispose'),
  };
  const connect = (): SandboxConnection => {
    const { port1, port2 } = new MessageChannel();
    Comlink.expose(api, port1);
    const state = { terminated: false };
    connections.push(state);
    return {
      endpoint: port2,
      terminate: () => {
        state.terminated = true;
        port1.close();
        port2.close();
      },
    };
  };
  return { connect, connections, calls };
}

const never = () => new Promise<SandboxRunOutcome>(() => {});

/** Ticks of a 10 ms interval while `body` runs: the thread stayed free to run timers. */
async function ticksDuring<T>(body: () => Promise<T>): Promise<{ value: T; ticks: number }> {
  let ticks = 0;
  const interval = setInterval(() => ticks++, 10);
  try {
    return { value: await body(), ticks };
  } finally {
    clearInterval(interval);
  }
}

describe('sandbox host: watchdog', () => {
  it('terminates a worker that never answers once the budget is spent, within 2 s of it', async () => {
    const worker = fakeWorker(never);
    const host = createSandboxHost({ connect: worker.connect });
    const started = performance.now();
    const { value: outcome, ticks } = await ticksDuring(
      async () => host.run(await request(), { budgetMs: 300 }).result,
    );
    const elapsed = performance.now() - started;
    expect(outcome).toMatchObject({ status: 'stopped', reason: 'timeout', cases: [] });
    expect((outcome as { message: string }).message).toBe(
      'the test run went past its budget of 300 ms, so the sandbox worker was terminated, and its GPU device with it — run fewer steps or cases, or raise the budget',
    );
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(300 + 2000);
    expect(worker.connections.map((c) => c.terminated)).toEqual([true]);
    expect(ticks).toBeGreaterThan(10);
  });

  it('terminates a worker_threads thread stuck in an endless loop; the thread ends and this one kept running', async () => {
    let thread: Worker | undefined;
    const connect = (): SandboxConnection => {
      thread = new Worker('for (;;) {}', { eval: true });
      const endpoint: Comlink.Endpoint = {
        postMessage: (message: unknown, transfer?: Transferable[]) =>
          thread!.postMessage(message, transfer as never),
        addEventListener: () => {},
        removeEventListener: () => {},
      };
      return { endpoint, terminate: () => void thread!.terminate() };
    };
    const host = createSandboxHost({ connect });
    const started = performance.now();
    const { value: outcome, ticks } = await ticksDuring(
      async () => host.run(await request(), { budgetMs: 400 }).result,
    );
    expect(outcome).toMatchObject({ status: 'stopped', reason: 'timeout' });
    const exited = await new Promise<number>((resolve) => thread!.once('exit', resolve));
    const elapsed = performance.now() - started;
    console.info(
      `sandbox host: a stuck worker thread stopped ${(elapsed - 400).toFixed(0)} ms after its budget`,
    );
    expect(exited).toBe(1);
    expect(elapsed).toBeLessThan(400 + 2000);
    expect(ticks).toBeGreaterThan(15);
  });

  it('terminates a worker that goes quiet for longer than the heartbeat bound, keeping the results it sent', async () => {
    const worker = fakeWorker(async (_request, onProgress) => {
      onProgress({ type: 'case', case: 'first', index: 0 });
      onProgress({ type: 'result', result: result('first') });
      onProgress({ type: 'batch', case: 'second', step: 5, steps: 10 });
      return never();
    });
    const host = createSandboxHost({ connect: worker.connect });
    const seen: string[] = [];
    const outcome = await host.run(await request(), {
      budgetMs: 10_000,
      heartbeatMs: 200,
      onProgress: (p) => seen.push(p.type),
    }).result;
    expect(outcome).toMatchObject({
      status: 'stopped',
      reason: 'no_heartbeat',
      cases: [result('first')],
    });
    expect(outcome.status === 'stopped' && outcome.elapsedMs).toBeLessThan(10_000);
    expect(seen).toEqual(['case', 'result', 'batch']);
    expect(worker.connections[0]?.terminated).toBe(true);
  });

  it('lets a cancelled run stop between batches by itself, keeping the worker', async () => {
    let stop: (() => void) | undefined;
    const worker = fakeWorker(
      () => new Promise((resolve) => (stop = () => resolve({ status: 'cancelled', cases: [] }))),
    );
    const host = createSandboxHost({ connect: worker.connect, cancelGraceMs: 5_000 });
    const run = host.run(await request());
    await new Promise((resolve) => setTimeout(resolve, 50));
    worker.calls.length = 0;
    run.cancel();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(worker.calls).toEqual(['cancel']);
    stop!();
    expect(await run.result).toEqual({ status: 'cancelled', cases: [] });
    expect(worker.connections.map((c) => c.terminated)).toEqual([false]);
  });

  it('terminates a cancelled run that does not stop within the grace', async () => {
    const worker = fakeWorker(never);
    const host = createSandboxHost({ connect: worker.connect, cancelGraceMs: 100 });
    const run = host.run(await request());
    run.cancel();
    const outcome = await run.result;
    expect(outcome).toMatchObject({ status: 'stopped', reason: 'cancelled' });
    expect(worker.connections[0]?.terminated).toBe(true);
  });

  it('refuses a second run while one is going, and starts a fresh worker after a termination', async () => {
    let calls = 0;
    const worker = fakeWorker(async () => {
      calls++;
      return calls === 1 ? never() : { status: 'cancelled', cases: [] };
    });
    const host = createSandboxHost({ connect: worker.connect });
    const first = host.run(await request(), { budgetMs: 200 });
    expect(await host.run(await request()).result).toMatchObject({
      status: 'failed',
      reason: 'busy',
    });
    expect(await first.result).toMatchObject({ status: 'stopped', reason: 'timeout' });
    expect(await host.run(await request()).result).toEqual({ status: 'cancelled', cases: [] });
    expect(worker.connections.map((c) => c.terminated)).toEqual([true, false]);
  });

  it('reports a worker that speaks another protocol', async () => {
    const { port1, port2 } = new MessageChannel();
    Comlink.expose({ protocolVersion: () => SANDBOX_PROTOCOL_VERSION + 1 }, port1);
    const host = createSandboxHost({
      connect: () => ({ endpoint: port2, terminate: () => port2.close() }),
    });
    expect(await host.run(await request()).result).toMatchObject({
      status: 'stopped',
      reason: 'worker_error',
      message: `the sandbox worker failed: the sandbox worker speaks protocol ${SANDBOX_PROTOCOL_VERSION + 1}, the page ${SANDBOX_PROTOCOL_VERSION}; reload the page`,
    });
  });
});

describe('sandbox host and service (Dawn)', () => {
  it("runs a model's cases in the service over a message channel; a runaway loop comes back as a failed case", async (ctx) => {
    await withGpu(ctx, async (device, adapter) => {
      const service = createSandboxService(() => Promise.resolve({ device, adapter }));
      const { port1, port2 } = new MessageChannel();
      Comlink.expose(service, port1);
      const host = createSandboxHost({
        connect: () => ({ endpoint: port2, terminate: () => port2.close() }),
      });
      try {
        const runaway = await loadLoopModel('for (var k = 0u; k >= 0u; k++)');
        const progress: string[] = [];
        const outcome = await host.run(runaway, {
          budgetMs: 20_000,
          onProgress: (p) => progress.push(p.type),
        }).result;
        if (outcome.status !== 'done') throw new Error(JSON.stringify(outcome));
        expect(outcome.cases.map((c) => [c.status, c.failure?.trap?.line])).toEqual([
          ['failed', 10],
          ['failed', 10],
        ]);
        expect(progress.slice(0, 2)).toEqual(['compiled', 'case']);
        // The same worker (and device) runs the next request.
        expect(await host.run(await request()).result).toMatchObject({ status: 'done', passed: 2 });
      } finally {
        host.dispose();
        service.dispose();
        port1.close();
      }
    });
  });
});
