import { connect } from 'node:net';

/** Whether something accepts TCP connections on 127.0.0.1:`port` (within `timeoutMs`). */
export function isPortOpen(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export interface ServiceCheck {
  /** e.g. `Mosquitto`. */
  readonly name: string;
  readonly port: number;
  /** The variable that sets the port, e.g. `TWINBENCH_MOSQUITTO_PORT`. */
  readonly portVariable: string;
}

interface SkippableContext {
  skip(note?: string): never;
}

/**
 * Makes an integration test depend on a service: if its port does not answer, the test fails
 * when TWINBENCH_REQUIRE_ALL=1 (CI) and is skipped with a loud warning otherwise.
 */
export async function requireService(ctx: SkippableContext, service: ServiceCheck): Promise<void> {
  if (await isPortOpen(service.port)) return;
  const how =
    `${service.name} is not reachable at 127.0.0.1:${service.port} (${service.portVariable}). ` +
    'Start the test services with `bash scripts/services/all.sh start`.';
  if (process.env.TWINBENCH_REQUIRE_ALL === '1') {
    throw new Error(`${how} TWINBENCH_REQUIRE_ALL=1 requires every integration test to run.`);
  }
  console.warn(`\n*** SKIPPING ${service.name} integration test: ${how} ***\n`);
  ctx.skip(`${service.name} not running`);
}

/** A port from an environment variable, or the default. */
export function servicePort(variable: string, fallback: number): number {
  const raw = process.env[variable];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`${variable}=${JSON.stringify(raw)} is not a port number`);
  }
  return port;
}
