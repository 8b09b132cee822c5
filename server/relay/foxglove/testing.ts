/**
 * Test helpers for Foxglove sessions: a mock socket that parses what the session sends, and a
 * real HTTP + `ws` server that serves sessions on `foxglove.websocket.v1` for client tests. Not
 * the relay's WebSocket endpoint (server/relay/wsServer.ts): only what the tests need.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import {
  FOXGLOVE_SUBPROTOCOL,
  parseServerBinary,
  parseServerJson,
  type ServerBinaryMessage,
  type ServerJsonMessage,
} from '../../../src/protocol/foxglove.ts';
import type { TwinCommand } from '../../../src/protocol/relay.ts';
import { createAcl, type Acl } from '../../auth/acl.ts';
import { anonymousPrincipal, type Principal } from '../../auth/principal.ts';
import { createMemoryLogger, type MemoryLogger } from '../../logger.ts';
import {
  DEFAULT_CLIENT_LIMITS,
  createClientLimits,
  type ClientLimitsConfig,
} from '../clientLimits.ts';
import type { CommandSink } from '../commandSink.ts';
import { RelayHub, type RelayHubOptions } from '../relayHub.ts';
import {
  openFoxgloveSession,
  type FoxgloveSession,
  type FoxgloveSocket,
} from './foxgloveSession.ts';

type JsonOf<Op extends ServerJsonMessage['op']> = Extract<ServerJsonMessage, { op: Op }>;
type BinaryOf<Op extends ServerBinaryMessage['op']> = Extract<ServerBinaryMessage, { op: Op }>;

/** A FoxgloveSocket that keeps what is sent, parsed; set `bufferedAmount` to play a slow client. */
export class MockFoxgloveSocket implements FoxgloveSocket {
  bufferedAmount = 0;
  readonly sent: (string | Uint8Array)[] = [];

  send(data: string | Uint8Array): void {
    // Copy: the session may hand views of a buffer it owns.
    this.sent.push(typeof data === 'string' ? data : Uint8Array.from(data));
  }

  json(): ServerJsonMessage[] {
    return this.sent.flatMap((frame) => {
      if (typeof frame !== 'string') return [];
      const parsed = parseServerJson(frame);
      if (!parsed.ok) throw new Error(`MockFoxgloveSocket: ${parsed.error}`);
      return [parsed.message];
    });
  }

  ofOp<Op extends ServerJsonMessage['op']>(op: Op): JsonOf<Op>[] {
    return this.json().filter((m): m is JsonOf<Op> => m.op === op);
  }

  binary(): ServerBinaryMessage[] {
    return this.sent.flatMap((frame) => {
      if (typeof frame === 'string') return [];
      const parsed = parseServerBinary(frame);
      if (!parsed.ok) throw new Error(`MockFoxgloveSocket: ${parsed.error}`);
      return [parsed.message];
    });
  }

  ofBinary<Op extends ServerBinaryMessage['op']>(op: Op): BinaryOf<Op>[] {
    return this.binary().filter((m): m is BinaryOf<Op> => m.op === op);
  }

  /** The JSON payloads of every message-data frame, with their subscription and timestamp. */
  payloads(): { subscriptionId: number; timestamp: bigint; payload: unknown }[] {
    const decoder = new TextDecoder();
    return this.ofBinary('messageData').map((m) => ({
      subscriptionId: m.subscriptionId,
      timestamp: m.timestamp,
      payload: JSON.parse(decoder.decode(m.payload)) as unknown,
    }));
  }

  clear(): void {
    this.sent.length = 0;
  }
}

/** A CommandSink that keeps what it was sent and resolves (or rejects with `fail`). */
export function recordingCommandSink(fail?: Error): CommandSink & { readonly sent: TwinCommand[] } {
  const sent: TwinCommand[] = [];
  return {
    enabled: true,
    sent,
    send(command) {
      sent.push(command);
      return fail === undefined ? Promise.resolve(`${command.kind} applied`) : Promise.reject(fail);
    },
  };
}

export interface FoxgloveTestRelayOptions {
  readonly hub?: Partial<RelayHubOptions>;
  readonly principal?: Principal;
  readonly acl?: Acl;
  readonly limits?: ClientLimitsConfig;
  readonly commands?: CommandSink;
}

export interface FoxgloveTestRelay {
  readonly port: number;
  /** `ws://127.0.0.1:<port>/`. */
  readonly url: string;
  readonly hub: RelayHub;
  readonly logger: MemoryLogger;
  readonly commands: CommandSink;
  /** Open sessions, in connection order. */
  readonly sessions: FoxgloveSession[];
  close(): Promise<void>;
}

function bytesOf(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}

/**
 * Serves Foxglove sessions on 127.0.0.1 (port 0) over a real `ws` server that selects
 * `foxglove.websocket.v1`. The hub's timers are not started: call `hub.flush()` and
 * `hub.broadcastStats()`, or start it.
 */
export async function startFoxgloveTestRelay(
  options: FoxgloveTestRelayOptions = {},
): Promise<FoxgloveTestRelay> {
  const logger = createMemoryLogger();
  const hub = new RelayHub({ logger, ...options.hub });
  const commands = options.commands ?? recordingCommandSink();
  const acl = options.acl ?? createAcl();
  const principal = options.principal ?? anonymousPrincipal('operator');
  const server: Server = createServer((_req, res) => res.end());
  const wss = new WebSocketServer({
    server,
    handleProtocols: (protocols) =>
      protocols.has(FOXGLOVE_SUBPROTOCOL) ? FOXGLOVE_SUBPROTOCOL : false,
  });
  const sessions: FoxgloveSession[] = [];
  const sockets = new Set<WebSocket>();
  const decoder = new TextDecoder();
  wss.on('connection', (ws) => {
    sockets.add(ws);
    const session = openFoxgloveSession({
      socket: ws,
      hub,
      principal,
      acl,
      limits: createClientLimits(options.limits ?? DEFAULT_CLIENT_LIMITS),
      commands,
      logger,
      serverName: 'twinbench-test-relay',
    });
    sessions.push(session);
    ws.on('message', (data, isBinary) => {
      const bytes = bytesOf(data);
      if (isBinary) session.handleBinary(bytes);
      else session.handleText(decoder.decode(bytes));
    });
    ws.on('close', () => {
      session.close();
      sockets.delete(ws);
      sessions.splice(sessions.indexOf(session), 1);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `ws://127.0.0.1:${port}/`,
    hub,
    logger,
    commands,
    sessions,
    async close() {
      hub.stop();
      for (const ws of sockets) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
