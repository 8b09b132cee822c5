import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { FOXGLOVE_SUBPROTOCOL } from '../../src/protocol/foxglove.ts';
import { createAcl, defaultAclConfig, type Acl } from '../auth/acl.ts';
import { AuthError } from '../auth/authErrors.ts';
import { anonymousPrincipal, type Principal } from '../auth/principal.ts';
import { redactToken } from '../auth/tokenFromRequest.ts';
import { errorMessage } from '../errors.ts';
import {
  MAX_CLIENT_MESSAGE_BYTES,
  RELAY_CLOSE_CODES,
  RELAY_WS_PATH,
} from '../../src/protocol/relay.ts';
import type { Logger } from '../logger.ts';
import { createClientLimits, type ClientLimitsConfig } from './clientLimits.ts';
import { openClientSession, type CommandAudit } from './clientSession.ts';
import { openFoxgloveSession } from './foxglove/foxgloveSession.ts';
import type { RelayMetrics } from '../metrics/relayMetrics.ts';
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
  /**
   * Who an upgrade request is; rejecting with an AuthError refuses it with 401 and the error's
   * message. Without it every client is an anonymous operator (tests, embedding).
   */
  readonly authenticate?: (request: IncomingMessage) => Promise<Principal>;
  readonly acl?: Acl;
  /** Per-client message size, subscription and rate limits; the defaults when not given. */
  readonly limits?: ClientLimitsConfig;
  /** Called for each refused upgrade, e.g. to count it by reason. */
  readonly onAuthFailure?: (reason: string) => void;
  /** The audit trail of commands: who asked for what, when, and what came of it. */
  readonly audit?: (entry: CommandAudit) => void;
  /** Per-client delivery, drop and queue metrics of Foxglove clients. */
  readonly metrics?: RelayMetrics;
}

/** What the server needs of a protocol session, JSON relay or Foxglove. */
interface Session {
  handleText(raw: string): void;
  handleBinary(bytes: Uint8Array): void;
  close(): void;
}

/** Close code for a connection whose token expired while it was open (private range 4000–4999). */
export const CLOSE_TOKEN_EXPIRED = RELAY_CLOSE_CODES.tokenExpired;

export interface RelayWsServer {
  readonly clientCount: number;
  /**
   * Resolves once every client's socket has written what was handed to it, or after
   * `timeoutMs`: a graceful shutdown drains before it closes.
   */
  drain(timeoutMs: number): Promise<void>;
  /** Closes every client with 1001 (going away) and stops accepting connections. */
  close(): Promise<void>;
}

/**
 * Frames up to this size reach the protocol parser, which answers `message_too_large` above
 * MAX_CLIENT_MESSAGE_BYTES and keeps the connection; only larger ones make `ws` close it (1009).
 */
export const WS_MAX_PAYLOAD = 4 * MAX_CLIENT_MESSAGE_BYTES;

const decoder = new TextDecoder();

function frameBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}

const frameText = (data: RawData) => decoder.decode(frameBytes(data));

/**
 * Serves the relay protocol at RELAY_WS_PATH on `server`: one client session per connection.
 *
 * @example const relay = attachRelayWsServer({ server, hub, commands, logger });
 */
export function attachRelayWsServer(options: RelayWsServerOptions): RelayWsServer {
  const { hub, commands, logger } = options;
  const serverName = options.serverName ?? 'twinbench-relay';
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: WS_MAX_PAYLOAD,
    // Invalid UTF-8 then reaches the parser as malformed JSON and gets an error reply instead of
    // a closed connection.
    skipUTF8Validation: true,
    // Foxglove Studio and Lichtblick ask for their protocol; the workbench asks for none.
    handleProtocols: (protocols) =>
      protocols.has(FOXGLOVE_SUBPROTOCOL) ? FOXGLOVE_SUBPROTOCOL : false,
  });
  const sessions = new Map<WebSocket, Session>();
  const acl = options.acl ?? createAcl(defaultAclConfig());
  const alive = new WeakSet<WebSocket>();
  const authenticate =
    options.authenticate ?? (() => Promise.resolve(anonymousPrincipal('operator')));

  const refuse = (socket: Duplex, status: 401 | 404 | 500, text: string) => {
    const body = Buffer.from(`${text}\n`);
    const title = { 401: 'Unauthorized', 404: 'Not Found', 500: 'Internal Server Error' }[status];
    socket.end(
      `HTTP/1.1 ${status} ${title}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
        `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${body.toString()}`,
    );
  };

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(request.url ?? '/', 'http://relay').pathname;
    if (path !== RELAY_WS_PATH) {
      refuse(socket, 404, `no WebSocket endpoint at ${path}; the relay is at ${RELAY_WS_PATH}`);
      return;
    }
    socket.on('error', () => socket.destroy());
    authenticate(request).then(
      (principal) =>
        wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, principal)),
      (error: unknown) => {
        const reason = error instanceof AuthError ? error.reason : 'error';
        options.onAuthFailure?.(reason);
        logger.warn(
          `refused a connection from ${request.socket.remoteAddress ?? '?'} to ${redactToken(request.url ?? '')}: ${errorMessage(error)}`,
        );
        if (error instanceof AuthError) refuse(socket, 401, error.message);
        else refuse(socket, 500, 'the relay could not check the token; see its log');
      },
    );
  };
  options.server.on('upgrade', onUpgrade);

  wss.on('connection', (ws: WebSocket, principal: Principal) => {
    alive.add(ws);
    const common = {
      socket: ws,
      hub,
      commands,
      logger,
      serverName,
      principal,
      acl,
      limits: createClientLimits(options.limits),
      ...(options.audit ? { audit: options.audit } : {}),
    };
    const session: Session =
      ws.protocol === FOXGLOVE_SUBPROTOCOL
        ? openFoxgloveSession({
            ...common,
            ...(options.metrics ? { metrics: options.metrics } : {}),
          })
        : openClientSession({
            ...common,
            ...(options.metrics ? { metrics: options.metrics } : {}),
          });
    sessions.set(ws, session);
    if (principal.expiresAt !== null) {
      // A token is good for a connection only while it is valid: past its expiry, reconnect
      // with a fresh one. (setTimeout holds at most ~24.8 days; longer tokens are checked daily.)
      const expire = () => {
        const left = principal.expiresAt! - Date.now();
        if (left <= 0) ws.close(CLOSE_TOKEN_EXPIRED, 'token expired: reconnect with a new token');
        else timer = setTimeout(expire, Math.min(left, 86_400_000));
      };
      let timer = setTimeout(expire, 0);
      ws.once('close', () => clearTimeout(timer));
    }
    ws.on('message', (data, isBinary) => {
      if (isBinary) session.handleBinary(frameBytes(data));
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
    async drain(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (
        Date.now() < deadline &&
        [...sessions.keys()].some((ws) => ws.readyState === ws.OPEN && ws.bufferedAmount > 0)
      )
        await new Promise((resolve) => setTimeout(resolve, 10));
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
        options.server.off('upgrade', onUpgrade);
        await new Promise<void>((resolve) => wss.close(() => resolve()));
      })();
      return closing;
    },
  };
}
