/**
 * The viewer bench page: plays the workbench. The app's `TwinCanvas` draws the twin from a
 * SceneSource that reads what the workbench's `display()` gives (src/viewer/TwinView.tsx): live
 * `LiveTelemetry`, or the app's `Playback` telemetry at its cursor while a recording is open.
 * Playback reads through `startRecorder` over the app's own recorder worker and is ticked once per
 * animation frame, as in src/app/workbench.ts; the scrub bar seeks as the timeline's track does
 * (pointer down, and moves while captured, through `timeAt`). Frames are timed by the app's frame
 * probe (`onFrameDrawn`); the baseline scene times the same span of its own loop.
 */
import { createRoot, type Root } from 'react-dom/client';
import { Playback } from '../../src/app/playback.ts';
import { startRecorder, type RecorderHost, type RecorderState } from '../../src/app/recorder.ts';
import type { ChannelInfo } from '../../src/protocol/relay.ts';
import { LiveTelemetry } from '../../src/telemetry/liveTelemetry.ts';
import { onFrameDrawn } from '../../src/viewer/frameProbe.ts';
import { fractionOf, timeAt, type TimeSpan } from '../../src/viewer/timeline/timelineMath.ts';
import { TwinCanvas, type SceneSource } from '../../src/viewer/twin/TwinCanvas.tsx';
import {
  renderQualityStore,
  setAntialiasMode,
  type RenderQualityState,
} from '../../src/viewer/twin/renderQuality.ts';
import { parseTwinFile, twinChannels, type Twin } from '../../src/viewer/twin/twinFile.ts';
import type { RecordingSummary } from '../../src/workers/recorderProtocol.ts';
import { mountBaseline, type BaselineScene } from './baselineScene.ts';
import { ingestRecording } from './ingest.ts';
import { startLiveFeed } from './liveFeed.ts';
import {
  WORKER_SCRIPTS,
  type FrameStats,
  type RenderQualityReport,
  type ScrubResult,
  type ViewerBenchPage,
} from './protocol.ts';
import { ScrubLog } from './scrubLog.ts';

const sceneElement = document.getElementById('scene')!;
const bar = document.getElementById('scrub')!;
const cursorMark = document.getElementById('cursor')!;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (message: string) => console.info(message);

let twin: Twin | null = null;
let channels: ChannelInfo[] = [];
const live = new LiveTelemetry();
let host: RecorderHost | null = null;
let recording: RecordingSummary | null = null;
let playback: Playback | null = null;

/** What the views draw now, as the workbench's `display()`. */
const display = () => (playback?.active ? playback.telemetry : live);
const NO_ALERTS: ReadonlySet<string> = new Set();
const source: SceneSource = {
  read: (channel) => display().latest(channel),
  simulated: () => null,
  alerting: () => NO_ALERTS,
};

function current(): Twin {
  if (twin === null) throw new Error('viewer bench: call setup() first.');
  return twin;
}

// ---- frame timing --------------------------------------------------------------------------

let frames: number[] | null = null;
let longTasks: number[] | null = null;
let drawnFrames = 0;
const scrubLog = new ScrubLog();
let scrubbing = false;
/** When the scrub phase began (performance.now()). */
let scrubT0 = 0;
/** Channels whose drawn values are checked against the recorder (first, middle, last). */
let probe: string[] = [];

function frameDrawn(start: number, end: number): void {
  drawnFrames++;
  frames?.push(end - start);
  const view = playback?.state;
  if (!scrubbing || view?.mode !== 'playback') return;
  scrubLog.frame(end, view, () => probe.map((channel) => display().latest(channel)));
}
onFrameDrawn(({ start, end }) => frameDrawn(start, end));
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) longTasks?.push(entry.duration);
}).observe({ type: 'longtask' });

// ---- scenes --------------------------------------------------------------------------------

let root: Root | null = null;
let baseline: BaselineScene | null = null;

function qualityReport(state: RenderQualityState): RenderQualityReport {
  const judged = state.auto?.verdict === 'pending' ? null : (state.auto?.medianMs ?? null);
  return { mode: state.mode, antialias: state.antialias, judgedMedianMs: judged };
}

