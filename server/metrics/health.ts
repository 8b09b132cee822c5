import type { SourceStats } from '../../src/protocol/relay.ts';
import { redactCredentials } from './redact.ts';

/**
 * `ok`: every source connected. `degraded`: some source is not, or none is but for less than
 * the grace period (starting up, a broker restart). `down`: no source connected for longer than
 * the grace period; the relay has nothing to relay.
 */
export type HealthStatus = 'ok' | 'degraded' | 'down';

export interface SourceHealth {
  /** The source's name with any URL credentials hidden. */
  readonly name: string;
  readonly connected: boolean;
  readonly received: number;
  readonly malformed: number;
  readonly lastError?: string;
}

/** The body of `GET /healthz`. */
export interface HealthReport {
  readonly status: HealthStatus;
  readonly sources: readonly SourceHealth[];
  /** WebSocket clients connected now. */
  readonly clients: number;
  /** Seconds since the health check was created (about when the relay started). */
  readonly uptimeS: number;
}

/** How long the relay may have no source connected before it reports `down`. */
export const HEALTH_GRACE_MS = 30_000;

export interface SourceWindow {
  /** When a source was last seen connected (or when the relay started, if never), ms. */
  readonly lastConnectedAt: number;
  readonly graceMs?: number;
}

/**
 * Judges the relay's health from its sources at `now` (ms). Pure: the caller keeps
 * `lastConnectedAt`, as createHealthCheck does.
 *
 * @example
 * healthFromSources(stats, Date.now(), { lastConnectedAt: startedAt });
 */
export function healthFromSources(
  sourceStats: readonly SourceStats[],
  now: number,
  window: SourceWindow,
): { readonly status: HealthStatus; readonly sources: readonly SourceHealth[] } {
  const sources = sourceStats.map((stats): SourceHealth => {
    const base = {
      name: redactCredentials(stats.name),
      connected: stats.connected,
      received: stats.received,
      malformed: stats.malformed,
    };
    return stats.lastError === undefined
      ? base
      : { ...base, lastError: redactCredentials(stats.lastError) };
  });
  const connected = sources.filter((source) => source.connected).length;
  let status: HealthStatus;
  if (connected > 0) status = connected === sources.length ? 'ok' : 'degraded';
  else
    status =
      now - window.lastConnectedAt > (window.graceMs ?? HEALTH_GRACE_MS) ? 'down' : 'degraded';
  return { status, sources };
}

export interface HealthCheckOptions {
  readonly sourceStats: () => readonly SourceStats[];
  readonly clientCount: () => number;
  readonly graceMs?: number;
  readonly now?: () => number;
}

/**
 * A `health` function for createOpsRoutes. It remembers when it last saw a source connected;
 * it only looks when asked, so an outage between two probes counts from the earlier probe.
 * Startup counts as connected: the grace period runs from creation.
 *
 * @example
 * const health = createHealthCheck({
 *   sourceStats: () => sources.map((s) => s.stats()),
 *   clientCount: () => hub.clientCount,
 * });
 */
export function createHealthCheck(options: HealthCheckOptions): () => HealthReport {
  const now = options.now ?? Date.now;
  const startedAt = now();
  let lastConnectedAt = startedAt;
  return () => {
    const t = now();
    const stats = options.sourceStats();
    if (stats.some((source) => source.connected)) lastConnectedAt = t;
    const window =
      options.graceMs === undefined
        ? { lastConnectedAt }
        : { lastConnectedAt, graceMs: options.graceMs };
    const { status, sources } = healthFromSources(stats, t, window);
    return {
      status,
      sources,
      clients: options.clientCount(),
      uptimeS: Math.max(0, Math.floor((t - startedAt) / 1000)),
    };
  };
}
