import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEAD_LETTER_TOPIC_PREFIX, startTwinbench, type TwinbenchServer } from './app.ts';
import { AuthConfigError } from './auth/authErrors.ts';
import { DEFAULT_CONFIG } from './config.ts';
import { PGLITE_MEMORY } from './registry/db/index.ts';
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
      registry: { ...DEFAULT_CONFIG.registry, dataDir: PGLITE_MEMORY },
      port: 0,
      mqtt: { kind: 'embedded', port: 0 },
      staticDir: '.test-results/no-such-build',
    },
    logger,
  );
});

afterAll(() => app.close());

describe('the server for operators', () => {
  it('serves the model registry, with the anonymous role on loopback', async () => {
    const models = await fetch(`${app.url}api/registry/models`);
    expect(models.status).toBe(200);
    expect(await models.json()).toEqual({ models: [] });
    const publish = await fetch(`${app.url}api/registry/models/pid/versions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(publish.status).toBe(403);
    const { error } = (await publish.json()) as { error: { message: string } };
    expect(error.message).toContain('TWINBENCH_ANONYMOUS_ROLE=author');
    const openApi = (await (await fetch(`${app.url}api/registry/openapi.json`)).json()) as {
      openapi: string;
    };
    expect(openApi.openapi).toBe('3.1.0');
  });

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

  it('keeps messages it cannot map as dead letters, on /api/dead-letters and a broker topic', async () => {
    const publisher = await mqtt.connectAsync(app.mqttUrl);
    const watcher = await mqtt.connectAsync(app.mqttUrl);
    const published: { topic: string; entry: { reason: string; topic: string } }[] = [];
    watcher.on('message', (topic, payload) =>
      published.push({ topic, entry: JSON.parse(payload.toString()) as never }),
    );
    await watcher.subscribeAsync(`${DEAD_LETTER_TOPIC_PREFIX}/#`);
    await publisher.publishAsync('twinbench/footbridge/sensors/broken', 'not json at all');
    await publisher.publishAsync('twinbench/footbridge/sensors/nan', '{"t": 5, "v": "x"}');
    type Page = { total: number; entries: { reason: string; topic: string; excerpt: string }[] };
    const page = await waitFor('two dead letters', async () => {
      const body = (await (await fetch(`${app.url}api/dead-letters?limit=10`)).json()) as Page;
      return body.total >= 2 ? body : undefined;
    });
    expect(page.entries.map((e) => e.topic)).toEqual([
      'twinbench/footbridge/sensors/nan',
      'twinbench/footbridge/sensors/broken',
    ]);
    expect(page.entries[1]).toMatchObject({ reason: 'undecodable', excerpt: 'not json at all' });
    await waitFor('dead letters on the broker', () => published.length >= 2);
    expect(published[0]).toMatchObject({
      topic: `${DEAD_LETTER_TOPIC_PREFIX}/mqtt`,
      entry: { topic: 'twinbench/footbridge/sensors/broken', reason: 'undecodable' },
    });
    const metrics = await (await fetch(`${app.url}metrics`)).text();
    expect(metrics).toMatch(
      /twinbench_relay_source_dead_letters_total\{source="mqtt",reason="undecodable"\} 1/,
    );
    expect((await fetch(`${app.url}api/dead-letters?limit=x`)).status).toBe(400);
    await publisher.endAsync();
    await watcher.endAsync();
  });

  it('refuses to start anonymous on a public interface, naming the fix', async () => {
    await expect(
      startTwinbench(
        {
          ...DEFAULT_CONFIG,
          registry: { ...DEFAULT_CONFIG.registry, dataDir: PGLITE_MEMORY },
          host: '0.0.0.0',
          port: 0,
        },
        createMemoryLogger(),
      ),
    ).rejects.toThrow(AuthConfigError);
  });

  // Last: it shuts the shared server down.
  it('shuts down gracefully: what was queued for a client reaches it before the close', async () => {
    const client = await WsTestClient.connect(app.port);
    client.send({ type: 'subscribe', channels: ['shutdown.probe'] });
    await new Promise((resolve) => setTimeout(resolve, 100));
    app.hub.ingest('shutdown.probe', 1_700_000_000_000, 42, 'test');
    await app.close();
    await waitFor('the close', () => client.closeCode);
    expect(client.closeCode).toBe(1001);
    expect(client.samples()).toContainEqual({
      channel: 'shutdown.probe',
      deviceTime: 1_700_000_000_000,
      value: 42,
    });
  });
});
