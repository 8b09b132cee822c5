import { useEffect, useRef } from 'react';
import { useWorkbench, useWorkbenchState } from '../app/WorkbenchContext.tsx';
import { formatClock } from '../app/format.ts';
import { PlaybackTimeline } from './PlaybackTimeline.tsx';

const WINDOW_S = 120;

/** The timeline: following live data, or the cursor of a recording being played back. */
export function TimelineBar() {
  const view = useWorkbenchState((s) => s.view);
  return view.mode === 'playback' ? <PlaybackTimeline view={view} /> : <LiveTimeline />;
}

/**
 * The timeline at live time: the last two minutes with how much data arrived in each second,
 * and the cursor following the head. Recordings are played back from the Recording panel.
 */
function LiveTimeline() {
  const { telemetry } = useWorkbench();
  const head = useWorkbenchState((s) => s.headTime);
  const canvasRef = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    const canvas = canvasRef.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    const width = (canvas.width = canvas.clientWidth * devicePixelRatio);
    const height = (canvas.height = canvas.clientHeight * devicePixelRatio);
    ctx.clearRect(0, 0, width, height);
    if (!(head > 0)) return;
    const headSecond = Math.floor(head / 1000);
    const counts = telemetry.countsPerSecond(headSecond - WINDOW_S + 1, headSecond + 1);
    const max = Math.max(1, ...counts);
    const barWidth = width / WINDOW_S;
    counts.forEach((count, i) => {
      const h = (count / max) * (height - 18 * devicePixelRatio);
      ctx.fillStyle = count === 0 ? '#1e293b' : '#0ea5e9';
      ctx.fillRect(i * barWidth + 0.5, height - h, Math.max(1, barWidth - 1), h);
    });
    ctx.fillStyle = '#94a3b8';
    ctx.font = `${11 * devicePixelRatio}px system-ui, sans-serif`;
    for (let s = 0; s <= WINDOW_S; s += 20) {
      const x = width - (s / WINDOW_S) * width;
      ctx.fillRect(x - 0.5, 0, 1, 6 * devicePixelRatio);
      const label = s === 0 ? 'now' : `−${s} s`;
      ctx.fillText(
        label,
        Math.min(
          Math.max(2, x - ctx.measureText(label).width / 2),
          width - ctx.measureText(label).width - 2,
        ),
        16 * devicePixelRatio,
      );
    }
  }, [telemetry, head]);

  return (
    <div className="timeline" data-testid="timeline" data-mode="live">
      <div className="timeline-mode">
        <span className="tag tag-live">● LIVE</span>
        <span className="clock">{formatClock(head)}</span>
      </div>
      <div className="timeline-track">
        <canvas ref={canvasRef} />
        <div className="timeline-cursor" style={{ right: 0 }} title="Cursor at live head" />
      </div>
    </div>
  );
}
