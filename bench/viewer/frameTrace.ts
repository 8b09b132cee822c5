/**
 * The frame probe times frames in wall time, which counts the main thread waiting: for a slow
 * (software) GPU's command buffer to drain, or for a core on a loaded machine. A Chromium trace
 * (`devtools.timeline`) gives each requestAnimationFrame callback its thread CPU time (`tdur`)
 * beside its wall time (`dur`), so a phase can be split into work and waiting.
 */
import type { CDPSession, Page } from 'playwright-core';

interface TraceEvent {
  readonly name: string;
  readonly cat?: string;
  readonly ph: string;
  readonly pid: number;
  readonly tid: number;
  readonly ts: number;
  readonly dur?: number;
  readonly tdur?: number;
  readonly args?: { readonly name?: string };
}

export interface TracedFrame {
  /** Wall time of the frame's animation-frame callbacks, ms. */
  readonly wallMs: number;
  /** Thread CPU time of those callbacks, ms. */
  readonly cpuMs: number;
  /**
   * Time inside those callbacks in Chromium's GPU-client trace events (category `gpu`) by event
   * name, ms: where the main thread waited for the GPU process (`CommandBufferHelper::Finish`,
   * `…::WaitForGetOffset`, transfer-buffer waits). Events nest, so names overlap in time.
   */
  readonly gpuMs: Readonly<Record<string, number>>;
}

/** Callbacks less than this far apart (µs) ran in the same frame. */
const SAME_FRAME_GAP_US = 1000;

/**
 * Runs `phase` under a trace of the page's renderer and returns the main thread's
 * animation-frame work per frame (all of a frame's callbacks together: react-three-fiber's loop,
 * OrbitControls' and the playback's own).
 */
export async function traceFrames<T>(
  page: Page,
  phase: () => Promise<T>,
): Promise<{ result: T; frames: TracedFrame[] }> {
  const cdp: CDPSession = await page.context().newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (event) => {
    for (const e of event.value as unknown as TraceEvent[])
      if (
        e.name === 'FireAnimationFrame' ||
        e.name === 'thread_name' ||
        (e.ph === 'X' && e.cat?.split(',').includes('gpu') === true)
      )
        events.push(e);
  });
  const complete = new Promise<void>((resolve) =>
    cdp.once('Tracing.tracingComplete', () => resolve()),
  );
  await cdp.send('Tracing.start', {
    traceConfig: { includedCategories: ['devtools.timeline', 'gpu'] },
    transferMode: 'ReportEvents',
  });
  let result: T;
  try {
    result = await phase();
  } finally {
    await cdp.send('Tracing.end');
    await complete;
    await cdp.detach();
  }
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const onMain = (e: TraceEvent) =>
    main === undefined || (e.pid === main.pid && e.tid === main.tid);
  const callbacks = events
    .filter((e) => e.name === 'FireAnimationFrame' && e.ph === 'X')
    .filter(onMain)
    .sort((a, b) => a.ts - b.ts);
  const gpu = events
    .filter((e) => e.name !== 'FireAnimationFrame' && e.ph === 'X' && onMain(e))
    .sort((a, b) => a.ts - b.ts);
  /** GPU-client time by name inside [from, to) µs. */
  const gpuWithin = (from: number, to: number): Record<string, number> => {
    const byName: Record<string, number> = {};
    for (const e of gpu) {
      if (e.ts < from) continue;
      if (e.ts >= to) break;
      byName[e.name] = (byName[e.name] ?? 0) + (e.dur ?? 0) / 1000;
    }
    return byName;
  };
  const frames: TracedFrame[] = [];
  let end = -Infinity;
  for (const e of callbacks) {
    const wall = (e.dur ?? 0) / 1000;
    const cpu = (e.tdur ?? NaN) / 1000;
    const gpuMs = gpuWithin(e.ts, e.ts + (e.dur ?? 0));
    const last = frames.at(-1);
    if (last !== undefined && e.ts < end + SAME_FRAME_GAP_US) {
      const merged: Record<string, number> = { ...last.gpuMs };
      for (const [name, ms] of Object.entries(gpuMs)) merged[name] = (merged[name] ?? 0) + ms;
      frames[frames.length - 1] = {
        wallMs: last.wallMs + wall,
        cpuMs: last.cpuMs + cpu,
        gpuMs: merged,
      };
    } else frames.push({ wallMs: wall, cpuMs: cpu, gpuMs });
    end = e.ts + (e.dur ?? 0);
  }
  return { result, frames };
}

/**
 * In the frames at or above the `q` quantile of wall time, the GPU-client events that took the
 * most time, in ms per such frame (the `top` names, longest first): what the slow frames waited on.
 */
export function slowFrameGpu(
  frames: readonly TracedFrame[],
  q = 0.95,
  top = 3,
): Record<string, number> {
  if (frames.length === 0) return {};
  const walls = frames.map((f) => f.wallMs).sort((a, b) => a - b);
  const cut = walls[Math.min(walls.length - 1, Math.floor(q * walls.length))]!;
  const slow = frames.filter((f) => f.wallMs >= cut);
  const total: Record<string, number> = {};
  for (const f of slow)
    for (const [name, ms] of Object.entries(f.gpuMs)) total[name] = (total[name] ?? 0) + ms;
  return Object.fromEntries(
    Object.entries(total)
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, ms]) => [name, Number((ms / slow.length).toPrecision(3))]),
  );
}
