import { useEffect, useRef, useState, type PointerEvent } from 'react';
import { formatClock } from '../app/format.ts';
import { PLAYBACK_SPEEDS, type PlaybackView } from '../app/playback.ts';
import { useWorkbench, useWorkbenchState } from '../app/WorkbenchContext.tsx';
import type { RangeSeries } from '../replay/replayStore.ts';

type Playing = Extract<PlaybackView, { mode: 'playback' }>;

/** The channel drawn as the recording's overview: midspan deflection when it was recorded. */
const OVERVIEW_CHANNEL = 'disp.z.L50';

function drawOverview(canvas: HTMLCanvasElement, series: RangeSeries | null): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const width = (canvas.width = canvas.clientWidth * devicePixelRatio);
  const height = (canvas.height = canvas.clientHeight * devicePixelRatio);
  ctx.clearRect(0, 0, width, height);
  if (!series) return;
  let lo = Infinity;
  let hi = -Infinity;
  series.min.forEach((v, i) => {
    if (Number.isFinite(v)) lo = Math.min(lo, v);
    const m = series.max[i]!;
    if (Number.isFinite(m)) hi = Math.max(hi, m);
  });
  if (!(hi >= lo)) return;
  const span = hi - lo || 1;
  const buckets = series.min.length;
  const y = (v: number) => height - 4 - ((v - lo) / span) * (height - 8);
  ctx.fillStyle = '#0ea5e9';
  for (let i = 0; i < buckets; i++) {
    const min = series.min[i]!;
    const max = series.max[i]!;
    if (!Number.isFinite(min) || !Number.isFinite(max)) continue;
    const x = (i / buckets) * width;
    ctx.fillRect(x, y(max), Math.max(1, width / buckets), Math.max(1, y(min) - y(max)));
  }
}

/**
 * The timeline while a recording plays: its whole span with the midspan deflection as an
 * overview (min/max from the chunk index), the cursor, play/pause, speed, and a click or drag on
 * the track to seek. The cursor is moved every frame from the playback itself, not from React.
 */
export function PlaybackTimeline({ view }: { view: Playing }) {
  const { playback, recorder } = useWorkbench();
  const recording = useWorkbenchState((s) =>
    s.recorder.recordings.find((r) => r.id === view.recordingId),
  );
  const [overview, setOverview] = useState<RangeSeries | null>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const cursorRef = useRef<HTMLDivElement>(null);
  const clockRef = useRef<HTMLSpanElement>(null);
  const { recordingId, start, end } = view;
  const channelId = recording?.channels.find((c) => c.name === OVERVIEW_CHANNEL)?.id;

  useEffect(() => {
    if (channelId === undefined) return;
    let current = true;
    const points = Math.max(64, Math.round((canvasRef.current?.clientWidth ?? 600) * 2));
    recorder.range(recordingId, start, end, [channelId], points).then(
      ([series]) => current && setOverview(series ?? null),
      () => current && setOverview(null),
    );
    return () => {
      current = false;
    };
  }, [recorder, recordingId, start, end, channelId]);

  useEffect(() => {
    if (canvasRef.current) drawOverview(canvasRef.current, overview);
  }, [overview]);

  useEffect(() => {
    let frame = requestAnimationFrame(function draw() {
      const state = playback.state;
      if (state.mode === 'playback') {
        const fraction = (state.cursor - state.start) / Math.max(1, state.end - state.start);
        if (cursorRef.current) cursorRef.current.style.left = `calc(${100 * fraction}% - 1px)`;
        if (clockRef.current) clockRef.current.textContent = formatClock(state.cursor);
      }
      frame = requestAnimationFrame(draw);
    });
    return () => cancelAnimationFrame(frame);
  }, [playback]);

  const seekTo = (event: PointerEvent<HTMLDivElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    const fraction = Math.min(1, Math.max(0, (event.clientX - box.left) / box.width));
    playback.seek(start + fraction * (end - start));
  };

  return (
    <div className="timeline" data-testid="timeline" data-mode="playback">
      <div className="timeline-mode">
        <span className={`tag ${view.playing ? 'tag-play' : 'tag-paused'}`}>
          {view.playing ? '▶ PLAYBACK' : '❚❚ PAUSED'}
          {view.buffering ? ' · reading' : ''}
        </span>
        <span className="clock" ref={clockRef} data-testid="playback-clock">
          {formatClock(view.cursor)}
        </span>
      </div>
      <div className="timeline-controls">
        <button
          type="button"
          data-testid="playback-toggle"
          onClick={() => (view.playing ? playback.pause() : playback.play())}
          title={view.playing ? 'Pause' : 'Play'}
        >
          {view.playing ? 'Pause' : 'Play'}
        </button>
        <select
          aria-label="Playback speed"
          data-testid="playback-speed"
          value={view.speed}
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
          className="secondary"
          data-testid="playback-live"
          onClick={() => playback.live()}
        >
          Back to live
        </button>
      </div>
      <div
        className="timeline-track seekable"
        data-testid="playback-track"
        title={`${formatClock(start)} – ${formatClock(end)}: click or drag to seek`}
        onPointerDown={(e) => {
          e.currentTarget.setPointerCapture(e.pointerId);
          seekTo(e);
        }}
        onPointerMove={(e) => {
          if (e.currentTarget.hasPointerCapture(e.pointerId)) seekTo(e);
        }}
      >
        <canvas ref={canvasRef} />
        <div className="timeline-cursor" ref={cursorRef} />
      </div>
      {view.problem ? <span className="error-text">{view.problem}</span> : null}
    </div>
  );
}
