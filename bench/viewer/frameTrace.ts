/**
 * The frame probe times frames in wall time, which counts the main thread waiting: for a slow
 * (software) GPU's command buffer to drain, or for a core on a loaded machine. A Chromium trace
 * (`devtools.timeline`) gives each requestAnimationFrame callback its thread CPU time (`tdur`)
 * beside its wall time (`dur`), so a phase can be split into work and waiting.
 */
import type { CDPSession, Page } from 'playwright-core';

interface TraceEvent {
  readonly name: string;
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
      if (e.name === 'FireAnimationFrame' || e.name === 'thread_name') events.push(e);
  });
  const complete = new Promise<void>((resolve) =>
    cdp.once('Tracing.tracingComplete', () => resolve()),
  );
  await cdp.send('Tracing.start', {
    traceConfig: { includedCategories: ['devtools.timeline'] },
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
  const callbacks = events
    .filter((e) => e.name === 'FireAnimationFrame' && e.ph === 'X')
    .filter((e) => main === undefined || (e.pid === main.pid && e.tid === main.tid))
    .sort((a, b) => a.ts - b.ts);
  const frames: TracedFrame[] = [];
  let end = -Infinity;
  for (const e of callbacks) {
    const wall = (e.dur ?? 0) / 1000;
    const cpu = (e.tdur ?? NaN) / 1000;
    const last = frames.at(-1);
    if (last !== undefined && e.ts < end + SAME_FRAME_GAP_US)
      frames[frames.length - 1] = { wallMs: last.wallMs + wall, cpuMs: last.cpuMs + cpu };
    else frames.push({ wallMs: wall, cpuMs: cpu });
    end = e.ts + (e.dur ?? 0);
  }
  return { result, frames };
}
