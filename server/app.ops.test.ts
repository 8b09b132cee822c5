import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTwinbench, type TwinbenchServer } from './app.ts';
import { AuthConfigError } from './auth/authErrors.ts';
import { DEFAULT_CONFIG } from './config.ts';
import { createMemoryLogger } from './logger.ts';
import { waitFor } from './testing/waitFor.ts';
import { WsTestClient } from './testing/wsTestClient.ts';

// The whole server in-process, as operators and their monitoring see it.
let app: TwinbenchServer;
const logger = createMemoryLogger();

beforeAll(async () => {
  app = await startTwinbench(
    {
      ...DEFAULT_CONFIG,
      port: 0,
      mqtt: { kind: 'embedded', port: 0 },
      staticDir: '.test-results/no-such-build',
    },
    logger,
  );
});

afterAll(() => app.close());

describe('the server for operators', () => {
  it('says loudly that anyone on this machine may connect in the embedded default', () => {
    expect(
      logger.lines.find((l) => l.level === 'warn' && l.line.startsWith('AUTH DISABLED')),
    ).toBeDefined();
  });

  it('answers /healthz with the sources and clients', async () => {
    const source = await waitFor('the MQTT source connected', async () => {
      const body = (await (await fetch(`${app.url}healthz`)).json()) as {
        status: string;
        sources: { name: string; connected: boolean }[];
      };
      return body.status === 'ok' ? body : undefined;
    });
    expect(source.sources).toEqual([
      expect.objectContaining({ name: expect.stringMatching(/^mqtt /) as string, connected: true }),
    ]);
  });

  it('serves Prometheus metrics, counting audited commands', async () => {
    const client = await WsTestClient.connect(app.port);
    client.send({
      type: 'command',
      id: 'm1',
      command: { kind: 'setDamage', member: 4, health: 0.7 },
    });
    await client.waitFor('commandResult', (m) => m.type === 'commandResult');
    await client.close();
    const response = await fetch(`${app.url}metrics`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toMatch(/twinbench_relay_commands_total\{result="sent"\} 1/);
    expect(text).toContain('twinbench_process_cpu_seconds_total');
    expect(
      logger.lines.find((l) => l.line.includes('anonymous (operator) sent command')),
    ).toMatchObject({ fields: { who: 'anonymous', outcome: 'sent' } });
  });

  it('refuses to start anonymous on a public interface, naming the fix', async () => {
    await expect(
      startTwinbench({ ...DEFAULT_CONFIG, host: '0.0.0.0', port: 0 }, createMemoryLogger()),
    ).rejects.toThrow(AuthConfigError);
  });
});
