/**
 * The example models an author can open or start a new model from: each one's manifest and
 * kernel exactly as they ship in src/examples/ (Vite's `?raw`).
 */
import heatPlateWgsl from '../../examples/heatPlate/heatPlate.wgsl?raw';
import heatPlateYaml from '../../examples/heatPlate/model.yaml?raw';
import pidPlantWgsl from '../../examples/pidPlant/pidPlant.wgsl?raw';
import pidPlantYaml from '../../examples/pidPlant/model.yaml?raw';
import type { ModelFiles } from './modelFiles.ts';

export interface ExampleModel {
  readonly id: 'heatPlate' | 'pidPlant';
  readonly title: string;
  readonly summary: string;
  readonly model: ModelFiles;
}

export const EXAMPLE_MODELS: readonly ExampleModel[] = [
  {
    id: 'pidPlant',
    title: 'PID plant',
    summary: 'A mass–spring–damper positioned by a PID controller (one invocation a step).',
    model: {
      manifest: 'model.yaml',
      files: { 'model.yaml': pidPlantYaml, 'pidPlant.wgsl': pidPlantWgsl },
    },
  },
  {
    id: 'heatPlate',
    title: 'Heat plate',
    summary: 'Heat conduction on a 16×16 plate with four heaters and sixteen sensors.',
    model: {
      manifest: 'model.yaml',
      files: { 'model.yaml': heatPlateYaml, 'heatPlate.wgsl': heatPlateWgsl },
    },
  },
];

export function exampleModel(id: string): ExampleModel | undefined {
  return EXAMPLE_MODELS.find((e) => e.id === id);
}
