/**
 * `npm run bench -- viewer [--entities 10k] [--channels 1000] [--samples 100M] [--seconds 10]
 * [--drags 20] [--fresh] [--quick] [--profile DIR]`: the 3D viewer in headless Chromium, on a
 * twin of about `--entities` entities (a braced lattice tower, bench/viewer/tower.ts) reading
 * `--channels` channels. Prints one JSON line; progress and per-thread CPU go to stderr.
 *
 * What it measures, all with the app's own code (bench/viewer/page.tsx):
 * - frame_main_ms: main-thread time per frame of the app's TwinCanvas — from the start of the
 *   frame loop's callbacks to the end of three.js's render call (the app's `onFrameDrawn`) —
 *   live (LiveTelemetry fed 100 Hz on every channel in 50 ms batches, as the relay delivers)
 *   and while scrubbing; `frame_main_ms_p95` is the larger of the two p95s.
 * - scrub_to_frame_ms: Playwright drags the mouse over a scrub bar that seeks the app's Playback
 *   (over the app's recorder worker) as the timeline does; per input event, its `timeStamp` to
 *   the end of the first frame drawn at that cursor with Playback `ready` (the recording's
 *   latest-at values drawn). An input overtaken by the next one before it was drawn counts until
 *   a later input was drawn (`superseded` says how many); the drawn-only figures are given too.
 * - the peer: the same twin and live data drawn as a three.js user would without instancing,
 *   a Mesh per entity (bench/viewer/baselineScene.ts), timed over the same span, alternating
 *   with TwinCanvas (ABBA) in the same browser.
 *
 * The recording (`--samples` at 100 Hz per channel) is written through the app's RecorderService
 * into the app's replay database in a persistent Chromium profile — `launch()` contexts keep
 * IndexedDB in memory — kept under ~/.cache/twinbench/viewer-bench/ and reused (`--fresh`
 * rebuilds it; 100M samples take 10–15 min here).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { findChromium } from '../e2e/support.ts';
import { parseTwinFile, twinChannels } from '../src/viewer/twin/twinFile.ts';
import { DevTools, selfTimes, startProfile, stopProfile, type Target } from './replay/devtools.ts';
import { random } from './replay/telemetry.ts';
import { cpuSince, threadCpu } from './replay/threadCpu.ts';
import { parseArgs, ViewerBenchUsageError, type ViewerBenchOptions } from './viewer/args.ts';
import { recordingCache } from './viewer/cache.ts';
import { slowFrameGpu, traceFrames, type TracedFrame } from './viewer/frameTrace.ts';
import type {
  FrameStats,
  RenderQualityReport,
  SceneKind,
  ScrubResult,
  ViewerBenchPage,
} from './viewer/protocol.ts';
import { latencyOf } from './viewer/scrubLog.ts';
import { serveViewerBench, type BenchServer } from './viewer/serve.ts';
import { quantile, round } from './viewer/stats.ts';
import { towerShape, towerTwinFile } from './viewer/tower.ts';

/**
 * WebGL on SwiftShader with GPU compositing, as a browser with a GPU composites a WebGL canvas.
 * `--disable-gpu` (software compositing) reads every frame back (ANGLE: "GPU stall due to
 * ReadPixels") and stalled the main thread for seconds at a time in trial runs.
 */
const CHROMIUM_FLAGS = [
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--ignore-gpu-blocklist',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
  '--disable-features=WebGPU',
];
const VIEWPORT = { width: 1280, height: 800 };
const WARM_UP_MS = 2000;
/** Pointer moves per drag after the pointer-down, each after a 100–200 ms pause. */
const MOVES_PER_DRAG = 5;
/** Lone clicks on the bar after the drags: one seek with nothing queued before it. */
const CLICKS = 5;
/** How long a drag's last target may take to be drawn before it counts as undrawn. */
const SETTLE_LIMIT_MS = 60_000;
/** How long, after that, the bench waits for it to be drawn with its 10 s of history read. */
const HISTORY_LIMIT_MS = 30_000;
/** Longest a live round waits for its share of `--frames`. */
const ROUND_LIMIT_MS = 240_000;

