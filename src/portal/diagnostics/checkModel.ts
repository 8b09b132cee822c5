/**
 * The portal's checks that need no GPU, run as the author types: the manifest loaded from the
 * draft's files (YAML, schema, references, test cases) and the model planned (schedule, types,
 * autodiff). Each failure becomes diagnostics at its place; a model that passes comes back ready
 * for a test run.
 */
import { ManifestError } from '../../runtime/manifest/manifestError.ts';
import {
  parseManifestWithTests,
  type ModelWithTests,
} from '../../runtime/manifest/parseManifest.ts';
import { ModelError } from '../../runtime/modelError.ts';
import { planModel } from '../../runtime/modelPlan.ts';
import { readModelFile, type ModelFiles } from '../models/modelFiles.ts';
import type { Diagnostic } from './diagnostic.ts';
import { manifestDiagnostics } from './manifestDiagnostics.ts';
import { modelDiagnostic } from './modelDiagnostics.ts';

export interface ModelCheck {
  readonly diagnostics: readonly Diagnostic[];
  /** The model and its test cases when the manifest loaded and the model planned. */
  readonly model: ModelWithTests | null;
}

/**
 * @example
 * const { diagnostics, model } = await checkModel({ manifest: 'model.yaml', files });
 */
export async function checkModel(model: ModelFiles): Promise<ModelCheck> {
  const text = model.files[model.manifest] ?? '';
  let loaded: ModelWithTests;
  try {
    loaded = await parseManifestWithTests(text, model.manifest, (path) =>
      readModelFile(model, path),
    );
  } catch (error) {
    if (!(error instanceof ManifestError)) throw error;
    return {
      diagnostics: manifestDiagnostics(model.manifest, text, error),
      model: null,
    };
  }
  try {
    planModel(loaded.spec);
  } catch (error) {
    if (!(error instanceof ModelError)) throw error;
    return {
      diagnostics: [
        modelDiagnostic(
          error,
          loaded.spec,
          { file: model.manifest, text },
          (file) => model.files[file],
        ),
      ],
      model: null,
    };
  }
  return { diagnostics: [], model: loaded };
}
