import { createServer, type Socket } from 'node:net';
import { Aedes } from 'aedes';
import { StartupError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { isPortInUse, listen } from '../listen.ts';

export interface EmbeddedBroker {
  /** `mqtt://127.0.0.1:<port>` with the port actually bound. */
  readonly url: string;
  readonly port: number;
  /** Disconnects every client and stops listening. */
  close(): Promise<void>;
}

/** Loopback only: the embedded broker is for this machine's fleet, relay and tools. */
export const EMBEDDED_BROKER_HOST = '127.0.0.1';

/**
 * Starts an aedes MQTT broker on 127.0.0.1:`port` (0 picks a free port).
 *
 * @example const broker = await startEmbeddedBroker(11883, logger); // broker.url
 */
export async function startEmbeddedBroker(port: number, logger: Logger): Promise<EmbeddedBroker> {
  const broker = await Aedes.createBroker();
  broker.on('clientError', (client, error) => {
    logger.warn(`client ${client.id} error: ${error.message}`);
  });
  const server = createServer(broker.handle);
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  let bound: number;
  try {
    bound = await listen(server, port, EMBEDDED_BROKER_HOST);
  } catch (error) {
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    if (isPortInUse(error)) {
      throw new StartupError(
        'port_in_use',
        `The embedded MQTT broker cannot listen on ${EMBEDDED_BROKER_HOST}:${port}: the port is in use. ` +
          'Set TWINBENCH_MQTT_PORT to a free port (0 picks one), or TWINBENCH_MQTT_URL to use a broker you run.',
        { cause: error },
      );
    }
    throw new StartupError(
      'listen_failed',
      `The embedded MQTT broker cannot listen on ${EMBEDDED_BROKER_HOST}:${port} (${(error as Error).message}). ` +
        'Set TWINBENCH_MQTT_PORT to another port.',
      { cause: error },
    );
  }
  server.on('error', (error) => logger.error(`broker server error: ${error.message}`));

  let closing: Promise<void> | undefined;
  return {
    url: `mqtt://${EMBEDDED_BROKER_HOST}:${bound}`,
    port: bound,
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const socket of sockets) socket.destroy();
        await new Promise<void>((resolve) => broker.close(() => resolve()));
        await stopped;
      })();
      return closing;
    },
  };
}
