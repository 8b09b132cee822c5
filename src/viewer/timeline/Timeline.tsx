import { useEffect, useRef, useState, type PointerEvent } from 'react';
import { PLAYBACK_SPEEDS } from '../../app/playback.ts';
import { useWorkbench, useWorkbenchState } from '../../app/WorkbenchContext.tsx';
import type { Workbench } from '../../app/workbench.ts';
import type { Annotation } from '../../replay/annotations.ts';
import type { RangeSeries } from '../../replay/replayStore.ts';
import { cpuContext2d } from '../cpuCanvas.ts';
import { runTimelineAction } from './timelineCommands.ts';
import { isTypingTarget, timelineAction, TIMELINE_SHORTCUTS } from './timelineKeys.ts';
import {
  dragRegion,
  formatTime,
  fractionOf,
  tickLabel,
  ticks,
  timeAt,
  type ClockMode,
  type TimeSpan,
} from './timelineMath.ts';

/** The channel drawn as the overview's value trace: midspan deflection when it was recorded. */
const OVERVIEW_CHANNEL = 'disp.z.L50';
/** How often the overview of a recording still being written is read again, ms. */
const GROWING_REFRESH_MS = 2000;
const CLOCK_MODE_KEY = 'twinbench.timeline.clock';

interface Overview {
  readonly recordingId: string;
  readonly span: TimeSpan;
  readonly coverage: Float64Array | null;
  readonly values: RangeSeries | null;
}

/** The span the track shows now: the played recording, or the one being written while live. */
function useTrackSpan(): { span: TimeSpan | null; recordingId: string | null; growing: boolean } {
  const view = useWorkbenchState((s) => s.view);
  const status = useWorkbenchState((s) => s.recorder.status);
  if (view.mode === 'playback')
    return {
      span: { t0: view.start, t1: Math.max(view.end, view.start + 1) },
      recordingId: view.recordingId,
      growing: view.growing,
    };
  if (status?.recordingId && status.firstTime !== null && status.lastTime !== null)
    return {
      span: { t0: status.firstTime, t1: Math.max(status.lastTime, status.firstTime + 1) },
      recordingId: status.recordingId,
      growing: true,
    };
  return { span: null, recordingId: null, growing: false };
}

function drawOverview(canvas: HTMLCanvasElement, overview: Overview | null, span: TimeSpan): void {
  const ctx = cpuContext2d(canvas);
  if (!ctx) return;
  const dpr = devicePixelRatio;
  const width = (canvas.width = Math.max(1, canvas.clientWidth * dpr));
  const height = (canvas.height = Math.max(1, canvas.clientHeight * dpr));
  ctx.clearRect(0, 0, width, height);
  if (!overview) return;
  // Where the overview was read may lag the span of a growing recording: place it by time.
  const x0 = fractionOf(span, overview.span.t0) * width;
  const x1 = fractionOf(span, overview.span.t1) * width;
  const stripHeight = 5 * dpr;
  const { coverage, values } = overview;
  if (coverage && coverage.length > 0) {
    const w = (x1 - x0) / coverage.length;
    let max = 0;
    for (const c of coverage) max = Math.max(max, c);
    for (let i = 0; i < coverage.length; i++) {
      const c = coverage[i]!;
      // Gaps in red, data in blue whose brightness says how dense it is.
      ctx.fillStyle = c === 0 ? '#be123c' : `rgba(56, 189, 248, ${0.35 + (0.65 * c) / (max || 1)})`;
      ctx.fillRect(x0 + i * w, height - stripHeight, Math.max(1, w + 0.5), stripHeight);
    }
  }
  if (!values) return;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.min.length; i++) {
    const a = values.min[i]!;
    const b = values.max[i]!;
    if (Number.isFinite(a)) lo = Math.min(lo, a);
    if (Number.isFinite(b)) hi = Math.max(hi, b);
  }
  if (!(hi >= lo)) return;
  const range = hi - lo || 1;
  const top = 14 * dpr;
  const bottom = height - stripHeight - 2 * dpr;
  const y = (v: number) => bottom - ((v - lo) / range) * (bottom - top);
  const buckets = values.min.length;
  const w = (x1 - x0) / buckets;
  ctx.fillStyle = '#0ea5e9';
  for (let i = 0; i < buckets; i++) {
    const a = values.min[i]!;
    const b = values.max[i]!;
    if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
    ctx.fillRect(x0 + i * w, y(b), Math.max(1, w), Math.max(1, y(a) - y(b)));
  }
}

