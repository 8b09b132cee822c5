/**
 * `npm run bench -- page [--seconds 20] [--rounds 1]`: the whole workbench page, live, as an
 * operator opens it — the server on its embedded defaults (broker, plant, relay), the app in
 * headless Chromium with WebGPU on whatever GPU Chromium finds (SwiftShader here) — and how well
 * its main thread keeps answering while the scene draws and the simulation runs beside it.
 *
 * Two pages are compared in the same run, in ABBA order, each in a browser of its own:
 * - `twinbench`: the app as shipped; its 2D canvases (sparklines, timeline, charts) are
 *   CPU-backed (src/viewer/cpuCanvas.ts);
 * - `peer`: the same app with Chromium's default 2D canvases, GPU-backed where Chromium chooses —
 *   what a page gets from plain `getContext('2d')` and from chart libraries. An init script drops
 *   the `willReadFrequently` hint; nothing else differs.
 *
 * Per page, over `--seconds` after the live twin is up (telemetry flowing, the simulation
 * stepping, frames drawn):
 * - long tasks (PerformanceObserver): count, total and longest, and the share of the time the
 *   main thread was inside one;
 * - timer lag: a 100 ms timer's lateness, p50/p95/max — how long a click or a message waits;
 * - operator commands: "Apply damage" clicked in the page every few seconds, click → the relay's
 *   answer shown (button enabled again), median and max;
 * - telemetry samples taken in and frames drawn per second.
 * Prints one JSON line; progress goes to stderr.
 */
import type { Browser, Page } from 'playwright-core';
import { findChromium, launchChromium, startServer, waitFor, snapshot } from '../e2e/support.ts';
import { quantile, round } from './viewer/stats.ts';

interface Options {
  readonly seconds: number;
  readonly rounds: number;
}

class PageBenchUsageError extends Error {
  override readonly name = 'PageBenchUsageError';
}

const USAGE = 'usage: npm run bench -- page [--seconds 20] [--rounds 1]';

function parseArgs(argv: readonly string[]): Options {
  let seconds = 20;
  let rounds = 1;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = Number(argv[i + 1]);
    if (flag === '--seconds' && value > 0 && Number.isFinite(value)) seconds = value;
    else if (flag === '--rounds' && Number.isInteger(value) && value > 0) rounds = value;
    else throw new PageBenchUsageError(`page bench: cannot read "${flag}"; ${USAGE}`);
    i += 1;
  }
  return { seconds, rounds };
}

type Variant = 'twinbench' | 'peer';

interface PageFigures {
  readonly longTasks: number;
  readonly longTaskMs: number;
  readonly longestTaskMs: number;
  readonly lagMs: readonly number[];
  readonly commandMs: readonly number[];
  readonly commandsFailed: readonly string[];
  readonly samplesPerSecond: number;
  readonly framesPerSecond: number;
}

/** Installed before the app's own scripts: the probes, and for the peer the default canvases. */
function probes(variant: Variant): void {
  const state = { measuring: false, long: [] as number[], lag: [] as number[] };
  (window as unknown as { __pageBench: typeof state }).__pageBench = state;
  new PerformanceObserver((list) => {
    if (!state.measuring) return;
    for (const entry of list.getEntries()) state.long.push(entry.duration);
  }).observe({ type: 'longtask' });
  const period = 100;
  let due = performance.now() + period;
  const tick = () => {
    const now = performance.now();
    if (state.measuring) state.lag.push(Math.max(0, now - due));
    due = now + period;
    setTimeout(tick, period);
  };
  setTimeout(tick, period);
  if (variant === 'peer') {
    const proto = HTMLCanvasElement.prototype;
    const original = Object.getOwnPropertyDescriptor(proto, 'getContext')?.value as (
      this: HTMLCanvasElement,
      ...args: unknown[]
    ) => unknown;
    Object.defineProperty(proto, 'getContext', {
      configurable: true,
      writable: true,
      value(this: HTMLCanvasElement, type: unknown, options?: unknown) {
        if (type === '2d' && options && typeof options === 'object') {
          const rest = { ...(options as Record<string, unknown>) };
          delete rest.willReadFrequently;
          return original.call(this, type, rest);
        }
        return original.call(this, type, options);
      },
    });
  }
}

