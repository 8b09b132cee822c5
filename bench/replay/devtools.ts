/**
 * DevTools protocol access to the page and its dedicated workers. Playwright opens CDP sessions
 * on pages only, so workers are reached the old way: auto-attach without flattening, then
 * `Target.sendMessageToTarget` / `receivedMessageFromTarget`. `performance.memory` does not
 * exist in workers, and the store lives in one, so heap figures come from `Runtime.getHeapUsage`.
 */
import type { CDPSession, Page } from 'playwright-core';

export interface HeapUsage {
  readonly usedSize: number;
  readonly totalSize: number;
}

/** One DevTools target: the page itself, or a worker attached through it. */
export interface Target {
  readonly url: string;
  send<T = unknown>(method: string, params?: Record<string, unknown>): Promise<T>;
}

interface Reply {
  id?: number;
  result?: unknown;
  error?: { message: string };
}

export class DevTools {
  private readonly workers = new Map<string, { url: string; sessionId: string }>();
  private readonly waiting = new Map<number, (reply: Reply) => void>();
  private nextId = 1;

  private constructor(private readonly cdp: CDPSession) {
    cdp.on('Target.attachedToTarget', (event) => {
      if (event.targetInfo.type !== 'worker') return;
      this.workers.set(event.sessionId, { url: event.targetInfo.url, sessionId: event.sessionId });
    });
    cdp.on('Target.detachedFromTarget', (event) => {
      if (event.sessionId !== undefined) this.workers.delete(event.sessionId);
    });
    cdp.on('Target.receivedMessageFromTarget', (event) => {
      const reply = JSON.parse(event.message) as Reply;
      if (reply.id === undefined) return;
      this.waiting.get(reply.id)?.(reply);
      this.waiting.delete(reply.id);
    });
  }

  static async attach(page: Page): Promise<DevTools> {
    const cdp = await page.context().newCDPSession(page);
    const tools = new DevTools(cdp);
    await cdp.send('Target.setAutoAttach', {
      autoAttach: true,
      waitForDebuggerOnStart: false,
      flatten: false,
    });
    return tools;
  }

  get page(): Target {
    const cdp = this.cdp;
    return {
      url: 'page',
      // Playwright types `send` per method; these calls are few and untyped on purpose.
      send: <T>(method: string, params?: Record<string, unknown>) =>
        (cdp.send as (m: string, p?: Record<string, unknown>) => Promise<unknown>)(
          method,
          params,
        ) as Promise<T>,
    };
  }

  /** The attached worker whose script URL ends with `suffix`; waits for it to attach. */
  async worker(suffix: string, timeoutMs = 10_000): Promise<Target> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = [...this.workers.values()].find((w) => w.url.endsWith(suffix));
      if (found !== undefined) return this.target(found.url, found.sessionId);
      if (Date.now() > deadline) throw new Error(`replay bench: no worker ${suffix} attached`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  private target(url: string, sessionId: string): Target {
    return {
      url,
      send: <T>(method: string, params: Record<string, unknown> = {}) =>
        new Promise<T>((resolve, reject) => {
          const id = this.nextId++;
          this.waiting.set(id, (reply) =>
            reply.error ? reject(new Error(reply.error.message)) : resolve(reply.result as T),
          );
          this.cdp
            .send('Target.sendMessageToTarget', {
              sessionId,
              message: JSON.stringify({ id, method, params }),
            })
            .catch(reject);
        }),
    };
  }
}

/** Samples a target's used JS heap every `everyMs` and keeps the largest. */
export function sampleHeap(target: Target, everyMs = 250): { stop(): Promise<number> } {
  let max = 0;
  let busy: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    busy = target
      .send<HeapUsage>('Runtime.getHeapUsage')
      .then((usage) => void (max = Math.max(max, usage.usedSize)))
      .catch(() => undefined);
  }, everyMs);
  return {
    async stop() {
      clearInterval(timer);
      await busy;
      return max;
    },
  };
}

/** Used heap after a full garbage collection: what stays alive. */
export async function heapAfterGc(target: Target): Promise<number> {
  await target.send('HeapProfiler.collectGarbage');
  return (await target.send<HeapUsage>('Runtime.getHeapUsage')).usedSize;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export async function startProfile(target: Target): Promise<void> {
  await target.send('Profiler.enable');
  await target.send('Profiler.setSamplingInterval', { interval: 500 });
  await target.send('Profiler.start');
}

export async function stopProfile(target: Target): Promise<CpuProfile> {
  const { profile } = await target.send<{ profile: CpuProfile }>('Profiler.stop');
  return profile;
}

/** Self time per function (ms), largest first: where the target's thread spent its time. */
export function selfTimes(
  profile: CpuProfile,
  sourceOf: (bundle: string, line: number) => string | null = () => null,
): { name: string; ms: number; share: number }[] {
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let all = 0;
  samples.forEach((id, i) => {
    // A sample's delta is the time since the previous one: charge it to the previous sample.
    const us = deltas[i + 1] ?? 0;
    const frame = byNode.get(id)?.callFrame;
    const bundle = frame?.url.split('/').pop() ?? '';
    const where = bundle ? (sourceOf(bundle, (frame?.lineNumber ?? 0) + 1) ?? bundle) : '';
    const name =
      frame === undefined
        ? '?'
        : `${frame.functionName || '(anonymous)'}${where ? ` (${where})` : ''}`;
    totals.set(name, (totals.get(name) ?? 0) + us);
    all += us;
  });
  return [...totals]
    .map(([name, us]) => ({ name, ms: us / 1000, share: all > 0 ? us / all : 0 }))
    .sort((a, b) => b.ms - a.ms);
}
