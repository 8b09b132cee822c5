/**
 * One plot's uPlot chart, driven from the animation frame rather than React: the x range follows
 * the playback cursor every frame (or the live head ten times a second), data come from a
 * {@link PlotFeed}, and a vertical line marks the cursor. The only DOM-touching part of the plots.
 */
import { withCpuCanvases } from '../cpuCanvas.ts';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatValue } from '../../app/format.ts';
import type { Workbench } from '../../app/workbench.ts';
import { channelIdsIn, plotColor } from './plotChannels.ts';
import { countPoints } from './plotData.ts';
import { PlotFeed, type FeedInput, type RecordingRef } from './plotFeed.ts';
import { zoomWindow, type TimeWindow, type WindowSpan } from './plotWindow.ts';
import { formatTimeTick } from './timeAxis.ts';

export interface PlotChartOptions {
  readonly workbench: Pick<Workbench, 'telemetry' | 'playback' | 'recorder' | 'store'>;
  readonly channels: readonly string[];
  /** The chart fills this element and follows its size. */
  readonly box: HTMLElement;
  /** Gets `data-points`: values drawn in the first series within the visible window. */
  readonly root: HTMLElement;
  /** Per channel, where its value under the mouse is written. */
  readonly readouts: readonly (HTMLElement | null)[];
  /** Where a failed query is reported. */
  readonly problem: HTMLElement | null;
  readonly getSpan: () => WindowSpan;
  /** The wheel asks for another span (ms). */
  readonly onZoom: (spanMs: number) => void;
}

export interface PlotChart {
  dispose(): void;
}

const AXIS = '#94a3b8';
const GRID = '#1e293b';
const MIN_WIDTH = 120;
const MIN_HEIGHT = 60;

