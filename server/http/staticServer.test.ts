import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createStaticHandler } from './staticServer.ts';

let server: Server | undefined;
let dir: string | undefined;

afterEach(async () => {
  if (server) {
    const closed = new Promise<void>((resolve) => server!.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
  server = dir = undefined;
});

async function serve(root: string): Promise<string> {
  server = createServer(createStaticHandler(root));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('static server', () => {
  it('answers 503 with how to build when the app is missing, then serves it once built', async () => {
    dir = mkdtempSync(join(tmpdir(), 'twinbench-static-'));
    const base = await serve(join(dir, 'dist'));
    const missing = await fetch(`${base}/`);
    expect(missing.status).toBe(503);
    expect(await missing.text()).toContain('npm run build');

    mkdirSync(join(dir, 'dist'));
    writeFileSync(join(dir, 'dist', 'index.html'), '<title>app</title>');
    const built = await fetch(`${base}/`);
    expect(built.status).toBe(200);
    expect(await built.text()).toContain('<title>app</title>');
  });

  it('serves files and falls back to index.html for app routes, not for missing assets', async () => {
    dir = mkdtempSync(join(tmpdir(), 'twinbench-static-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<title>app</title>');
    writeFileSync(join(dir, 'assets', 'main-abc123.js'), 'console.log(1)');
    const base = await serve(dir);

    const asset = await fetch(`${base}/assets/main-abc123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect(await asset.text()).toBe('console.log(1)');

    const route = await fetch(`${base}/twins/footbridge`);
    expect(route.status).toBe(200);
    expect(route.headers.get('cache-control')).toBe('no-cache');
    expect(await route.text()).toContain('<title>app</title>');

    expect((await fetch(`${base}/assets/missing.js`)).status).toBe(404);
  });
});
