import { STATUS_CHANNELS, buildFootbridge, footbridgeSensors } from '../../src/twin/footbridge.ts';
import { FOOTBRIDGE_INPUTS } from '../../src/twin/footbridgeInputs.ts';

/** Units of the channels the footbridge fleet publishes; telemetry payloads carry none. */
export function footbridgeChannelUnits(): ReadonlyMap<string, string> {
  const units = new Map<string, string>(
    footbridgeSensors(buildFootbridge()).map((sensor) => [sensor.id, sensor.unit]),
  );
  for (const input of FOOTBRIDGE_INPUTS) units.set(input.id, input.unit);
  units.set(STATUS_CHANNELS.damagedMember, '');
  units.set(STATUS_CHANNELS.damageHealth, '');
  units.set(STATUS_CHANNELS.pedestrians, 'people');
  units.set(STATUS_CHANNELS.windSpeed, 'm/s');
  return units;
}
