import { describe, expect, it } from 'vitest';
import { guardLoops, scanLoops } from './loopGuard.ts';
import { SandboxError } from './sandboxError.ts';

const options = { group: 1, maxIterations: 1000, firstSiteId: 5, file: 'k.wgsl' };

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
      }


      // ---- Twinbench sandbox: loop guards (src/sandbox/loopGuard.ts) ----
      @group(1) @binding(0) var<storage, read_write> tb_sandbox_trap: array<atomic<u32>, 4>;
      var<private> tb_sandbox_iterations: u32;
      // True when the loop at \`site\` must stop: this invocation's loops have run 1000
      // iterations (the first invocation to get there records its site), or another one's have.
      fn tb_sandbox_guard(site: u32) -> bool {
        if (tb_sandbox_iterations >= 1000u) { return true; }
        if ((tb_sandbox_iterations & 1023u) == 0u && atomicLoad(&tb_sandbox_trap[0]) != 0u) {
          tb_sandbox_iterations = 1000u;
          return true;
        }
        tb_sandbox_iterations += 1u;
        if (tb_sandbox_iterations < 1000u) { return false; }
        if (atomicAdd(&tb_sandbox_trap[0], 1u) == 0u) { atomicStore(&tb_sandbox_trap[1], site); }
        return true;
      }
      "
    `);
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
