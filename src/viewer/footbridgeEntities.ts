import { buildFootbridge, footbridgeSensors, type SensorSpec } from '../twin/footbridge.ts';
import type { TrussDefinition } from '../twin/trussModel.ts';

/** The footbridge's entities for the scene and the selection panel, built once. */
export interface FootbridgeEntities {
  readonly def: TrussDefinition;
  readonly sensors: readonly SensorSpec[];
  /** Sensors on each member (strain gauges) and at each node. */
  readonly sensorsOfMember: ReadonlyMap<number, readonly SensorSpec[]>;
  readonly sensorsOfNode: ReadonlyMap<number, readonly SensorSpec[]>;
  /** The node a sensor's marker is drawn at, and an offset so markers at one node do not overlap. */
  readonly markerOf: ReadonlyMap<
    string,
    { readonly a: number; readonly b: number; readonly slot: number }
  >;
}

let cached: FootbridgeEntities | null = null;

export function footbridgeEntities(): FootbridgeEntities {
  if (cached) return cached;
  const def = buildFootbridge();
  const sensors = footbridgeSensors(def);
  const sensorsOfMember = new Map<number, SensorSpec[]>();
  const sensorsOfNode = new Map<number, SensorSpec[]>();
  const markerOf = new Map<string, { a: number; b: number; slot: number }>();
  for (const sensor of sensors) {
    if (sensor.kind === 'strain') {
      const list = sensorsOfMember.get(sensor.member) ?? [];
      list.push(sensor);
      sensorsOfMember.set(sensor.member, list);
      const m = def.members[sensor.member]!;
      markerOf.set(sensor.id, { a: m.a, b: m.b, slot: list.length - 1 });
    } else {
      const list = sensorsOfNode.get(sensor.node) ?? [];
      list.push(sensor);
      sensorsOfNode.set(sensor.node, list);
      markerOf.set(sensor.id, { a: sensor.node, b: sensor.node, slot: list.length - 1 });
    }
  }
  cached = { def, sensors, sensorsOfMember, sensorsOfNode, markerOf };
  return cached;
}
