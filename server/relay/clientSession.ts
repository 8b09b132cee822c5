import {
  RELAY_PROTOCOL_VERSION,
  encodeMessage,
  parseClientMessage,
  type DeliveryPolicy,
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
import type { ClientMetrics, RelayMetrics } from '../metrics/relayMetrics.ts';
import type { CommandSink } from './commandSink.ts';
import { ControlQueue } from './controlQueue.ts';
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
  /**
   * Per-client delivery, drop and queue metrics; a client is labelled `lossless` from its first
   * lossless subscription on.
   */
  readonly metrics?: RelayMetrics;
}

/** Acks are small; a frame this short is parsed before the rate limit, which acks skip. */
const ACK_MAX_BYTES = 64;

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
 * hello/subscribe/unsubscribe/command/ack messages. Nothing a client sends can close its
 * connection or reach other clients; a client that reads nothing is closed when its control
 * queue overflows (RELAY_CLOSE_CODES.controlQueueOverflow).
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
  const control = new ControlQueue(socket, hub.controlLimits);
  const send = (message: ServerMessage) => {
    if (open) control.send(encodeMessage(message));
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
  let metrics: ClientMetrics | undefined = options.metrics?.openClient('live');
  const client = hub.addClient(socket, {
    control,
    ...(metrics === undefined ? {} : { metrics, now }),
  });
  control.onClose((code, reason) => {
    logger.warn(`closed a client with ${code}: ${reason}`, { who: principal.subject });
    metrics?.close();
  });

  const subscribe = (channels: readonly string[] | '*', policy: DeliveryPolicy | undefined) => {
    if (policy === 'lossless' && metrics?.policy === 'live' && options.metrics !== undefined) {
      // The metrics label a client by its mode; it becomes a recorder before its first batch.
      metrics.close();
      metrics = options.metrics.openClient('lossless');
      client.observe(metrics);
    }
    client.subscribe(channels, policy);
  };

  const ack = (seq: number) => {
    const outcome = client.hubClient.ack(seq);
    if (outcome === 'ahead') {
      error(
        'invalid_message',
        `ack ${seq} names a batch not sent yet (the newest is ${client.hubClient.lastSeq}); ignoring it`,
      );
    }
  };

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
        subscribe(message.channels, message.policy);
        return;
      case 'ack':
        ack(message.seq);
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
      if (raw.length <= ACK_MAX_BYTES) {
        // Acks are exempt from the rate limit: one dropped by it could stall a lossless client.
        const parsed = parseClientMessage(raw);
        if (parsed.ok && parsed.message.type === 'ack') {
          ack(parsed.message.seq);
          return;
        }
      }
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
      if (!open) return;
      open = false;
      hub.removeClient(client);
      metrics?.close();
    },
  };
}
