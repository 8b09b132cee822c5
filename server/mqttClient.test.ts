import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { connectMqtt, reconnectDelay } from './mqttClient.ts';
import { waitFor } from './testing/waitFor.ts';

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

describe('MQTT client connection', () => {
  it('doubles the reconnect wait up to a cap', () => {
    expect([0, 1, 2, 3, 4, 5, 6].map((n) => reconnectDelay(n, 1000, 30_000))).toEqual([
      1000, 2000, 4000, 8000, 16000, 30000, 30000,
    ]);
    expect(reconnectDelay(1e6, 1000, 30_000)).toBe(30_000);
  });

  it('backs off while a broker refuses it', async () => {
    // A "broker" that accepts TCP and hangs up at once: every attempt fails quickly.
    const attempts: number[] = [];
    const server: Server = createServer((socket) => {
      attempts.push(Date.now());
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const { port } = server.address() as AddressInfo;
    const mqtt = connectMqtt(`mqtt://127.0.0.1:${port}`, 'test', {
      reconnectMs: 50,
      maxReconnectMs: 400,
    });
    closers.push(() => mqtt.close());
    await waitFor('five attempts', () => attempts.length >= 5, 10_000);
    const gaps = attempts.slice(1).map((t, i) => t - attempts[i]!);
    // 50, 100, 200, 400 ms: each gap at least the back-off (timers never fire early).
    expect(gaps[1]!).toBeGreaterThanOrEqual(95);
    expect(gaps[2]!).toBeGreaterThanOrEqual(195);
    expect(gaps[3]!).toBeGreaterThanOrEqual(395);
  });
});
