import type { Server } from 'node:http';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { MAX_CLIENT_MESSAGE_BYTES, RELAY_WS_PATH } from '../../src/protocol/relay.ts';
import type { Logger } from '../logger.ts';
import { openClientSession, type ClientSession } from './clientSession.ts';
import type { CommandSink } from './commandSink.ts';
import type { RelayHub } from './relayHub.ts';

export interface RelayWsServerOptions {
  /** The HTTP server to take upgrades from; its owner listens and closes it. */
  readonly server: Server;
  readonly hub: RelayHub;
  readonly commands: CommandSink;
  readonly logger: Logger;
  readonly serverName?: string;
  /** How often idle connections are pinged; one that misses a pong is dropped. */
  readonly pingIntervalMs?: number;
  /** How long close() waits for clients to acknowledge the close before cutting them off. */
  readonly closeGraceMs?: number;
}

export interface RelayWsServer {
  readonly clientCount: number;
  /** Closes every client with 1001 (going away) and stops accepting connections. */
  close(): Promise<void>;
}

/**
 * Frames up to this size reach the protocol parser, which answers `message_too_large` above
 * MAX_CLIENT_MESSAGE_BYTES and keeps the connection; only larger ones make `ws` close it (1009).
 */
export const WS_MAX_PAYLOAD = 4 * MAX_CLIENT_MESSAGE_BYTES;

const decoder = new TextDecoder();

function frameText(data: RawData): string {
  if (Array.isArray(data)) return decoder.decode(Buffer.concat(data));
  return decoder.decode(data instanceof ArrayBuffer ? new Uint8Array(data) : data);
}

/**
 * Serves the relay protocol at RELAY_WS_PATH on `server`: one client session per connection.
 *
 * @example const relay = attachRelayWsServer({ server, hub, commands, logger });
 */
export function attachRelayWsServer(options: RelayWsServerOptions): RelayWsServer {
  const { hub, commands, logger } = options;
  const serverName = options.serverName ?? 'twinbench-relay';
  const wss = new WebSocketServer({
    server: options.server,
    path: RELAY_WS_PATH,
    maxPayload: WS_MAX_PAYLOAD,
    // Invalid UTF-8 then reaches the parser as malformed JSON and gets an error reply instead of
    // a closed connection.
    skipUTF8Validation: true,
  });
  const sessions = new Map<WebSocket, ClientSession>();
  const alive = new WeakSet<WebSocket>();

  wss.on('connection', (ws) => {
    alive.add(ws);
    const session = openClientSession({ socket: ws, hub, commands, logger, serverName });
    sessions.set(ws, session);
    ws.on('message', (data, isBinary) => {
      if (isBinary) session.handleBinary();
      else session.handleText(frameText(data));
    });
    ws.on('pong', () => alive.add(ws));
    ws.on('error', (error) => logger.warn(`client connection error: ${error.message}`));
    ws.on('close', () => {
      session.close();
      sessions.delete(ws);
    });
  });
  wss.on('error', (error) => logger.error(`WebSocket server error: ${error.message}`));

  const pinger = setInterval(() => {
    for (const ws of sessions.keys()) {
      if (!alive.has(ws)) {
        ws.terminate();
        continue;
      }
      alive.delete(ws);
      ws.ping();
    }
  }, options.pingIntervalMs ?? 30_000);

  let closing: Promise<void> | undefined;
  return {
    get clientCount() {
      return sessions.size;
    },
    close() {
      closing ??= (async () => {
        clearInterval(pinger);
        const clients = [...sessions.keys()];
        const closed = clients.map(
          (ws) => new Promise<void>((resolve) => ws.once('close', () => resolve())),
        );
        for (const ws of clients) ws.close(1001, 'relay shutting down');
        const grace = new Promise<void>((resolve) => {
          setTimeout(resolve, options.closeGraceMs ?? 1000).unref();
        });
        await Promise.race([Promise.all(closed), grace]);
        for (const ws of sessions.keys()) ws.terminate();
        await Promise.all(closed);
        await new Promise<void>((resolve) => wss.close(() => resolve()));
      })();
      return closing;
    },
  };
}
