import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseManifest } from '../runtime/manifest/parseManifest.ts';
import type { ModelSpec } from '../runtime/modelSpec.ts';
import { CliFileError } from './commandFailure.ts';

/** Reads a file named on the command line; a missing or unreadable file is a CliFileError. */
export async function readInputFile(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new CliFileError(`cannot read ${what} ${path} (${(error as Error).message})`);
  }
}

/**
 * The manifest at `path` as a ModelSpec, kernels and data files read from its folder (as
 * `loadManifestFile` does). A manifest that does not load throws its ManifestError, every issue
 * with YAML path, line and column; a manifest that cannot be read, a CliFileError.
 */
export async function loadModel(path: string): Promise<ModelSpec> {
  const text = await readInputFile(path, 'the manifest');
  const folder = dirname(resolve(path));
  return parseManifest(text, path, (relative) => readFile(resolve(folder, relative), 'utf8'));
}
