import type { LiveTelemetry } from '../telemetry/liveTelemetry.ts';
import { DEFLECTION_CHANNELS, type DeflectionReadings } from '../twin/deformation.ts';

/** The displacement readings the deflected shape is drawn from, read from live telemetry. */
export function readDeflection(telemetry: LiveTelemetry): DeflectionReadings {
  const read = (names: readonly [string, string, string]) =>
    [telemetry.latest(names[0]), telemetry.latest(names[1]), telemetry.latest(names[2])] as const;
  return {
    vertical: { L: read(DEFLECTION_CHANNELS.vertical.L), R: read(DEFLECTION_CHANNELS.vertical.R) },
    lateral: read(DEFLECTION_CHANNELS.lateral),
  };
}
