/**
 * `npm run bench -- replay [--samples 100M] [--channels 100,1000] [--baseline-samples 500k]
 * [--batch-ms 50] [--max-backlog 4M] [--profile DIR]`: the IndexedDB replay store, run as the app
 * runs it (RecorderService in a dedicated worker of headless Chromium, fed transferred batches
 * over comlink), against what a user writes by hand: one IndexedDB record per sample.
 * One JSON object per line and channel count; timing breakdowns go to stderr.
 *
 * Per channel count: the store and the baseline ingest the same `--baseline-samples`; then the
 * store records `--samples` (heap and per-thread CPU sampled meanwhile), and latestAt and range
 * are timed on that recording.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { findChromium } from '../e2e/support.ts';
import {
  DevTools,
  heapAfterGc,
  sampleHeap,
  selfTimes,
  startProfile,
  stopProfile,
  type Target,
} from './replay/devtools.ts';
import type {
  IngestKind,
  IngestParams,
  IngestResult,
  QueryTimings,
  RangeTimings,
  ReplayBenchPage,
} from './replay/protocol.ts';
import { serveBenchPage } from './replay/serve.ts';
import { cpuSince, threadCpu } from './replay/threadCpu.ts';

const LATEST_QUERIES = 1000;
const LATEST_CHANNELS = 10;
/** latestAt over every channel reads one chunk per channel: fewer queries for more channels. */
const latestAllQueries = (channels: number) => Math.max(20, Math.min(100, 20_000 / channels));
const RANGE_SPAN_MS = 10 * 60 * 1000;
const RANGE_CHANNELS = 10;
const RANGE_POINTS = 2000;
const RANGE_REPEATS = 9;

/** `100M`, `1e6`, `250k`, `100_000_000`. */
function count(text: string): number {
  const match = /^([\d._e+]+)([kKmMgG]?)$/.exec(text.trim());
  const scale = { '': 1, k: 1e3, m: 1e6, g: 1e9 }[match?.[2]?.toLowerCase() ?? ''];
  const value = Number(match?.[1]?.replaceAll('_', '')) * (scale ?? NaN);
  if (!(value > 0)) throw new Error(`replay bench: "${text}" is not a positive count (try 100M)`);
  return Math.round(value);
}

function parseArgs(argv: readonly string[]) {
  const options = {
    /** Per channel count (one value for all, or a list as long as `channels`). */
    samples: [100_000_000],
    channels: [100, 1000],
    baselineSamples: 500_000,
    batchMs: 50,
    maxBacklog: 4_000_000,
    profile: null as string | null,
    /** Experiment: the store's chunk window in ms (default: the store's own, 1 s). */
    windowMs: null as number | null,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[++i];
    if (value === undefined) throw new Error(`replay bench: ${flag} needs a value`);
    if (flag === '--samples') options.samples = value.split(',').map(count);
    else if (flag === '--channels') options.channels = value.split(',').map(count);
    else if (flag === '--baseline-samples') options.baselineSamples = count(value);
    else if (flag === '--batch-ms') options.batchMs = count(value);
    else if (flag === '--max-backlog') options.maxBacklog = count(value);
    else if (flag === '--profile') options.profile = value;
    else if (flag === '--window-ms') options.windowMs = count(value);
    else throw new Error(`replay bench: unknown flag ${flag}`);
  }
  if (options.samples.length !== 1 && options.samples.length !== options.channels.length)
    throw new Error('replay bench: give --samples one value or one per --channels value');
  return options;
}

const options = parseArgs(process.argv.slice(2));
const executablePath = findChromium();
if (executablePath === null) {
  console.error(
    "replay bench: needs Chromium: install Debian's chromium or set TWINBENCH_CHROMIUM",
  );
  process.exit(2);
}

const sorted = (xs: readonly number[]) => [...xs].sort((a, b) => a - b);
const quantile = (xs: readonly number[], q: number) => {
  const s = sorted(xs);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
};
const round = (x: number, digits = 3) => Number(x.toPrecision(digits));
const mb = (bytes: number) => round(bytes / 1024 ** 2);
const log = (message: string) => console.error(`replay bench: ${message}`);

const server = await serveBenchPage();
// A persistent profile on disk: Playwright's `launch()` contexts are off the record, and
// Chromium keeps their IndexedDB in memory — which would measure neither disk nor LevelDB.
const userDataDir = mkdtempSync(join(tmpdir(), 'twinbench-replay-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath,
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-dev-shm-usage',
    '--disable-gpu',
    '--disable-features=WebGPU',
  ],
});

