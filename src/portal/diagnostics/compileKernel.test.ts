import { describe, expect, it } from 'vitest';
import { withGpu } from '../../gpu/testing/requireGpu.ts';
import { exampleModel } from '../models/exampleModels.ts';
import { compileKernelDiagnostics } from './compileKernel.ts';

const pidKernel = exampleModel('pidPlant')!.model.files['pidPlant.wgsl']!;
const heatKernel = exampleModel('heatPlate')!.model.files['heatPlate.wgsl']!;

/** The 1-based line and column of `needle` in `text`. */
function place(text: string, needle: string) {
  const lines = text.split('\n');
  const index = lines.findIndex((l) => l.includes(needle));
  return { line: index + 1, column: lines[index]!.indexOf(needle) + 1 };
}

describe('compileKernelDiagnostics (Dawn)', () => {
  it('reports nothing for the example kernels', async (ctx) => {
    await withGpu(ctx, async (device) => {
      expect(await compileKernelDiagnostics(device, 'pidPlant.wgsl', pidKernel)).toEqual([]);
      expect(await compileKernelDiagnostics(device, 'heatPlate.wgsl', heatKernel)).toEqual([]);
    });
  });

  it("places a compile error in a guarded loop at the author's line and column", async (ctx) => {
    const broken = heatKernel.replace(
      '  tempOut[i] = t + plate.rate',
      '  for (var n = 0u; n < 2u; n++) { flux += heaterz[0]; }\n  tempOut[i] = t + plate.rate',
    );
    await withGpu(ctx, async (device) => {
      const diagnostics = await compileKernelDiagnostics(device, 'heatPlate.wgsl', broken);
      const errors = diagnostics.filter((d) => d.severity === 'error');
      expect(errors).toHaveLength(1);
      const at = place(broken, 'heaterz');
      expect(errors[0]).toMatchObject({
        file: 'heatPlate.wgsl',
        source: 'wgsl',
        line: at.line,
        column: at.column,
        endLine: at.line,
        endColumn: at.column + 'heaterz'.length,
      });
      expect(errors[0]!.message).toContain('heaterz');
    });
  });

  it('places a type error after non-ASCII comments at the right column', async (ctx) => {
    const broken = pidKernel.replace('  let v = s.v + dt * a;', '  let v = s.v + dt * 1u;');
    await withGpu(ctx, async (device) => {
      const [d] = await compileKernelDiagnostics(device, 'pidPlant.wgsl', broken);
      const at = place(broken, 's.v + dt * 1u');
      expect(d).toMatchObject({ severity: 'error', line: at.line });
      expect(d!.column).toBeGreaterThanOrEqual(at.column);
      expect(d!.column).toBeLessThan(at.column + 's.v + dt * 1u'.length);
    });
  });

  it('reports a kernel the loop guards cannot take, at the reserved name', async (ctx) => {
    const broken = pidKernel.replace(
      'let dt = clock.dt;',
      'let tb_sandbox_dt = clock.dt;\n  let dt = tb_sandbox_dt;',
    );
    await withGpu(ctx, async (device) => {
      const diagnostics = await compileKernelDiagnostics(device, 'pidPlant.wgsl', broken);
      const at = place(broken, 'tb_sandbox_dt =');
      expect(diagnostics[0]).toMatchObject({ line: at.line, column: at.column, severity: 'error' });
      expect(diagnostics[0]!.message).toContain('reserved for the sandbox');
    });
  });
});