/**
 * Clicks "Apply damage" (the panel's default member and health) in the page and waits for the
 * button to come back: the relay answered.
 */
function command(): Promise<{ ms: number; ok: boolean; message: string }> {
  const panel = document.querySelector('.damage-panel');
  const button = [...(panel?.querySelectorAll('button') ?? [])].find(
    (b) => b.textContent === 'Apply damage',
  );
  if (!panel || !button)
    return Promise.reject(new Error('page bench: no damage panel with "Apply damage" on the page'));
  return new Promise((resolve, reject) => {
    const start = performance.now();
    let wasBusy = false;
    const done = () => {
      observer.disconnect();
      clearTimeout(timer);
      const result = panel.querySelector('.ok-text, .error-text');
      resolve({
        ms: performance.now() - start,
        ok: result?.classList.contains('ok-text') ?? false,
        message: result?.textContent ?? '',
      });
    };
    const observer = new MutationObserver(() => {
      if (button.disabled) wasBusy = true;
      else if (wasBusy) done();
    });
    observer.observe(button, { attributes: true, attributeFilter: ['disabled'] });
    const timer = setTimeout(() => {
      observer.disconnect();
      reject(new Error('page bench: no answer to "Apply damage" within 60 s'));
    }, 60_000);
    button.click();
  });
}

async function measure(page: Page, seconds: number): Promise<PageFigures> {
  const before = await snapshot(page);
  const started = Date.now();
  await page.evaluate(() => {
    (window as unknown as { __pageBench: { measuring: boolean } }).__pageBench.measuring = true;
  });
  const commandMs: number[] = [];
  const commandsFailed: string[] = [];
  const every = Math.max(2, seconds / 4) * 1000;
  while (Date.now() - started < seconds * 1000) {
    const answer = await page.evaluate(command);
    if (answer.ok) commandMs.push(answer.ms);
    else commandsFailed.push(answer.message);
    const left = seconds * 1000 - (Date.now() - started);
    if (left > 0) await page.waitForTimeout(Math.min(every, left));
  }
  const probe = await page.evaluate(() => {
    const s = (
      window as unknown as { __pageBench: { measuring: boolean; long: number[]; lag: number[] } }
    ).__pageBench;
    s.measuring = false;
    return { long: s.long, lag: s.lag };
  });
  const after = await snapshot(page);
  const elapsed = (Date.now() - started) / 1000;
  return {
    longTasks: probe.long.length,
    longTaskMs: probe.long.reduce((a, b) => a + b, 0),
    longestTaskMs: Math.max(0, ...probe.long),
    lagMs: probe.lag,
    commandMs,
    commandsFailed,
    samplesPerSecond: (after.totalSamples - before.totalSamples) / elapsed,
    framesPerSecond: (after.frames - before.frames) / elapsed,
  };
}

