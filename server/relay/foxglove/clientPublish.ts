/**
 * Foxglove `clientPublish` as the relay allows it: a client advertises a channel on a command
 * topic its token may publish to, then sends twin commands (src/protocol/relay.ts TwinCommand)
 * as JSON in message-data frames on it.
 */
import {
  STATUS_LEVEL,
  parseClientBinary,
  type ClientChannel,
  type StatusLevel,
} from '../../../src/protocol/foxglove.ts';
import { parseTwinCommand, type TwinCommand } from '../../../src/protocol/relay.ts';
import type { Acl, AclSubject } from '../../auth/acl.ts';
import type { Principal } from '../../auth/principal.ts';
import { errorMessage } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import type { CommandAudit } from '../clientSession.ts';
import type { CommandSink } from '../commandSink.ts';

/** Client channels one connection may have advertised at once. */
export const MAX_CLIENT_CHANNELS = 64;
/** Longest topic a client channel may name. */
export const MAX_CLIENT_TOPIC_LENGTH = 256;

/** A short, quoted form of a client's string for status messages. */
export function quoteClient(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text);
}

/**
 * What is wrong with a client's advertisement of `channel`, or null when the relay takes it.
 * `advertised` holds the client's current channels by id. The topic must pass the ACL and be
 * `commandTopic`, where the command sink publishes: a command for another twin must not reach
 * this one.
 */
export function clientChannelProblem(
  channel: ClientChannel,
  advertised: ReadonlyMap<number, ClientChannel>,
  principal: AclSubject,
  acl: Acl,
  commandTopic: string,
): string | null {
  const at = `client channel ${channel.id}`;
  if (advertised.has(channel.id))
    return `${at} is already advertised; ignoring this advertisement: unadvertise it first or use another id`;
  if (advertised.size >= MAX_CLIENT_CHANNELS)
    return `${at}: a connection may advertise at most ${MAX_CLIENT_CHANNELS} channels; unadvertise some first`;
  if (channel.topic.length > MAX_CLIENT_TOPIC_LENGTH)
    return `${at}: the topic is longer than ${MAX_CLIENT_TOPIC_LENGTH} characters`;
  if (channel.encoding !== 'json')
    return `${at} (${quoteClient(channel.topic)}): encoding ${quoteClient(channel.encoding)} is not supported; publish twin commands as "json"`;
  const verdict = acl.check(principal, 'publish', channel.topic);
  if (!verdict.ok) return `${at}: ${verdict.message}`;
  if (channel.topic !== commandTopic)
    return `${at}: this relay takes twin commands only on ${JSON.stringify(commandTopic)}; advertise that topic`;
  return null;
}

export type CommandDecode =
  | {
      readonly ok: true;
      readonly command: TwinCommand;
      /** The payload's string `"id"`, echoed in twinbench.commandResult; null without one. */
      readonly id: string | null;
    }
  | { readonly ok: false; readonly error: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Reads a twin command from a client message-data payload. Never throws. */
export function decodeCommandPayload(payload: Uint8Array): CommandDecode {
  let text: string;
  try {
    text = utf8.decode(payload);
  } catch {
    return { ok: false, error: 'the payload is not UTF-8 text; send the command as JSON' };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      error: `the payload is not JSON (${(error as Error).message}); send e.g. {"kind":"clearDamage"}`,
    };
  }
  const command = parseTwinCommand(value);
  if (typeof command === 'string') return { ok: false, error: command };
  const id = (value as Record<string, unknown>).id;
  return {
    ok: true,
    command,
    id: typeof id === 'string' && id.length > 0 && id.length <= 100 ? id : null,
  };
}

/** What became of one command, once the sink answered. */
export interface CommandOutcome {
  readonly channel: ClientChannel;
  readonly command: TwinCommand;
  /** The payload's string `"id"`, or null. */
  readonly id: string | null;
  readonly ok: boolean;
  /** The sink's sentence on success, the reason on failure. */
  readonly message: string;
}

