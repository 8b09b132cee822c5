import { useEffect, useRef } from 'react';
import { withCpuCanvases } from '../viewer/cpuCanvas.ts';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { FitProgress } from '../workers/fitProtocol.ts';

const HEIGHT = 120;

/**
 * The fit's loss per iteration on a log scale (uPlot: one canvas, redrawn with setData, cheap
 * enough to update on every progress event). The refinement stage continues the x axis.
 */
export function LossChart({ progress }: { progress: readonly FitProgress[] }) {
  const boxRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<uPlot | null>(null);

  useEffect(() => {
    const box = boxRef.current;
    if (!box) return;
    const plot = withCpuCanvases(
      () =>
        new uPlot(
          {
            width: Math.max(200, box.clientWidth),
            height: HEIGHT,
            legend: { show: false },
            cursor: { show: false },
            scales: { x: { time: false }, y: { distr: 3 } },
            axes: [
              { stroke: '#94a3b8', grid: { stroke: '#1e293b' }, size: 28 },
              {
                stroke: '#94a3b8',
                grid: { stroke: '#1e293b' },
                size: 56,
                // uPlot passes null for ticks it leaves unlabelled.
                values: (_, ticks) =>
                  ticks.map((t) => ((t as number | null) === null ? '' : t.toExponential(0))),
              },
            ],
            series: [
              {},
              { label: 'loss (mm²)', stroke: '#38bdf8', width: 1.5, points: { show: false } },
            ],
          },
          [[], []],
          box,
        ),
    );
    plotRef.current = plot;
    const resize = new ResizeObserver(() =>
      plot.setSize({ width: Math.max(200, box.clientWidth), height: HEIGHT }),
    );
    resize.observe(box);
    return () => {
      resize.disconnect();
      plot.destroy();
      plotRef.current = null;
    };
  }, []);

  useEffect(() => {
    const positive = progress.filter((p) => p.loss > 0);
    plotRef.current?.setData([positive.map((_, i) => i), positive.map((p) => p.loss)]);
  }, [progress]);

  return <div className="loss-chart" ref={boxRef} data-testid="fit-loss-chart" />;
}