/** Reads the overview (coverage + value trace) of the shown recording, again while it grows. */
function useOverview(
  workbench: Workbench,
  recordingId: string | null,
  span: TimeSpan | null,
  growing: boolean,
  width: number,
): Overview | null {
  const [overview, setOverview] = useState<Overview | null>(null);
  const channelId = useWorkbenchState(
    (s) =>
      s.recorder.recordings
        .find((r) => r.id === recordingId)
        ?.channels.find((c) => c.name === OVERVIEW_CHANNEL)?.id,
  );
  const spanRef = useRef(span);
  useEffect(() => {
    spanRef.current = span;
  });
  // A fixed span is read once; a growing one every GROWING_REFRESH_MS.
  const fixedKey = growing || !span ? null : `${span.t0}:${span.t1}`;
  useEffect(() => {
    if (recordingId === null) return;
    let current = true;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const read = async () => {
      const at = spanRef.current;
      if (!at || !current) return;
      const buckets = Math.max(32, Math.min(2000, Math.round(width / 2)));
      try {
        const [coverage, values] = await Promise.all([
          workbench.recorder.coverage(recordingId, at.t0, at.t1 + 1, buckets),
          channelId === undefined
            ? Promise.resolve([] as RangeSeries[])
            : workbench.recorder.range(recordingId, at.t0, at.t1 + 1, [channelId], buckets * 2),
        ]);
        if (current)
          setOverview({
            recordingId,
            span: at,
            coverage: coverage.counts,
            values: values[0] ?? null,
          });
      } catch {
        // An overview is decoration: a failed read leaves the last one and tries again.
      }
      if (current && growing) timer = setTimeout(() => void read(), GROWING_REFRESH_MS);
    };
    void read();
    return () => {
      current = false;
      if (timer !== null) clearTimeout(timer);
    };
  }, [workbench, recordingId, channelId, growing, fixedKey, width]);
  return overview?.recordingId === recordingId ? overview : null;
}

function Markers({
  annotations,
  span,
  onSeek,
}: {
  annotations: readonly Annotation[];
  span: TimeSpan;
  onSeek: (t: number) => void;
}) {
  return (
    <>
      {annotations.map((a) => {
        const left = 100 * fractionOf(span, a.t0);
        const right = 100 * fractionOf(span, a.t1);
        if (right < 0 || left > 100) return null;
        const range = a.t1 > a.t0;
        const title = `${a.kind === 'alert' ? 'Alert' : 'Note'} · ${a.author}${a.text ? `: ${a.text}` : ''}`;
        return (
          <button
            key={a.id}
            type="button"
            className={`timeline-marker marker-${a.kind}${range ? ' marker-range' : ''}`}
            data-testid="timeline-marker"
            data-kind={a.kind}
            style={{
              left: `${Math.max(0, left)}%`,
              width: range
                ? `${Math.max(0.3, Math.min(100, right) - Math.max(0, left))}%`
                : undefined,
            }}
            title={title}
            aria-label={title}
            onPointerDown={(e) => e.stopPropagation()}
            onClick={() => onSeek(a.t0)}
          />
        );
      })}
    </>
  );
}

function Ticks({
  span,
  mode,
  origin,
  width,
}: {
  span: TimeSpan;
  mode: ClockMode;
  origin: number;
  width: number;
}) {
  const { step, times } = ticks(span, width, mode, origin);
  return (
    <div className="timeline-ticks" aria-hidden>
      {times.map((t) => (
        <span key={t} style={{ left: `${100 * fractionOf(span, t)}%` }}>
          {tickLabel(t, step, mode, origin)}
        </span>
      ))}
    </div>
  );
}

/**
 * The timeline: live (the recording being written, cursor on its newest sample) or playback of a
 * recording. The track shows where data exists (gaps in red), the midspan deflection, bookmarks,
 * notes and alerts; drag to scrub (live pauses on the recording), Shift-drag to loop a region;
 * play at 0.1×–10×, step a sample, keyboard shortcuts (see the ? button).
 */