function webglRenderer(): string {
  const gl = document.createElement('canvas').getContext('webgl2');
  if (!gl) return 'no WebGL2';
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const name = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return name;
}

// ---- playback and the scrub bar ------------------------------------------------------------

/** The cursor advances once per animation frame while a recording is open (workbench.ts). */
let tickFrame: number | null = null;
const animate = (now: number) => {
  playback?.tick(now);
  const view = playback?.state;
  if (view?.mode === 'playback')
    cursorMark.style.left = `${(fractionOf({ t0: view.start, t1: view.end }, view.cursor) * 100).toFixed(3)}%`;
  tickFrame = playback?.active ? requestAnimationFrame(animate) : null;
};

function seekFrom(event: PointerEvent): void {
  const view = playback?.state;
  if (!playback || view?.mode !== 'playback') return;
  const span: TimeSpan = { t0: view.start, t1: view.end };
  const box = bar.getBoundingClientRect();
  playback.seek(timeAt(span, event.clientX - box.left, box.width));
  const after = playback.state;
  if (scrubbing && after.mode === 'playback') scrubLog.seek(event.timeStamp, after.cursor);
}
bar.addEventListener('pointerdown', (event) => {
  bar.setPointerCapture(event.pointerId);
  // As the timeline's track: a drag reads only the cursor's values, the history on release.
  playback?.holdHistory(true);
  seekFrom(event);
});
bar.addEventListener('lostpointercapture', () => playback?.holdHistory(false));
bar.addEventListener('pointermove', (event) => {
  if (bar.hasPointerCapture(event.pointerId)) seekFrom(event);
});

function openRecorder(): Promise<RecorderHost> {
  return new Promise((resolve, reject) => {
    const started: RecorderHost = startRecorder(
      (state: RecorderState) => {
        if (state.phase === 'ready') resolve(started);
        if (state.phase === 'failed')
          reject(new Error(`viewer bench: the recorder did not start: ${state.problem}`));
      },
      {
        twin: 'viewer-bench-tower',
        // The app's worker (src/workers/recorder.worker.ts), bundled by the bench's server.
        connect: (onCrash) => {
          const worker = new Worker(WORKER_SCRIPTS.recorder, {
            type: 'module',
            name: 'twinbench-recorder',
          });
          worker.addEventListener('error', (event) => onCrash(event.message || 'unknown error'));
          return { endpoint: worker, terminate: () => worker.terminate() };
        },
      },
    );
  });
}

// ---- the page's API ------------------------------------------------------------------------

