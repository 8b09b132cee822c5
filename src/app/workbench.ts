import { createStore, type StoreApi } from 'zustand/vanilla';
import type { SourceStats, TwinCommand } from '../protocol/relay.ts';
import {
  createRelayClient,
  type CommandResult,
  type ConnectionState,
  type RelayClient,
} from '../relay/relayClient.ts';
import { startSimulation, type SimState, type SimulationHost } from '../sim/simulationHost.ts';
import { LiveTelemetry, type ChannelSummary } from '../telemetry/liveTelemetry.ts';
import { STATUS_CHANNELS } from '../twin/footbridge.ts';
import { createFitHost, type FitHost, type FitState } from './fitHost.ts';
import { Playback, type PlaybackView } from './playback.ts';
import {
  INITIAL_RECORDER_STATE,
  startRecorder,
  type RecorderHost,
  type RecorderState,
} from './recorder.ts';

export interface DamageState {
  readonly member: number;
  readonly health: number;
}

export interface WorkbenchState {
  readonly connection: ConnectionState;
  readonly channels: readonly ChannelSummary[];
  readonly totalSamples: number;
  readonly headTime: number;
  readonly sources: readonly SourceStats[];
  readonly clients: number;
  readonly problems: readonly string[];
  readonly sim: SimState;
  /** The plant's damage as its status channels report it. */
  readonly damage: DamageState | null;
  /** The recorder worker: what is being recorded to IndexedDB, and what already is. */
  readonly recorder: RecorderState;
  /** Live, or playing back a recording (its cursor here refreshes with the summaries). */
  readonly view: PlaybackView;
  /** The fit worker's current or last fit. */
  readonly fit: FitState;
  /** Damage the model runs with because a fit result was applied; null when it follows the plant. */
  readonly modelDamage: DamageState | null;
}

export interface Workbench {
  readonly store: StoreApi<WorkbenchState>;
  /** Live values for the frame loop (not reactive). */
  readonly telemetry: LiveTelemetry;
  /** Records every relay sample in IndexedDB and answers queries on the recordings. */
  readonly recorder: RecorderHost;
  /** Playback of stored recordings; while it is active the views draw its telemetry. */
  readonly playback: Playback;
  /** What the views draw now: the recording at the playback cursor, or live telemetry. */
  display(): LiveTelemetry;
  /** Runs parameter fits in their own worker. */
  readonly fit: FitHost;
  /** Gives the model (the simulation beside the plant) a fitted damage. */
  applyFittedDamage(damage: DamageState): void;
  sendCommand(command: TwinCommand): Promise<CommandResult>;
  dispose(): void;
}

export interface WorkbenchOptions {
  readonly relayUrl: string;
  readonly preferGpu?: boolean;
  /** Twin the recordings are filed under (default `footbridge`). */
  readonly twin?: string;
  /** How often React-facing summaries refresh, ms. */
  readonly summaryIntervalMs?: number;
}

const MAX_PROBLEMS = 5;

/**
 * The running workbench: relay connection, live telemetry and the simulation worker, with one
 * zustand store the UI subscribes to. Frame-rate data stays in `telemetry`.
 */
export function createWorkbench(options: WorkbenchOptions): Workbench {
  const telemetry = new LiveTelemetry();
  const store = createStore<WorkbenchState>(() => ({
    connection: { status: 'connecting', attempt: 1 },
    channels: [],
    totalSamples: 0,
    headTime: 0,
    sources: [],
    clients: 0,
    problems: [],
    sim: { phase: 'starting' },
    damage: null,
    recorder: INITIAL_RECORDER_STATE,
    view: { mode: 'live' },
    fit: { phase: 'idle' },
    modelDamage: null,
  }));
  const addProblem = (message: string) =>
    store.setState((s) => ({
      problems: [...s.problems, `${new Date().toLocaleTimeString()} ${message}`].slice(
        -MAX_PROBLEMS,
      ),
    }));

  const recorder = startRecorder((state) => store.setState({ recorder: state }), {
    twin: options.twin ?? 'footbridge',
  });

  // The cursor advances once per animation frame while a recording is open.
  let frame: number | null = null;
  const animate = (now: number) => {
    playback.tick(now);
    frame = playback.active ? requestAnimationFrame(animate) : null;
  };
  const playback = new Playback(recorder, (view) => {
    store.setState({ view });
    if (view.mode === 'playback' && frame === null) frame = requestAnimationFrame(animate);
    refresh();
  });
  const fit = createFitHost((state) => store.setState({ fit: state }));
  const display = () => (playback.active ? playback.telemetry : telemetry);

  const relay: RelayClient = createRelayClient({
    url: options.relayUrl,
    onState: (connection) => store.setState({ connection }),
    onChannels: (channels) => {
      telemetry.setChannels(channels);
      recorder.setChannels(channels);
    },
    onSamples: (samples) => {
      telemetry.ingest(samples);
      recorder.append(samples);
    },
    onStats: (sources, clients) => store.setState({ sources, clients }),
    onProblem: addProblem,
  });

  let simDamageKey = '';
  const sim: SimulationHost = startSimulation((state) => store.setState({ sim: state }), {
    seed: 1,
    preferGpu: options.preferGpu ?? true,
  });

  const refresh = () => {
    const member = telemetry.latest(STATUS_CHANNELS.damagedMember);
    const health = telemetry.latest(STATUS_CHANNELS.damageHealth);
    const damage =
      Number.isFinite(member) && member >= 0 && Number.isFinite(health)
        ? { member: Math.round(member), health }
        : null;
    // Keep the model's bridge damaged the way the plant reports it.
    const key = damage ? `${damage.member}:${damage.health.toFixed(3)}` : 'none';
    if (key !== simDamageKey) {
      // The plant changed: the model follows it again, over any fitted damage.
      simDamageKey = key;
      sim.setDamage(damage);
      store.setState({ modelDamage: null });
    }
    const view = playback.state;
    store.setState({
      view,
      channels:
        view.mode === 'playback'
          ? playback.telemetry.summaries(view.cursor)
          : telemetry.summaries(),
      totalSamples: telemetry.totalSamples,
      headTime: telemetry.headTime,
      damage,
    });
  };
  const timer = setInterval(refresh, options.summaryIntervalMs ?? 250);

  return {
    store,
    telemetry,
    recorder,
    playback,
    display,
    fit,
    applyFittedDamage(damage) {
      sim.setDamage(damage);
      store.setState({ modelDamage: damage });
    },
    sendCommand: (command) => relay.sendCommand(command),
    dispose() {
      clearInterval(timer);
      if (frame !== null) cancelAnimationFrame(frame);
      relay.close();
      sim.dispose();
      fit.dispose();
      recorder.dispose();
    },
  };
}
