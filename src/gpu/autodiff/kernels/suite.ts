import type { GradcheckOptions } from '../gradcheck.ts';

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
};
