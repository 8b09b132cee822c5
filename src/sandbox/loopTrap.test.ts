import { describe, expect, it } from 'vitest';
import { describeTrap, LoopTrapError, type GuardedSite } from './loopTrap.ts';
import { loadLoopModel } from './testing/loopModel.ts';

const site = (over: Partial<GuardedSite>): GuardedSite => ({
  id: 0,
  kind: 'for',
  line: 10,
  column: 3,
  header: 'for ( var k = 0u ; k < sweeps [ 0 ] ; k ++ )',
  fn: 'relax',
  module: 'relaxation: dispatch 0 (relax.relax) forward',
  source: '',
  ...over,
});

describe('loop traps', () => {
  it('place a loop of the kernel as written at its line in the kernel file', async () => {
    const { spec } = await loadLoopModel();
    const error = new LoopTrapError(
      { site: site({ source: spec.kernels[0]!.source }), invocations: 4 },
      20,
      1000,
    );
    const { report, message } = describeTrap(error, spec, 1000);
    expect(report).toEqual({
      kernel: 'relax',
      file: 'relax.wgsl',
      where: 'kernel',
      line: 10,
      column: 3,
      loop: 'for',
      header: 'for ( var k = 0u ; k < sweeps [ 0 ] ; k ++ )',
      module: 'relaxation: dispatch 0 (relax.relax) forward',
      invocations: 4,
      step: 20,
    });
    expect(message).toBe(
      "relax.wgsl:10:3: the for loop of kernel relax ran past 1000 iterations in one invocation (after 20 steps), so the sandbox's loop guard broke out of it and stopped the case — make sure it ends: its condition must turn false (`for ( var k = 0u ; k < sweeps [ 0 ] ; k ++ )`), or raise limits.maxLoopIterations if it is meant to run that long",
    );
  });

  it('find a loop an adjoint copied in its kernel by its header', async () => {
    const { spec } = await loadLoopModel();
    const generated = site({
      module: 'relaxation: dispatch 0 (relax.relax) adjoint',
      source: '// generated',
      line: 40,
      column: 5,
      fn: 'relax_adjoint',
    });
    const { report, message } = describeTrap(
      new LoopTrapError({ site: generated, invocations: 1 }, 5, 1000),
      spec,
      1000,
    );
    expect(report).toMatchObject({ where: 'kernel', file: 'relax.wgsl', line: 10, column: 3 });
    expect(message).toContain(
      'the for loop of kernel relax (as run by relaxation: dispatch 0 (relax.relax) adjoint)',
    );
  });

  it("name the generated code when the loop is Twinbench's own", async () => {
    const { spec } = await loadLoopModel();
    const own = site({
      kind: 'loop',
      header: 'loop',
      module: 'relaxation: dispatch 0 (relax.relax) adjoint',
      source: '// generated',
      line: 7,
      column: 3,
    });
    const { report, message } = describeTrap(
      new LoopTrapError({ site: own, invocations: 1 }, 5, 1000),
      spec,
      1000,
    );
    expect(report).toMatchObject({ where: 'generated', kernel: 'relax', line: 7 });
    expect(message).toMatch(
      /^relaxation: dispatch 0 \(relax\.relax\) adjoint, line 7 of the WGSL Twinbench generated for kernel relax \(relax\.wgsl\): a loop loop ran past .* report this as a Twinbench bug, with the model/,
    );
  });
});
