import { useFrame } from '@react-three/fiber';
import { useEffect, useMemo } from 'react';
import { useWorkbench } from '../app/WorkbenchContext.tsx';
import { sceneProbe } from '../app/testHook.ts';
import type { Workbench } from '../app/workbench.ts';
import { DEFLECTION_CHANNELS } from '../twin/deformation.ts';
import { onFrameDrawn } from './frameProbe.ts';
import { TwinCanvas, type SceneSource } from './twin/TwinCanvas.tsx';
import { useTwin } from './twin/TwinContext.ts';

/** The channel whose drawn value the test hook reports (the footbridge's left midspan). */
const PROBE_CHANNEL = DEFLECTION_CHANNELS.vertical.L[1];

/**
 * The scene reads live telemetry, or the recording at the playback cursor; `drawn` is the probe
 * channel's value it read for the latest frame.
 */
function workbenchSource(workbench: Workbench): readonly [SceneSource, () => number] {
  let drawn = NaN;
  const source: SceneSource = {
    read: (channel) => {
      const value = workbench.display().latest(channel);
      if (channel === PROBE_CHANNEL) drawn = value;
      return value;
    },
    simulated: () => workbench.shadowDisplacement(),
    alerting: () => workbench.shadowAlerting(),
  };
  return [source, () => drawn];
}

/**
 * The workbench's 3D view: the twin drawn from live telemetry, or from the recording at the
 * playback cursor, with the shadow model's ghost and alerting sensors.
 */
export function TwinView() {
  const workbench = useWorkbench();
  const twin = useTwin();
  const [source, drawnProbe] = useMemo(() => workbenchSource(workbench), [workbench]);
  useEffect(
    () =>
      onFrameDrawn(() => {
        sceneProbe.frames += 1;
        sceneProbe.deflectionMm = drawnProbe();
      }),
    [drawnProbe],
  );
  return (
    <TwinCanvas twin={twin} source={source}>
      <CameraProbe />
    </TwinCanvas>
  );
}

/** Reports where the camera is to the test hook, each frame (no allocation while it stays). */
function CameraProbe() {
  useFrame(({ camera }) => {
    const { x, y, z } = camera.position;
    const last = sceneProbe.camera?.position;
    if (last?.[0] !== x || last[1] !== y || last[2] !== z)
      sceneProbe.camera = { position: [x, y, z] };
  });
  return null;
}
