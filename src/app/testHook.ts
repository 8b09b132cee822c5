import type { RecordingSummary } from '../workers/recorderProtocol.ts';
import { SAMPLE_STRIDE } from '../workers/sampleBatch.ts';
import type { Workbench } from './workbench.ts';

/** What e2e tests read from the page (`window.__twinbench.snapshot()`); plain data only. */
export interface TestSnapshot {
  readonly connection: string;
  readonly channels: number;
  readonly totalSamples: number;
  readonly midspanMm: number;
  readonly sim: {
    readonly phase: string;
    readonly backend: string | null;
    readonly adapter: string | null;
    readonly fallbackReason: string | null;
    readonly steps: number;
    readonly selfCheckDisplacement: number | null;
  };
  readonly frames: number;
  readonly sceneDeflectionMm: number;
  /** Where the 3D view's camera was at its latest frame (scene units); null before one. */
  readonly camera: { readonly position: readonly number[] } | null;
  /** The Fit panel's fit: its phase, the losses reported so far, and the answer when done. */
  readonly fit: {
    readonly phase: string;
    readonly losses: readonly number[];
    /** The iteration number of each reported loss (a resumed fit goes on counting). */
    readonly iterations: readonly number[];
    readonly progressValue: number | null;
    readonly result: { readonly member: number; readonly health: number } | null;
    /** An example model's fitted parameters beside their hidden values. */
    readonly parameters:
      readonly { readonly name: string; readonly fitted: number; readonly truth: number }[] | null;
    readonly message: string | null;
  };
  /** Damage the model runs with from an applied fit. */
  readonly modelDamage: { readonly member: number; readonly health: number } | null;
  /** Live, or the playback's recording and cursor (device time, ms). */
  readonly view: {
    readonly mode: 'live' | 'playback';
    readonly recordingId: string | null;
    readonly cursor: number | null;
    readonly playing: boolean;
    readonly buffering: boolean;
    /** The views show the recorded values at the cursor (see PlaybackView.ready). */
    readonly ready: boolean;
    readonly problem: string | null;
    readonly growing: boolean;
    readonly loop: { readonly t0: number; readonly t1: number } | null;
  };
  /** Shadow mode: phase, sensors alerting, and every alert (newest first). */
  readonly shadow: {
    readonly phase: string;
    readonly rowsStepped: number;
    readonly alerts: readonly {
      readonly sensor: string;
      readonly member: number | null;
      readonly firedAt: number;
      readonly active: boolean;
      readonly value: number;
    }[];
  };
  /** The recording the views show and its annotations (id, times, kind, text). */
  readonly displayedRecordingId: string | null;
  readonly annotations: readonly {
    readonly id: string;
    readonly t0: number;
    readonly t1: number;
    readonly kind: string;
    readonly text: string;
    readonly author: string;
  }[];
  readonly recorder: {
    readonly phase: string;
    readonly problem: string | null;
    readonly recordingId: string | null;
    readonly samplesRecorded: number;
    readonly samplesPersisted: number;
    /** Device times (ms): first and last sample recorded, and the last one a flush covered. */
    readonly firstTime: number | null;
    readonly lastTime: number | null;
    readonly persistedThrough: number | null;
    readonly recordings: number;
    readonly notices: readonly string[];
  };
}

/** One channel's sample by name, as the e2e tests compare them; null when there is none. */
export type NamedSample = {
  readonly name: string;
  readonly time: number;
  readonly value: number;
} | null;

/** `window.__twinbench`. */
export interface TestHook {
  snapshot(): TestSnapshot;
  /** Live telemetry's last sample at or before device time `t`, per channel (float32 values). */
  liveAt(t: number, names: readonly string[]): NamedSample[];
  /** The sample each channel shows now in the views: live, or the recording's at the cursor. */
  displayed(names: readonly string[]): NamedSample[];
  recorder: {
    list(): Promise<readonly RecordingSummary[]>;
    /** `latestAt` on a stored recording, channels by name (resolved with its own table). */
    latestAt(recordingId: string, t: number, names: readonly string[]): Promise<NamedSample[]>;
    /** Stored samples per channel with device time in [t0, t1). */
    countBetween(
      recordingId: string,
      t0: number,
      t1: number,
      names: readonly string[],
    ): Promise<number[]>;
  };
  /** Live history's samples per channel with device time in [t0, t1). */
  liveCountBetween(t0: number, t1: number, names: readonly string[]): number[];
}

/** Counters the 3D view updates as it draws. */
export const sceneProbe: {
  frames: number;
  deflectionMm: number;
  camera: { readonly position: readonly number[] } | null;
} = { frames: 0, deflectionMm: 0, camera: null };

