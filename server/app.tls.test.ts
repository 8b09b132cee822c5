import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { RELAY_WS_PATH } from '../src/protocol/relay.ts';
import { startTwinbench, type TwinbenchServer } from './app.ts';
import { DEFAULT_CONFIG } from './config.ts';
import { PGLITE_MEMORY } from './registry/db/index.ts';
import { StartupError } from './errors.ts';
import { createMemoryLogger } from './logger.ts';

// With a certificate the relay serves HTTPS and WSS; a self-signed one for localhost here.
const dir = mkdtempSync(join(tmpdir(), 'twinbench-tls-'));
const certFile = join(dir, 'cert.pem');
const keyFile = join(dir, 'key.pem');
let app: TwinbenchServer;
let ca: Buffer;

beforeAll(async () => {
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
      ...['-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'],
      ...['-days', '1', '-keyout', keyFile, '-out', certFile],
    ],
    { stdio: 'ignore' },
  );
  ca = readFileSync(certFile);
  app = await startTwinbench(
    {
      ...DEFAULT_CONFIG,
      registry: { ...DEFAULT_CONFIG.registry, dataDir: PGLITE_MEMORY },
      port: 0,
      mqtt: { kind: 'embedded', port: 0 },
      fleet: false,
      staticDir: '.test-results/no-such-build',
      tls: { certFile, keyFile },
    },
    createMemoryLogger(),
  );
});

afterAll(() => app.close());

describe('the server with a TLS certificate', () => {
  it('serves HTTPS and the relay over WSS', async () => {
    expect(app.url).toMatch(/^https:\/\/localhost:\d+\/$/);
    const status = await new Promise<number>((resolve, reject) =>
      get(`${app.url}healthz`, { ca }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject),
    );
    expect([200, 503]).toContain(status);
    const ws = new WebSocket(`wss://localhost:${app.port}${RELAY_WS_PATH}`, { ca });
    const first = await new Promise<string>((resolve, reject) => {
      ws.once('message', (data: Buffer) => resolve(data.toString()));
      ws.once('error', reject);
    });
    expect(JSON.parse(first)).toMatchObject({ type: 'welcome' });
    ws.close();
  });

  it('refuses to start with a certificate it cannot read, naming the variables', async () => {
    const error = await startTwinbench(
      {
        ...DEFAULT_CONFIG,
        registry: { ...DEFAULT_CONFIG.registry, dataDir: PGLITE_MEMORY },
        port: 0,
        mqtt: { kind: 'embedded', port: 0 },
        fleet: false,
        tls: { certFile: join(dir, 'missing.pem'), keyFile },
      },
      createMemoryLogger(),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StartupError);
    expect((error as Error).message).toMatch(/TWINBENCH_TLS_CERT and TWINBENCH_TLS_KEY/);
  });
});
