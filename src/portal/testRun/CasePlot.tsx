import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { plotColor } from '../../viewer/plots/plotChannels.ts';
import type { SampleSeries } from '../../workers/sandboxProtocol.ts';

const HEIGHT = 140;

/** A case's observables at every sample, against the step (uPlot, one canvas). */
export function CasePlot({ series }: { series: SampleSeries }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const host = box.current;
    const names = Object.keys(series.observables);
    if (!host || series.steps.length === 0 || names.length === 0) return;
    const plot = new uPlot(
      {
        width: Math.max(200, host.clientWidth),
        height: HEIGHT,
        legend: { show: names.length <= 4 },
        scales: { x: { time: false } },
        axes: [
          { stroke: '#94a3b8', grid: { stroke: '#1e293b' }, size: 28, label: 'step' },
          { stroke: '#94a3b8', grid: { stroke: '#1e293b' }, size: 52 },
        ],
        series: [
          { label: 'step' },
          ...names.map((name, i) => ({
            label: name,
            stroke: plotColor(i),
            width: 1.25,
            points: { show: false },
          })),
        ],
      },
      [[...series.steps], ...names.map((n) => [...series.observables[n]!])],
      host,
    );
    const resize = new ResizeObserver(() =>
      plot.setSize({ width: Math.max(200, host.clientWidth), height: HEIGHT }),
    );
    resize.observe(host);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [series]);
  return <div className="portal-plot" ref={box} data-testid="portal-case-plot" />;
}
