import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ed25519CheckpointSigner, MemoryLeafStore, RunLog } from '../../runlog/index.ts';
import { createMemoryLogger } from '../../logger.ts';
import type { RegistryDb } from '../db/index.ts';
import { openApiDocument } from './openApiDocument.ts';
import { createRegistryRoutes } from './registryRoutes.ts';

async function registeredRoutes(): Promise<string[]> {
  const log = await RunLog.open({
    store: new MemoryLeafStore(),
    signers: [
      await ed25519CheckpointSigner('openapi.test/log', generateKeyPairSync('ed25519').privateKey),
    ],
  });
  // Listing routes touches no database.
  const routes = createRegistryRoutes({
    db: {} as RegistryDb,
    log,
    authenticate: () => Promise.reject(new Error('not called')),
    logger: createMemoryLogger(),
  }).routes;
  return routes.map((route) => `${route.method} ${route.path}`).sort();
}

describe('the registry OpenAPI document', () => {
  it('is OpenAPI 3.1 and lists exactly the routes the server registers', async () => {
    const document = openApiDocument();
    expect(document.openapi).toBe('3.1.0');
    const paths = document.paths as Record<string, Record<string, unknown>>;
    const documented = Object.entries(paths)
      .flatMap(([path, item]) =>
        Object.keys(item)
          .filter((key) => ['get', 'put', 'post', 'delete', 'patch'].includes(key))
          .map((method) => `${method.toUpperCase()} ${path}`),
      )
      .sort();
    expect(documented).toEqual(await registeredRoutes());
  });

  it('resolves every $ref it uses', () => {
    const document = openApiDocument();
    const refs = JSON.stringify(document).match(/"\$ref":"[^"]+"/g) ?? [];
    for (const ref of refs) {
      const pointer = ref.slice('"$ref":"#/'.length, -1).split('/');
      let node: unknown = document;
      for (const part of pointer) node = (node as Record<string, unknown> | undefined)?.[part];
      expect(node, ref).toBeDefined();
    }
  });
});
