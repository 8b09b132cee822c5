import { formatValue } from '../../app/format.ts';
import { useWorkbench, useWorkbenchState } from '../../app/WorkbenchContext.tsx';
import { formatAbsolute } from '../timeline/timelineMath.ts';
import { useTwin } from '../twin/TwinContext.ts';
import { select, useView, viewStore } from '../viewStore.ts';

const PHASE_TEXT = {
  starting: 'starting the shadow model…',
  waiting: 'waiting for the measured inputs (deck loads, wind)',
  settling: 'settling: the model has just started from the measured state',
  degraded:
    'degraded: measured inputs arrive late or are lost, so the model is missing loads the plant had; alerts need a larger residual until it has caught up',
  watching: 'watching: residuals are compared with the alert rules',
} as const;

/**
 * Shadow mode: the simulation driven by the measured inputs beside the plant. Each sensor's
 * residual (measured − model) with its RMS over the alert window against the threshold, and the
 * alerts fired when a residual stays above it; click one to select the member and go to its time.
 */
export function AlertsPanel() {
  const workbench = useWorkbench();
  const shadow = useWorkbenchState((s) => s.shadow);
  const showGhost = useView((s) => s.showGhost);
  const twin = useTwin();
  const goTo = (t: number) => {
    if (workbench.playback.state.mode === 'playback') workbench.playback.seek(t);
    else workbench.pauseLive(t);
  };
  return (
    <div className="alerts-panel" data-testid="alerts-panel" data-phase={shadow.phase}>
      <p className={shadow.phase === 'watching' ? 'ok-text' : 'muted'} data-testid="shadow-phase">
        {PHASE_TEXT[shadow.phase]}
        {shadow.phase === 'degraded'
          ? ` (${(shadow.inputFill * 100).toFixed(1)} % of inputs missed: ${shadow.thresholdScale.toFixed(1)}× the threshold)`
          : ''}
        {shadow.missingInputs.length > 0
          ? ` — the relay has no ${shadow.missingInputs.slice(0, 3).join(', ')}${shadow.missingInputs.length > 3 ? '…' : ''}`
          : ''}
      </p>
      <label className="ghost-toggle">
        <input
          type="checkbox"
          checked={showGhost}
          onChange={(e) => viewStore.setState({ showGhost: e.target.checked })}
        />{' '}
        Draw the model as a ghost over the measured bridge
      </label>
      {shadow.alerts.length > 0 ? (
        <ul className="alert-list" data-testid="alert-list">
          {shadow.alerts.map((alert) => (
            <li
              key={alert.id}
              className={alert.active ? 'alert-active' : 'alert-cleared'}
              data-testid="alert"
              data-sensor={alert.sensor}
              data-member={alert.member ?? ''}
              data-active={alert.active}
            >
              <button
                type="button"
                className="linklike"
                onClick={() => {
                  select(
                    alert.member === undefined
                      ? { kind: 'sensor', channel: alert.sensor }
                      : { kind: 'member', index: alert.member },
                  );
                  goTo(alert.firedAt);
                }}
              >
                <strong>{alert.sensor}</strong>
                {alert.member !== undefined
                  ? ` · member ${alert.member} (${twin.members[alert.member]?.label ?? '?'})`
                  : ''}
              </button>
              <span className="muted">
                {' '}
                {alert.rule}: RMS {formatValue(alert.value)} &gt; {alert.threshold} at{' '}
                {formatAbsolute(alert.firedAt)}
                {alert.clearedAt !== null ? `, cleared ${formatAbsolute(alert.clearedAt)}` : ''}
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No alerts.</p>
      )}
      {shadow.sensors.length > 0 ? (
        <table className="residuals" data-testid="residuals">
          <thead>
            <tr>
              <th>sensor</th>
              <th>residual</th>
              <th>RMS / threshold</th>
            </tr>
          </thead>
          <tbody>
            {shadow.sensors.map((r) => {
              const fraction = r.threshold && Number.isFinite(r.rms) ? r.rms / r.threshold : 0;
              return (
                <tr key={r.sensor} className={r.alerting ? 'alerting' : ''} data-sensor={r.sensor}>
                  <td>
                    <button
                      type="button"
                      className="linklike"
                      onClick={() => select({ kind: 'sensor', channel: r.sensor })}
                    >
                      {r.sensor}
                    </button>
                  </td>
                  <td className="ch-value">{formatValue(r.residual)}</td>
                  <td>
                    <span
                      className="residual-bar"
                      title={`${formatValue(r.rms)} of ${r.threshold ?? '—'}`}
                    >
                      <span
                        style={{
                          width: `${Math.min(100, 100 * fraction)}%`,
                          background:
                            fraction >= 1
                              ? 'var(--bad)'
                              : fraction > 0.6
                                ? 'var(--warn)'
                                : 'var(--ok)',
                        }}
                      />
                    </span>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
