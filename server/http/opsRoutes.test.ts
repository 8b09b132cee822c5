import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Gauge, Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../logger.ts';
import type { HealthReport } from '../metrics/health.ts';
import { createRelayMetrics } from '../metrics/relayMetrics.ts';
import { createOpsRoutes, type OpsRoutesOptions } from './opsRoutes.ts';

let server: Server | undefined;

afterEach(async () => {
  if (server) {
    const closed = new Promise<void>((resolve) => server!.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }
  server = undefined;
});

const okReport: HealthReport = {
  status: 'ok',
  sources: [{ name: 'mqtt', connected: true, received: 5, malformed: 0 }],
  clients: 2,
  uptimeS: 7,
};

/** Serves the ops routes in front of a fallback that answers 418, on a free port. */
async function serve(options: Partial<OpsRoutesOptions> = {}): Promise<string> {
  const registry = options.registry ?? new Registry();
  const ops = createOpsRoutes({ registry, health: () => okReport, ...options });
  server = createServer((req, res) => {
    if (ops(req, res)) return;
    res.statusCode = 418;
    res.end('fallback');
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('ops routes', () => {
  it('answers /healthz with the health report as JSON', async () => {
    const base = await serve();
    const response = await fetch(`${base}/healthz`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual(okReport);
  });

  it('answers 503 with the report when the relay is down', async () => {
    const down: HealthReport = { ...okReport, status: 'down', sources: [] };
    const base = await serve({ health: () => down });
    const response = await fetch(`${base}/healthz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual(down);
  });

  it('answers 200 while degraded', async () => {
    const base = await serve({ health: () => ({ ...okReport, status: 'degraded' }) });
    expect((await fetch(`${base}/healthz?probe=liveness`)).status).toBe(200);
  });

  it('serves the registry in Prometheus text format on /metrics', async () => {
    const registry = new Registry();
    const metrics = createRelayMetrics(registry, { defaultMetrics: false });
    metrics.source('mqtt').received(3);
    const base = await serve({ registry });
    const response = await fetch(`${base}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(registry.contentType);
    expect(registry.contentType).toContain('text/plain; version=0.0.4');
    const text = await response.text();
    expect(text).toContain('# TYPE twinbench_relay_source_samples_received_total counter');
    expect(text).toContain('twinbench_relay_source_samples_received_total{source="mqtt"} 3');
  });

  it('answers HEAD like GET without a body', async () => {
    const base = await serve();
    for (const path of ['/healthz', '/metrics']) {
      const response = await fetch(`${base}${path}`, { method: 'HEAD' });
      expect(response.status, path).toBe(200);
      expect(Number(response.headers.get('content-length')), path).toBeGreaterThan(0);
      expect(await response.text(), path).toBe('');
    }
  });

  it('refuses other methods with 405 and the methods it allows', async () => {
    const base = await serve();
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const response = await fetch(`${base}/metrics`, { method });
      expect(response.status, method).toBe(405);
      expect(response.headers.get('allow'), method).toBe('GET, HEAD');
    }
  });

  it('leaves every other path to the next handler', async () => {
    const base = await serve();
    for (const path of ['/', '/healthz/x', '/metricsx', '/assets/metrics']) {
      const response = await fetch(`${base}${path}`);
      expect(response.status, path).toBe(418);
      expect(await response.text(), path).toBe('fallback');
    }
  });

  it('answers 500 and logs when the health check throws, and keeps serving', async () => {
    const logger = createMemoryLogger();
    let fail = true;
    const base = await serve({
      logger,
      health: () => {
        if (fail) throw new Error('stats unavailable');
        return okReport;
      },
    });
    expect((await fetch(`${base}/healthz`)).status).toBe(500);
    expect(logger.lines).toEqual([
      { level: 'error', line: 'health check for /healthz failed: stats unavailable' },
    ]);
    fail = false;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('answers 500 and logs when collecting metrics fails', async () => {
    const registry = new Registry();
    registry.registerMetric(
      new Gauge({
        name: 'broken',
        help: 'throws on collect',
        registers: [],
        collect() {
          throw new Error('collector broke');
        },
      }),
    );
    const logger = createMemoryLogger();
    const base = await serve({ registry, logger });
    const response = await fetch(`${base}/metrics`);
    expect(response.status).toBe(500);
    expect(logger.lines[0]?.line).toContain('collector broke');
  });
});
