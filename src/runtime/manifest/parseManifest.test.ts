import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ModelSpec } from '../modelSpec.ts';
import { planModel } from '../modelPlan.ts';
import { fetchManifest } from './fetchManifest.ts';
import { loadManifestFile } from './loadManifestFile.ts';
import { ManifestError } from './manifestError.ts';
import { parseManifest } from './parseManifest.ts';
import { readFrom, rodFiles, rodKernel, rodManifest } from './testing/rodModel.ts';

const rodSpec: ModelSpec = {
  name: 'heat rod',
  description: 'A 1-D rod heated at one end.',
  dt: 0.1,
  steps: 100,
  kernels: [{ name: 'heat', file: 'heat.wgsl', source: rodKernel }],
  buffers: [
    { name: 'temperature', role: 'state', type: 'f32', length: 8, initial: { fill: 20 } },
    { name: 'flux', role: 'scratch', type: 'f32', length: 8 },
    {
      name: 'conductivity',
      role: 'parameter',
      type: 'f32',
      length: 8,
      initial: [1, 1, 1, 1, 1, 1, 1, 1],
    },
    { name: 'heater', role: 'input', type: 'f32', length: 2 },
    {
      name: 'neighbours',
      role: 'constant',
      type: 'u32',
      length: 8,
      initial: [1, 2, 3, 4, 5, 6, 7, 7],
    },
  ],
  parameters: [
    {
      name: 'k',
      buffer: 'conductivity',
      offset: 0,
      count: 8,
      lower: 0.1,
      upper: 10,
      unit: 'W/(m·K)',
    },
  ],
  inputs: [
    { buffer: 'heater', column: 0, channel: 'heater.power', interpolation: 'linear' },
    { buffer: 'heater', column: 1, channel: 'ambient', interpolation: 'hold' },
  ],
  schedule: [
    {
      kernel: 'heat',
      entry: 'fluxes',
      workgroups: [1, 1, 1],
      bindings: {
        t: { buffer: 'temperature', phase: 'current' },
        k: { buffer: 'conductivity' },
        flux: { buffer: 'flux' },
        nb: { buffer: 'neighbours' },
      },
    },
    {
      kernel: 'heat',
      entry: 'update',
      workgroups: [1, 1, 1],
      clock: 'clock',
      bindings: {
        t: { buffer: 'temperature', phase: 'current' },
        t_next: { buffer: 'temperature', phase: 'next' },
        flux: { buffer: 'flux' },
        heater: { buffer: 'heater' },
      },
    },
  ],
  observables: [
    { name: 'tip', buffer: 'temperature', index: 7, channel: 'rod.tip' },
    { name: 'middle', buffer: 'temperature', index: 4, channel: 'rod.middle', scale: 1.8 },
  ],
  loss: {
    kind: 'weighted_squared_error',
    every: 10,
    window: { start: 0, end: 100 },
    weights: { tip: 2 },
    regularisation: [
      { kind: 'smoothness', parameter: 'k', weight: 0.01, shape: [8] },
      { kind: 'l2', parameter: 'k', weight: 0.001, towards: 1 },
    ],
  },
};

/** The smallest manifest: one state buffer, one dispatch, everything else defaulted. */
const minimal = `version: 1
name: counter
dt: 1
steps: 3
kernels: [{name: count, file: count.wgsl}]
buffers:
  - {name: n, role: state, length: 1}
schedule:
  - kernel: count
    entry: main
    workgroups: [1, 1]
    bindings:
      n: {buffer: n, phase: current}
      n_next: {buffer: n, phase: next}
`;
const countKernel = `@group(0) @binding(0) var<storage, read> n: array<f32>;
@group(0) @binding(1) var<storage, read_write> n_next: array<f32>;
@compute @workgroup_size(1) fn main() { n_next[0] = n[0] + 1.0; }
`;

