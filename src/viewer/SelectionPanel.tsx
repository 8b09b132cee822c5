import { formatValue } from '../app/format.ts';
import { useWorkbenchState } from '../app/WorkbenchContext.tsx';
import { PlotAddButton } from './plots/PlotsPanel.tsx';
import { useTwin } from './twin/TwinContext.ts';
import type { TwinSensor } from './twin/twinFile.ts';
import { select, useView } from './viewStore.ts';

function SensorRows({ sensors }: { sensors: readonly TwinSensor[] }) {
  const channels = useWorkbenchState((s) => s.channels);
  const residuals = useWorkbenchState((s) => s.shadow.sensors);
  if (sensors.length === 0) return <p className="muted">No sensor here.</p>;
  return (
    <table className="selection-sensors" data-testid="selection-sensors">
      <thead>
        <tr>
          <th>channel</th>
          <th>measured</th>
          <th title="Measured minus the shadow model, RMS over the alert window">residual</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {sensors.map((sensor) => {
          const channel = channels.find((c) => c.name === sensor.channel);
          const residual = residuals.find((r) => r.sensor === sensor.channel);
          return (
            <tr key={sensor.channel} data-channel={sensor.channel} title={sensor.description}>
              <td>
                <button
                  type="button"
                  className="linklike"
                  onClick={() => select({ kind: 'sensor', channel: sensor.channel })}
                >
                  {sensor.channel}
                </button>
              </td>
              <td className="ch-value">
                {channel ? formatValue(channel.value) : '—'}{' '}
                <span className="unit">{sensor.unit}</span>
              </td>
              <td className={residual?.alerting ? 'error-text' : ''}>
                {residual ? formatValue(residual.rms) : '—'}
              </td>
              <td>
                <PlotAddButton channel={sensor.channel} />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** The entity clicked in the scene: what it is, its sensors with values and residuals, plot buttons. */
export function SelectionPanel() {
  const selected = useView((s) => s.selected);
  const twin = useTwin();
  const { sensors, sensorsOfMember, sensorsOfNode } = twin;
  const plantDamage = useWorkbenchState((s) => s.damage);
  const modelDamage = useWorkbenchState((s) => s.modelDamage);
  if (!selected)
    return (
      <p className="muted">
        Click a member, joint or sensor (◆) in the scene to see its channels here.
      </p>
    );
  if (selected.kind === 'member') {
    const member = twin.members[selected.index];
    if (!member)
      return <p className="error-text">Member {selected.index} does not exist in this twin.</p>;
    const at = (node: number, k: number) => twin.nodes[node * 3 + k]!;
    const length = Math.hypot(...[0, 1, 2].map((k) => at(member.a, k) - at(member.b, k)));
    const plant = plantDamage?.member === selected.index ? plantDamage.health : 1;
    const model = modelDamage?.member === selected.index ? modelDamage.health : 1;
    return (
      <div
        className="selection"
        data-testid="selection"
        data-kind="member"
        data-index={selected.index}
      >
        <h3>
          Member {selected.index} · {member.label}
        </h3>
        <dl className="kv">
          <dt>Role</dt>
          <dd>{member.role}</dd>
          <dt>Length</dt>
          <dd>{length.toFixed(2)} m</dd>
          <dt>Stiffness</dt>
          <dd>
            plant reports {(100 * plant).toFixed(0)} %, model uses {(100 * model).toFixed(0)} %
          </dd>
        </dl>
        <SensorRows sensors={sensorsOfMember.get(selected.index) ?? []} />
      </div>
    );
  }
  if (selected.kind === 'node') {
    if (!(selected.index < twin.nodeCount))
      return <p className="error-text">Joint {selected.index} does not exist in this twin.</p>;
    const details = twin.nodeDetails?.[selected.index];
    const position = [0, 1, 2].map((k) => twin.nodes[selected.index * 3 + k]!);
    return (
      <div
        className="selection"
        data-testid="selection"
        data-kind="node"
        data-index={selected.index}
      >
        <h3>Joint {selected.index}</h3>
        <dl className="kv">
          <dt>Position</dt>
          <dd>{position.map((x) => x.toFixed(2)).join(', ')} m</dd>
          {details && (
            <>
              <dt>Mass</dt>
              <dd>{details.mass.toLocaleString()} kg</dd>
              <dt>Support</dt>
              <dd>{details.fixed ? 'pinned' : 'free'}</dd>
            </>
          )}
        </dl>
        <SensorRows sensors={sensorsOfNode.get(selected.index) ?? []} />
      </div>
    );
  }
  const sensor = sensors.find((s) => s.channel === selected.channel);
  if (!sensor) return <p className="error-text">No sensor “{selected.channel}” in this twin.</p>;
  return (
    <div
      className="selection"
      data-testid="selection"
      data-kind="sensor"
      data-channel={sensor.channel}
    >
      <h3>{sensor.channel}</h3>
      <p className="muted">{sensor.description}</p>
      <p>
        {sensor.member >= 0 ? (
          <button
            type="button"
            className="linklike"
            onClick={() => select({ kind: 'member', index: sensor.member })}
          >
            on member {sensor.member} · {twin.members[sensor.member]?.label}
          </button>
        ) : (
          <button
            type="button"
            className="linklike"
            onClick={() => select({ kind: 'node', index: sensor.node })}
          >
            at joint {sensor.node}
          </button>
        )}
      </p>
      <SensorRows sensors={[sensor]} />
    </div>
  );
}
