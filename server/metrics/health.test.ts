import { describe, expect, it } from 'vitest';
import type { SourceStats } from '../../src/protocol/relay.ts';
import { HEALTH_GRACE_MS, createHealthCheck, healthFromSources } from './health.ts';

const source = (
  name: string,
  connected: boolean,
  extra: Partial<SourceStats> = {},
): SourceStats => ({
  name,
  connected,
  received: 10,
  malformed: 1,
  ...extra,
});

describe('healthFromSources', () => {
  it('is ok when every source is connected', () => {
    const report = healthFromSources([source('mqtt', true), source('kafka', true)], 0, {
      lastConnectedAt: 0,
    });
    expect(report.status).toBe('ok');
  });

  it('is degraded when some source is not connected', () => {
    const report = healthFromSources([source('mqtt', true), source('kafka', false)], 1e9, {
      lastConnectedAt: 0,
    });
    expect(report.status).toBe('degraded');
  });

  it('is degraded while no source is connected for less than the grace period, then down', () => {
    const sources = [source('mqtt', false)];
    const at = (now: number) => healthFromSources(sources, now, { lastConnectedAt: 1000 }).status;
    expect(at(1000 + HEALTH_GRACE_MS)).toBe('degraded');
    expect(at(1001 + HEALTH_GRACE_MS)).toBe('down');
    expect(healthFromSources(sources, 1200, { lastConnectedAt: 1000, graceMs: 100 }).status).toBe(
      'down',
    );
  });

  it('treats a relay without sources like one whose sources are all disconnected', () => {
    expect(healthFromSources([], 10, { lastConnectedAt: 0 }).status).toBe('degraded');
    expect(healthFromSources([], HEALTH_GRACE_MS + 1, { lastConnectedAt: 0 }).status).toBe('down');
  });

  it('reports each source with URL credentials hidden', () => {
    const { sources } = healthFromSources(
      [
        source('mqtt mqtt://relay:s3cret@broker:1883', false, {
          lastError: 'connect ECONNREFUSED mqtt://relay:s3cret@broker:1883',
        }),
        source('kafka:telemetry', true),
      ],
      0,
      { lastConnectedAt: 0 },
    );
    expect(sources).toEqual([
      {
        name: 'mqtt mqtt://***@broker:1883',
        connected: false,
        received: 10,
        malformed: 1,
        lastError: 'connect ECONNREFUSED mqtt://***@broker:1883',
      },
      { name: 'kafka:telemetry', connected: true, received: 10, malformed: 1 },
    ]);
  });
});

describe('createHealthCheck', () => {
  it('gives a grace period from startup, then reports down until a source connects', () => {
    let now = 5000;
    let connected = false;
    const health = createHealthCheck({
      sourceStats: () => [source('mqtt', connected)],
      clientCount: () => 3,
      graceMs: 1000,
      now: () => now,
    });
    expect(health()).toMatchObject({ status: 'degraded', clients: 3, uptimeS: 0 });
    now = 6500;
    expect(health()).toMatchObject({ status: 'down', uptimeS: 1 });
    connected = true;
    expect(health().status).toBe('ok');
  });

  it('counts an outage from the last probe that saw a source connected', () => {
    let now = 0;
    let connected = true;
    const health = createHealthCheck({
      sourceStats: () => [source('mqtt', connected)],
      clientCount: () => 0,
      graceMs: 1000,
      now: () => now,
    });
    now = 10_000;
    expect(health().status).toBe('ok');
    connected = false;
    now = 10_900;
    expect(health().status).toBe('degraded');
    now = 11_001;
    expect(health().status).toBe('down');
  });
});
