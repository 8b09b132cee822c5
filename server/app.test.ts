import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FOOTBRIDGE_TOPIC_PREFIX } from '../src/protocol/telemetry.ts';
import { STATUS_CHANNELS } from '../src/twin/footbridge.ts';
import { startTwinbench, type TwinbenchServer } from './app.ts';
import { DEFAULT_CONFIG } from './config.ts';
import { PGLITE_MEMORY } from './registry/db/index.ts';
import { createMemoryLogger } from './logger.ts';
import { waitFor } from './testing/waitFor.ts';
import { WsTestClient } from './testing/wsTestClient.ts';

// The whole server in-process: embedded broker, sensor fleet, relay, static app.
let app: TwinbenchServer;
let client: WsTestClient;
const logger = createMemoryLogger();
const baseline = new Map<string, number>();

function resourceCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const name of process.getActiveResourcesInfo())
    counts.set(name, (counts.get(name) ?? 0) + 1);
  return counts;
}

beforeAll(async () => {
  for (const [name, n] of resourceCounts()) baseline.set(name, n);
  app = await startTwinbench(
    {
      ...DEFAULT_CONFIG,
      registry: { ...DEFAULT_CONFIG.registry, dataDir: PGLITE_MEMORY },
      port: 0,
      mqtt: { kind: 'embedded', port: 0 },
      staticDir: '.test-results/no-such-build',
      seed: 3,
    },
    logger,
  );
  client = await WsTestClient.connect(app.port);
  client.send({ type: 'hello', protocol: 1, client: 'app.test' });
  client.send({ type: 'subscribe', channels: '*' });
});

afterAll(async () => {
  await client.close();
  await app.close();
});

const samplesOf = (channel: string) => client.samples().filter((s) => s.channel === channel);

describe('Twinbench server end to end', () => {
  it('serves a page at its URL', async () => {
    expect(app.url).toBe(`http://localhost:${app.port}/`);
    const response = await fetch(`http://127.0.0.1:${app.port}/`);
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('npm run build');
  });

  it('announces the fleet channels with units', async () => {
    const channels = await waitFor('disp.z.L50 announced', () =>
      client.ofType('channels').find((m) => m.channels.some((c) => c.name === 'disp.z.L50')),
    );
    expect(channels.channels.find((c) => c.name === 'disp.z.L50')).toMatchObject({
      unit: 'mm',
      source: `mqtt:${FOOTBRIDGE_TOPIC_PREFIX}/disp.z.L50`,
    });
  });

  it('streams each sensor channel at about 100 Hz', async () => {
    await waitFor('samples flowing', () => samplesOf('disp.z.L50').length > 20);
    // Device time follows the wall clock, so a 2 s window of device time should hold 200
    // samples of each channel once the relay has delivered them.
    const from = Date.now();
    const to = from + 2000;
    await waitFor(
      'window delivered',
      () => samplesOf('disp.z.L50').some((s) => s.deviceTime >= to + 100),
      5000,
    );
    for (const channel of ['disp.z.L50', 'acc.z.R50', 'strain.diag.R14']) {
      const window = samplesOf(channel).filter((s) => s.deviceTime >= from && s.deviceTime < to);
      console.info(
        `${channel}: ${window.length} samples in 2 s of device time (${window.length / 2} Hz)`,
      );
      expect(window.length).toBeGreaterThan(180);
      expect(window.length).toBeLessThanOrEqual(200);
      const steps = window.slice(1).map((s, i) => s.deviceTime - window[i]!.deviceTime);
      expect(steps.filter((step) => step !== 10).length).toBeLessThanOrEqual(1);
    }
  });

  it('counts garbage on a sensor topic as malformed and keeps serving', async () => {
    const publisher = await mqtt.connectAsync(app.mqttUrl, { reconnectPeriod: 0 });
    try {
      await publisher.publishAsync(`${FOOTBRIDGE_TOPIC_PREFIX}/disp.z.L50`, 'garbage {{{');
      await publisher.publishAsync(
        `${FOOTBRIDGE_TOPIC_PREFIX}/disp.z.L50`,
        Buffer.from([0xff, 0x00]),
      );
    } finally {
      await publisher.endAsync();
    }
    const stats = await waitFor(
      'malformed counted',
      () => client.ofType('stats').find((m) => m.sources.some((s) => s.malformed >= 2)),
      4000,
    );
    expect(stats.sources[0]!.lastError).toContain('disp.z.L50');
    const before = samplesOf('disp.z.L50').length;
    await waitFor('samples still flowing', () => samplesOf('disp.z.L50').length > before + 20);
    expect((await fetch(`http://127.0.0.1:${app.port}/`)).status).toBe(503);
  });

  it('applies a setDamage command sent over the WebSocket', async () => {
    client.send({
      type: 'command',
      id: 'damage-1',
      command: { kind: 'setDamage', member: 12, health: 0.4 },
    });
    const result = await client.waitFor('commandResult', (m) => m.type === 'commandResult');
    expect(result).toMatchObject({ id: 'damage-1', ok: true });
    // The two status channels are published together but may reach the client in two batches.
    await waitFor(
      'damaged member and its health reported',
      () =>
        samplesOf(STATUS_CHANNELS.damagedMember).some((s) => s.value === 12) &&
        samplesOf(STATUS_CHANNELS.damageHealth).at(-1)?.value === 0.4,
    );

    client.send({
      type: 'command',
      id: 'damage-2',
      command: { kind: 'setDamage', member: 100_000, health: 0.4 },
    });
    const refused = await client.waitFor(
      'second commandResult',
      (m) => m.type === 'commandResult' && m.id === 'damage-2',
    );
    expect(refused).toMatchObject({ ok: false });
  });

  it('closes everything it opened', async () => {
    await client.close();
    await app.close();
    await waitFor(
      'sockets, servers and timers released',
      () => {
        const now = resourceCounts();
        return [...now].every(([name, n]) => name === 'TTYWrap' || n <= (baseline.get(name) ?? 0));
      },
      3000,
    ).catch(() => {
      throw new Error(
        `still open: ${JSON.stringify([...resourceCounts()])} (baseline ${JSON.stringify([...baseline])})`,
      );
    });
    expect(logger.lines.filter((l) => l.level === 'error')).toEqual([]);
  });
});
