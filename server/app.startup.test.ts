import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTwinbench } from './app.ts';
import { DEFAULT_CONFIG } from './config.ts';
import { PGLITE_MEMORY } from './registry/db/index.ts';
import { StartupError } from './errors.ts';
import { createMemoryLogger } from './logger.ts';
import { waitFor } from './testing/waitFor.ts';

let blocker: Server;
let blockedPort: number;

beforeAll(async () => {
  blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  blockedPort = (blocker.address() as { port: number }).port;
});

afterAll(() => new Promise<void>((resolve) => blocker.close(() => resolve())));

const handles = () => process.getActiveResourcesInfo().filter((name) => name !== 'TTYWrap').length;

describe('startTwinbench failures', () => {
  it('reports a taken HTTP port and closes what it had started', async () => {
    const before = handles();
    const error = await startTwinbench(
      {
        ...DEFAULT_CONFIG,
        registry: { ...DEFAULT_CONFIG.registry, dataDir: PGLITE_MEMORY },
        port: blockedPort,
        mqtt: { kind: 'embedded', port: 0 },
      },
      createMemoryLogger(),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StartupError);
    expect(error).toMatchObject({ reason: 'port_in_use' });
    expect((error as Error).message).toContain('TWINBENCH_PORT');
    await waitFor('everything closed again', () => handles() <= before, 3000);
  });

  it('reports a taken MQTT port', async () => {
    const error = await startTwinbench(
      {
        ...DEFAULT_CONFIG,
        registry: { ...DEFAULT_CONFIG.registry, dataDir: PGLITE_MEMORY },
        port: 0,
        mqtt: { kind: 'embedded', port: blockedPort },
      },
      createMemoryLogger(),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: 'port_in_use' });
    expect((error as Error).message).toContain('TWINBENCH_MQTT_PORT');
  });
});
