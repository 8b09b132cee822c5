import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { planModel } from '../../runtime/modelPlan.ts';
import type { KernelSpec, ModelSpec } from '../../runtime/modelSpec.ts';
import { pidPlantSpec } from './pidPlantModel.ts';
import { pidPlantWgsl } from './pidPlantSource.ts';

const read = (file: string) => readFileSync(new URL(file, import.meta.url), 'utf8');

describe('pidPlant/model.yaml', () => {
  it('is the ModelSpec of pidPlantSpec() field for field, with kernels read from their files', () => {
    const { version, ...manifest } = parse(read('./model.yaml')) as Omit<ModelSpec, 'kernels'> & {
      version: number;
      kernels: Omit<KernelSpec, 'source'>[];
    };
    expect(version).toBe(1);
    const spec: ModelSpec = {
      ...manifest,
      kernels: manifest.kernels.map((k) => ({ ...k, source: read(`./${k.file}`) })),
    };
    expect(spec).toEqual(pidPlantSpec(pidPlantWgsl));
    expect(planModel(spec).spec.name).toBe(spec.name);
  });
});
