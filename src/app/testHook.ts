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
}

/** Counters the 3D view updates as it draws. */
export const sceneProbe = { frames: 0, deflectionMm: 0 };

export function installTestHook(workbench: Workbench): void {
  const snapshot = (): TestSnapshot => {
    const state = workbench.store.getState();
    const sim = state.sim;
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
    };
  };
  (window as unknown as { __twinbench: { snapshot: () => TestSnapshot } }).__twinbench = {
    snapshot,
  };
}
