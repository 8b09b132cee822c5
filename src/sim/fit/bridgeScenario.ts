/**
 * A bridge damage scenario with a known answer: the float64 CPU plant with one member weakened,
 * walkers on the deck, and its displacement sensors recorded for a short window — the data a fit
 * must explain without being told which member it was. Tests, the Fit panel's "hidden damage"
 * runs and the benchmark share it.
 */
import { buildFootbridge, footbridgeSensors } from '../../twin/footbridge.ts';
import { FootbridgeSimulation } from '../../twin/footbridgeSim.ts';
import { createRandom } from '../../twin/random.ts';
import { STATE_STRIDE } from '../../twin/trussModel.ts';
import { stepTrussCpu } from '../../twin/trussStepCpu.ts';
import type { DisplacementSensor, HealthFitProblem } from './memberHealthFit.ts';

export interface BridgeScenario {
  /** The hidden damage: member index and remaining stiffness fraction. */
  readonly member: number;
  readonly health: number;
  /** Sensor samples at 100 Hz in the record. */
  readonly samples: number;
  /** Gaussian noise on each displacement reading (mm, standard deviation); 0 for exact data. */
  readonly noiseMm: number;
  readonly seed: number;
}

/** The problem a fit sees: the intact design, the state and load at the window's start, the record. */
export function bridgeScenarioProblem(scenario: BridgeScenario): HealthFitProblem {
  const plant = new FootbridgeSimulation({ seed: scenario.seed, noise: 0 });
  plant.setDamage({ member: scenario.member, health: scenario.health });
  for (let i = 0; i < 60; i++) plant.advanceSample(); // walkers on the bridge, bridge moving
  const initialState = Float32Array.from(plant.nodeState);
  const load = new Float32Array(plant.truss.nodeCount * 4);
  plant.loads.advance(0.01, load);
  const sensors: DisplacementSensor[] = footbridgeSensors(buildFootbridge()).flatMap((s) =>
    s.kind === 'displacement'
      ? [{ node: s.node, axis: ({ x: 0, y: 1, z: 2 } as const)[s.axis] }]
      : [],
  );
  // The plant's own record, integrated in float64 from the same state under the same load.
  const random = createRandom(scenario.seed + 1);
  const samples: Float64Array[] = [];
  let state = Float64Array.from(initialState);
  let next = new Float64Array(state.length);
  for (let s = 0; s < scenario.samples; s++) {
    for (let k = 0; k < plant.substeps; k++) {
      stepTrussCpu(plant.truss, state, next, load, plant.dt);
      [state, next] = [next, state];
    }
    samples.push(
      Float64Array.from(
        sensors,
        (x) => state[x.node * STATE_STRIDE + x.axis]! + (scenario.noiseMm / 1000) * random.normal(),
      ),
    );
  }
  plant.setDamage(null); // the fit starts from the intact design
  return {
    truss: plant.truss,
    dt: plant.dt,
    load,
    initialState,
    record: { sensors, stepsPerSample: plant.substeps, samples },
    members: [scenario.member],
    stateBudget: Math.max(40, Math.ceil(2 * Math.sqrt(scenario.samples * plant.substeps))),
  };
}
