import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { planModel } from '../runtime/modelPlan.ts';
import type { KernelSpec, ModelSpec } from '../runtime/modelSpec.ts';
import { heatPlateSpec } from './heatPlate/heatPlateModel.ts';
import { heatPlateWgsl } from './heatPlate/heatPlateSource.ts';
import { pidPlantSpec } from './pidPlant/pidPlantModel.ts';
import { pidPlantWgsl } from './pidPlant/pidPlantSource.ts';

const examples = [
  { folder: 'heatPlate', spec: () => heatPlateSpec(heatPlateWgsl) },
  { folder: 'pidPlant', spec: () => pidPlantSpec(pidPlantWgsl) },
];

describe.each(examples)('$folder/model.yaml', ({ folder, spec: expected }) => {
  const read = (file: string) =>
    readFileSync(new URL(`./${folder}/${file}`, import.meta.url), 'utf8');

  it('is the ModelSpec its TypeScript builds, field for field, with kernels read from their files', () => {
    // `tests` are the manifest's test cases, not part of the ModelSpec (src/sandbox runs them).
    const { version, tests, ...manifest } = parse(read('model.yaml')) as Omit<
      ModelSpec,
      'kernels'
    > & {
      version: number;
      tests: unknown[];
      kernels: Omit<KernelSpec, 'source'>[];
    };
    expect(version).toBe(1);
    expect(tests.length).toBeGreaterThan(0);
    const spec: ModelSpec = {
      ...manifest,
      kernels: manifest.kernels.map((k) => ({ ...k, source: read(k.file) })),
    };
    expect(spec).toEqual(expected());
    expect(planModel(spec).spec.name).toBe(spec.name);
  });
});
