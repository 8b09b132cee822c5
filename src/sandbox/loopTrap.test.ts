import { describe, expect, it } from 'vitest';
import { describeTrap, LoopTrapError, type GuardedSite } from './loopTrap.ts';
import { loadLoopModel } from './testing/loopModel.ts';

const limits = { maxLoopIterations: 1000, maxDispatchIterations: 50_000 };

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
      { site: site({ source: spec.kernels[0]!.source }), reason: 'iterations', invocations: 4 },
      20,
      limits,
    );
    const { report, message } = describeTrap(error, spec, limits);
    expect(report).toEqual({
      kernel: 'relax',
      file: 'relax.wgsl',
      where: 'kernel',
      line: 10,
      column: 3,
      loop: 'for',
      header: 'for ( var k = 0u ; k < sweeps [ 0 ] ; k ++ )',
      module: 'relaxation: dispatch 0 (relax.relax) forward',
      reason: 'iterations',
      limit: 1000,
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
      new LoopTrapError({ site: generated, reason: 'iterations', invocations: 1 }, 5, limits),
      spec,
      limits,
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
      new LoopTrapError({ site: own, reason: 'iterations', invocations: 1 }, 5, limits),
      spec,
      limits,
    );
    expect(report).toMatchObject({ where: 'generated', kernel: 'relax', line: 7 });
    expect(message).toMatch(
      /^relaxation: dispatch 0 \(relax\.relax\) adjoint, line 7 of the WGSL Twinbench generated for kernel relax \(relax\.wgsl\): a loop loop ran past .* report this as a Twinbench bug, with the model/,
    );
  });

  it('say that the dispatch ran out of work, which loop was running, and what to do', async () => {
    const { spec } = await loadLoopModel();
    const error = new LoopTrapError(
      {
        site: site({ source: spec.kernels[0]!.source }),
        reason: 'dispatch_budget',
        invocations: 2,
      },
      3,
      limits,
    );
    expect(error.message).toBe(
      'sandbox: relaxation: dispatch 0 (relax.relax) forward:10:3: a for loop was running when its dispatch went past 50000 loop iterations (all invocations together); the loop guards stopped the dispatch',
    );
    const { report, message } = describeTrap(error, spec, limits);
    expect(report).toMatchObject({ reason: 'dispatch_budget', limit: 50_000, line: 10 });
    expect(message).toBe(
      "relax.wgsl:10:3: the for loop of kernel relax was running when the dispatch relaxation: dispatch 0 (relax.relax) forward ran out of work: its invocations together went past 50000 loop iterations in one dispatch (after 3 steps), so the sandbox's loop guards stopped the dispatch and the case — make sure it ends: its condition must turn false (`for ( var k = 0u ; k < sweeps [ 0 ] ; k ++ )`); if it is meant to run that long, reduce the dispatch's work (fewer iterations per invocation, or fewer invocations) or raise limits.maxDispatchIterations",
    );
  });
});
