import { useEffect, useRef } from 'react';
import { cpuContext2d } from '../viewer/cpuCanvas.ts';
import { useWorkbench } from './WorkbenchContext.tsx';

const WINDOW_MS = 10_000;

/** The last ten seconds of one channel, redrawn at the channel list's refresh rate. */
export function Sparkline({ channel, tick }: { channel: string; tick: number }) {
  const workbench = useWorkbench();
  const canvasRef = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = canvasRef.current;
    const ctx = canvas ? cpuContext2d(canvas) : null;
    const live = workbench.display().channel(channel);
    if (!canvas || !ctx || !live) return;
    const { width, height } = canvas;
    ctx.clearRect(0, 0, width, height);
    const end = live.deviceTime;
    let min = Infinity;
    let max = -Infinity;
    live.history.forEach((t, v) => {
      if (end - t <= WINDOW_MS) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
    });
    if (!(max >= min)) return;
    const span = max - min || 1;
    ctx.strokeStyle = '#38bdf8';
    ctx.lineWidth = 1;
    ctx.beginPath();
    let first = true;
    live.history.forEach((t, v) => {
      if (end - t > WINDOW_MS) return;
      const x = width - ((end - t) / WINDOW_MS) * width;
      const y = height - 1 - ((v - min) / span) * (height - 2);
      if (first) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
      first = false;
    });
    ctx.stroke();
  }, [workbench, channel, tick]);
  return <canvas ref={canvasRef} className="sparkline" width={96} height={22} aria-hidden />;
}
