import { describe, expect, it } from 'vitest';
import { adam } from './adam.ts';
import { lbfgs } from './lbfgs.ts';
import { OptimizerInputError, type Objective } from './types.ts';

const rosenbrock: Objective = (x) => {
  const [a, b] = [x[0]!, x[1]!];
  return Promise.resolve({
    loss: (1 - a) ** 2 + 100 * (b - a * a) ** 2,
    gradient: Float64Array.from([-2 * (1 - a) - 400 * a * (b - a * a), 200 * (b - a * a)]),
  });
};

/** A badly scaled quadratic with its minimum at (3, −2, 0.5, 10). */
const quadratic: Objective = (x) => {
  const target = [3, -2, 0.5, 10];
  const scale = [1, 10, 100, 0.1];
  let loss = 0;
  const gradient = new Float64Array(4);
  for (let i = 0; i < 4; i++) {
    const d = x[i]! - target[i]!;
    loss += scale[i]! * d * d;
    gradient[i] = 2 * scale[i]! * d;
  }
  return Promise.resolve({ loss, gradient });
};

describe('lbfgs', () => {
  it('finds the Rosenbrock minimum from (−1.2, 1) to 1e-6 in under 100 iterations', async () => {
    const r = await lbfgs(rosenbrock, Float64Array.from([-1.2, 1]), {
      maxIterations: 100,
      gradientTolerance: 1e-9,
    });
    expect(r.reason).toBe('converged');
    expect(r.iterations).toBeLessThan(100);
    expect(Math.abs(r.x[0]! - 1)).toBeLessThan(1e-6);
    expect(Math.abs(r.x[1]! - 1)).toBeLessThan(1e-6);
  });

  it('stops on an active bound with zero projected gradient', async () => {
    const bounds = {
      lower: Float64Array.from([0, -1, 0, 0]),
      upper: Float64Array.from([2, 5, 5, 5]),
    };
    const r = await lbfgs(quadratic, Float64Array.from([1, 1, 1, 1]), {
      maxIterations: 200,
      bounds,
      gradientTolerance: 1e-8,
    });
    expect(r.reason).toBe('converged');
    expect(Array.from(r.x).map((v) => Number(v.toFixed(6)))).toEqual([2, -1, 0.5, 5]);
  });

  it('reports progress every iteration and stops when cancelled', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const r = await lbfgs(rosenbrock, Float64Array.from([-1.2, 1]), {
      maxIterations: 100,
      signal: controller.signal,
      onProgress: (p) => {
        seen.push(p.iteration);
        if (p.iteration === 3) controller.abort();
      },
    });
    expect(r.reason).toBe('cancelled');
    expect(seen).toEqual([1, 2, 3]);
    expect(r.iterations).toBe(2);
  });

  it('refuses bounds that cross, naming the parameter', async () => {
    const bounds = { lower: Float64Array.from([0, 3]), upper: Float64Array.from([1, 2]) };
    await expect(
      lbfgs(rosenbrock, Float64Array.from([0, 2]), { maxIterations: 5, bounds }),
    ).rejects.toThrow(OptimizerInputError);
    await expect(
      lbfgs(rosenbrock, Float64Array.from([0, 2]), { maxIterations: 5, bounds }),
    ).rejects.toThrow(/parameter 1: lower bound 3 is above upper bound 2/);
  });
});

describe('adam', () => {
  it('minimises a badly scaled quadratic inside its bounds, the same way every run', async () => {
    const bounds = {
      lower: Float64Array.from([-10, -10, -10, -10]),
      upper: Float64Array.from([10, 10, 10, 8]),
    };
    const run = () =>
      adam(quadratic, Float64Array.from([0, 0, 0, 0]), {
        maxIterations: 3000,
        learningRate: 0.05,
        bounds,
      });
    const [a, b] = [await run(), await run()];
    expect(Array.from(a.x)).toEqual(Array.from(b.x));
    expect(Math.abs(a.x[0]! - 3)).toBeLessThan(1e-3);
    expect(Math.abs(a.x[1]! + 2)).toBeLessThan(1e-3);
    expect(Math.abs(a.x[2]! - 0.5)).toBeLessThan(1e-3);
    expect(a.x[3]).toBe(8); // held at its upper bound
  });

  it('says what to do when the objective goes non-finite', async () => {
    const bad: Objective = () =>
      Promise.resolve({ loss: Number.NaN, gradient: new Float64Array(1) });
    await expect(
      adam(bad, new Float64Array(1), { maxIterations: 3, learningRate: 1 }),
    ).rejects.toThrow(/lower the learning rate/);
  });
});
