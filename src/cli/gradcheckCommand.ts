import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { gradcheckDirectives } from '../gpu/autodiff/directives.ts';
import { KernelError } from '../gpu/autodiff/errors.ts';
import {
  compare,
  cpuAdjoint,
  finiteDifferences,
  gpuAdjoint,
  prepareCheck,
  type GradientComparison,
} from '../gpu/autodiff/gradcheck.ts';
import { requestDawnDevice } from '../gpu/testing/dawnDevice.ts';

/** Documented tolerances (docs/kernels.md): relative to the largest |gradient| of each input. */
export const TOLERANCE = { cpu: 1e-6, gpu: 1e-3 } as const;

interface Row extends GradientComparison {
  readonly backend: 'cpu' | 'gpu';
  readonly tolerance: number;
  readonly pass: boolean;
}

export interface GradcheckResult {
  readonly kernel: string;
  readonly entry: string;
  readonly rows: readonly Row[];
  readonly gpu: string | null;
  readonly pass: boolean;
}

/** `twinbench gradcheck KERNEL.wgsl [--json] [--cpu-only]`: exit code 0 when every gradient passes. */
export async function gradcheckCommand(
  args: readonly string[],
  print: (line: string) => void,
): Promise<number> {
  const json = args.includes('--json');
  const cpuOnly = args.includes('--cpu-only');
  const files = args.filter((a) => !a.startsWith('--'));
  if (files.length === 0) {
    print('usage: twinbench gradcheck KERNEL.wgsl [more.wgsl…] [--json] [--cpu-only]');
    return 2;
  }
  const device = cpuOnly ? null : await requestDawnDevice();
  if (device && !device.ok) {
    print(
      `twinbench gradcheck: no GPU (${device.reason}); pass --cpu-only to check the CPU adjoint alone`,
    );
    return 2;
  }
  const results: GradcheckResult[] = [];
  let status = 0;
  for (const file of files) {
    let source: string;
    try {
      source = readFileSync(file, 'utf8');
    } catch (error) {
      print(`${file}: cannot read it (${(error as Error).message})`);
      status = 2;
      continue;
    }
    try {
      const p = prepareCheck(source, { ...gradcheckDirectives(source), file: basename(file) });
      const fd = finiteDifferences(p);
      const rows: Row[] = compare(cpuAdjoint(p), fd).map((r) => ({
        ...r,
        backend: 'cpu',
        tolerance: TOLERANCE.cpu,
        pass: r.maxRelError <= TOLERANCE.cpu,
      }));
      if (device?.ok) {
        for (const r of compare(await gpuAdjoint(device.device, p), fd))
          rows.push({
            ...r,
            backend: 'gpu',
            tolerance: TOLERANCE.gpu,
            pass: r.maxRelError <= TOLERANCE.gpu,
          });
      }
      const result = {
        kernel: file,
        entry: p.entry,
        rows,
        gpu: device?.ok ? device.adapter : null,
        pass: rows.every((r) => r.pass),
      };
      results.push(result);
      if (!result.pass) status = 1;
      if (!json) {
        print(`${file} (${p.entry})${result.gpu ? ` on ${result.gpu}` : ', CPU only'}`);
        for (const r of rows) {
          print(
            `  ${r.pass ? 'pass' : 'FAIL'}  ${r.backend}  ${r.binding.padEnd(16)} max abs ${r.maxAbsError.toExponential(2)}  max rel ${r.maxRelError.toExponential(2)} (≤ ${r.tolerance})  |grad| ≤ ${r.scale.toExponential(2)}`,
          );
        }
        if (rows.length === 0) print('  no differentiable inputs: mark a binding with // @diff');
      }
    } catch (error) {
      status = Math.max(status, 1);
      if (error instanceof KernelError) print(error.message);
      else print(`${file}: ${(error as Error).message}`);
    }
  }
  if (json) print(JSON.stringify(results.length === 1 ? results[0] : results));
  if (device?.ok) device.device.destroy();
  return status;
}
