import type { ModelSpec } from '../modelSpec.ts';
import { parseManifest, parseManifestWithTests, type ModelWithTests } from './parseManifest.ts';

/**
 * Browser and worker: loads the manifest at `url`, fetching its kernel and data files relative
 * to it. `fetchText` is injectable for tests; it defaults to `fetch`.
 *
 * @example const spec = await fetchManifest(new URL('/models/heatPlate/model.yaml', location.href));
 */
export async function fetchManifest(
  url: URL,
  fetchText: (url: URL) => Promise<string> = fetchOk,
): Promise<ModelSpec> {
  const text = await fetchText(url);
  return parseManifest(text, url.pathname, (relative) => fetchText(new URL(relative, url)));
}

/** `fetchManifest` with the manifest's test cases, for a test run. */
export async function fetchManifestWithTests(
  url: URL,
  fetchText: (url: URL) => Promise<string> = fetchOk,
): Promise<ModelWithTests> {
  const text = await fetchText(url);
  return parseManifestWithTests(text, url.pathname, (relative) =>
    fetchText(new URL(relative, url)),
  );
}

async function fetchOk(url: URL): Promise<string> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`HTTP ${response.status} for ${url.pathname}`);
  return response.text();
}
