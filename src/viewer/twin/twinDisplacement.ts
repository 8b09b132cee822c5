import { naturalSpline } from '../../twin/deformation.ts';
import type { Axis, Twin } from './twinFile.ts';

const AXIS_INDEX: Readonly<Record<Axis, number>> = { x: 0, y: 1, z: 2 };

/** Reads a channel's value at the displayed time (NaN when it has none). */
export type ReadChannel = (channel: string) => number;

/**
 * Builds the twin's measured displacement field: a function that writes each node's
 * displacement (metres, 3 floats a node, not exaggerated) into `out` from the channels' current
 * values. A missing reading counts as no displacement. Allocates nothing per call for
 * `perNode`; a spline field builds one small spline per field per call.
 */
export function displacementField(twin: Twin): (read: ReadChannel, out: Float32Array) => void {
  const binding = twin.displacement;
  if (binding === null) return (_read, out) => out.fill(0);
  const { scale } = binding;
  const value = (read: ReadChannel, channel: string) => {
    const v = read(channel);
    return Number.isFinite(v) ? v * scale : 0;
  };
  if (binding.mode === 'perNode') {
    const axes = (['x', 'y', 'z'] as const).map((axis) => binding.channels[axis]);
    return (read, out) => {
      for (let k = 0; k < 3; k++) {
        const channels = axes[k];
        if (channels === null || channels === undefined) {
          for (let i = 0; i < twin.nodeCount; i++) out[i * 3 + k] = 0;
          continue;
        }
        for (let i = 0; i < twin.nodeCount; i++) out[i * 3 + k] = value(read, channels[i]!);
      }
    };
  }
  const along = AXIS_INDEX[binding.along];
  const supports = [...binding.supports].sort((a, b) => a - b);
  return (read, out) => {
    out.fill(0);
    for (const field of binding.fields) {
      const points: [number, number][] = supports.map((x) => [x, 0]);
      for (const [x, channel] of field.points) {
        // A reading where a support is stays pinned at the support.
        if (!supports.includes(x)) points.push([x, value(read, channel)]);
      }
      points.sort((a, b) => a[0] - b[0]);
      const k = AXIS_INDEX[field.axis];
      const at =
        points.length === 1
          ? () => points[0]![1]
          : naturalSpline(
              points.map((p) => p[0]),
              points.map((p) => p[1]),
            );
      for (const i of field.nodes) out[i * 3 + k] = at(twin.nodes[i * 3 + along]!);
    }
  };
}
