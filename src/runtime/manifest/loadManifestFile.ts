import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { ModelSpec } from '../modelSpec.ts';
import { parseManifest, parseManifestWithTests, type ModelWithTests } from './parseManifest.ts';

/** Node only: loads the manifest at `path`, with its kernel and data files from the same folder. */
export async function loadManifestFile(path: string): Promise<ModelSpec> {
  const text = await readFile(path, 'utf8');
  const folder = dirname(resolve(path));
  return parseManifest(text, path, (relative) => readFile(resolve(folder, relative), 'utf8'));
}

/** Node only: `loadManifestFile` with the manifest's test cases. */
export async function loadManifestFileWithTests(path: string): Promise<ModelWithTests> {
  const text = await readFile(path, 'utf8');
  const folder = dirname(resolve(path));
  return parseManifestWithTests(text, path, (relative) =>
    readFile(resolve(folder, relative), 'utf8'),
  );
}
