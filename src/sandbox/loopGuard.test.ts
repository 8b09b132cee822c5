import { describe, expect, it } from 'vitest';
import { guardLoops, scanLoops } from './loopGuard.ts';
import { SandboxError } from './sandboxError.ts';

const options = {
  group: 1,
  maxIterations: 1000,
  maxDispatchIterations: 50_000,
  firstSiteId: 5,
  file: 'k.wgsl',
};

const threeLoops = `@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@compute @workgroup_size(1)
fn main() {
  var x = 0.0;
  for (var i = 0u; i < 4u; i++) {
    loop { x += 1.0; if (x > 8.0) { break; } }
  }
  while (x < 100.0) { x *= 2.0; } // a loop { } in a comment is not a loop
  out[0] = x;
}
`;

function sandboxError(body: () => unknown): SandboxError {
  try {
    body();
  } catch (error) {
    if (error instanceof SandboxError) return error;
    throw error;
  }
  throw new Error('expected a SandboxError');
}

describe('loop guards', () => {
  it('guards every loop, while and for at the start of its body and appends the trap record', () => {
    expect(guardLoops(threeLoops, options).code).toMatchInlineSnapshot(`
      "@group(0) @binding(0) var<storage, read_write> out: array<f32>;
      @compute @workgroup_size(1)
      fn main() { _ = &tb_sandbox_trap;
        var x = 0.0;
        for (var i = 0u; i < 4u; i++) { if (tb_sandbox_guard(5u)) { break; }
          loop { if (tb_sandbox_guard(6u)) { break; } x += 1.0; if (x > 8.0) { break; } }
        }
        while (x < 100.0) { if (tb_sandbox_guard(7u)) { break; } x *= 2.0; } // a loop { } in a comment is not a loop
        out[0] = x;
      tb_sandbox_flush(); }


      // ---- Twinbench sandbox: loop guards (src/sandbox/loopGuard.ts) ----
      @group(1) @binding(0) var<storage, read_write> tb_sandbox_trap: array<atomic<u32>, 4>;
      @group(1) @binding(1) var<storage, read_write> tb_sandbox_work: atomic<u32>;
      var<private> tb_sandbox_iterations: u32;
      // Iterations of this invocation not yet added to the dispatch's count.
      var<private> tb_sandbox_pending: u32;
      // Adds the pending iterations to the dispatch's count; the count after.
      fn tb_sandbox_count() -> u32 {
        let total = atomicAdd(&tb_sandbox_work, tb_sandbox_pending) + tb_sandbox_pending;
        tb_sandbox_pending = 0u;
        atomicMax(&tb_sandbox_trap[3], total);
        return total;
      }
      fn tb_sandbox_stop(site: u32, reason: u32) -> bool {
        tb_sandbox_iterations = 1000u;
        if (atomicAdd(&tb_sandbox_trap[0], 1u) == 0u) {
          atomicStore(&tb_sandbox_trap[1], site);
          atomicStore(&tb_sandbox_trap[2], reason);
        }
        return true;
      }
      // True when the loop at \`site\` must stop: this invocation's loops have run 1000
      // iterations, or the dispatch's invocations together more than 50000 (the
      // first invocation to find either records its site and reason), or another loop has stopped.
      fn tb_sandbox_guard(site: u32) -> bool {
        if (tb_sandbox_iterations >= 1000u) { return true; }
        if ((tb_sandbox_iterations & 1023u) == 0u) {
          if (atomicLoad(&tb_sandbox_trap[0]) != 0u) {
            tb_sandbox_iterations = 1000u;
            return true;
          }
          if (tb_sandbox_count() > 50000u) { return tb_sandbox_stop(site, 1u); }
        }
        tb_sandbox_iterations += 1u;
        tb_sandbox_pending += 1u;
        if (tb_sandbox_iterations < 1000u) { return false; }
        return tb_sandbox_stop(site, 0u);
      }
      // Where the invocation ends: its last iterations count too.
      fn tb_sandbox_flush() {
        if (tb_sandbox_pending != 0u) { _ = tb_sandbox_count(); }
      }
      "
    `);
  });

  it("adds the invocation's last iterations to the dispatch's count where its entry point returns or ends", () => {
    const source = `@group(0) @binding(0) var<storage, read_write> out: array<f32>;
fn helper() -> f32 { return 1.0; }
@compute @workgroup_size(1)
fn early(@builtin(global_invocation_id) gid: vec3u) {
  if (gid.x > 3u) { return; }
  for (var i = 0u; i < gid.x; i++) { if (i == 2u) { return; } }
  out[0] = helper();
}
@compute @workgroup_size(1)
fn last() { loop { break; } return; }
`;
    const guarded = guardLoops(source, options);
    const lines = guarded.code.split('\n');
    expect(lines.slice(1, 10)).toEqual([
      'fn helper() -> f32 { return 1.0; }',
      '@compute @workgroup_size(1)',
      'fn early(@builtin(global_invocation_id) gid: vec3u) { _ = &tb_sandbox_trap;',
      '  if (gid.x > 3u) { tb_sandbox_flush(); return; }',
      '  for (var i = 0u; i < gid.x; i++) { if (tb_sandbox_guard(5u)) { break; } if (i == 2u) { tb_sandbox_flush(); return; } }',
      '  out[0] = helper();',
      'tb_sandbox_flush(); }',
      '@compute @workgroup_size(1)',
      // A statement after the last `return;` would be unreachable: the return flushes.
      'fn last() { _ = &tb_sandbox_trap; loop { if (tb_sandbox_guard(6u)) { break; } break; } tb_sandbox_flush(); return; }',
    ]);
    // The closing brace maps back to its own column.
    expect(guarded.originalPosition(8, 'tb_sandbox_flush(); '.length + 1)).toEqual({
      line: 8,
      column: 1,
    });
  });

  it('records each site with its place in the source, header and function', () => {
    expect(guardLoops(threeLoops, options).sites).toEqual([
      {
        id: 5,
        kind: 'for',
        line: 5,
        column: 3,
        header: 'for ( var i = 0u ; i < 4u ; i ++ )',
        fn: 'main',
      },
      { id: 6, kind: 'loop', line: 6, column: 5, header: 'loop', fn: 'main' },
      { id: 7, kind: 'while', line: 8, column: 3, header: 'while ( x < 100.0 )', fn: 'main' },
    ]);
  });

  it('leaves a source without loops as it is', () => {
    const source = `@compute @workgroup_size(1) fn main() { let a = 1; }`;
    expect(guardLoops(source, options)).toMatchObject({ code: source, sites: [] });
  });

  it('finds the body of a while whose condition has parentheses and indexing, and of for (;;)', () => {
    const source = `fn f() { var a = array<u32, 2>(1u, 2u); while ((a[0] + 1u) < a[1]) { a[0]++; } for (;;) { break; } }`;
    const { code, sites } = guardLoops(source, options);
    expect(code).toContain(
      'while ((a[0] + 1u) < a[1]) { if (tb_sandbox_guard(5u)) { break; } a[0]++; }',
    );
    expect(code).toContain('for (;;) { if (tb_sandbox_guard(6u)) { break; } break; }');
    expect(sites.map((s) => s.header)).toEqual([
      'while ( ( a [ 0 ] + 1u ) < a [ 1 ] )',
      'for ( ; ; )',
    ]);
  });

  it('maps columns of the guarded code back to the source, and the appended code to null', () => {
    const guarded = guardLoops(threeLoops, options);
    const codeLine = guarded.code.split('\n')[5]!;
    const column = codeLine.indexOf('x += 1.0') + 1;
    expect(guarded.originalPosition(6, column)).toEqual({
      line: 6,
      column: threeLoops.split('\n')[5]!.indexOf('x += 1.0') + 1,
    });
    // Inside an insertion: the place it was made.
    expect(guarded.originalPosition(6, codeLine.indexOf('tb_sandbox_guard') + 1)).toEqual({
      line: 6,
      column: threeLoops.split('\n')[5]!.indexOf('{') + 2,
    });
    // Before any insertion on the line, and on lines without one: unchanged.
    expect(guarded.originalPosition(6, 3)).toEqual({ line: 6, column: 3 });
    expect(guarded.originalPosition(9, 12)).toEqual({ line: 9, column: 12 });
    expect(guarded.originalPosition(14, 1)).toBeNull();
  });

  it('puts the trap record in the group after the highest the source declares', () => {
    const source = `@group(2) @binding(0) var<storage, read_write> o: array<f32>;
@compute @workgroup_size(1) fn main() { loop { break; } }`;
    expect(scanLoops(source).maxDeclaredGroup).toBe(2);
    const error = sandboxError(() => guardLoops(source, { ...options, group: 2 }));
    expect(error.reason).toBe('unguardable');
    expect(error.message).toContain('declares (up to @group(2))');
  });

  it('refuses names the guards reserve, at their place', () => {
    const error = sandboxError(() =>
      scanLoops('fn f() {\n  let tb_sandbox_trap = 1;\n}', 'user.wgsl'),
    );
    expect(error.reason).toBe('unguardable');
    expect(error.message).toBe(
      "sandbox: user.wgsl:2:7: `tb_sandbox_trap`: names starting with tb_sandbox_ are reserved for the sandbox's loop guards — rename it",
    );
  });

  it('refuses @group numbers it cannot read, saying to write literals', () => {
    const error = sandboxError(() =>
      scanLoops('const G = 0;\n@group(G) @binding(0) var<storage> a: array<f32>;', 'g.wgsl'),
    );
    expect(error.message).toContain(
      'g.wgsl:2:1: the sandbox needs @group numbers written as literals',
    );
  });
});
