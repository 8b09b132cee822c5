import {
  CAPABILITIES,
  STATUS_LEVEL,
  TWINBENCH_CAPABILITIES,
  encodeTimeFromMs,
  parseClientJson,
  type ClientJsonMessage,
  type ServerJsonMessage,
  type StatusLevel,
} from '../../../src/protocol/foxglove.ts';
import {
  DEFAULT_DELIVERY_POLICY,
  RELAY_PROTOCOL_VERSION,
  type ChannelInfo,
  type DeliveryPolicy,
  type Sample,
} from '../../../src/protocol/relay.ts';
import { FOOTBRIDGE_COMMAND_TOPIC } from '../../../src/protocol/telemetry.ts';
import type { Acl } from '../../auth/acl.ts';
import type { Principal } from '../../auth/principal.ts';
import { errorMessage } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import type { ClientMetrics, RelayMetrics } from '../../metrics/relayMetrics.ts';
import type { ClientLimits, LimitVerdict } from '../clientLimits.ts';
import type { CommandAudit } from '../clientSession.ts';
import type { CommandSink } from '../commandSink.ts';
import { ControlQueue } from '../controlQueue.ts';
import type {
  ChannelChange,
  ClientStats,
  HubClient,
  HubClientAdapter,
  LosslessBatch,
} from '../hubClient.ts';
import type { RelayHub } from '../relayHub.ts';
import { createClientPublisher, quoteClient, type CommandOutcome } from './clientPublish.ts';
import { SampleFrameEncoder } from './sampleFrames.ts';
import { sampleChannel } from './sampleChannel.ts';
import { SubscriptionTable } from './subscriptionTable.ts';

/** What a Foxglove session needs of its connection; `ws` sockets fit, tests pass a mock. */
export interface FoxgloveSocket {
  /** Bytes handed to the socket and not yet written to the network. */
  readonly bufferedAmount: number;
  send(data: string | Uint8Array): void;
  /** Absent on test mocks; a `ws` socket sends the close frame and closes. */
  close?(code: number, reason: string): void;
}

export interface FoxgloveSessionOptions {
  readonly socket: FoxgloveSocket;
  readonly hub: RelayHub;
  /** Who is connected; decides which channels are advertised and whether it may publish. */
  readonly principal: Principal;
  readonly acl: Acl;
  /** This connection's limits (create one per connection). */
  readonly limits: ClientLimits;
  readonly commands: CommandSink;
  readonly logger: Logger;
  /** serverInfo.name, e.g. `twinbench-relay`. */
  readonly serverName: string;
  /** Relay clock, ms since the Unix epoch. */
  readonly now?: () => number;
  /** Per-client delivery, drop and queue metrics. Commands are counted through `audit`. */
  readonly metrics?: RelayMetrics;
  /**
   * The topic the command sink publishes to: `clientPublish` is offered when the principal may
   * publish to it and the sink is enabled, and it is the one topic a client channel may name.
   * Default FOOTBRIDGE_COMMAND_TOPIC.
   */
  readonly commandTopic?: string;
  /** Sees the outcome of every command, as for JSON relay sessions: the audit trail. */
  readonly audit?: (entry: CommandAudit) => void;
  /** serverInfo.metadata.relayVersion; default the npm package version, or `unknown`. */
  readonly relayVersion?: string;
}

/** What became of the frames a client sent; every frame lands in exactly one of the last three. */
export interface FoxgloveSessionCounts {
  readonly frames: number;
  /** Done as asked (possibly with an info status). */
  readonly accepted: number;
  /** Refused or partly refused, and told so with a warning or error status. */
  readonly answered: number;
  /** Refused for the rate limit while its notice was held back (one notice a second). */
  readonly silenced: number;
}

export interface FoxgloveSession {
  readonly client: HubClient;
  /** serverInfo.capabilities as sent to this client. */
  readonly capabilities: readonly string[];
  counts(): FoxgloveSessionCounts;
  /** Handles one text frame. Bad input gets a `status` on this socket only; never throws. */
  handleText(raw: string): void;
  /** Handles one binary frame (client message data). Never throws. */
  handleBinary(bytes: Uint8Array): void;
  /** Lets go of the hub; nothing is sent after this, command results included. */
  close(): void;
}

