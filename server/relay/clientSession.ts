import {
  RELAY_PROTOCOL_VERSION,
  encodeMessage,
  parseClientMessage,
  type ClientMessage,
  type RelayErrorReason,
  type ServerMessage,
} from '../../src/protocol/relay.ts';
import { errorMessage } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { CommandSink } from './commandSink.ts';
import type { RelayClient, RelayHub, RelaySocket } from './relayHub.ts';

export interface ClientSessionOptions {
  readonly socket: RelaySocket;
  readonly hub: RelayHub;
  readonly commands: CommandSink;
  readonly logger: Logger;
  /** Names this relay in the welcome, e.g. `twinbench-relay`. */
  readonly serverName: string;
  readonly now?: () => number;
}

export interface ClientSession {
  readonly client: RelayClient;
  /** Handles one text frame. Bad input gets an `error` message on this socket only. */
  handleText(raw: string): void;
  /** Binary frames are not part of the protocol; the client is told so. */
  handleBinary(): void;
  /** Lets go of the client; later command results are not sent. */
  close(): void;
}

/**
 * One client's side of the relay protocol: sends `welcome` and the channel table, then reads
 * hello/subscribe/unsubscribe/command messages. Nothing a client sends can close its
 * connection or reach other clients.
 */
export function openClientSession(options: ClientSessionOptions): ClientSession {
  const { socket, hub, commands, logger } = options;
  const now = options.now ?? Date.now;
  let open = true;
  const send = (message: ServerMessage) => {
    if (open) socket.send(encodeMessage(message));
  };
  const error = (reason: RelayErrorReason, message: string) =>
    send({ type: 'error', reason, message });

  send({
    type: 'welcome',
    protocol: RELAY_PROTOCOL_VERSION,
    server: options.serverName,
    serverTime: now(),
    commandsEnabled: commands.enabled,
  });
  const client = hub.addClient(socket);

  const runCommand = async (id: string, message: Extract<ClientMessage, { type: 'command' }>) => {
    try {
      const result = await commands.send(message.command);
      send({ type: 'commandResult', id, ok: true, message: result });
    } catch (reason) {
      logger.warn(`command ${message.command.kind} (${id}) failed: ${errorMessage(reason)}`);
      send({ type: 'commandResult', id, ok: false, message: errorMessage(reason) });
    }
  };

  const dispatch = (message: ClientMessage) => {
    switch (message.type) {
      case 'hello':
        // The version was checked by the parser; the welcome has already gone out.
        return;
      case 'subscribe':
        client.subscribe(message.channels);
        return;
      case 'unsubscribe':
        client.unsubscribe(message.channels);
        return;
      case 'command':
        void runCommand(message.id, message);
        return;
      default: {
        const unhandled: never = message;
        throw new Error(`clientSession: unhandled message ${JSON.stringify(unhandled)}`);
      }
    }
  };

  return {
    client,
    handleText(raw) {
      if (!open) return;
      const parsed = parseClientMessage(raw);
      if (!parsed.ok) {
        error(parsed.reason, parsed.error);
        return;
      }
      dispatch(parsed.message);
    },
    handleBinary() {
      error(
        'invalid_message',
        'binary frames are not part of the relay protocol: send JSON text frames',
      );
    },
    close() {
      open = false;
      hub.removeClient(client);
    },
  };
}
