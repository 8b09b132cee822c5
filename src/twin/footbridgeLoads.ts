import { FOOTBRIDGE, FOOTBRIDGE_SPAN, bottomNode, topNode } from './footbridge.ts';
import { createRandom } from './random.ts';

interface Pedestrian {
  x: number;
  readonly y: number;
  readonly direction: 1 | -1;
  readonly speed: number;
  readonly weight: number;
  readonly pacing: number;
  readonly phase: number;
}

export interface LoadOptions {
  readonly seed: number;
  /** Mean pedestrian arrivals per second. */
  readonly arrivalRate?: number;
  /** Mean wind speed in m/s. */
  readonly meanWind?: number;
}

/**
 * Pedestrian and wind loads on the footbridge. Walkers arrive at random from either end, each with
 * their own weight, pacing frequency (≈ 1.9 Hz) and speed; their footfall force (the first
 * harmonic at 40 % of body weight, vertical, plus a small lateral sway at half the pacing rate)
 * is shared between the four deck joints around them. Wind is a gusty lateral pressure whose
 * speed follows an Ornstein–Uhlenbeck process around the mean.
 */
export class FootbridgeLoads {
  readonly nodeCount: number;
  private readonly random;
  private readonly pedestrians: Pedestrian[] = [];
  private readonly arrivalRate: number;
  private readonly meanWind: number;
  private gust = 0;
  private time = 0;

  constructor(nodeCount: number, options: LoadOptions) {
    this.nodeCount = nodeCount;
    this.random = createRandom(options.seed);
    this.arrivalRate = options.arrivalRate ?? 0.35;
    this.meanWind = options.meanWind ?? 7;
  }

  get pedestrianCount(): number {
    return this.pedestrians.length;
  }

  get windSpeed(): number {
    return this.meanWind + this.gust;
  }

  /** Advances the load model by `dt` seconds and writes nodal forces (4 floats per node). */
  advance(dt: number, out: Float32Array | Float64Array): void {
    this.time += dt;
    this.updatePedestrians(dt);
    this.updateWind(dt);
    out.fill(0);
    for (const p of this.pedestrians) this.applyPedestrian(p, out);
    addWindLoad(this.windSpeed, out);
  }

  private updatePedestrians(dt: number): void {
    const r = this.random;
    if (r.uniform() < this.arrivalRate * dt && this.pedestrians.length < 16) {
      const pacing = 1.9 + 0.15 * r.normal();
      const direction = r.uniform() < 0.5 ? 1 : -1;
      this.pedestrians.push({
        x: direction === 1 ? 0 : FOOTBRIDGE_SPAN,
        y: 0.5 + 2 * r.uniform(),
        direction,
        speed: 0.7 * pacing,
        weight: 750 + 110 * r.normal(),
        pacing,
        phase: 2 * Math.PI * r.uniform(),
      });
    }
    for (const p of this.pedestrians) p.x += p.direction * p.speed * dt;
    for (let i = this.pedestrians.length - 1; i >= 0; i--) {
      const p = this.pedestrians[i]!;
      if (p.x < 0 || p.x > FOOTBRIDGE_SPAN) this.pedestrians.splice(i, 1);
    }
  }

  private updateWind(dt: number): void {
    const tau = 3;
    const sigma = 0.2 * this.meanWind;
    this.gust += (-this.gust / tau) * dt + sigma * Math.sqrt((2 * dt) / tau) * this.random.normal();
  }

  private applyPedestrian(p: Pedestrian, out: Float32Array | Float64Array): void {
    const omega = 2 * Math.PI * p.pacing;
    const vertical = -p.weight * (1 + 0.4 * Math.sin(omega * this.time + p.phase));
    const lateral = 0.04 * p.weight * Math.sin(0.5 * omega * this.time + p.phase);
    const s = p.x / FOOTBRIDGE.panelLength;
    const i = Math.min(Math.floor(s), FOOTBRIDGE.panels - 1);
    const wx = s - i;
    const wy = p.y / FOOTBRIDGE.width;
    const share: [number, number][] = [
      [bottomNode('L', i), (1 - wx) * (1 - wy)],
      [bottomNode('L', i + 1), wx * (1 - wy)],
      [bottomNode('R', i), (1 - wx) * wy],
      [bottomNode('R', i + 1), wx * wy],
    ];
    for (const [node, w] of share) {
      out[node * 4 + 1] = out[node * 4 + 1]! + w * lateral;
      out[node * 4 + 2] = out[node * 4 + 2]! + w * vertical;
    }
  }
}

/** Air density (kg/m³) and drag coefficient of the truss's exposed members. */
const AIR_DENSITY = 1.25;
const DRAG_COEFFICIENT = 1.2;

/**
 * Adds the lateral wind force for a wind speed (m/s, positive towards +y) to `out` (4 floats per
 * node). Plant and twin both call this, so a measured wind speed loads the model exactly as the
 * plant's wind loaded the plant.
 */
export function addWindLoad(speed: number, out: Float32Array | Float64Array): void {
  const pressure = 0.5 * AIR_DENSITY * speed * Math.abs(speed);
  for (let i = 1; i < FOOTBRIDGE.panels; i++) {
    // Exposed area per joint: deck edge and railing at the bottom, chord and web above.
    for (const [node, area] of [
      [bottomNode('L', i), 1.0],
      [topNode('L', i), 0.4],
      [bottomNode('R', i), 0.3],
      [topNode('R', i), 0.15],
    ] as const) {
      out[node * 4 + 1] = out[node * 4 + 1]! + DRAG_COEFFICIENT * area * pressure;
    }
  }
}
