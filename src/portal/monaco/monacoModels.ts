/** Where the portal's files live in Monaco's model registry, and the schema's address. */

/** Not fetched (schema requests are off): the name monaco-yaml shows for the schema. */
export const MANIFEST_SCHEMA_URI = 'https://twinbench.dev/schemas/model-manifest.schema.json';

/** `inmemory://model/<draft id>/<path>`: one Monaco model per file of a draft. */
export function fileUri(draftId: string, path: string): string {
  return `inmemory://model/${encodeURIComponent(draftId)}/${path}`;
}

/** The Monaco language of a file: YAML for manifests, WGSL for kernels, plain text otherwise. */
export function languageOf(path: string): 'yaml' | 'wgsl' | 'plaintext' {
  if (/\.ya?ml$/i.test(path)) return 'yaml';
  if (/\.wgsl$/i.test(path)) return 'wgsl';
  return 'plaintext';
}
