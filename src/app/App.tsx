import { BridgeView } from '../viewer/BridgeView.tsx';
import { DIVERGING_GRADIENT } from '../viewer/colorMap.ts';
import { TimelineBar } from '../viewer/TimelineBar.tsx';
import { useView, viewStore } from '../viewer/viewStore.ts';
import { ChannelList } from './ChannelList.tsx';
import { DamagePanel } from './DamagePanel.tsx';
import { FitPanel } from './FitPanel.tsx';
import { RecordingPanel } from './RecordingPanel.tsx';
import { SimPanel } from './SimPanel.tsx';
import { ConnectionBadge, SimBadge } from './StatusBadges.tsx';
import { useWorkbenchState } from './WorkbenchContext.tsx';

function SceneOverlay() {
  const exaggeration = useView((s) => s.exaggeration);
  const strainLimit = useView((s) => s.strainLimit);
  return (
    <div className="scene-overlay">
      <div className="legend">
        <span>Strain (gauged members)</span>
        <div className="legend-bar" style={{ background: DIVERGING_GRADIENT }} />
        <div className="legend-ticks">
          <span>−{strainLimit} µε</span>
          <span>0</span>
          <span>+{strainLimit} µε</span>
        </div>
      </div>
      <label className="exaggeration">
        Deflection drawn ×{exaggeration}
        <input
          type="range"
          min={1}
          max={5000}
          step={1}
          value={exaggeration}
          onChange={(e) => viewStore.setState({ exaggeration: Number(e.target.value) })}
        />
      </label>
    </div>
  );
}

function Problems() {
  const problems = useWorkbenchState((s) => s.problems);
  if (problems.length === 0) return null;
  return (
    <ul className="problems" data-testid="problems">
      {problems.map((p, i) => (
        <li key={i}>{p}</li>
      ))}
    </ul>
  );
}

function SourceLine() {
  const sources = useWorkbenchState((s) => s.sources);
  if (sources.length === 0) return null;
  return (
    <p className="sources">
      {sources.map((s) => (
        <span key={s.name} className={s.connected ? '' : 'error-text'} title={s.lastError ?? ''}>
          {s.name}: {s.received.toLocaleString()} msgs
          {s.malformed ? `, ${s.malformed} malformed dropped` : ''}
        </span>
      ))}
    </p>
  );
}

export function App() {
  return (
    <div className="app">
      <header>
        <div className="brand">
          <svg viewBox="0 0 32 32" width="22" height="22" aria-hidden>
            <path
              d="M4 22h24M6 22l5-10 5 10 5-10 5 10M11 12h10"
              stroke="#38bdf8"
              strokeWidth="2.4"
              fill="none"
              strokeLinejoin="round"
            />
          </svg>
          <strong>Twinbench</strong>
          <span className="twin-name">Footbridge · 40 m steel Pratt truss</span>
        </div>
        <div className="badges">
          <ConnectionBadge />
          <SimBadge />
        </div>
      </header>
      <main>
        <section className="scene" aria-label="3D view of the live twin">
          <BridgeView />
          <SceneOverlay />
        </section>
        <aside>
          <div className="panel">
            <h2>Channels</h2>
            <SourceLine />
            <ChannelList />
          </div>
          <div className="panel">
            <h2>Operator</h2>
            <DamagePanel />
          </div>
          <div className="panel">
            <h2>Simulation</h2>
            <SimPanel />
          </div>
          <div className="panel">
            <h2>Fit</h2>
            <FitPanel />
          </div>
          <div className="panel">
            <h2>Recording</h2>
            <RecordingPanel />
          </div>
          <Problems />
        </aside>
      </main>
      <footer>
        <TimelineBar />
      </footer>
    </div>
  );
}