function call<K extends keyof ReplayBenchPage>(
  page: Page,
  method: K,
  ...args: Parameters<ReplayBenchPage[K]>
): Promise<Awaited<ReturnType<ReplayBenchPage[K]>>> {
  return page.evaluate(
    ([name, list]) => {
      const bench = (
        window as unknown as { __replayBench: Record<string, (...a: unknown[]) => unknown> }
      ).__replayBench;
      return bench[name]!(...list);
    },
    [method, args] as const,
  ) as Promise<Awaited<ReturnType<ReplayBenchPage[K]>>>;
}

function diskMb(): number {
  try {
    const out = execFileSync('du', ['-sk', join(userDataDir, 'Default', 'IndexedDB')], {
      encoding: 'utf8',
    });
    return round(Number(out.split('\t')[0]) / 1024);
  } catch {
    return NaN;
  }
}

async function profiled<T>(name: string, targets: Target[], run: () => Promise<T>): Promise<T> {
  const dir = options.profile;
  if (dir === null) return run();
  await Promise.all(targets.map(startProfile));
  const result = await run();
  mkdirSync(dir, { recursive: true });
  for (const target of targets) {
    const profile = await stopProfile(target);
    const who = target.url === 'page' ? 'page' : (target.url.split('/').pop() ?? 'worker');
    writeFileSync(join(dir, `${name}.${who}.cpuprofile`), JSON.stringify(profile));
    const top = selfTimes(profile, server.sourceOf).slice(0, 16);
    log(`profile ${name} (${who}), self time:`);
    for (const entry of top)
      console.error(
        `  ${(entry.share * 100).toFixed(1).padStart(5)}%  ${entry.ms.toFixed(0).padStart(7)} ms  ${entry.name}`,
      );
  }
  return result;
}

/**
 * Waits until Chromium's processes are nearly idle (LevelDB compacts for a while after a big
 * write), so the queries see the store at rest; returns the seconds waited.
 */
async function settle(limitS = 300): Promise<number> {
  const start = Date.now();
  let quiet = 0;
  let before = threadCpu();
  while (Date.now() - start < limitS * 1000 && quiet < 2) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const now = threadCpu();
    const busy = cpuSince(before, now).reduce(
      (sum, [key, s]) => sum + (key.startsWith('node') ? 0 : s),
      0,
    );
    quiet = busy < 0.05 ? quiet + 1 : 0;
    before = now;
  }
  return (Date.now() - start) / 1000;
}

/**
 * Deletes the run's database and waits for Chromium to finish with it: every database of an
 * origin lives in one LevelDB, so deleting gigabytes compacts for a while and would slow the
 * next run down.
 */
async function dispose(page: Page, label: string): Promise<void> {
  await call(page, 'dispose');
  const waited = await settle();
  if (waited > 3) log(`${label}: deleting its database kept Chromium busy ${waited.toFixed(1)} s`);
}

interface IngestRun {
  readonly result: IngestResult;
  readonly perSecond: number;
}

async function ingest(
  page: Page,
  tools: DevTools,
  kind: IngestKind,
  params: IngestParams,
  label: string,
  keep: boolean,
): Promise<IngestRun & { heap?: { worker: number; page: number }; worker: Target }> {
  await call(page, 'prepare', kind, `replay-bench-${label}`, options.windowMs);
  const worker = await tools.worker(`/${kind}.worker.js`);
  const workerHeap = sampleHeap(worker);
  const pageHeap = sampleHeap(tools.page);
  const cpuBefore = threadCpu();
  const result = await profiled(`ingest-${label}`, [worker, tools.page], () =>
    call(page, 'ingest', params),
  );
  const cpu = cpuSince(cpuBefore, threadCpu());
  const heap = { worker: await workerHeap.stop(), page: await pageHeap.stop() };
  const perSecond = result.samples / result.seconds;
  log(
    `${label}: ${result.samples} samples in ${result.seconds.toFixed(1)} s = ${Math.round(perSecond)}/s; ` +
      `${result.flushes} flushes took ${result.flushSeconds.toFixed(1)} s, append ${result.appendSeconds.toFixed(1)} s, ` +
      `page throttled ${result.throttledSeconds.toFixed(1)} s, largest backlog ${result.largestBacklog}`,
  );
  const cpuTotal = cpu.reduce((sum, [, s]) => sum + s, 0);
  log(
    `${label}: CPU ${cpuTotal.toFixed(1)} s in ${result.seconds.toFixed(1)} s wall: ` +
      cpu
        .slice(0, 8)
        .map(([key, s]) => `${key} ${s.toFixed(1)} s`)
        .join(', '),
  );
  for (const notice of result.notices) log(`${label}: notice: ${notice}`);
  if (result.notices.some((n) => n.includes('evicted')))
    throw new Error(`replay bench: ${label} evicted chunks; the quotas must be lifted`);
  if (!keep) await dispose(page, label);
  return { result, perSecond, heap, worker };
}