const bench: ViewerBenchPage = {
  setup(twinFile, antialias) {
    setAntialiasMode(antialias);
    const parsed = parseTwinFile(twinFile, 'viewer-bench.twin.yaml');
    twin = parsed;
    const names = twinChannels(parsed);
    channels = names.map((name, id) => ({
      id,
      name,
      unit: name.startsWith('strain') ? 'µε' : 'mm',
      source: `mqtt:twinbench/viewer-bench/sensors/${name}`,
    }));
    live.setChannels(channels);
    probe = [names[0]!, names[Math.floor(names.length / 2)]!, names.at(-1)!];
    return {
      entities: parsed.entityCount,
      nodes: parsed.nodeCount,
      members: parsed.members.length,
      sensors: parsed.sensors.length,
      channels: names,
      webglRenderer: webglRenderer(),
      userAgent: navigator.userAgent,
    };
  },

  ingest(params) {
    current();
    return ingestRecording(channels, params, log);
  },

  async openRecording(recordingId) {
    const t0 = performance.now();
    host ??= await openRecorder();
    const all = await host.list();
    const openMs = performance.now() - t0;
    recording = all.find((r) => r.id === recordingId) ?? null;
    if (recording === null)
      throw new Error(
        `viewer bench: recording ${recordingId} is not in this profile's replay store (it holds ${all.length}); rerun with --fresh`,
      );
    const { firstSampleTime: start, lastSampleTime: end } = recording;
    if (start === null || end === null)
      throw new Error(`viewer bench: recording ${recordingId} is empty; rerun with --fresh`);
    return {
      id: recording.id,
      storedSamples: recording.storedSamples,
      channels: recording.channels.length,
      start,
      end,
      openMs,
    };
  },

  startLive(seed) {
    startLiveFeed(live, channels.length, seed);
  },

  async mount(kind) {
    const t = current();
    if (root !== null || baseline !== null) throw new Error('viewer bench: unmount() first.');
    const drawn = async (frames: number, what: string) => {
      const before = drawnFrames;
      const deadline = performance.now() + 60_000;
      while (drawnFrames < before + frames) {
        if (performance.now() > deadline)
          throw new Error(`viewer bench: the ${kind} scene drew no frame in 60 s ${what}`);
        await sleep(20);
      }
    };
    const quality = renderQualityStore.getState();
    if (kind === 'twin') {
      root = createRoot(sceneElement);
      root.render(<TwinCanvas twin={t} source={source} />);
    } else {
      baseline = mountBaseline(sceneElement, t, source.read, frameDrawn, quality.antialias);
    }
    await drawn(2, 'after mounting');
    if (kind === 'twin' && quality.auto?.verdict === 'pending') {
      // The app's auto antialiasing judges its first frames; wait until it draws as judged.
      const deadline = performance.now() + 180_000;
      while (renderQualityStore.getState().auto?.verdict === 'pending') {
        if (performance.now() > deadline)
          throw new Error('viewer bench: TwinCanvas judged no frames in 180 s');
        await sleep(50);
      }
      if (!renderQualityStore.getState().antialias) await drawn(2, 'without antialiasing');
    }
    return qualityReport(renderQualityStore.getState());
  },

  unmount() {
    root?.unmount();
    root = null;
    baseline?.dispose();
    baseline = null;
  },

  async measureFrames(ms, minFrames, maxMs): Promise<FrameStats> {
    const collected: number[] = [];
    frames = collected;
    longTasks = [];
    const t0 = performance.now();
    await sleep(ms);
    while (collected.length < minFrames && performance.now() - t0 < maxMs) await sleep(50);
    const stats = { durations: collected, spanMs: performance.now() - t0, longTasks };
    frames = null;
    longTasks = null;
    return stats;
  },

  async startScrub() {
    if (host === null || recording === null)
      throw new Error('viewer bench: openRecording() first.');
    const opened = new Playback(host, (view) => {
      if (view.mode === 'playback' && tickFrame === null)
        tickFrame = requestAnimationFrame(animate);
      if (scrubbing && view.mode === 'playback' && view.ready)
        scrubLog.ready(performance.now(), view.cursor);
    });
    playback = opened;
    opened.open(recording);
    const deadline = performance.now() + 120_000;
    while (opened.state.mode === 'playback' && !opened.state.ready) {
      if (performance.now() > deadline)
        throw new Error('viewer bench: playback was not ready 120 s after opening the recording');
      await sleep(20);
    }
    scrubbing = true;
    frames = [];
    longTasks = [];
    scrubT0 = performance.now();
  },

  setInputKind(kind) {
    scrubLog.kind = kind;
  },

  scrubSettled: () => scrubLog.settled,

  async finishScrub(): Promise<ScrubResult> {
    scrubbing = false;
    const stats: FrameStats = {
      durations: frames ?? [],
      spanMs: performance.now() - scrubT0,
      longTasks: longTasks ?? [],
    };
    frames = null;
    longTasks = null;
    // The drawn values must be the recording's latest-at values at each target's cursor.
    const ids = probe.map((name) => channels.find((c) => c.name === name)!.id);
    let mismatches = 0;
    let checked = 0;
    for (const target of scrubLog.targets) {
      if (target.drawnValues === null || host === null || recording === null) continue;
      const latest = await host.latestAt(recording.id, target.cursor, ids);
      checked += ids.length;
      latest.forEach((sample, k) => {
        const want = sample?.value ?? NaN;
        const got = target.drawnValues![k]!;
        if (!(want === got || (Number.isNaN(want) && Number.isNaN(got)))) mismatches++;
      });
    }
    return {
      targets: scrubLog.targets,
      frames: stats,
      valueMismatches: mismatches,
      valuesChecked: checked,
    };
  },
};

(window as unknown as { __viewerBench: ViewerBenchPage }).__viewerBench = bench;
