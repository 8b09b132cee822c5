import type { Bounds, Objective } from '../sim/optimize/types.ts';
import type { CompiledModel, GradientOptions, ModelGradient } from './compiledModel.ts';
import { initialParameters, parameterBounds } from './parameters.ts';

export interface ModelFitProblem {
  /** Parameter vector → loss and dLoss/dx, on the GPU. */
  readonly objective: Objective;
  /** The fit's start: each ParameterSpec's `initial` or its buffer's contents. */
  readonly start: Float64Array;
  readonly bounds: Bounds;
}

/**
 * The fit of a compiled model's parameters to data, for `lbfgs` or `adam`: every evaluation
 * runs the model forward with checkpoints and back through the generated adjoints.
 *
 * @example
 * const fit = modelFit(model, { data, inputs, stateBudget: 40 });
 * const result = await lbfgs(fit.objective, fit.start, { bounds: fit.bounds, maxIterations: 50 });
 */
export function modelFit(
  model: CompiledModel,
  options: Omit<GradientOptions, 'parameters'> & {
    /** Sees every evaluation (loss parts, gradients, the record), e.g. for a live loss curve. */
    readonly onEvaluation?: (x: Float64Array, gradient: ModelGradient) => void;
  },
): ModelFitProblem {
  const { onEvaluation, ...gradientOptions } = options;
  return {
    objective: async (x) => {
      const g = await model.gradient({ ...gradientOptions, parameters: x });
      onEvaluation?.(x, g);
      return { loss: g.loss, gradient: g.parameters };
    },
    start: initialParameters(model.plan),
    bounds: parameterBounds(model.plan),
  };
}