/** Fewest ms between two notices of the same kind (dropped samples, rate limit). */
const NOTICE_INTERVAL_MS = 1000;

const OK: LimitVerdict = { ok: true };

/** Acks are small; a frame this short is parsed before the rate limit, which acks skip. */
const ACK_MAX_BYTES = 64;

type Outcome = 'accepted' | 'answered' | 'silenced';

/**
 * One client's side of the Foxglove WebSocket protocol v1 (subprotocol `foxglove.websocket.v1`):
 * sends serverInfo and advertises every channel the principal may receive, streams the samples
 * of its subscriptions, a `time` frame on each hub stats tick (every second by default), and
 * takes twin commands through clientPublish. Twinbench extensions (TWINBENCH_CAPABILITIES) are
 * offered in serverInfo and used only after the client sends `twinbench.enable`.
 *
 * @example
 * const session = openFoxgloveSession({ socket: ws, hub, principal, acl, limits, commands, logger, serverName });
 * ws.on('message', (data, isBinary) => isBinary ? session.handleBinary(bytesOf(data)) : session.handleText(textOf(data)));
 * ws.on('close', () => session.close());
 */
export function openFoxgloveSession(options: FoxgloveSessionOptions): FoxgloveSession {
  const { socket, hub, principal, acl, limits, commands, logger } = options;
  const now = options.now ?? Date.now;
  let metrics: ClientMetrics | undefined = options.metrics?.openClient('live');
  const publisher = createClientPublisher({
    principal,
    acl,
    commands,
    logger,
    commandTopic: options.commandTopic ?? FOOTBRIDGE_COMMAND_TOPIC,
    now,
    audit: options.audit,
    problem: (level, message) => problem(level, message),
    result: (outcome) => reportCommand(outcome),
  });
  const mayPublish = publisher.enabled;
  const extensions: string[] = [
    TWINBENCH_CAPABILITIES.sampleBatch,
    TWINBENCH_CAPABILITIES.timeSync,
    TWINBENCH_CAPABILITIES.lossless,
  ];
  if (mayPublish) extensions.push(TWINBENCH_CAPABILITIES.commands);
  const capabilities = [
    CAPABILITIES.time,
    ...(mayPublish ? [CAPABILITIES.clientPublish] : []),
    ...extensions,
  ];

  let open = true;
  const enabled = new Set<string>();
  /** `advertised[id]`: whether channel `id` was advertised to this client (the ACL let it). */
  const advertised: boolean[] = [];
  const subscriptions = new SubscriptionTable();
  const encoder = new SampleFrameEncoder();
  const tally = { frames: 0, accepted: 0, answered: 0, silenced: 0 };
  let outcome: Outcome = 'accepted';
  const dropNotice = { reported: 0, counted: 0, at: -Infinity, since: now() };
  const lossNotice = { reported: 0, at: -Infinity };
  const rateNotice = { at: -Infinity, held: 0 };
  /** Delivery policy of subscriptions given one by `twinbench.policy`; others take the session's. */
  const policies = new Map<number, DeliveryPolicy>();
  let sessionPolicy: DeliveryPolicy = DEFAULT_DELIVERY_POLICY;
  // Control messages are never dropped; a client that reads none is closed instead.
  const control = new ControlQueue(socket, hub.controlLimits);

  const sendJson = (message: ServerJsonMessage) => {
    if (open) control.send(JSON.stringify(message));
  };
  const status = (level: StatusLevel, message: string) => {
    sendJson({ op: 'status', level, message });
  };
  /** A warning or error about the frame being handled. */
  const problem = (level: StatusLevel, message: string) => {
    outcome = 'answered';
    status(level, message);
  };

  const adapter: HubClientAdapter = {
    get bufferedAmount() {
      return socket.bufferedAmount;
    },
    wants: (channel) => subscriptions.channelHas(channel.id),
    policyOf: (channel) => {
      const id = subscriptions.subscriptionOf(channel.id);
      return (id === undefined ? undefined : policies.get(id)) ?? sessionPolicy;
    },
    channels: (change) => advertise(change),
    samples: (batch) => deliver(batch),
    lossless: (batch) => deliverLossless(batch),
    stats: (stats) => tick(stats),
    disconnect: (code, reason) => control.close(code, reason),
  };

  const advertise = ({ added }: ChannelChange) => {
    const permitted: ChannelInfo[] = [];
    for (const info of added) {
      if (!acl.canSubscribe(principal, info.name)) continue;
      advertised[info.id] = true;
      encoder.addChannel(info);
      permitted.push(info);
    }
    if (permitted.length > 0) sendJson({ op: 'advertise', channels: permitted.map(sampleChannel) });
  };

  const deliver = (batch: Sample[]) => {
    if (!open) return;
    let bytes = 0;
    if (enabled.has(TWINBENCH_CAPABILITIES.sampleBatch)) {
      const frame = encoder.batchFrame(batch, subscriptions.byChannel);
      if (frame !== null) {
        socket.send(frame);
        bytes = frame.byteLength;
      }
    } else {
      for (const frame of encoder.messageFrames(batch, subscriptions.byChannel)) {
        socket.send(frame);
        bytes += frame.byteLength;
      }
    }
    metrics?.delivered(batch, now(), bytes);
  };

  const deliverLossless = ({ seq, samples, dropped }: LosslessBatch) => {
    if (!open) return;
    const frame = encoder.losslessFrame(samples, subscriptions.byChannel, seq, dropped);
    socket.send(frame);
    metrics?.delivered(samples, now(), frame.byteLength);
  };

  const tick = (stats: ClientStats) => {
    if (!open) return;
    const t = now();
    control.send(encodeTimeFromMs(t));
    const lost = stats.lost ?? 0;
    if (stats.dropped + lost > dropNotice.counted) {
      metrics?.dropped(stats.dropped + lost - dropNotice.counted);
      dropNotice.counted = stats.dropped + lost;
    }
    if (lost > lossNotice.reported && t - lossNotice.at >= NOTICE_INTERVAL_MS) {
      status(
        STATUS_LEVEL.error,
        `lost ${lost - lossNotice.reported} samples of lossless subscriptions (${lost} since connecting): the relay keeps at most its bound of samples for a client and this one fell that far behind; each lossless batch says how many were lost before it`,
      );
      lossNotice.reported = lost;
      lossNotice.at = t;
    }
    metrics?.queueDepth(stats.queued);
    if (stats.dropped > dropNotice.reported && t - dropNotice.at >= NOTICE_INTERVAL_MS) {
      status(
        STATUS_LEVEL.warning,
        `dropped ${stats.dropped - dropNotice.reported} samples since ${new Date(dropNotice.since).toISOString()}: your connection is not keeping up`,
      );
      dropNotice.reported = stats.dropped;
      dropNotice.at = t;
      dropNotice.since = t;
    }
  };

  // ---- client messages -------------------------------------------------------------------

  const subscribe = (message: Extract<ClientJsonMessage, { op: 'subscribe' }>) => {
    const table = hub.channels();
    const adding: { id: number; channelId: number }[] = [];
    const claimed = new Set<number>();
    for (const { id, channelId } of message.subscriptions) {
      const taken = subscriptions.channelOf(id);
      if (taken !== undefined) {
        problem(
          STATUS_LEVEL.error,
          `subscription id ${id} is already in use (channel ${taken}); ignoring this subscription: pick an unused id or unsubscribe first`,
        );
        continue;
      }
      const info = table[channelId];
      if (
        info === undefined ||
        advertised[channelId] !== true ||
        !acl.canSubscribe(principal, info.name)
      ) {
        problem(
          STATUS_LEVEL.warning,
          `channel ${channelId} is not available; ignoring subscription ${id}`,
        );
        continue;
      }
      const existing = subscriptions.subscriptionOf(channelId);
      if (existing !== undefined || claimed.has(channelId)) {
        problem(
          STATUS_LEVEL.warning,
          `already subscribed to channel ${channelId}${existing === undefined ? '' : ` (subscription ${existing})`}; ignoring subscription ${id}`,
        );
        continue;
      }
      claimed.add(channelId);
      adding.push({ id, channelId });
    }
    if (adding.length === 0) return;
    const verdict = limits.checkSubscriptions(subscriptions.size, adding.length);
    if (!verdict.ok) {
      problem(STATUS_LEVEL.error, verdict.message);
      return;
    }
    for (const { id, channelId } of adding) subscriptions.add(id, channelId);
    client.subscriptionsChanged();
  };

  const unsubscribe = (message: Extract<ClientJsonMessage, { op: 'unsubscribe' }>) => {
    let changed = false;
    for (const id of message.subscriptionIds) {
      policies.delete(id);
      if (subscriptions.remove(id) === undefined) {
        problem(STATUS_LEVEL.warning, `subscription ${id} does not exist; ignoring unsubscribe`);
      } else {
        changed = true;
      }
    }
    if (changed) client.subscriptionsChanged();
  };

  const enable = (message: Extract<ClientJsonMessage, { op: 'twinbench.enable' }>) => {
    const unknown: string[] = [];
    for (const name of message.capabilities) {
      if (extensions.includes(name)) enabled.add(name);
      else unknown.push(quoteClient(name));
    }
    if (
      enabled.has(TWINBENCH_CAPABILITIES.lossless) &&
      metrics?.policy === 'live' &&
      options.metrics !== undefined
    ) {
      // The metrics label a client by its mode: a recorder from the moment it may be one.
      metrics.close();
      metrics = options.metrics.openClient('lossless');
    }
    status(
      STATUS_LEVEL.info,
      `twinbench extensions enabled: ${enabled.size === 0 ? 'none' : [...enabled].join(', ')}`,
    );
    if (unknown.length > 0) {
      problem(
        STATUS_LEVEL.warning,
        `ignored ${unknown.join(', ')}: this relay offers ${extensions.join(', ')}`,
      );
    }
  };

  const timeSync = (
    message: Extract<ClientJsonMessage, { op: 'twinbench.timeSync' }>,
    receivedAt: number,
  ) => {
    if (!enabled.has(TWINBENCH_CAPABILITIES.timeSync)) {
      problem(
        STATUS_LEVEL.error,
        `twinbench.timeSync is not enabled: send {"op":"twinbench.enable","capabilities":["${TWINBENCH_CAPABILITIES.timeSync}"]} first`,
      );
      return;
    }
    sendJson({
      op: 'twinbench.timeSyncReply',
      id: message.id,
      clientTime: message.clientTime,
      serverReceiveTime: receivedAt,
      serverSendTime: now(),
    });
  };

  const setPolicy = (message: Extract<ClientJsonMessage, { op: 'twinbench.policy' }>) => {
    const { policy, subscriptionIds } = message;
    if (policy === 'lossless' && !enabled.has(TWINBENCH_CAPABILITIES.lossless)) {
      problem(
        STATUS_LEVEL.error,
        `lossless delivery is not enabled: send {"op":"twinbench.enable","capabilities":["${TWINBENCH_CAPABILITIES.lossless}"]} first, then acknowledge each lossless batch (opcode 0x82) with {"op":"twinbench.ack","seq":…}`,
      );
      return;
    }
    if (subscriptionIds === undefined) {
      sessionPolicy = policy;
    } else {
      const unknown = subscriptionIds.filter((id) => subscriptions.channelOf(id) === undefined);
      for (const id of subscriptionIds) {
        if (subscriptions.channelOf(id) !== undefined) policies.set(id, policy);
      }
      if (unknown.length > 0) {
        problem(
          STATUS_LEVEL.warning,
          `subscriptions ${unknown.join(', ')} do not exist; their policy was not set (subscribe first)`,
        );
      }
    }
    client.subscriptionsChanged();
  };

  const ack = (seq: number) => {
    // The frame's seq is a u32: take it as the newest batch it can name.
    const last = client.lastSeq;
    const full = last - ((((last - seq) % 2 ** 32) + 2 ** 32) % 2 ** 32);
    const outcome = full < 0 ? 'ahead' : client.ack(full);
    if (outcome === 'ahead') {
      problem(
        STATUS_LEVEL.warning,
        `twinbench.ack ${seq} names a batch not sent yet (the newest is ${last}); ignoring it`,
      );
    }
  };

  const dispatch = (message: ClientJsonMessage, receivedAt: number) => {
    switch (message.op) {
      case 'subscribe':
        return subscribe(message);
      case 'unsubscribe':
        return unsubscribe(message);
      case 'advertise':
        return publisher.advertise(message.channels);
      case 'unadvertise':
        return publisher.unadvertise(message.channelIds);
      case 'twinbench.enable':
        return enable(message);
      case 'twinbench.timeSync':
        return timeSync(message, receivedAt);
      case 'twinbench.policy':
        return setPolicy(message);
      case 'twinbench.ack':
        return ack(message.seq);
      default: {
        const unhandled: never = message;
        throw new Error(`foxgloveSession: unhandled op ${JSON.stringify(unhandled)}`);
      }
    }
  };

  const reportCommand = ({ channel, command, id, ok, message }: CommandOutcome) => {
    if (enabled.has(TWINBENCH_CAPABILITIES.commands)) {
      sendJson({ op: 'twinbench.commandResult', channelId: channel.id, id, ok, message });
    } else if (ok) {
      status(STATUS_LEVEL.info, `command ${command.kind} on ${channel.topic}: ${message}`);
    } else {
      status(STATUS_LEVEL.error, `command ${command.kind} on ${channel.topic} failed: ${message}`);
    }
  };

  // ---- frames ----------------------------------------------------------------------------

  const refuse = (verdict: Exclude<LimitVerdict, { ok: true }>) => {
    if (verdict.reason !== 'rate_limited') {
      problem(STATUS_LEVEL.error, verdict.message);
      return;
    }
    // A flood must not turn into a flood of notices: one a second, with the count held back.
    const t = now();
    if (t - rateNotice.at < NOTICE_INTERVAL_MS) {
      rateNotice.held++;
      outcome = 'silenced';
      return;
    }
    const held = rateNotice.held;
    rateNotice.at = t;
    rateNotice.held = 0;
    problem(
      STATUS_LEVEL.error,
      held > 0
        ? `${verdict.message} (${held} more messages were dropped since the last notice)`
        : verdict.message,
    );
  };

  /**
   * Runs one frame's handling; counts its outcome and turns a bug into a status. `limited`: whether
   * it counts against the rate limit (acks do not: one dropped could stall a lossless client).
   */
  const frame = (bytes: number, handle: () => void, limited = true) => {
    if (!open) return;
    tally.frames++;
    outcome = 'accepted';
    try {
      const verdict = limited ? limits.checkMessage(bytes) : OK;
      if (verdict.ok) handle();
      else refuse(verdict);
    } catch (error) {
      logger.error(`foxglove session failed on a client message: ${errorMessage(error)}`, {
        who: principal.subject,
      });
      problem(STATUS_LEVEL.error, 'the relay failed to handle that message; it was dropped');
    }
    tally[outcome]++;
  };

  sendJson({
    op: 'serverInfo',
    name: options.serverName,
    capabilities,
    supportedEncodings: ['json'],
    metadata: {
      relayVersion: options.relayVersion ?? process.env.npm_package_version ?? 'unknown',
      relayProtocol: String(RELAY_PROTOCOL_VERSION),
      role: principal.role,
    },
    sessionId: hub.instanceId,
  });
  const client = hub.attach(adapter);

  const close = () => {
    if (!open) return;
    open = false;
    hub.detach(client);
    metrics?.close();
  };
  control.onClose((code, reason) => {
    logger.warn(`closed a Foxglove client with ${code}: ${reason}`, { who: principal.subject });
    close();
  });

  return {
    client,
    capabilities,
    counts: () => ({ ...tally }),
    handleText(raw) {
      const receivedAt = now();
      if (raw.length <= ACK_MAX_BYTES) {
        const parsed = parseClientJson(raw);
        if (parsed.ok && parsed.message.op === 'twinbench.ack') {
          const { seq } = parsed.message;
          frame(raw.length, () => ack(seq), false);
          return;
        }
      }
      frame(Buffer.byteLength(raw, 'utf8'), () => {
        const parsed = parseClientJson(raw);
        if (parsed.ok) dispatch(parsed.message, receivedAt);
        else problem(STATUS_LEVEL.error, `could not read that message: ${parsed.error}`);
      });
    },
    handleBinary(bytes) {
      frame(bytes.byteLength, () => publisher.publish(bytes));
    },
    close,
  };
}
