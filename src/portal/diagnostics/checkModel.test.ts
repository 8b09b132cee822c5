import { describe, expect, it } from 'vitest';
import { exampleModel } from '../models/exampleModels.ts';
import { withFile, type ModelFiles } from '../models/modelFiles.ts';
import { checkModel } from './checkModel.ts';
import { lineText } from './diagnostic.ts';

const pid = exampleModel('pidPlant')!.model;
const heat = exampleModel('heatPlate')!.model;

/** `model` with the first occurrence of `from` in `path` replaced by `to`. */
function edit(model: ModelFiles, path: string, from: string, to: string): ModelFiles {
  const text = model.files[path]!;
  if (!text.includes(from)) throw new Error(`${path} has no "${from}"`);
  return withFile(model, path, text.replace(from, to));
}

/** 1-based line of the first line of `text` that contains `needle`. */
function lineOf(text: string, needle: string): number {
  const index = text.split('\n').findIndex((l) => l.includes(needle));
  if (index < 0) throw new Error(`no line with "${needle}"`);
  return index + 1;
}

describe('checkModel', () => {
  it.for([
    ['pidPlant', pid],
    ['heatPlate', heat],
  ] as const)('passes the %s example with its test cases and no diagnostics', async ([, model]) => {
    const check = await checkModel(model);
    expect(check.diagnostics).toEqual([]);
    expect(check.model?.tests.length).toBe(3);
  });

  it('places a schema problem of the manifest at its key', async () => {
    const broken = edit(pid, 'model.yaml', '    lower: 0.5\n', '    lowest: 0.5\n');
    const check = await checkModel(broken);
    expect(check.model).toBeNull();
    const line = lineOf(broken.files['model.yaml']!, 'lowest: 0.5');
    expect(check.diagnostics).toContainEqual(
      expect.objectContaining({
        file: 'model.yaml',
        source: 'manifest',
        line,
        column: 5,
        endColumn: 5 + 'lowest'.length,
      }),
    );
  });

  it('reports a kernel file the manifest names that the model lacks, on the file name', async () => {
    const broken = edit(pid, 'model.yaml', 'file: pidPlant.wgsl', 'file: pid.wgsl');
    const [d] = (await checkModel(broken)).diagnostics;
    expect(d).toMatchObject({ file: 'model.yaml', source: 'manifest' });
    expect(lineText(broken.files['model.yaml']!, d!.line).slice(d!.column - 1)).toBe('pid.wgsl');
    expect(d!.message).toContain('no file "pid.wgsl" in this model');
  });

  it('places an autodiff refusal at the loop in the kernel', async () => {
    const broken = edit(
      pid,
      'pidPlant.wgsl',
      '  let v = s.v + dt * a;',
      '  var v = s.v;\n  while (v < 1.0) { v = v + dt * a; }',
    );
    const check = await checkModel(broken);
    const line = lineOf(broken.files['pidPlant.wgsl']!, 'while (v < 1.0)');
    expect(check.diagnostics).toEqual([
      expect.objectContaining({
        file: 'pidPlant.wgsl',
        source: 'model',
        line,
        column: 3,
        // The refused statement, to the end of its line.
        endColumn: 3 + 'while (v < 1.0) { v = v + dt * a; }'.length,
      }),
    ]);
    expect(check.diagnostics[0]!.message).toContain(
      'while loops have no bound the adjoint can replay',
    );
  });

  it('places two variables bound to one buffer at the later binding', async () => {
    const broken = edit(
      pid,
      'model.yaml',
      '      setpoint: { buffer: setpoint }',
      '      setpoint: { buffer: gains }',
    );
    const [d] = (await checkModel(broken)).diagnostics;
    expect(d).toMatchObject({
      file: 'model.yaml',
      source: 'model',
      line: lineOf(broken.files['model.yaml']!, 'setpoint: { buffer: gains }'),
      column: 7,
      endColumn: 7 + 'setpoint'.length,
    });
    expect(d!.message).toContain('variables gains and setpoint are all bound to gains');
  });

  it("places a clock of the wrong type at the dispatch's clock", async () => {
    const broken = edit(
      pid,
      'pidPlant.wgsl',
      'struct Clock { step: u32, time: f32, dt: f32 }',
      'struct Clock { step: u32, time: f32, dt: f32, x: f32 }',
    );
    const [d] = (await checkModel(broken)).diagnostics;
    expect(d).toMatchObject({
      file: 'model.yaml',
      line: lineOf(broken.files['model.yaml']!, '    clock: clock'),
      column: 12,
      endColumn: 17,
    });
  });

  it('places a variable the kernel uses but the dispatch does not bind at its bindings', async () => {
    const broken = edit(pid, 'model.yaml', '    clock: clock\n', '');
    const [d] = (await checkModel(broken)).diagnostics;
    expect(d).toMatchObject({
      line: lineOf(broken.files['model.yaml']!, '    bindings:'),
      column: 5,
    });
    expect(d!.message).toContain('step uses variable clock, which is not bound');
  });
});
