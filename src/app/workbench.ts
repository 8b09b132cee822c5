import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ChannelInfo, SourceStats, TwinCommand } from '../protocol/relay.ts';
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
import type { Annotation, NewAnnotation } from '../replay/annotations.ts';
import { GROWING_MARGIN_MS, Playback, type PlaybackView } from './playback.ts';
import { INITIAL_SHADOW_STATE, ShadowMonitor, type ShadowState } from './shadowMonitor.ts';
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
  /** The recording the views show: the one played back, else the one being recorded. */
  readonly displayedRecordingId: string | null;
  /** Bookmarks and notes of the displayed recording, by time. */
  readonly annotations: readonly Annotation[];
  /** The shadow model beside the displayed telemetry: residuals per sensor and alerts. */
  readonly shadow: ShadowState;
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
  /**
   * Freezes the live view: plays back the recording being written, paused at `at` (default: just
   * behind its newest sample, where every channel has arrived). False when nothing is recorded yet.
   */
  pauseLive(at?: number): boolean;
  /** Shadow model node displacements (m, x y z per node) for the ghost; null before any. */
  shadowDisplacement(): Float32Array | null;
  /** Sensors whose residual alert is active. */
  shadowAlerting(): ReadonlySet<string>;
  /** Shows a problem in the page's problem list (bad links, failed actions). */
  reportProblem(message: string): void;
  /** Adds a bookmark or note to the displayed recording (refreshes `annotations`). */
  addAnnotation(input: Omit<NewAnnotation, 'recordingId'>): Promise<Annotation>;
  updateAnnotation(id: string, patch: { text?: string; t0?: number; t1?: number }): Promise<void>;
  deleteAnnotation(id: string): Promise<void>;
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
    displayedRecordingId: null,
    annotations: [],
    shadow: INITIAL_SHADOW_STATE,
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
  let lastMode: PlaybackView['mode'] = 'live';
  const playback = new Playback(
    recorder,
    (view) => {
      store.setState({ view });
      if (view.mode === 'playback' && frame === null) frame = requestAnimationFrame(animate);
      if (view.mode !== lastMode) {
        // The shadow follows what is shown: live telemetry, or the recording being played.
        lastMode = view.mode;
        restartShadow();
      }
      refresh();
    },
    {
      onSamples: (samples) => sim.feed(samples),
      onRestart: () => restartShadow(),
    },
  );
  const fit = createFitHost((state) => store.setState({ fit: state }));
  const display = () => (playback.active ? playback.telemetry : telemetry);

  const relay: RelayClient = createRelayClient({
    url: options.relayUrl,
    onState: (connection) => store.setState({ connection }),
    onChannels: (channels) => {
      liveChannels = channels;
      telemetry.setChannels(channels);
      recorder.setChannels(channels);
      if (!playback.active) sim.setChannels(channels);
    },
    onSamples: (samples) => {
      telemetry.ingest(samples);
      recorder.append(samples);
      if (!playback.active) sim.feed(samples);
    },
    onStats: (sources, clients) => store.setState({ sources, clients }),
    onProblem: addProblem,
  });

  let liveChannels: readonly ChannelInfo[] = [];
  // Shadow alerts fired on live data are stored with the recording, as annotations by "shadow".
  const shadow = new ShadowMonitor((alert) => {
    const recordingId = store.getState().recorder.status?.recordingId;
    if (playback.active || !recordingId) return;
    const member = alert.member === undefined ? '' : ` on member ${alert.member}`;
    void recorder
      .addAnnotation({
        recordingId,
        t0: alert.firedAt,
        t1: alert.firedAt,
        kind: 'alert',
        author: 'shadow',
        channels: [alert.sensor],
        text: `${alert.rule}: ${alert.sensor}${member} residual RMS ${alert.value.toPrecision(3)} above ${alert.threshold}`,
      })
      .then(
        () => {
          if (annotationsOf === recordingId) void loadAnnotations(recordingId);
        },
        (error: unknown) => addProblem(`cannot store a shadow alert: ${String(error)}`),
      );
  });
  const sim: SimulationHost = startSimulation((state) => store.setState({ sim: state }), {
    preferGpu: options.preferGpu ?? true,
    onShadow: (frame) => shadow.take(frame),
  });
  const restartShadow = () => {
    shadow.reset();
    sim.resetShadow();
    const view = playback.state;
    const recording =
      view.mode === 'playback'
        ? store.getState().recorder.recordings.find((r) => r.id === view.recordingId)
        : null;
    // Playback's samples carry the recording's channel ids; live ones the relay's.
    sim.setChannels(recording ? recording.channels : liveChannels);
  };

  // Annotations of the displayed recording, reloaded when it changes and after every edit.
  let annotationsOf: string | null = null;
  let annotationsGeneration = 0;
  const loadAnnotations = (recordingId: string | null) => {
    annotationsOf = recordingId;
    const generation = ++annotationsGeneration;
    if (recordingId === null) {
      store.setState({ displayedRecordingId: null, annotations: [] });
      return Promise.resolve();
    }
    store.setState({ displayedRecordingId: recordingId });
    return recorder.listAnnotations(recordingId).then(
      (annotations) => {
        if (generation === annotationsGeneration) store.setState({ annotations });
      },
      (error: unknown) => addProblem(`cannot read the recording's annotations: ${String(error)}`),
    );
  };
  const displayedRecording = () => {
    const view = playback.state;
    return view.mode === 'playback'
      ? view.recordingId
      : (store.getState().recorder.status?.recordingId ?? null);
  };
  const requireDisplayed = () => {
    const id = displayedRecording();
    if (id === null)
      throw new Error(
        'Twinbench: there is no recording to annotate yet; wait for the relay’s channels, or open a recording.',
      );
    return id;
  };

  const followRecording = () => {
    const view = playback.state;
    const status = store.getState().recorder.status;
    if (view.mode !== 'playback' || !view.growing) return;
    if (status?.recordingId === view.recordingId && status.lastTime !== null)
      playback.extend(status.lastTime);
    else if (status?.recordingId !== view.recordingId) playback.sealed();
  };

  const refresh = () => {
    followRecording();
    const shown = displayedRecording();
    if (shown !== annotationsOf) void loadAnnotations(shown);
    const member = telemetry.latest(STATUS_CHANNELS.damagedMember);
    const health = telemetry.latest(STATUS_CHANNELS.damageHealth);
    const damage =
      Number.isFinite(member) && member >= 0 && Number.isFinite(health)
        ? { member: Math.round(member), health }
        : null;
    // The model keeps its own parameters (the design, or an applied fit): the shadow is there to
    // find where the plant departs from them.
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
      shadow: shadow.summary(),
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
    shadowDisplacement: () => shadow.displacement(),
    shadowAlerting: () => shadow.alertingSensors(),
    applyFittedDamage(damage) {
      sim.setModelDamage(damage);
      store.setState({ modelDamage: damage });
    },
    sendCommand: (command) => relay.sendCommand(command),
    reportProblem: addProblem,
    pauseLive(at) {
      const { status, recordings } = store.getState().recorder;
      const summary = recordings.find((r) => r.id === status?.recordingId);
      if (!status || !summary || status.firstTime === null || status.lastTime === null)
        return false;
      const end = status.lastTime;
      playback.open(
        { ...summary, firstSampleTime: status.firstTime, lastSampleTime: end, active: true },
        at ?? Math.max(status.firstTime, end - GROWING_MARGIN_MS),
      );
      return true;
    },
    async addAnnotation(input) {
      const recordingId = requireDisplayed();
      const added = await recorder.addAnnotation({ ...input, recordingId });
      await loadAnnotations(recordingId);
      return added;
    },
    async updateAnnotation(id, patch) {
      await recorder.updateAnnotation(id, patch);
      await loadAnnotations(displayedRecording());
    },
    async deleteAnnotation(id) {
      await recorder.deleteAnnotation(id);
      await loadAnnotations(displayedRecording());
    },
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