export function mountPlotChart(options: PlotChartOptions): PlotChart {
  const { workbench, channels, box, root, readouts, problem, getSpan, onZoom } = options;
  const { playback, telemetry, recorder, store } = workbench;
  const feed = new PlotFeed(channels, {
    history: telemetry,
    range: (id, t0, t1, ids, maxPoints) => recorder.range(id, t0, t1, ids, maxPoints),
  });

  const series: uPlot.Series[] = [{}];
  const bands: uPlot.Band[] = [];
  channels.forEach((name, i) => {
    const stroke = plotColor(i);
    series.push(
      { label: `${name} max`, stroke, width: 1.25, points: { show: false } },
      { label: `${name} min`, stroke, width: 1.25, points: { show: false } },
    );
    bands.push({ series: [1 + 2 * i, 2 + 2 * i], fill: `${stroke}40` });
  });

  const showReadouts = (u: uPlot) => {
    const idx = u.cursor.idx;
    channels.forEach((_, c) => {
      const el = readouts[c];
      if (!el) return;
      const hi = idx == null ? undefined : u.data[1 + 2 * c]?.[idx];
      const lo = idx == null ? undefined : u.data[2 + 2 * c]?.[idx];
      el.textContent =
        typeof hi !== 'number' || typeof lo !== 'number'
          ? ''
          : hi === lo
            ? formatValue(hi)
            : `${formatValue(lo)} … ${formatValue(hi)}`;
    });
  };

  const size = () => ({
    width: Math.max(MIN_WIDTH, box.clientWidth),
    height: Math.max(MIN_HEIGHT, box.clientHeight),
  });
  const u = withCpuCanvases(
    () =>
      new uPlot(
        {
          ...size(),
          ms: 1,
          legend: { show: false },
          cursor: {
            y: false,
            points: { show: false },
            drag: { x: false, y: false, setScale: false },
            // A double click would re-range x to the data; the window is ours to set.
            bind: { dblclick: () => null },
          },
          scales: { x: { time: true, auto: false, range: (_u, min, max) => [min, max] } },
          axes: [
            {
              stroke: AXIS,
              grid: { stroke: GRID, width: 1 },
              ticks: { stroke: GRID, width: 1 },
              size: 26,
              values: (_u, splits, _axis, _space, incr) =>
                splits.map((t) => formatTimeTick(t, incr)),
            },
            {
              stroke: AXIS,
              grid: { stroke: GRID, width: 1 },
              ticks: { stroke: GRID, width: 1 },
              size: 52,
            },
          ],
          series,
          bands,
          hooks: { setCursor: [showReadouts] },
        },
        undefined,
        box,
      ),
  );

  const cursorLine = document.createElement('div');
  cursorLine.className = 'plot-cursor';
  cursorLine.hidden = true;
  u.over.appendChild(cursorLine);

  // Plotting-area width in CSS px; 0 until uPlot has laid it out (queries wait for it, so the
  // first one is not made for a wrong width).
  let plotWidth = 0;
  const resize = new ResizeObserver(() => {
    u.setSize(size());
    plotWidth = u.over.clientWidth;
  });
  resize.observe(box);

  // The recording a plot reads, kept while the list and the recording stay the same so the feed
  // sees the same object (and the frame loop allocates nothing for it).
  let ref: RecordingRef | null = null;
  let refFor: { list: unknown; id: string | null; start: number | null } = {
    list: null,
    id: null,
    start: null,
  };
  const recordingRef = (id: string | null, startHint: number | null): RecordingRef | null => {
    const list = store.getState().recorder.recordings;
    if (list === refFor.list && id === refFor.id && startHint === refFor.start) return ref;
    refFor = { list, id, start: startHint };
    const summary = id === null ? undefined : list.find((r) => r.id === id);
    ref =
      id === null
        ? null
        : {
            id,
            channelIds: summary
              ? channelIdsIn(summary.channels, channels)
              : channels.map(() => null),
            start: startHint ?? summary?.firstSampleTime ?? null,
          };
    return ref;
  };

  const feedInput = (): FeedInput => {
    const view = playback.state;
    if (view.mode === 'playback') {
      const recording = recordingRef(view.recordingId, view.start)!;
      return { mode: 'playback', cursor: view.cursor, start: view.start, end: view.end, recording };
    }
    const status = store.getState().recorder.status;
    return {
      mode: 'live',
      head: telemetry.headTime > 0 ? telemetry.headTime : Date.now(),
      recording: recordingRef(status?.recordingId ?? null, status?.firstTime ?? null),
    };
  };

  let drawn: TimeWindow = { t0: NaN, t1: NaN };
  let cursorX = NaN;
  let problemText = '';
  const draw = (now: number) => {
    frame = requestAnimationFrame(draw);
    if (plotWidth === 0) plotWidth = u.over.clientWidth;
    if (plotWidth === 0) return;
    const input = feedInput();
    const { window, data } = feed.update(input, getSpan(), plotWidth, now);
    const halfPixel = (0.5 * (window.t1 - window.t0)) / Math.max(1, plotWidth);
    const moved =
      !(Math.abs(window.t0 - drawn.t0) < halfPixel) ||
      !(Math.abs(window.t1 - drawn.t1) < halfPixel);
    if (data || moved) {
      u.batch(() => {
        if (data) u.setData(data, false);
        u.setScale('x', { min: window.t0, max: window.t1 });
      });
      drawn = window;
      if (data)
        root.dataset.points = String(
          channels.length ? countPoints(data, 1, window.t0, window.t1) : 0,
        );
    }
    const x = input.mode === 'playback' ? Math.round(u.valToPos(input.cursor, 'x')) : NaN;
    if (x !== cursorX && !(Number.isNaN(x) && Number.isNaN(cursorX))) {
      cursorX = x;
      cursorLine.hidden = !(x >= 0 && x <= plotWidth);
      if (!cursorLine.hidden) cursorLine.style.transform = `translateX(${x}px)`;
    }
    const text = feed.problem ?? '';
    if (problem && text !== problemText) problem.textContent = problemText = text;
  };
  let frame = requestAnimationFrame(draw);

  // Click or drag in playback seeks; times come from the window at the press, so the plot
  // re-centring on the new cursor does not run away under the pointer.
  let pressWindow: TimeWindow | null = null;
  const seekAt = (event: PointerEvent) => {
    if (!pressWindow || !playback.active) return;
    const box = u.over.getBoundingClientRect();
    const fraction = Math.min(1, Math.max(0, (event.clientX - box.left) / Math.max(1, box.width)));
    playback.seek(pressWindow.t0 + fraction * (pressWindow.t1 - pressWindow.t0));
  };
  const onDown = (event: PointerEvent) => {
    if (!playback.active || event.button !== 0) return;
    u.over.setPointerCapture(event.pointerId);
    pressWindow = drawn;
    seekAt(event);
  };
  const onMove = (event: PointerEvent) => {
    if (u.over.hasPointerCapture(event.pointerId)) seekAt(event);
  };
  const onUp = () => {
    pressWindow = null;
  };
  const onWheel = (event: WheelEvent) => {
    event.preventDefault();
    const span = getSpan();
    const current = span === 'all' ? drawn.t1 - drawn.t0 : span;
    if (current > 0) onZoom(zoomWindow(current, event.deltaY, event.deltaMode));
  };
  u.over.addEventListener('pointerdown', onDown);
  u.over.addEventListener('pointermove', onMove);
  u.over.addEventListener('pointerup', onUp);
  u.over.addEventListener('pointercancel', onUp);
  box.addEventListener('wheel', onWheel, { passive: false });

  return {
    dispose() {
      cancelAnimationFrame(frame);
      resize.disconnect();
      box.removeEventListener('wheel', onWheel);
      feed.dispose();
      u.destroy();
    },
  };
}
