import type { GradcheckOptions } from '../gradcheck.ts';

const one: readonly [number, number, number] = [1, 1, 1];

/** Kernels of the suite with the inputs that keep them well conditioned. */
export const SUITE: Record<string, GradcheckOptions> = {
  springs: { workgroups: [1, 1, 1], arrayLength: 8, integers: { params: () => 6 } },
  scatterSprings: {
    workgroups: [1, 1, 1],
    arrayLength: 8,
    // Spring i joins nodes i and (i + 3) mod 8, so each node receives several springs.
    integers: { springs: (slot) => (slot % 4 === 0 ? slot / 4 : ((slot - 1) / 4 + 3) % 8) },
    ranges: { springs: [0.5, 1.5] },
  },
  branches: { workgroups: [1, 1, 1], arrayLength: 8 },
  builtins: { workgroups: [1, 1, 1], arrayLength: 4, ranges: { a: [0.5, 1.5], b: [0.5, 1.5] } },

  // ---- builtins, one or a few per kernel ---------------------------------------------------
  absMinMax: { workgroups: one, arrayLength: 8 },
  // lo − 0.5 ∈ [−1.5, −0.5] and hi + 0.5 ∈ [0.5, 1.5], x · 3 ∈ [−3, 3]: all three cases occur.
  clampScalar: { workgroups: one, arrayLength: 12, ranges: { lo: [-1, 0], hi: [0, 1] } },
  piecewiseConstant: { workgroups: one, arrayLength: 8 },
  // x · 1.5 ± k stays inside one unit interval, away from fract's jumps.
  fract: { workgroups: one, arrayLength: 8, ranges: { x: [0.1, 0.6] } },
  sqrtInverseSqrt: { workgroups: one, arrayLength: 8, ranges: { x: [0.5, 2] } },
  expLog: { workgroups: one, arrayLength: 8, ranges: { x: [0.5, 2] } },
  pow: { workgroups: one, arrayLength: 8, ranges: { base: [0.5, 2] } },
  trig: { workgroups: one, arrayLength: 8 },
  // x > 0 keeps atan2 off its branch cut.
  tanhAtan2: { workgroups: one, arrayLength: 8, ranges: { x: [0.5, 1.5] } },
  dotCross: { workgroups: one, arrayLength: 8 },
  lengthDistance: { workgroups: one, arrayLength: 8 },
  normalize: { workgroups: one, arrayLength: 8 },
  mixVectorT: { workgroups: one, arrayLength: 8 },
  smoothstepInside: {
    workgroups: one,
    arrayLength: 8,
    ranges: { x: [-0.5, 0.5], edges: [-0.4, 0.4] },
  },
  smoothstepClamped: {
    workgroups: one,
    arrayLength: 8,
    ranges: { x: [0.2, 0.8], edges: [0, 0.1] },
  },
  fma: { workgroups: one, arrayLength: 8 },
  selectScalar: { workgroups: one, arrayLength: 8 },
  selectVector: { workgroups: one, arrayLength: 8 },

  // ---- locals, assignment, types -----------------------------------------------------------
  letVar: { workgroups: one, arrayLength: 8 },
  compoundAssign: { workgroups: one, arrayLength: 8 },
  compoundAssignVector: { workgroups: one, arrayLength: 8 },
  swizzleAssign: { workgroups: one, arrayLength: 8 },
  structLocal: { workgroups: one, arrayLength: 8 },
  structStorage: { workgroups: one, arrayLength: 8 },
  // Params: gain, bias, dir (vec2), count (slot 4).
  uniformParams: { workgroups: one, arrayLength: 8, integers: { params: () => 3 } },
  // Params: scale, count (slot 1), offset (vec2).
  uniformConstants: { workgroups: one, arrayLength: 8, integers: { params: () => 2 } },
  constValues: { workgroups: one, arrayLength: 8 },
  gatherIndex: { workgroups: one, arrayLength: 8, integers: { idx: (slot) => (slot * 5 + 2) % 8 } },
  typesConversions: { workgroups: one, arrayLength: 8 },
  unaryMinusMod: { workgroups: one, arrayLength: 8, ranges: { a: [1.1, 1.9], b: [0.6, 0.9] } },

  // ---- control flow ------------------------------------------------------------------------
  elseIfChain: { workgroups: one, arrayLength: 16 },
  nestedIf: { workgroups: one, arrayLength: 16 },
  oneBranchVar: { workgroups: one, arrayLength: 16 },
  // Threads 6 and 7 return before doing anything.
  earlyReturn: { workgroups: one, arrayLength: 8, integers: { params: () => 6 } },
  helperDepth: { workgroups: one, arrayLength: 8 },
  helperReturnIfElse: { workgroups: one, arrayLength: 16 },
  helperStructParams: { workgroups: one, arrayLength: 8 },
  loopConst: { workgroups: one, arrayLength: 8 },
  // Params: count (slot 0) = 5, rate.
  loopUniform: {
    workgroups: one,
    arrayLength: 8,
    integers: { params: () => 5 },
    ranges: { params: [0.1, 0.3] },
  },
  nestedLoops: { workgroups: one, arrayLength: 8, integers: { params: () => 3 } },
  loopCarried: { workgroups: one, arrayLength: 8, ranges: { k: [0.5, 2] } },
  loopIf: { workgroups: one, arrayLength: 8 },
  loopIndex: { workgroups: one, arrayLength: 8 },

  // ---- outputs and inputs ------------------------------------------------------------------
  scatterAdd: { workgroups: one, arrayLength: 8 },
  scatterSub: { workgroups: one, arrayLength: 8 },
  storeVectorStruct: { workgroups: one, arrayLength: 8 },
  multipleOutputs: { workgroups: one, arrayLength: 8 },
  nonDiffInput: { workgroups: one, arrayLength: 8 },

  // ---- small models ------------------------------------------------------------------------
  // Params: dt, stiffness, damping, count (slot 3) = 8.
  massSpring: {
    workgroups: one,
    arrayLength: 8,
    integers: { params: () => 8 },
    ranges: { params: [0.05, 0.2], mass: [0.5, 1.5] },
  },
  heatStencil: { workgroups: one, arrayLength: 16 },
  // 2 samples × 8 units; every runtime-sized array gets 16 elements.
  mlpLayer: { workgroups: one, arrayLength: 16 },
  clampVector: { workgroups: one, arrayLength: 8, ranges: { bounds: [-0.3, 0.3] } },
  mixScalarT: { workgroups: one, arrayLength: 8 },
  smoothstepOutside: {
    workgroups: one,
    arrayLength: 8,
    ranges: { x: [0.2, 0.8], edges: [0, 0.1] },
  },
  helperBranchReturn: { workgroups: one, arrayLength: 16 },
  arrayLengthGuard: { workgroups: one, arrayLength: 12 },
  aliasConstructor: { workgroups: one, arrayLength: 8 },
  multipleInputs: { workgroups: one, arrayLength: 8 },
};

/**
 * Kernels of valid subset code that the adjoint generator, CPU backend, parser or checker gets
 * wrong today. Not run by gradients.test.ts: move an entry into SUITE once its bug is fixed.
 */
