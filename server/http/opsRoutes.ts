import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import { errorMessage } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { HealthReport } from '../metrics/health.ts';

export const HEALTH_PATH = '/healthz';
export const METRICS_PATH = '/metrics';

/** Answers the request and returns true, or returns false and leaves it to the next handler. */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

export interface OpsRoutesOptions {
  /** Where the relay metrics live (createRelayMetrics(registry)). */
  readonly registry: Registry;
  /** Called per /healthz request (createHealthCheck gives one). */
  readonly health: () => HealthReport;
  /** Told when collecting metrics fails; the scraper gets a 500 either way. */
  readonly logger?: Logger;
}

const ALLOW = 'GET, HEAD';

function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

function reply(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string,
): void {
  res.statusCode = status;
  res.setHeader('Content-Type', contentType);
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(req.method === 'HEAD' ? undefined : body);
}

/**
 * The operations endpoints, on the app's HTTP server in front of the static handler:
 * `GET /healthz` (200 with a HealthReport, 503 when its status is `down`) and `GET /metrics`
 * (Prometheus text exposition of `registry`). HEAD is answered like GET without a body; other
 * methods get 405. Any other path returns false, untouched.
 *
 * @example
 * const ops = createOpsRoutes({ registry, health });
 * const server = createServer((req, res) => ops(req, res) || staticHandler(req, res));
 */
export function createOpsRoutes(options: OpsRoutesOptions): RouteHandler {
  const { registry, health, logger } = options;

  const serveMetrics = async (req: IncomingMessage, res: ServerResponse) => {
    try {
      const text = await registry.metrics();
      reply(req, res, 200, registry.contentType, text);
    } catch (error) {
      logger?.error(`collecting metrics for ${METRICS_PATH} failed: ${errorMessage(error)}`);
      reply(
        req,
        res,
        500,
        'text/plain; charset=utf-8',
        'collecting metrics failed; see the relay log\n',
      );
    }
  };

  return (req, res) => {
    const path = pathOf(req);
    if (path !== HEALTH_PATH && path !== METRICS_PATH) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', ALLOW);
      reply(req, res, 405, 'text/plain; charset=utf-8', `${path} answers ${ALLOW} only\n`);
      return true;
    }
    if (path === METRICS_PATH) {
      void serveMetrics(req, res);
      return true;
    }
    let report: HealthReport;
    try {
      report = health();
    } catch (error) {
      // A throw here would escape into the HTTP server and take the process down.
      logger?.error(`health check for ${HEALTH_PATH} failed: ${errorMessage(error)}`);
      reply(req, res, 500, 'text/plain; charset=utf-8', 'health check failed; see the relay log\n');
      return true;
    }
    reply(
      req,
      res,
      report.status === 'down' ? 503 : 200,
      'application/json; charset=utf-8',
      `${JSON.stringify(report)}\n`,
    );
    return true;
  };
}