const log = (message: string) => console.error(`viewer bench: ${message}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let options: ViewerBenchOptions;
try {
  options = parseArgs(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof ViewerBenchUsageError)) throw error;
  console.error(error.message);
  process.exit(2);
}
const executablePath = findChromium();
if (executablePath === null) {
  console.error(
    "viewer bench: needs Chromium: install Debian's chromium or set TWINBENCH_CHROMIUM",
  );
  process.exit(2);
}

const shape = towerShape(options.entities, options.channels);
const twinFile = towerTwinFile(shape);
const channels = twinChannels(parseTwinFile(twinFile, 'viewer-bench.twin.yaml'));
const cache = recordingCache(options.samples, channels, options.fresh);
log(
  `twin: a ${shape.nx} × ${shape.ny} × ${shape.levels}-level tower, ${shape.nodes} nodes, ` +
    `${shape.members} members, ${channels.length} channels; profile ${cache.dir}`,
);

function call<K extends keyof ViewerBenchPage>(
  page: Page,
  method: K,
  ...args: Parameters<ViewerBenchPage[K]>
): Promise<Awaited<ReturnType<ViewerBenchPage[K]>>> {
  return page.evaluate(
    ([name, list]) => {
      const bench = (
        window as unknown as { __viewerBench: Record<string, (...a: unknown[]) => unknown> }
      ).__viewerBench;
      return bench[name]!(...list);
    },
    [method, args] as const,
  ) as Promise<Awaited<ReturnType<ViewerBenchPage[K]>>>;
}

interface Session {
  readonly context: BrowserContext;
  readonly page: Page;
  readonly tools: DevTools | null;
}

async function openSession(server: BenchServer): Promise<Session> {
  const context = await chromium.launchPersistentContext(cache.dir, {
    executablePath: executablePath!,
    headless: true,
    viewport: VIEWPORT,
    args: CHROMIUM_FLAGS,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (message) => log(`page: ${message.text()}`));
  page.on('pageerror', (error) => log(`page error: ${error.message}`));
  // Attached before the page loads, so the recorder worker is attached as it starts.
  const tools = options.profile === null ? null : await DevTools.attach(page);
  await page.goto(server.url);
  await page.waitForFunction(() => '__viewerBench' in window);
  return { context, page, tools };
}

/** Waits until Chromium's processes are nearly idle (LevelDB compacts after a big write). */
async function settle(limitS = 300): Promise<number> {
  const start = Date.now();
  let quiet = 0;
  let before = threadCpu();
  while (Date.now() - start < limitS * 1000 && quiet < 2) {
    await sleep(1000);
    const now = threadCpu();
    const busy = cpuSince(before, now).reduce(
      (sum, [key, s]) => sum + (key.startsWith('node') ? 0 : s),
      0,
    );
    quiet = busy < 0.1 ? quiet + 1 : 0;
    before = now;
  }
  return (Date.now() - start) / 1000;
}

/** Runs `phase` and logs where Chromium's CPU went meanwhile, and the load average. */
async function watched<T>(label: string, phase: () => Promise<T>): Promise<T> {
  const before = threadCpu();
  const t0 = Date.now();
  const result = await phase();
  const seconds = (Date.now() - t0) / 1000;
  const cpu = cpuSince(before, threadCpu());
  log(
    `${label}: ${seconds.toFixed(1)} s, load ${loadavg()[0]!.toFixed(2)}; CPU (s): ` +
      cpu
        .slice(0, 7)
        .map(([key, s]) => `${key} ${s.toFixed(1)}`)
        .join(', '),
  );
  return result;
}

async function profiled<T>(
  server: BenchServer,
  targets: Target[],
  run: () => Promise<T>,
): Promise<T> {
  const dir = options.profile;
  if (dir === null) return run();
  await Promise.all(targets.map(startProfile));
  const result = await run();
  mkdirSync(dir, { recursive: true });
  for (const target of targets) {
    const profile = await stopProfile(target);
    const who = target.url === 'page' ? 'main' : (target.url.split('/').pop() ?? 'worker');
    writeFileSync(join(dir, `scrub.${who}.cpuprofile`), JSON.stringify(profile));
    log(`profile of the scrub phase (${who}), self time:`);
    for (const entry of selfTimes(profile, server.sourceOf).slice(0, 20))
      console.error(
        `  ${(entry.share * 100).toFixed(1).padStart(5)}%  ${entry.ms.toFixed(0).padStart(7)} ms  ${entry.name}`,
      );
  }
  return result;
}

interface Round {
  readonly stats: FrameStats;
  /** The same frames from a trace: wall and thread CPU time of their animation-frame callbacks. */
  readonly traced: readonly TracedFrame[];
}

/** How TwinCanvas drew, from its first mount. */
const drawnAs: { quality: RenderQualityReport | null } = { quality: null };

/** Live frames of one scene: mounted, warmed up, measured for `ms` (traced), unmounted. */
async function liveRound(page: Page, kind: SceneKind, ms: number): Promise<Round> {
  const quality = await call(page, 'mount', kind);
  if (kind === 'twin' && quality.judgedMedianMs !== null && drawnAs.quality === null)
    log(
      `TwinCanvas antialiasing (${quality.mode}): ${quality.antialias ? 'kept' : 'off'}, ` +
        `judged on frames ${quality.judgedMedianMs.toFixed(0)} ms apart with it`,
    );
  if (kind === 'twin') drawnAs.quality = quality;
  await sleep(WARM_UP_MS);
  const minFrames = Math.ceil(options.frames / 2);
  const { result: stats, frames: traced } = await traceFrames(page, () =>
    watched(`live ${kind}`, () =>
      call(page, 'measureFrames', ms, minFrames, Math.max(ms, ROUND_LIMIT_MS)),
    ),
  );
  log(
    `live ${kind}: ${stats.durations.length} frames in ${(stats.spanMs / 1000).toFixed(1)} s, ` +
      `main thread p50 ${quantile(stats.durations, 0.5).toFixed(2)} ms ` +
      `(trace: CPU p50 ${quantile(cpu(traced), 0.5).toFixed(2)} ms of wall ${quantile(wall(traced), 0.5).toFixed(2)} ms)`,
  );
  await call(page, 'unmount');
  return { stats, traced };
}

const cpu = (frames: readonly TracedFrame[]) => frames.map((f) => f.cpuMs);
const wall = (frames: readonly TracedFrame[]) => frames.map((f) => f.wallMs);

/**
 * Drags over the scrub bar — down, moves with 100–200 ms pauses, up — then lone clicks; after
 * each, waits for its last input to be drawn and its history read, as a user looks before
 * scrubbing on. Returns how many of those last inputs were never drawn.
 */
async function scrub(page: Page): Promise<number> {
  const box = await page.locator('#scrub').boundingBox();
  if (box === null) throw new Error('viewer bench: the scrub bar is not laid out');
  const rand = random(20_261_123);
  const x = () => box.x + 1 + rand() * (box.width - 2);
  const y = box.y + box.height / 2;
  let undrawn = 0;
  const settled = async () => {
    const drawnBy = Date.now() + SETTLE_LIMIT_MS;
    while (!(await call(page, 'scrubSettled')).drawn && Date.now() < drawnBy) await sleep(50);
    if (!(await call(page, 'scrubSettled')).drawn) undrawn++;
    const historyBy = Date.now() + HISTORY_LIMIT_MS;
    while (!(await call(page, 'scrubSettled')).history && Date.now() < historyBy) await sleep(50);
    await sleep(300);
  };
  for (let d = 0; d < options.drags; d++) {
    await page.mouse.move(x(), y);
    await page.mouse.down();
    for (let m = 0; m < MOVES_PER_DRAG; m++) {
      await sleep(100 + rand() * 100);
      await page.mouse.move(x(), y);
    }
    await sleep(100 + rand() * 100);
    await page.mouse.up();
    await settled();
  }
  await call(page, 'setInputKind', 'click');
  for (let c = 0; c < CLICKS; c++) {
    await page.mouse.click(x(), y);
    await settled();
  }
  return undrawn;
}

const server = await serveViewerBench(cache.marker?.port ?? 0);
let session = await openSession(server);
const chromiumVersion = session.context.browser()?.version() ?? 'unknown';
const loads: number[] = [];
try {
  const setup = await call(session.page, 'setup', twinFile, options.antialias);
  log(`${setup.entities} entities; WebGL: ${setup.webglRenderer}; Chromium ${chromiumVersion}`);

  let marker = cache.marker;
  let ingestSeconds: number | 'cached' = 'cached';
  if (marker === null) {
    log(
      `writing a recording of ${options.samples.toLocaleString('en-US')} samples on ` +
        `${channels.length} channels through the app's RecorderService ` +
        `(≈ ${Math.round(options.samples / 110_000 / 60)} min on this 2-core machine; reused by later runs)…`,
    );
    const ingested = await watched('ingest', () =>
      call(session.page, 'ingest', { samples: options.samples, maxBacklog: 4_000_000, seed: 1 }),
    );
    for (const notice of ingested.notices) log(`ingest notice: ${notice}`);
    if (ingested.notices.some((n) => n.includes('evict')))
      throw new Error('viewer bench: the recorder evicted samples; the recording is incomplete');
    ingestSeconds = ingested.seconds;
    log(
      `recorded ${ingested.samples.toLocaleString('en-US')} samples in ${ingested.seconds.toFixed(0)} s ` +
        `(${Math.round(ingested.samples / ingested.seconds)}/s); waiting for LevelDB to settle…`,
    );
    log(`Chromium busy ${(await settle()).toFixed(0)} s after the final flush`);
    marker = cache.save({
      recordingId: ingested.recordingId,
      port: server.port,
      samples: ingested.samples,
      channels: channels.length,
      ingestSeconds: ingested.seconds,
      chromium: chromiumVersion,
    });
    // A fresh browser on the profile, as a later run would find it.
    await session.context.close();
    session = await openSession(server);
    await call(session.page, 'setup', twinFile, options.antialias);
  } else {
    log(
      `reusing the recording of ${marker.samples.toLocaleString('en-US')} samples (written ${marker.createdAt})`,
    );
  }
  const { page } = session;

  const recording = await watched('open the recorder', () =>
    call(page, 'openRecording', marker.recordingId),
  );
  if (recording.storedSamples < options.samples)
    throw new Error(
      `viewer bench: the cached recording holds ${recording.storedSamples} samples, not ${options.samples}; rerun with --fresh`,
    );
  log(
    `the app's recorder opened ${recording.storedSamples.toLocaleString('en-US')} samples ` +
      `(${((recording.end - recording.start) / 1000).toFixed(0)} s of device time) in ${recording.openMs.toFixed(0)} ms`,
  );
  log(`Chromium settled after ${(await settle()).toFixed(0)} s`);

  await call(page, 'startLive', 7);
  const half = (options.seconds * 1000) / 2;
  const twinRounds: Round[] = [];
  const peerRounds: Round[] = [];
  // ABBA, so drift in the machine's load falls on both alike.
  for (const kind of ['twin', 'baseline', 'baseline', 'twin'] as const) {
    loads.push(loadavg()[0]!);
    (kind === 'twin' ? twinRounds : peerRounds).push(await liveRound(page, kind, half));
  }

  log(
    `scrubbing: ${options.drags} drags of ${MOVES_PER_DRAG + 1} inputs each, then ${CLICKS} clicks…`,
  );
  await call(page, 'mount', 'twin');
  await sleep(WARM_UP_MS);
  await call(page, 'startScrub');
  loads.push(loadavg()[0]!);
  const targets: Target[] = [];
  if (session.tools !== null)
    targets.push(session.tools.page, await session.tools.worker('/recorder.worker.js'));
  const { result: undrawnDrags, frames: scrubTraced } = await traceFrames(page, () =>
    profiled(server, targets, () => watched('scrub', () => scrub(page))),
  );
  const result: ScrubResult = await call(page, 'finishScrub');
  loads.push(loadavg()[0]!);

  const durations = (rounds: Round[]) => rounds.flatMap((r) => r.stats.durations);
  const fps = (rounds: Round[]) =>
    rounds.reduce((n, r) => n + r.stats.durations.length, 0) /
    (rounds.reduce((ms, r) => ms + r.stats.spanMs, 0) / 1000);
  const live = durations(twinRounds);
  const peer = durations(peerRounds);
  const liveCpu = twinRounds.flatMap((r) => cpu(r.traced));
  const peerCpu = peerRounds.flatMap((r) => cpu(r.traced));
  const scrubFrames = result.frames.durations;
  const drags = result.targets.filter((t) => t.kind === 'drag');
  const clicks = result.targets.filter((t) => t.kind === 'click');
  const latencies = drags.map(latencyOf).filter((ms): ms is number => ms !== null);
  const drawn = drags.filter((t) => t.drawnAt !== null);
  const drawnOnly = drawn.map((t) => t.drawnAt! - t.inputAt);
  const history = drawn.filter((t) => t.historyAt !== null).map((t) => t.historyAt! - t.inputAt);
  const ready = drags.filter((t) => t.readyAt !== null);
  const toReady = ready.map((t) => t.readyAt! - t.inputAt);
  const readyToFrame = drawn.filter((t) => t.readyAt !== null).map((t) => t.drawnAt! - t.readyAt!);
  const superseded = drags.filter((t) => t.supersededAt !== null).length;
  const undrawn = drags.length - drawn.length - superseded;
  const clickDrawn = clicks.filter((t) => t.drawnAt !== null);
  const clickToFrame = clickDrawn.map((t) => t.drawnAt! - t.inputAt);
  const clickToReady = clicks.filter((t) => t.readyAt !== null).map((t) => t.readyAt! - t.inputAt);
  const clickHistory = clickDrawn
    .filter((t) => t.historyAt !== null)
    .map((t) => t.historyAt! - t.inputAt);
  if (undrawnDrags > 0)
    log(`WARNING: ${undrawnDrags} drags' last input was not drawn within ${SETTLE_LIMIT_MS} ms`);
  if (result.valueMismatches > 0)
    log(
      `WARNING: ${result.valueMismatches} of ${result.valuesChecked} drawn values differ from latestAt`,
    );
  const liveP95 = quantile(live, 0.95);
  const scrubP95 = quantile(scrubFrames, 0.95);

  console.info(
    JSON.stringify({
      bench: 'viewer',
      entities: setup.entities,
      frame_main_ms_p95: round(Math.max(liveP95, scrubP95)),
      scrub_to_frame_ms_p95: round(quantile(latencies, 0.95)),
      // What the figures above mean, and the same figures seen from elsewhere.
      frame_main_ms_p95_of: 'max(live, scrubbing)',
      scrub_policy:
        'every input; one overtaken before it was drawn counts until a later input was drawn',
      channels: channels.length,
      samples: recording.storedSamples,
      frame_main_ms_p50: round(quantile(live, 0.5)),
      live_frame_ms_p50: round(quantile(live, 0.5)),
      live_frame_ms_p95: round(liveP95),
      live_fps: round(fps(twinRounds)),
      live_frames: live.length,
      live_frame_cpu_ms_p50: round(quantile(liveCpu, 0.5)),
      live_frame_cpu_ms_p95: round(quantile(liveCpu, 0.95)),
      scrub_frame_ms_p50: round(quantile(scrubFrames, 0.5)),
      scrub_frame_ms_p95: round(scrubP95),
      scrub_frame_cpu_ms_p50: round(quantile(cpu(scrubTraced), 0.5)),
      scrub_frame_cpu_ms_p95: round(quantile(cpu(scrubTraced), 0.95)),
      // Where the main thread waited on the GPU process in the slowest 5 % of frames (ms a frame).
      live_slow_frame_gpu_ms: slowFrameGpu(twinRounds.flatMap((r) => r.traced)),
      scrub_slow_frame_gpu_ms: slowFrameGpu(scrubTraced),
      scrub_fps: round(scrubFrames.length / (result.frames.spanMs / 1000)),
      scrub_to_frame_ms_p50: round(quantile(latencies, 0.5)),
      targets: drags.length,
      drawn: drawn.length,
      superseded,
      undrawn,
      scrub_drawn_only_ms_p50: round(quantile(drawnOnly, 0.5)),
      scrub_drawn_only_ms_p95: round(quantile(drawnOnly, 0.95)),
      scrub_to_ready_ms_p50: round(quantile(toReady, 0.5)),
      scrub_to_ready_ms_p95: round(quantile(toReady, 0.95)),
      scrub_ready_to_frame_ms_p50: round(quantile(readyToFrame, 0.5)),
      scrub_ready_to_frame_ms_p95: round(quantile(readyToFrame, 0.95)),
      scrub_history_ms_p50: round(quantile(history, 0.5)),
      scrub_history_ms_p95: round(quantile(history, 0.95)),
      clicks: clicks.length,
      clicks_drawn: clickDrawn.length,
      click_to_frame_ms_p50: round(quantile(clickToFrame, 0.5)),
      click_to_frame_ms_max: round(Math.max(...clickToFrame)),
      click_to_ready_ms_p50: round(quantile(clickToReady, 0.5)),
      click_to_ready_ms_max: round(Math.max(...clickToReady)),
      click_history_ms_p50: round(quantile(clickHistory, 0.5)),
      scrub_long_tasks: result.frames.longTasks.length,
      scrub_long_task_ms_max: round(Math.max(0, ...result.frames.longTasks)),
      values_checked: result.valuesChecked,
      value_mismatches: result.valueMismatches,
      peer: 'three.js, a Mesh per entity',
      peer_frame_ms_p50: round(quantile(peer, 0.5)),
      peer_frame_ms_p95: round(quantile(peer, 0.95)),
      peer_frame_cpu_ms_p50: round(quantile(peerCpu, 0.5)),
      peer_frame_cpu_ms_p95: round(quantile(peerCpu, 0.95)),
      peer_fps: round(fps(peerRounds)),
      vs_peer_p50: round(quantile(peer, 0.5) / quantile(live, 0.5)),
      vs_peer_p95: round(quantile(peer, 0.95) / liveP95),
      vs_peer_cpu_p50: round(quantile(peerCpu, 0.5) / quantile(liveCpu, 0.5)),
      nodes: setup.nodes,
      members: setup.members,
      sensors: setup.sensors,
      seconds_per_scene: options.seconds,
      min_frames_per_scene: options.frames,
      chromium: chromiumVersion,
      webgl: setup.webglRenderer,
      antialias: drawnAs.quality?.antialias ?? null,
      antialias_mode: options.antialias,
      antialias_judged_frame_ms: drawnAs.quality?.judgedMedianMs ?? null,
      viewport: `${VIEWPORT.width}x${VIEWPORT.height}`,
      ingest_s: ingestSeconds === 'cached' ? 'cached' : round(ingestSeconds),
      recorder_open_ms: round(recording.openMs),
      load1: round(loads.reduce((a, b) => a + b, 0) / loads.length, 2),
    }),
  );
} finally {
  await session.context.close();
  await server.close();
}