const page = await context.newPage();
page.on('console', (message) => log(`page: ${message.text()}`));
page.on('pageerror', (error) => log(`page error: ${error.message}`));
const tools = await DevTools.attach(page);
await page.goto(server.url);
await page.waitForFunction(() => '__replayBench' in window);
const browserVersion = context.browser()?.version() ?? 'unknown';

try {
  for (const [c, channels] of options.channels.entries()) {
    const samples = options.samples[c] ?? options.samples[0]!;
    const base = {
      channels,
      batchMs: options.batchMs,
      maxBacklog: options.maxBacklog,
      seed: channels,
    };
    const small = { ...base, samples: options.baselineSamples };
    const storeSmall = await ingest(
      page,
      tools,
      'store',
      small,
      `store-${channels}ch-small`,
      false,
    );
    const baseline = await ingest(page, tools, 'baseline', small, `baseline-${channels}ch`, false);

    const big = await ingest(
      page,
      tools,
      'store',
      { ...base, samples },
      `store-${channels}ch`,
      true,
    );
    const settled = await settle();
    log(
      `store-${channels}ch: Chromium was busy ${settled.toFixed(1)} s after the final flush (LevelDB compaction)`,
    );
    const disk = diskMb();
    const heapAfter = await heapAfterGc(big.worker);

    const latest = await profiled(`latest-${channels}ch`, [big.worker], () =>
      call(page, 'latestAt', {
        queries: LATEST_QUERIES,
        channelsPerQuery: LATEST_CHANNELS,
        seed: 1,
      }),
    );
    const latestAll: QueryTimings = await call(page, 'latestAt', {
      queries: latestAllQueries(channels),
      channelsPerQuery: channels,
      seed: 2,
    });
    const range: RangeTimings = await profiled(`range-${channels}ch`, [big.worker], () =>
      call(page, 'range', {
        spanMs: RANGE_SPAN_MS,
        channelsPerQuery: RANGE_CHANNELS,
        maxPoints: RANGE_POINTS,
        repeats: RANGE_REPEATS,
        seed: 3,
      }),
    );
    await dispose(page, `store-${channels}ch`);
    if (latest.misses + latestAll.misses + range.misses > 0)
      log(
        `WARNING: queries came back short: latestAt ${latest.misses}/${latestAll.misses}, range ${range.misses}`,
      );

    console.info(
      JSON.stringify({
        bench: 'replay',
        channels,
        samples: big.result.samples,
        ingest_per_s: Math.round(big.perSecond),
        baseline_ingest_per_s: Math.round(baseline.perSecond),
        latest_at_p50_ms: round(quantile(latest.inWorkerMs, 0.5)),
        latest_at_p99_ms: round(quantile(latest.inWorkerMs, 0.99)),
        range_ms: round(quantile(range.inWorkerMs, 0.5)),
        heap_mb: mb(big.heap?.worker ?? NaN),
        // What the figures above mean, and the same figures seen from elsewhere.
        where: `dedicated worker, headless Chromium ${browserVersion}`,
        vs_baseline: round(big.perSecond / baseline.perSecond),
        baseline_samples: baseline.result.samples,
        ingest_per_s_same_n: Math.round(storeSmall.perSecond),
        vs_baseline_same_n: round(storeSmall.perSecond / baseline.perSecond),
        batch_ms: options.batchMs,
        flushes: big.result.flushes,
        flush_s: round(big.result.flushSeconds),
        throttled_s: round(big.result.throttledSeconds),
        latest_at_queries: LATEST_QUERIES,
        latest_at_channels: LATEST_CHANNELS,
        latest_at_round_trip_p50_ms: round(quantile(latest.roundTripMs, 0.5)),
        latest_at_round_trip_p99_ms: round(quantile(latest.roundTripMs, 0.99)),
        latest_at_all_channels_p50_ms: round(quantile(latestAll.inWorkerMs, 0.5)),
        latest_at_all_channels_p99_ms: round(quantile(latestAll.inWorkerMs, 0.99)),
        latest_at_all_channels_queries: latestAllQueries(channels),
        range_span_s: round(range.spanMs / 1000),
        range_channels: RANGE_CHANNELS,
        range_points_per_channel: Math.round(range.points / RANGE_REPEATS / RANGE_CHANNELS),
        range_round_trip_ms: round(quantile(range.roundTripMs, 0.5)),
        range_chunks_read: Math.round(range.chunksRead / RANGE_REPEATS),
        heap_after_gc_mb: mb(heapAfter),
        page_heap_mb: mb(big.heap?.page ?? NaN),
        baseline_heap_mb: mb(baseline.heap?.worker ?? NaN),
        disk_mb: disk,
        settle_s: round(settled),
        ...(options.windowMs === null ? {} : { window_ms: options.windowMs }),
      }),
    );
  }
} finally {
  await context.close();
  await server.close();
  rmSync(userDataDir, { recursive: true, force: true });
}