export function Timeline() {
  const workbench = useWorkbench();
  const { playback } = workbench;
  const view = useWorkbenchState((s) => s.view);
  const annotations = useWorkbenchState((s) => s.annotations);
  const { span, recordingId, growing } = useTrackSpan();
  const trackRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const cursorRef = useRef<HTMLDivElement>(null);
  const clockRef = useRef<HTMLSpanElement>(null);
  const [width, setWidth] = useState(800);
  const [clockMode, setClockMode] = useState<ClockMode>(() =>
    localStorage.getItem(CLOCK_MODE_KEY) === 'relative' ? 'relative' : 'absolute',
  );
  const [message, setMessage] = useState<string | null>(null);
  const [drag, setDrag] = useState<{ from: number; to: number } | null>(null);
  const [showHelp, setShowHelp] = useState(false);
  const overview = useOverview(workbench, recordingId, span, growing, width);
  const spanRef = useRef(span);
  const modeRef = useRef(clockMode);
  useEffect(() => {
    spanRef.current = span;
    modeRef.current = clockMode;
  });

  const act = (action: Parameters<typeof runTimelineAction>[1]) =>
    void runTimelineAction(workbench, action).then(
      (problem) => setMessage(problem),
      (error: unknown) => setMessage(error instanceof Error ? error.message : String(error)),
    );

  useEffect(() => {
    const track = trackRef.current;
    if (!track) return;
    const observer = new ResizeObserver(() => setWidth(track.clientWidth));
    observer.observe(track);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    if (canvasRef.current && span) drawOverview(canvasRef.current, overview, span);
  }, [overview, span, width]);

  // The cursor and clock move every frame without React.
  useEffect(() => {
    let frame = requestAnimationFrame(function draw() {
      const at = spanRef.current;
      const state = playback.state;
      const t = state.mode === 'playback' ? state.cursor : workbench.telemetry.headTime;
      if (at && cursorRef.current)
        cursorRef.current.style.left = `calc(${Math.min(100, Math.max(0, 100 * fractionOf(at, t)))}% - 1px)`;
      if (clockRef.current && t > 0)
        clockRef.current.textContent = formatTime(t, modeRef.current, at?.t0 ?? t);
      frame = requestAnimationFrame(draw);
    });
    return () => cancelAnimationFrame(frame);
  }, [playback, workbench]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || isTypingTarget(event.target)) return;
      const action = timelineAction(event);
      if (!action) return;
      event.preventDefault();
      act(action);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
    // `act` closes over the workbench only.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [workbench]);

  const timeFromEvent = (event: PointerEvent<HTMLDivElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    return span ? timeAt(span, event.clientX - box.left, box.width) : null;
  };
  const seek = (t: number) => {
    if (playback.state.mode === 'playback') playback.seek(t);
    else if (!workbench.pauseLive(t)) setMessage('nothing is recorded yet to scrub through.');
  };

  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    const t = timeFromEvent(event);
    if (t === null) return;
    event.currentTarget.setPointerCapture(event.pointerId);
    setMessage(null);
    if (event.shiftKey) setDrag({ from: t, to: t });
    else {
      // While dragging, only the cursor's values are read; the history follows on release.
      playback.holdHistory(true);
      seek(t);
    }
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    if (!event.currentTarget.hasPointerCapture(event.pointerId)) return;
    const t = timeFromEvent(event);
    if (t === null) return;
    if (drag) setDrag({ ...drag, to: t });
    else seek(t);
  };
  const onPointerUp = () => {
    if (!drag) return;
    const region = dragRegion(drag.from, drag.to);
    setDrag(null);
    if (!region) return;
    if (playback.state.mode === 'live' && !workbench.pauseLive(region.t0)) return;
    try {
      playback.setLoop(region);
    } catch (error) {
      setMessage(error instanceof Error ? error.message : String(error));
    }
  };

  const playing = view.mode === 'playback' && view.playing;
  const loop = view.mode === 'playback' ? view.loop : null;
  const shownLoop = drag ? dragRegion(drag.from, drag.to) : loop;
  const toggleClock = () => {
    const next = clockMode === 'absolute' ? 'relative' : 'absolute';
    localStorage.setItem(CLOCK_MODE_KEY, next);
    setClockMode(next);
  };

  return (
    <div className="timeline" data-testid="timeline" data-mode={view.mode}>
      <div className="timeline-mode">
        {view.mode === 'live' ? (
          <span className="tag tag-live">● LIVE</span>
        ) : (
          <span className={`tag ${view.playing ? 'tag-play' : 'tag-paused'}`}>
            {view.playing ? '▶ PLAYBACK' : '❚❚ PAUSED'}
            {view.buffering ? ' · reading' : ''}
          </span>
        )}
        <button
          type="button"
          className="clock linklike"
          onClick={toggleClock}
          title={`Showing ${clockMode} time; click for ${clockMode === 'absolute' ? 'time since the recording started' : 'clock time'}`}
        >
          <span ref={clockRef} data-testid="playback-clock">
            --:--:--
          </span>
        </button>
      </div>
      <div className="timeline-controls">
        <button
          type="button"
          title="One sample back (←)"
          aria-label="Step back"
          data-testid="step-back"
          onClick={() => act({ kind: 'step', direction: 'before' })}
        >
          ◀❚
        </button>
        <button
          type="button"
          data-testid="playback-toggle"
          title={
            view.mode === 'live'
              ? 'Pause on the newest data (Space)'
              : playing
                ? 'Pause (Space)'
                : 'Play (Space)'
          }
          onClick={() => act({ kind: 'togglePlay' })}
        >
          {playing || view.mode === 'live' ? 'Pause' : 'Play'}
        </button>
        <button
          type="button"
          title="One sample forward (→)"
          aria-label="Step forward"
          data-testid="step-forward"
          onClick={() => act({ kind: 'step', direction: 'after' })}
        >
          ❚▶
        </button>
        <select
          aria-label="Playback speed"
          data-testid="playback-speed"
          disabled={view.mode !== 'playback'}
          value={view.mode === 'playback' ? view.speed : 1}
          onChange={(e) => playback.setSpeed(Number(e.target.value))}
        >
          {PLAYBACK_SPEEDS.map((s) => (
            <option key={s} value={s}>
              {s}×
            </option>
          ))}
        </select>
        <button
          type="button"
          className={loop ? 'active' : 'secondary'}
          data-testid="loop-toggle"
          disabled={!loop}
          title={
            loop ? 'Stop looping (Esc)' : 'Shift-drag on the track, or [ and ], to loop a region'
          }
          onClick={() => act({ kind: 'clearLoop' })}
        >
          ⟲ Loop
        </button>
        <button
          type="button"
          className="secondary"
          data-testid="bookmark"
          title="Bookmark the cursor (B)"
          onClick={() => act({ kind: 'bookmark' })}
        >
          ⚑
        </button>
        <button
          type="button"
          className={view.mode === 'live' ? 'secondary live-on' : 'secondary'}
          data-testid="playback-live"
          disabled={view.mode === 'live'}
          title="Back to live (L)"
          onClick={() => playback.live()}
        >
          Live
        </button>
        <button
          type="button"
          className="secondary"
          aria-expanded={showHelp}
          title="Keyboard shortcuts"
          onClick={() => setShowHelp(!showHelp)}
        >
          ?
        </button>
      </div>
      <div className="timeline-body">
        <div
          className="timeline-track seekable"
          data-testid="playback-track"
          ref={trackRef}
          title={span ? 'Click or drag to scrub · Shift-drag to loop a region' : 'Waiting for data'}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onPointerCancel={() => setDrag(null)}
          // Capture ends with the drag however it ends (up, cancel): the held history is read.
          onLostPointerCapture={() => playback.holdHistory(false)}
        >
          <canvas ref={canvasRef} />
          {span && shownLoop ? (
            <div
              className="timeline-loop"
              data-testid="timeline-loop"
              style={{
                left: `${100 * fractionOf(span, shownLoop.t0)}%`,
                width: `${100 * (fractionOf(span, shownLoop.t1) - fractionOf(span, shownLoop.t0))}%`,
              }}
            />
          ) : null}
          {span ? <Markers annotations={annotations} span={span} onSeek={seek} /> : null}
          <div className="timeline-cursor" ref={cursorRef} />
          {!span ? (
            <span className="timeline-empty muted">waiting for the first samples…</span>
          ) : null}
        </div>
        {span ? <Ticks span={span} mode={clockMode} origin={span.t0} width={width} /> : null}
      </div>
      {message || (view.mode === 'playback' && view.problem) ? (
        <span className="error-text timeline-message" role="status">
          {message ?? (view.mode === 'playback' ? view.problem : null)}
        </span>
      ) : null}
      {showHelp ? (
        <dl className="timeline-help" data-testid="timeline-help">
          {TIMELINE_SHORTCUTS.map(([key, what]) => (
            <div key={key}>
              <dt>{key}</dt>
              <dd>{what}</dd>
            </div>
          ))}
        </dl>
      ) : null}
    </div>
  );
}
