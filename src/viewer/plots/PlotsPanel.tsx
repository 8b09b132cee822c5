import { useEffect, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useWorkbench, useWorkbenchState } from '../../app/WorkbenchContext.tsx';
import { mountPlotChart } from './plotChart.ts';
import { plotColor, unitsOf } from './plotChannels.ts';
import { plotStore, usePlots, type Plot } from './plotStore.ts';
import { WINDOW_PRESETS, type WindowSpan } from './plotWindow.ts';
import { formatSpan } from './timeAxis.ts';
import './plots.css';

const spanValue = (span: WindowSpan) => String(span);

function WindowPicker() {
  const span = usePlots((s) => s.windowMs);
  const preset = WINDOW_PRESETS.some((p) => p.span === span);
  return (
    <select
      aria-label="Visible time span"
      data-testid="plots-window"
      title="Time span of every plot (or scroll the wheel over a plot)"
      value={spanValue(span)}
      onChange={(e) =>
        plotStore.getState().setWindow(e.target.value === 'all' ? 'all' : Number(e.target.value))
      }
    >
      {preset || span === 'all' ? null : (
        <option value={spanValue(span)}>{formatSpan(span)}</option>
      )}
      {WINDOW_PRESETS.map((p) => (
        <option key={p.label} value={spanValue(p.span)}>
          {p.label}
        </option>
      ))}
    </select>
  );
}

/**
 * The plots: time series of the channels the user picked, following the live head or the
 * playback cursor. Channels come in from the channel list's + buttons ({@link PlotAddButton}) or
 * the selection; each plot draws per-pixel min/max bands from the live histories and the
 * recorder's range queries.
 */
export function PlotsPanel() {
  const plots = usePlots((s) => s.plots);
  const target = usePlots((s) => s.targetPlotId);
  return (
    <div className="plots-panel" data-testid="plots-panel">
      <div className="plots-toolbar">
        <h2>Plots</h2>
        <WindowPicker />
        <button
          type="button"
          className="secondary"
          data-testid="plots-new"
          onClick={() => plotStore.getState().addPlot()}
        >
          New plot
        </button>
        {plots.length > 0 ? (
          <span className="muted plots-hint">
            + in the channel list adds to the highlighted plot
          </span>
        ) : null}
      </div>
      {plots.length === 0 ? (
        <p className="muted plots-empty" data-testid="plots-empty">
          Click + next to a channel in the Channels list, or select a sensor in the scene.
        </p>
      ) : (
        <div className="plots-list">
          {plots.map((plot, i) => (
            <PlotCard key={plot.id} plot={plot} index={i} isTarget={plot.id === target} />
          ))}
        </div>
      )}
    </div>
  );
}

function PlotCard({ plot, index, isTarget }: { plot: Plot; index: number; isTarget: boolean }) {
  const workbench = useWorkbench();
  const { channels } = plot;
  const units = useWorkbenchState(
    useShallow((s) => {
      const recordingId =
        s.view.mode === 'playback' ? s.view.recordingId : (s.recorder.status?.recordingId ?? null);
      const recorded = s.recorder.recordings.find((r) => r.id === recordingId)?.channels;
      return unitsOf(s.view.mode === 'playback' ? [recorded] : [s.channels, recorded], channels);
    }),
  );
  const rootRef = useRef<HTMLDivElement>(null);
  const boxRef = useRef<HTMLDivElement>(null);
  const problemRef = useRef<HTMLSpanElement>(null);
  const readoutRefs = useRef<(HTMLElement | null)[]>([]);

  useEffect(() => {
    const root = rootRef.current;
    const box = boxRef.current;
    if (root) root.dataset.points = '0';
    if (!root || !box || channels.length === 0) return;
    const chart = mountPlotChart({
      workbench,
      channels,
      box,
      root,
      readouts: readoutRefs.current,
      problem: problemRef.current,
      getSpan: () => plotStore.getState().windowMs,
      onZoom: (span) => plotStore.getState().setWindow(span),
    });
    return () => chart.dispose();
  }, [workbench, channels]);

  const { removeChannel, removePlot, setTarget } = plotStore.getState();
  return (
    <section
      ref={rootRef}
      className={`plot ${isTarget ? 'plot-target' : ''}`}
      data-testid="plot"
      data-plot-id={plot.id}
      data-channels={channels.join(',')}
      aria-label={`Plot ${index + 1}`}
    >
      <header className="plot-header">
        <button
          type="button"
          className="plot-title"
          aria-pressed={isTarget}
          title={isTarget ? '+ buttons add here' : 'Make + buttons add to this plot'}
          onClick={() => setTarget(plot.id)}
        >
          Plot {index + 1}
        </button>
        <ul className="plot-legend">
          {channels.map((name, i) => (
            <li key={name} data-channel={name}>
              <span className="plot-swatch" style={{ background: plotColor(i) }} />
              <span className="plot-channel">{name}</span>
              <span className="unit">{units[i] ?? 'not in this recording'}</span>
              <span
                className="plot-readout"
                ref={(el) => {
                  readoutRefs.current[i] = el;
                }}
              />
              <button
                type="button"
                className="plot-remove"
                data-testid="plot-remove-channel"
                aria-label={`Remove ${name} from plot ${index + 1}`}
                title={`Remove ${name}`}
                onClick={() => removeChannel(plot.id, name)}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
        <span className="error-text plot-problem" ref={problemRef} />
        <button
          type="button"
          className="plot-remove"
          data-testid="plot-remove"
          aria-label={`Remove plot ${index + 1}`}
          title="Remove this plot"
          onClick={() => removePlot(plot.id)}
        >
          ✕
        </button>
      </header>
      {channels.length === 0 ? (
        <p className="muted plot-empty">
          No channels yet: click + next to a channel in the Channels list, or select a sensor in the
          scene.
        </p>
      ) : (
        <div className="plot-box" ref={boxRef} />
      )}
    </section>
  );
}

/**
 * A small + beside a channel (channel list, selection panel): adds it to the highlighted plot, or
 * to a new one when there is none. Pressed when the channel is already there; a click removes it.
 */
export function PlotAddButton({ channel }: { channel: string }) {
  const target = usePlots((s) => s.plots.find((p) => p.id === s.targetPlotId) ?? null);
  const index = usePlots((s) => s.plots.findIndex((p) => p.id === s.targetPlotId));
  const inTarget = target?.channels.includes(channel) ?? false;
  const where = target ? `Plot ${index + 1}` : 'a new plot';
  return (
    <button
      type="button"
      className={`plot-add ${inTarget ? 'plot-add-on' : ''}`}
      data-testid="plot-add"
      data-channel={channel}
      aria-pressed={inTarget}
      aria-label={inTarget ? `Remove ${channel} from ${where}` : `Plot ${channel} in ${where}`}
      title={inTarget ? `In ${where} — click to remove it` : `Plot ${channel} in ${where}`}
      onClick={(event) => {
        event.stopPropagation();
        const { removeChannel, addChannel } = plotStore.getState();
        if (target && inTarget) removeChannel(target.id, channel);
        else addChannel(channel, target?.id);
      }}
    >
      {inTarget ? '✓' : '+'}
    </button>
  );
}
