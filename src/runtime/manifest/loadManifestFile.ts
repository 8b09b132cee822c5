import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { ModelSpec } from '../modelSpec.ts';
import { parseManifest } from './parseManifest.ts';

/** Node only: loads the manifest at `path`, with its kernel and data files from the same folder. */
export async function loadManifestFile(path: string): Promise<ModelSpec> {
  const text = await readFile(path, 'utf8');
  const folder = dirname(resolve(path));
  return parseManifest(text, path, (relative) => readFile(resolve(folder, relative), 'utf8'));
}
