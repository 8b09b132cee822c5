import {
  RELAY_PROTOCOL_VERSION,
  encodeMessage,
  parseClientMessage,
  type ClientMessage,
  type RelayErrorReason,
  type ServerMessage,
} from '../../src/protocol/relay.ts';
import { FOOTBRIDGE_COMMAND_TOPIC } from '../../src/protocol/telemetry.ts';
import { createAcl, defaultAclConfig, type Acl } from '../auth/acl.ts';
import { anonymousPrincipal, type Principal } from '../auth/principal.ts';
import { errorMessage } from '../errors.ts';
import type { ClientLimits } from './clientLimits.ts';
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
  /** Who the client is; an anonymous operator when not given (tests, embedding). */
  readonly principal?: Principal;
  /** What the principal may do; the default ACL when not given. */
  readonly acl?: Acl;
  /** Size and rate limits on what the client sends; none when not given. */
  readonly limits?: ClientLimits;
  /** The topic twin commands are published to, checked against the ACL. */
  readonly commandTopic?: string;
  /** Sees every command a client asks for, allowed or not: the audit trail. */
  readonly audit?: (entry: CommandAudit) => void;
  readonly now?: () => number;
}

/** One command as the audit trail records it: who asked, what, when, and what came of it. */
export interface CommandAudit {
  readonly at: number;
  readonly who: string;
  readonly role: Principal['role'];
  readonly topic: string;
  readonly command: unknown;
  readonly outcome: 'sent' | 'forbidden' | 'failed';
  readonly message: string;
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
  const principal = options.principal ?? anonymousPrincipal('operator');
  const acl = options.acl ?? createAcl(defaultAclConfig());
  const commandTopic = options.commandTopic ?? FOOTBRIDGE_COMMAND_TOPIC;
  const audit = (command: unknown, outcome: CommandAudit['outcome'], message: string) =>
    options.audit?.({
      at: now(),
      who: principal.subject,
      role: principal.role,
      topic: commandTopic,
      command,
      outcome,
      message,
    });
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
    commandsEnabled: commands.enabled && acl.canPublish(principal, commandTopic),
  });
  const client = hub.addClient(socket);

  const runCommand = async (id: string, message: Extract<ClientMessage, { type: 'command' }>) => {
    const allowed = acl.check(principal, 'publish', commandTopic);
    if (!allowed.ok) {
      audit(message.command, 'forbidden', allowed.message);
      send({ type: 'commandResult', id, ok: false, message: allowed.message });
      return;
    }
    try {
      const result = await commands.send(message.command);
      audit(message.command, 'sent', result);
      send({ type: 'commandResult', id, ok: true, message: result });
    } catch (reason) {
      logger.warn(`command ${message.command.kind} (${id}) failed: ${errorMessage(reason)}`);
      audit(message.command, 'failed', errorMessage(reason));
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
      const limited = options.limits?.checkMessage(Buffer.byteLength(raw));
      if (limited && !limited.ok) {
        error(limited.reason, limited.message);
        return;
      }
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
