import { FOOTBRIDGE, bottomNode, type Side } from './footbridge.ts';
import { addWindLoad } from './footbridgeLoads.ts';

/**
 * The footbridge's measured inputs: what a real twin would know of the loads, and what drives the
 * shadow model. A load cell under every bottom-chord deck joint (vertical force, N, positive up
 * like the model's z) and an anemometer (lateral wind speed, m/s). The fleet publishes them every
 * sample beside the sensors, at the same device time.
 *
 * Known model–plant difference: the walkers' lateral sway force (4 % of body weight at half the
 * pacing rate, see FootbridgeLoads) is not measured, so the model never sees it. It shows as a
 * residual on the lateral sensors (`disp.y.*`, `acc.y.*`) that no damage explains.
 */
export interface DeckLoadInput {
  readonly id: string;
  readonly kind: 'deckLoad';
  readonly node: number;
  readonly unit: 'N';
  readonly description: string;
}

export interface WindSpeedInput {
  readonly id: string;
  readonly kind: 'windSpeed';
  readonly unit: 'm/s';
  readonly description: string;
}

export type FootbridgeInputSpec = DeckLoadInput | WindSpeedInput;

/** Standard deviation of the measurement noise the plant adds to its inputs. */
export const INPUT_NOISE = { deckLoad: 2, windSpeed: 0.05 } as const;
/**
 * Decimal places the instruments report (0.01 N, 1 mm/s): far below their noise, and it keeps
 * the published payloads short.
 */
export const INPUT_DECIMALS = { deckLoad: 2, windSpeed: 3 } as const;

function buildInputs(): FootbridgeInputSpec[] {
  const inputs: FootbridgeInputSpec[] = [];
  for (const side of ['L', 'R'] as const satisfies readonly Side[]) {
    for (let i = 0; i <= FOOTBRIDGE.panels; i++) {
      inputs.push({
        id: `load.z.${side}${i}`,
        kind: 'deckLoad',
        node: bottomNode(side, i),
        unit: 'N',
        description: `vertical deck load cell, ${side === 'L' ? 'left' : 'right'} bottom-chord joint ${i}`,
      });
    }
  }
  inputs.push({
    id: 'wind.speed',
    kind: 'windSpeed',
    unit: 'm/s',
    description: 'anemometer, lateral wind speed',
  });
  return inputs;
}

/** Every measured input, in row order: `load.z.L0`…`load.z.L16`, `load.z.R0`…`load.z.R16`, `wind.speed`. */
export const FOOTBRIDGE_INPUTS: readonly FootbridgeInputSpec[] = buildInputs();
/** The input channel names, in row order. */
export const FOOTBRIDGE_INPUT_CHANNELS: readonly string[] = FOOTBRIDGE_INPUTS.map((i) => i.id);
const WIND_INDEX = FOOTBRIDGE_INPUTS.findIndex((i) => i.kind === 'windSpeed');

/**
 * What the instruments see of the plant's applied load (4 floats per node) and wind speed, in row
 * order and without noise: the vertical force at each deck joint and the wind speed.
 */
export function measureInputs(
  load: ArrayLike<number>,
  windSpeed: number,
  out: number[] | Float64Array,
): void {
  FOOTBRIDGE_INPUTS.forEach((input, k) => {
    out[k] = input.kind === 'deckLoad' ? load[input.node * 4 + 2]! : windSpeed;
  });
}

/**
 * Turns one row of measured inputs (row order as FOOTBRIDGE_INPUTS) into the nodal load vector
 * the model steps with (4 floats per node): the deck forces at their joints plus the wind force
 * from the plant's own exposure model (`addWindLoad`).
 *
 * @example
 * inputLoadVector(row, load); backend.advance(load, substeps);
 */
export function inputLoadVector(row: ArrayLike<number>, out: Float32Array | Float64Array): void {
  out.fill(0);
  FOOTBRIDGE_INPUTS.forEach((input, k) => {
    if (input.kind === 'deckLoad') out[input.node * 4 + 2] = row[k]!;
  });
  addWindLoad(row[WIND_INDEX]!, out);
}
