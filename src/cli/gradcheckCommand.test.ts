import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gradcheckCommand } from './gradcheckCommand.ts';

const kernel = (name: string) =>
  join(import.meta.dirname, '../gpu/autodiff/kernels', `${name}.wgsl`);

async function run(args: string[]) {
  const lines: string[] = [];
  const code = await gradcheckCommand(args, (line) => lines.push(line));
  return { code, output: lines.join('\n') };
}

describe('twinbench gradcheck', () => {
  it('passes a kernel on the CPU and prints per-input errors', async () => {
    const { code, output } = await run([kernel('springs'), '--cpu-only']);
    expect(code).toBe(0);
    expect(output).toMatch(/pass {2}cpu {2}stiffness +max abs \S+ +max rel \S+ \(≤ 0.000001\)/);
    expect(output).toMatch(/pass {2}cpu {2}pos/);
  });

  it('prints one JSON object with --json', async () => {
    const { code, output } = await run([kernel('branches'), '--cpu-only', '--json']);
    expect(code).toBe(0);
    const result = JSON.parse(output) as {
      pass: boolean;
      rows: { binding: string; backend: string }[];
    };
    expect(result.pass).toBe(true);
    expect(result.rows.map((r) => `${r.backend}:${r.binding}`)).toEqual(['cpu:x', 'cpu:y']);
  });

  it('exits 1 with the kernel error for a kernel outside the subset', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tb-gradcheck-'));
    const file = join(dir, 'bad.wgsl');
    writeFileSync(
      file,
      `@group(0) @binding(0) var<storage, read_write> x: array<f32>;\n@compute @workgroup_size(1)\nfn main() {\n  while (true) { }\n}\n`,
    );
    const { code, output } = await run([file, '--cpu-only']);
    expect(code).toBe(1);
    expect(output).toContain('bad.wgsl:4:3: while loops have no bound');
  });

  it('exits 2 with usage when no kernel is given, or the file is missing', async () => {
    expect((await run([])).code).toBe(2);
    const missing = await run(['/nonexistent/kernel.wgsl', '--cpu-only']);
    expect(missing.code).toBe(2);
    expect(missing.output).toContain('cannot read it');
  });
});
