/**
 * The registry's OpenAPI 3.1 document: written by hand in `openapi.yaml` beside this file (YAML
 * reads better in review), served as JSON at `/api/registry/openapi.json`.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export const OPENAPI_FILE = new URL('./openapi.yaml', import.meta.url);

/** The document as parsed data. */
export function openApiDocument(): Record<string, unknown> {
  return parse(readFileSync(OPENAPI_FILE, 'utf8')) as Record<string, unknown>;
}

/** The document as the JSON text the route serves. */
export function loadOpenApiDocument(): string {
  return `${JSON.stringify(openApiDocument(), null, 2)}\n`;
}