export function installTestHook(workbench: Workbench): void {
  const snapshot = (): TestSnapshot => {
    const state = workbench.store.getState();
    const { sim, recorder } = state;
    const running = sim.phase === 'running' ? sim : null;
    return {
      connection: state.connection.status,
      channels: state.channels.length,
      totalSamples: workbench.telemetry.totalSamples,
      midspanMm: workbench.telemetry.latest('disp.z.L50'),
      sim: {
        phase: sim.phase,
        backend: running?.backend.kind ?? null,
        adapter: running?.backend.kind === 'webgpu' ? running.backend.adapter : null,
        fallbackReason: running?.backend.kind === 'cpu' ? running.backend.reason : null,
        steps: running?.status?.steps ?? 0,
        selfCheckDisplacement:
          running?.backend.kind === 'webgpu' ? running.backend.selfCheck.displacement : null,
      },
      frames: sceneProbe.frames,
      sceneDeflectionMm: sceneProbe.deflectionMm,
      camera: sceneProbe.camera,
      fit: {
        phase: state.fit.phase,
        losses: state.fit.phase === 'idle' ? [] : state.fit.progress.map((p) => p.loss),
        iterations: state.fit.phase === 'idle' ? [] : state.fit.progress.map((p) => p.iteration),
        progressValue: (() => {
          const bar = document.querySelector<HTMLProgressElement>('[data-testid="fit-progress"]');
          return bar ? bar.value : null;
        })(),
        result:
          state.fit.phase === 'done' && state.fit.answer.kind === 'bridge'
            ? { member: state.fit.answer.result.member, health: state.fit.answer.result.health }
            : null,
        parameters:
          state.fit.phase === 'done' && state.fit.answer.kind === 'example'
            ? state.fit.answer.result.parameters.map((p) => ({
                name: p.name,
                fitted: p.fitted,
                truth: p.truth,
              }))
            : null,
        message: state.fit.phase === 'failed' ? state.fit.message : null,
      },
      modelDamage: state.modelDamage,
      view: (() => {
        const view = workbench.playback.state;
        return view.mode === 'live'
          ? {
              mode: 'live',
              recordingId: null,
              cursor: null,
              playing: false,
              buffering: false,
              ready: true,
              problem: null,
              growing: false,
              loop: null,
            }
          : {
              mode: 'playback',
              recordingId: view.recordingId,
              cursor: view.cursor,
              playing: view.playing,
              buffering: view.buffering,
              ready: view.ready,
              problem: view.problem,
              growing: view.growing,
              loop: view.loop,
            };
      })(),
      shadow: {
        phase: state.shadow.phase,
        rowsStepped: state.shadow.rowsStepped,
        alerts: state.shadow.alerts.map((a) => ({
          sensor: a.sensor,
          member: a.member ?? null,
          firedAt: a.firedAt,
          active: a.active,
          value: a.value,
        })),
      },
      displayedRecordingId: state.displayedRecordingId,
      annotations: state.annotations.map(({ id, t0, t1, kind, text, author }) => ({
        id,
        t0,
        t1,
        kind,
        text,
        author,
      })),
      recorder: {
        phase: recorder.phase,
        problem: recorder.problem,
        recordingId: recorder.status?.recordingId ?? null,
        samplesRecorded: recorder.status?.samplesRecorded ?? 0,
        samplesPersisted: recorder.status?.samplesPersisted ?? 0,
        firstTime: recorder.status?.firstTime ?? null,
        lastTime: recorder.status?.lastTime ?? null,
        persistedThrough: recorder.status?.persistedThrough ?? null,
        recordings: recorder.recordings.length,
        notices: recorder.notices.map((n) => n.message),
      },
    };
  };
  const liveAt = (t: number, names: readonly string[]): NamedSample[] =>
    names.map((name) => {
      let best: NamedSample = null;
      workbench.telemetry.channel(name)?.history.forEach((time, value) => {
        if (time <= t && (best === null || time > best.time)) best = { name, time, value };
      });
      return best;
    });
  const displayed = (names: readonly string[]): NamedSample[] =>
    names.map((name) => {
      const channel = workbench.display().channel(name);
      return channel && channel.count > 0
        ? { name, time: channel.deviceTime, value: channel.value }
        : null;
    });
  const channelIds = async (recordingId: string, names: readonly string[]) => {
    const recording = (await workbench.recorder.list()).find((r) => r.id === recordingId);
    if (!recording) throw new Error(`Twinbench test hook: no recording "${recordingId}".`);
    return names.map((name) => {
      const channel = recording.channels.find((ch) => ch.name === name);
      if (!channel) throw new Error(`Twinbench test hook: recording has no channel "${name}".`);
      return channel.id;
    });
  };
  const liveCountBetween = (t0: number, t1: number, names: readonly string[]) =>
    names.map((name) => {
      let n = 0;
      workbench.telemetry.channel(name)?.history.forEach((time) => {
        if (time >= t0 && time < t1) n++;
      });
      return n;
    });
  const hook: TestHook = {
    snapshot,
    liveAt,
    displayed,
    liveCountBetween,
    recorder: {
      list: () => workbench.recorder.list(),
      async countBetween(recordingId, t0, t1, names) {
        const ids = await channelIds(recordingId, names);
        const page = await workbench.recorder.window(recordingId, t0, t1, ids, 10_000_000);
        const counts = new Map<number, number>();
        for (let k = 0; k < page.batch.length; k += SAMPLE_STRIDE) {
          const id = page.batch[k]!;
          counts.set(id, (counts.get(id) ?? 0) + 1);
        }
        return ids.map((id) => counts.get(id) ?? 0);
      },
      async latestAt(recordingId, t, names) {
        const ids = await channelIds(recordingId, names);
        const samples = await workbench.recorder.latestAt(recordingId, t, ids);
        return samples.map((s, i) =>
          s ? { name: names[i]!, time: s.time, value: s.value } : null,
        );
      },
    },
  };
  (window as unknown as { __twinbench: TestHook }).__twinbench = hook;
}