async function session(
  executablePath: string,
  url: string,
  variant: Variant,
  seconds: number,
): Promise<PageFigures> {
  let browser: Browser | null = null;
  try {
    browser = await launchChromium(executablePath, { webgpu: true });
    const page = await browser.newPage({ viewport: { width: 1440, height: 860 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    // tsx compiles this file keeping function names, through a `__name` helper that the functions
    // handed to the page call; the page needs its own.
    await page.addInitScript({ content: 'globalThis.__name = (f) => f;' });
    await page.addInitScript(probes, variant);
    await page.goto(url);
    await waitFor(
      page,
      'the live twin',
      (s) =>
        s.connection === 'open' &&
        s.totalSamples > 2000 &&
        s.sim.phase === 'running' &&
        s.frames >= 3,
      120_000,
    );
    // Past auto antialiasing's judgement (and the canvas it may make anew) before measuring.
    await waitFor(page, 'frames after the start', (s) => s.frames >= 15, 120_000);
    const figures = await measure(page, seconds);
    if (errors.length > 0) throw new Error(`page bench: the ${variant} page threw: ${errors[0]}`);
    return figures;
  } finally {
    await browser?.close();
  }
}

function merge(parts: readonly PageFigures[]): PageFigures {
  const sum = (f: (p: PageFigures) => number) => parts.reduce((a, p) => a + f(p), 0);
  return {
    longTasks: sum((p) => p.longTasks),
    longTaskMs: sum((p) => p.longTaskMs),
    longestTaskMs: Math.max(...parts.map((p) => p.longestTaskMs)),
    lagMs: parts.flatMap((p) => p.lagMs),
    commandMs: parts.flatMap((p) => p.commandMs),
    commandsFailed: parts.flatMap((p) => p.commandsFailed),
    samplesPerSecond: sum((p) => p.samplesPerSecond) / parts.length,
    framesPerSecond: sum((p) => p.framesPerSecond) / parts.length,
  };
}

function report(f: PageFigures, measuredSeconds: number): Record<string, number | null> {
  return {
    long_tasks: f.longTasks,
    long_task_share: round(f.longTaskMs / (measuredSeconds * 1000)),
    longest_task_ms: round(f.longestTaskMs),
    timer_lag_ms_p50: round(quantile(f.lagMs, 0.5)),
    timer_lag_ms_p95: round(quantile(f.lagMs, 0.95)),
    timer_lag_ms_max: round(Math.max(0, ...f.lagMs)),
    command_ms_p50: round(quantile(f.commandMs, 0.5)),
    command_ms_max: round(Math.max(...f.commandMs)),
    commands: f.commandMs.length,
    commands_failed: f.commandsFailed.length,
    samples_per_s: round(f.samplesPerSecond),
    frames_per_s: round(f.framesPerSecond),
  };
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const executablePath = findChromium();
  if (!executablePath)
    throw new PageBenchUsageError(
      "page bench: no Chromium found; install Debian's chromium package (apt-get install chromium)",
    );
  const server = await startServer();
  const runs: Record<Variant, PageFigures[]> = { twinbench: [], peer: [] };
  try {
    for (let round_ = 0; round_ < options.rounds; round_++) {
      for (const variant of ['twinbench', 'peer', 'peer', 'twinbench'] as const) {
        console.error(`page bench: round ${round_ + 1}, ${variant}…`);
        const figures = await session(executablePath, server.url, variant, options.seconds);
        console.error(
          `page bench: ${variant}: longest task ${Math.round(figures.longestTaskMs)} ms, ` +
            `commands ${figures.commandMs.map(Math.round).join('/')} ms` +
            (figures.commandsFailed.length > 0 ? `, failed: ${figures.commandsFailed[0]}` : ''),
        );
        runs[variant].push(figures);
      }
    }
  } finally {
    await server.stop();
  }
  const measured = 2 * options.rounds * options.seconds;
  const ours = merge(runs.twinbench);
  const peer = merge(runs.peer);
  console.info(
    JSON.stringify({
      bench: 'page',
      seconds_per_page: options.seconds,
      pages: 4 * options.rounds,
      peer: "Chromium's default 2D canvases (GPU-backed)",
      twinbench: report(ours, measured),
      peer_figures: report(peer, measured),
      peer_vs_twinbench_long_task_share: round(peer.longTaskMs / Math.max(1, ours.longTaskMs)),
      peer_vs_twinbench_timer_lag_p95: round(
        quantile(peer.lagMs, 0.95) / Math.max(1, quantile(ours.lagMs, 0.95)),
      ),
      peer_vs_twinbench_command_p50: round(
        quantile(peer.commandMs, 0.5) / Math.max(1, quantile(ours.commandMs, 0.5)),
      ),
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof PageBenchUsageError ? error.message : error);
  process.exit(1);
});