describe('parseManifest', () => {
  it('loads a manifest into the ModelSpec it describes, field for field', async () => {
    await expect(parseManifest(rodManifest, 'rod.yaml', readFrom(rodFiles))).resolves.toEqual(
      rodSpec,
    );
  });

  it('produces a spec the runtime compiles, adjoints and all', async () => {
    const spec = await parseManifest(rodManifest, 'rod.yaml', readFrom(rodFiles));
    const plan = planModel(spec);
    expect(plan.dispatches.map((d) => d.label)).toEqual([
      'dispatch 0 (heat.fluxes)',
      'dispatch 1 (heat.update)',
    ]);
    expect(plan.parameterCount).toBe(8);
  });

  it('fills in defaults: no parameters, inputs or observables, and a loss over every step', async () => {
    const spec = await parseManifest(
      minimal,
      'counter.yaml',
      readFrom({ 'count.wgsl': countKernel }),
    );
    expect(spec).toEqual({
      name: 'counter',
      dt: 1,
      steps: 3,
      kernels: [{ name: 'count', file: 'count.wgsl', source: countKernel }],
      buffers: [{ name: 'n', role: 'state', type: 'f32', length: 1 }],
      parameters: [],
      inputs: [],
      schedule: [
        {
          kernel: 'count',
          entry: 'main',
          workgroups: [1, 1, 1],
          bindings: {
            n: { buffer: 'n', phase: 'current' },
            n_next: { buffer: 'n', phase: 'next' },
          },
        },
      ],
      observables: [],
      loss: { kind: 'weighted_squared_error', every: 1, regularisation: [] },
    } satisfies ModelSpec);
  });

  it('leaves optional fields out rather than setting them to undefined', async () => {
    const spec = await parseManifest(
      minimal,
      'counter.yaml',
      readFrom({ 'count.wgsl': countKernel }),
    );
    expect('description' in spec).toBe(false);
    expect('clock' in (spec.schedule[0] ?? {})).toBe(false);
    expect('window' in spec.loss).toBe(false);
  });

  it('produces plain data that survives structured clone unchanged', async () => {
    const spec = await parseManifest(rodManifest, 'rod.yaml', readFrom(rodFiles));
    expect(structuredClone(spec)).toEqual(spec);
  });

  it('reads each file once, and accepts synchronous and asynchronous readers', async () => {
    const reads: string[] = [];
    const twoKernels = rodManifest.replace(
      '    file: heat.wgsl\n',
      '    file: heat.wgsl\n  - name: heat_copy\n    file: heat.wgsl\n',
    );
    await parseManifest(twoKernels, 'rod.yaml', async (path) => {
      reads.push(path);
      await Promise.resolve();
      return rodFiles[path] ?? '';
    });
    expect(reads.sort()).toEqual(['data/neighbours.json', 'heat.wgsl']);
    const sync = (path: string) => rodFiles[path] ?? '';
    await expect(parseManifest(rodManifest, 'rod.yaml', sync)).resolves.toEqual(rodSpec);
  });

  it('turns a reader that throws synchronously into an issue', async () => {
    const error = await parseManifest(rodManifest, 'rod.yaml', (path) => {
      if (path === 'heat.wgsl') throw new Error('denied');
      return rodFiles[path] ?? '';
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ManifestError);
    expect((error as ManifestError).issues.map((i) => i.code)).toEqual(['unreadable_file']);
  });

  it('names the file, the count and every issue in the message', async () => {
    const error = await parseManifest('version: 1\n', 'models/rod.yaml', readFrom({})).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ManifestError);
    const manifestError = error as ManifestError;
    expect(manifestError.name).toBe('ManifestError');
    expect(manifestError.reason).toBe('schema');
    expect(manifestError.file).toBe('models/rod.yaml');
    expect(manifestError.message.split('\n')[0]).toBe('models/rod.yaml: 6 problems:');
    expect(manifestError.message).toContain(
      "  manifest (line 1, col 1): missing `name` (the model's name, shown in the workbench and in CLI output) — add it",
    );
  });
});

describe('loadManifestFile', () => {
  it('reads kernels and data files relative to the manifest folder', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'twinbench-manifest-'));
    try {
      await mkdir(join(folder, 'data'));
      await writeFile(join(folder, 'rod.yaml'), rodManifest);
      for (const [path, text] of Object.entries(rodFiles))
        await writeFile(join(folder, path), text);
      await expect(loadManifestFile(join(folder, 'rod.yaml'))).resolves.toEqual(rodSpec);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});

describe('fetchManifest', () => {
  it('fetches kernels and data files relative to the manifest URL', async () => {
    const served: Record<string, string> = {
      '/models/rod/model.yaml': rodManifest,
      '/models/rod/heat.wgsl': rodKernel,
      '/models/rod/data/neighbours.json': rodFiles['data/neighbours.json'] ?? '',
    };
    const fetched: string[] = [];
    const spec = await fetchManifest(new URL('http://localhost/models/rod/model.yaml'), (url) => {
      fetched.push(url.pathname);
      const text = served[url.pathname];
      return text === undefined ? Promise.reject(new Error('HTTP 404')) : Promise.resolve(text);
    });
    expect(spec).toEqual(rodSpec);
    expect(fetched).toContain('/models/rod/data/neighbours.json');
  });
});
