import { useMemo } from 'react';
import { buildFootbridge, footbridgeSensors } from '../twin/footbridge.ts';
import { PlotAddButton } from '../viewer/plots/PlotsPanel.tsx';
import { formatValue } from './format.ts';
import { Sparkline } from './Sparkline.tsx';
import { useWorkbenchState } from './WorkbenchContext.tsx';

const GROUPS = [
  { prefix: 'disp.', title: 'Displacement' },
  { prefix: 'acc.', title: 'Acceleration' },
  { prefix: 'strain.', title: 'Strain' },
  { prefix: 'load.', title: 'Measured loads (shadow inputs)' },
  { prefix: 'wind.', title: 'Wind (shadow input)' },
  { prefix: 'status.', title: 'Plant status' },
] as const;

/** Every channel the relay announced, with its current value, rate and last ten seconds. */
export function ChannelList() {
  const channels = useWorkbenchState((s) => s.channels);
  const totalSamples = useWorkbenchState((s) => s.totalSamples);
  const descriptions = useMemo(
    () => new Map(footbridgeSensors(buildFootbridge()).map((s) => [s.id, s.description])),
    [],
  );
  if (channels.length === 0)
    return <p className="muted">No channels yet — waiting for the relay to announce them.</p>;
  const other = channels.filter((c) => !GROUPS.some((g) => c.name.startsWith(g.prefix)));
  const groups = [
    ...GROUPS.map((g) => ({
      title: g.title,
      items: channels.filter((c) => c.name.startsWith(g.prefix)),
    })),
    { title: 'Other', items: other },
  ];
  return (
    <div className="channel-list" data-testid="channel-list">
      {groups
        .filter((g) => g.items.length > 0)
        .map((group) => (
          <section key={group.title}>
            <h3>{group.title}</h3>
            <table>
              <tbody>
                {group.items.map((c) => (
                  <tr
                    key={c.id}
                    data-channel={c.name}
                    title={`${descriptions.get(c.name) ?? c.name}\n${c.source}\n${c.count.toLocaleString()} samples`}
                  >
                    <td className="ch-name">{c.name}</td>
                    <td className="ch-spark">
                      {group.title === 'Plant status' ? null : (
                        <Sparkline channel={c.name} tick={totalSamples} />
                      )}
                    </td>
                    <td className="ch-value">
                      {formatValue(c.value)} <span className="unit">{c.unit}</span>
                    </td>
                    <td className={`ch-rate ${c.rateHz === 0 ? 'stale' : ''}`}>
                      {c.rateHz.toFixed(0)} Hz
                    </td>
                    <td className="ch-plot">
                      <PlotAddButton channel={c.name} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        ))}
    </div>
  );
}