export interface ClientPublisherOptions {
  readonly principal: Principal;
  readonly acl: Acl;
  readonly commands: CommandSink;
  readonly logger: Logger;
  /** Where the sink publishes; the one topic a client channel may name. */
  readonly commandTopic: string;
  readonly now: () => number;
  readonly audit?: ((entry: CommandAudit) => void) | undefined;
  /** A problem with the frame being handled; the session sends it as a status. */
  readonly problem: (level: StatusLevel, message: string) => void;
  /** A command's outcome, later, once the sink answers. */
  readonly result: (outcome: CommandOutcome) => void;
}

export interface ClientPublisher {
  /** Whether the principal may publish at all, i.e. `clientPublish` is offered. */
  readonly enabled: boolean;
  advertise(channels: readonly ClientChannel[]): void;
  unadvertise(channelIds: readonly number[]): void;
  /** Handles one client binary frame: a twin command on an advertised channel. */
  publish(bytes: Uint8Array): void;
}

/**
 * One connection's client channels and the commands sent on them. Each command is logged when it
 * arrives (`logger.info('command', {who, role, topic, command, at})`), handed to the sink, and
 * its outcome goes to `audit` and `result`.
 */
export function createClientPublisher(options: ClientPublisherOptions): ClientPublisher {
  const { principal, acl, commands, logger, commandTopic, now, problem } = options;
  const enabled = commands.enabled && acl.canPublish(principal, commandTopic);
  const channels = new Map<number, ClientChannel>();

  const run = async (channel: ClientChannel, command: TwinCommand, id: string | null) => {
    let ok = true;
    let message: string;
    try {
      message = await commands.send(command);
    } catch (reason) {
      ok = false;
      message = errorMessage(reason);
      logger.warn(`command ${command.kind} from ${principal.subject} failed: ${message}`, {
        who: principal.subject,
        topic: channel.topic,
      });
    }
    options.audit?.({
      at: now(),
      who: principal.subject,
      role: principal.role,
      topic: channel.topic,
      command,
      outcome: ok ? 'sent' : 'failed',
      message,
    });
    options.result({ channel, command, id, ok, message });
  };

  return {
    enabled,
    advertise(advertised) {
      if (!enabled) {
        problem(
          STATUS_LEVEL.error,
          `${principal.role} "${principal.subject}" may not publish on this relay (no clientPublish capability): ask an admin for a token with role operator`,
        );
        return;
      }
      for (const channel of advertised) {
        const why = clientChannelProblem(channel, channels, principal, acl, commandTopic);
        if (why === null) channels.set(channel.id, channel);
        else problem(STATUS_LEVEL.error, why);
      }
    },
    unadvertise(channelIds) {
      for (const id of channelIds) {
        if (!channels.delete(id))
          problem(
            STATUS_LEVEL.warning,
            `client channel ${id} was not advertised; ignoring unadvertise`,
          );
      }
    },
    publish(bytes) {
      const parsed = parseClientBinary(bytes);
      if (!parsed.ok) {
        problem(STATUS_LEVEL.error, `could not read that binary message: ${parsed.error}`);
        return;
      }
      const { channelId, payload } = parsed.message;
      const channel = channels.get(channelId);
      if (channel === undefined) {
        problem(
          STATUS_LEVEL.error,
          `client channel ${channelId} is not advertised: advertise it (op "advertise") before publishing on it`,
        );
        return;
      }
      const decoded = decodeCommandPayload(payload);
      if (!decoded.ok) {
        problem(
          STATUS_LEVEL.error,
          `command on ${quoteClient(channel.topic)} (client channel ${channelId}) refused: ${decoded.error}`,
        );
        return;
      }
      logger.info('command', {
        who: principal.subject,
        role: principal.role,
        topic: channel.topic,
        command: decoded.command,
        at: now(),
      });
      void run(channel, decoded.command, decoded.id);
    },
  };
}
