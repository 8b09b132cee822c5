import type { ModelTestCase } from '../runtime/manifest/testCases.ts';
import type { ModelPlan } from '../runtime/modelPlan.ts';
import { declaredParameters } from '../runtime/parameters.ts';
import { inputSeries, resampleChannel, type SimulationArgs } from '../runtime/simulationInputs.ts';

/**
 * What a test case runs from: the parameter vector (the buffers' contents with the case's
 * overrides), input series (the case's constants and samples on its channels, resampled by each
 * input's interpolation; other columns repeat the initial row) and state 0.
 */
export function caseArgs(plan: ModelPlan, testCase: ModelTestCase): Required<SimulationArgs> {
  const { spec } = plan;
  const parameters = declaredParameters(plan);
  for (const [name, value] of Object.entries(testCase.parameters)) {
    const p = plan.parameters.find((x) => x.spec.name === name);
    if (!p) throw new Error(`no parameter named \`${name}\``);
    for (let i = 0; i < p.spec.count; i++)
      parameters[p.offset + i] = typeof value === 'number' ? value : value[i]!;
  }

  const channels: Record<string, Float64Array> = {};
  for (const [channel, value] of Object.entries(testCase.inputs)) {
    const input = spec.inputs.find((x) => x.channel === channel);
    if (!input) throw new Error(`no input is bound to channel \`${channel}\``);
    channels[channel] =
      typeof value === 'number'
        ? new Float64Array(testCase.steps).fill(value)
        : resampleChannel(
            value.map((s) => s[0]!),
            value.map((s) => s[1]!),
            spec.dt,
            testCase.steps,
            input.interpolation,
          );
  }
  const inputs =
    Object.keys(channels).length > 0 ? inputSeries(plan, testCase.steps, channels) : {};

  const initialState: Record<string, number[]> = {};
  for (const [name, value] of Object.entries(testCase.initialState)) {
    const b = plan.buffers.get(name);
    if (!b || b.role !== 'state') throw new Error(`no state buffer named \`${name}\``);
    initialState[name] = Array.isArray(value)
      ? [...(value as readonly number[])]
      : new Array<number>(b.length).fill((value as { fill: number }).fill);
  }
  return { parameters, inputs, initialState };
}
