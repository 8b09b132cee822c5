import { Group, Panel, Separator, useDefaultLayout } from 'react-resizable-panels';
import { AlertsPanel } from '../viewer/alerts/AlertsPanel.tsx';
import { AnnotationsPanel } from '../viewer/annotations/AnnotationsPanel.tsx';
import { PlotsPanel } from '../viewer/plots/PlotsPanel.tsx';
import { SelectionPanel } from '../viewer/SelectionPanel.tsx';
import { DIVERGING_GRADIENT, SEQUENTIAL_GRADIENT } from '../viewer/colorMap.ts';
import { TwinView } from '../viewer/TwinView.tsx';
import { RenderQualityNotice } from '../viewer/twin/RenderQualityNotice.tsx';
import { TwinContext, useTwin } from '../viewer/twin/TwinContext.ts';
import type { Twin } from '../viewer/twin/twinFile.ts';
import { Timeline } from '../viewer/timeline/Timeline.tsx';
import { useView, viewStore } from '../viewer/viewStore.ts';
import { ChannelList } from './ChannelList.tsx';
import { DamagePanel } from './DamagePanel.tsx';
import { FitPanel } from './FitPanel.tsx';
import { RecordingPanel } from './RecordingPanel.tsx';
import { SimPanel } from './SimPanel.tsx';
import { ConnectionBadge, SimBadge } from './StatusBadges.tsx';
import { SidePanel } from './SidePanel.tsx';
import { useWorkbenchState } from './WorkbenchContext.tsx';
import { portalHref } from '../portal/portalRoute.ts';

/** The colour legend of the twin file's `colorBy`, and how much larger displacements are drawn. */
function SceneOverlay() {
  const twin = useTwin();
  const override = useView((s) => s.exaggeration);
  const colorBy = twin.scene.find((e) => e.kind === 'members')?.colorBy;
  const exaggeration = override ?? twin.displacement?.exaggeration ?? 1;
  const sequential = colorBy?.map === 'sequential';
  return (
    <div className="scene-overlay">
      {colorBy && (
        <div className="legend" data-testid="legend">
          <span>{colorBy.label ?? `${colorBy.sensor} (members with a sensor)`}</span>
          <div
            className="legend-bar"
            style={{ background: sequential ? SEQUENTIAL_GRADIENT : DIVERGING_GRADIENT }}
          />
          <div className="legend-ticks">
            <span>{sequential ? '0' : `−${colorBy.limit}`}</span>
            {!sequential && <span>0</span>}
            <span>{sequential ? colorBy.limit : `+${colorBy.limit}`}</span>
          </div>
        </div>
      )}
      {twin.displacement && (
        <label className="exaggeration">
          Displacement drawn ×{exaggeration}
          <input
            type="range"
            min={1}
            max={Math.max(5000, exaggeration)}
            step={1}
            value={exaggeration}
            onChange={(e) => viewStore.setState({ exaggeration: Number(e.target.value) })}
          />
        </label>
      )}
      <RenderQualityNotice />
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

function AlertCount() {
  const active = useWorkbenchState((s) => s.shadow.alerts.filter((a) => a.active).length);
  return active > 0 ? (
    <span className="tag tag-bad" data-testid="alert-badge">
      {active} active
    </span>
  ) : null;
}

/**
 * Scene over plots on the left, panels on the right; both splits drag to resize and the sizes
 * are remembered in this browser (react-resizable-panels, localStorage).
 */
function Layout() {
  const outer = useDefaultLayout({ id: 'twinbench.layout.main', storage: localStorage });
  const center = useDefaultLayout({ id: 'twinbench.layout.center', storage: localStorage });
  return (
    <Group orientation="horizontal" className="layout" {...outer}>
      <Panel id="center" className="center-panel" defaultSize="70%" minSize="30%">
        <Group orientation="vertical" className="layout" {...center}>
          <Panel id="scene" defaultSize="68%" minSize="20%">
            <section className="scene" aria-label="3D view of the live twin">
              <TwinView />
              <SceneOverlay />
            </section>
          </Panel>
          <Separator className="layout-separator" />
          <Panel id="plots" defaultSize="32%" minSize="8%" collapsible>
            <div className="plots-slot">
              <PlotsPanel />
            </div>
          </Panel>
        </Group>
      </Panel>
      <Separator className="layout-separator" />
      <Panel id="side" className="side-panel" defaultSize="30%" minSize="18%">
        <aside>
          <SidePanel id="alerts" title="Shadow & alerts" badge={<AlertCount />}>
            <AlertsPanel />
          </SidePanel>
          <SidePanel id="selection" title="Selection">
            <SelectionPanel />
          </SidePanel>
          <SidePanel id="channels" title="Channels">
            <SourceLine />
            <ChannelList />
          </SidePanel>
          <SidePanel id="annotations" title="Notes & bookmarks">
            <AnnotationsPanel />
          </SidePanel>
          <SidePanel id="operator" title="Operator">
            <DamagePanel />
          </SidePanel>
          <SidePanel id="simulation" title="Simulation">
            <SimPanel />
          </SidePanel>
          <SidePanel id="fit" title="Fit">
            <FitPanel />
          </SidePanel>
          <SidePanel id="recording" title="Recording">
            <RecordingPanel />
          </SidePanel>
          <Problems />
        </aside>
      </Panel>
    </Group>
  );
}

export function App({ twin }: { readonly twin: Twin }) {
  return (
    <TwinContext.Provider value={twin}>
      <AppShell />
    </TwinContext.Provider>
  );
}

function AppShell() {
  const twin = useTwin();
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
          <span className="twin-name" data-testid="twin-title">
            {twin.title}
          </span>
        </div>
        <div className="badges">
          <a className="portal-link" href={portalHref(location.search)} data-testid="portal-link">
            Model portal
          </a>
          <ConnectionBadge />
          <SimBadge />
        </div>
      </header>
      <main>
        <Layout />
      </main>
      <footer>
        <Timeline />
      </footer>
    </div>
  );
}
