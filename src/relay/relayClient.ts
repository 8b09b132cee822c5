import {
  COMMAND_ANSWER_TIMEOUT_MS,
  RELAY_PROTOCOL_VERSION,
  encodeMessage,
  parseServerMessage,
  type ChannelInfo,
  type ClientMessage,
  type Sample,
  type SourceStats,
  type TwinCommand,
} from '../protocol/relay.ts';

export type ConnectionState =
  | { readonly status: 'connecting'; readonly attempt: number }
  | { readonly status: 'open'; readonly server: string; readonly since: number }
  | { readonly status: 'closed'; readonly reason: string; readonly retryInMs: number | null };

/** The part of the browser WebSocket the client uses, so tests can pass a fake. */
export interface SocketLike {
  readyState: number;
  onopen: ((event: unknown) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export interface RelayClientHandlers {
  onState?(state: ConnectionState): void;
  onChannels?(channels: readonly ChannelInfo[]): void;
  onSamples?(samples: readonly Sample[]): void;
  onStats?(sources: readonly SourceStats[], clients: number): void;
  /** Errors the relay reported about this client, or frames the client could not read. */
  onProblem?(message: string): void;
}

export interface RelayClientOptions extends RelayClientHandlers {
  readonly url: string;
  readonly createSocket?: (url: string) => SocketLike;
  /** Reconnect back-off bounds in ms. */
  readonly minRetryMs?: number;
  readonly maxRetryMs?: number;
  readonly clientName?: string;
}

export interface CommandResult {
  readonly ok: boolean;
  readonly message: string;
}

export interface RelayClient {
  readonly state: ConnectionState;
  sendCommand(command: TwinCommand, timeoutMs?: number): Promise<CommandResult>;
  close(): void;
}

const OPEN = 1;

/**
 * Connects to the relay, subscribes to every channel and keeps reconnecting with exponential
 * back-off. Framework-free: the React app subscribes through the handlers.
 */
export function createRelayClient(options: RelayClientOptions): RelayClient {
  const createSocket =
    options.createSocket ?? ((url: string) => new WebSocket(url) as unknown as SocketLike);
  const minRetry = options.minRetryMs ?? 500;
  const maxRetry = options.maxRetryMs ?? 10_000;
  let state: ConnectionState = { status: 'connecting', attempt: 1 };
  let socket: SocketLike | null = null;
  let attempt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;
  let commandSeq = 0;
  const pending = new Map<
    string,
    { resolve: (r: CommandResult) => void; timer: ReturnType<typeof setTimeout> }
  >();

  const setState = (next: ConnectionState) => {
    state = next;
    options.onState?.(next);
  };

  const send = (message: ClientMessage) => {
    if (socket?.readyState === OPEN) socket.send(encodeMessage(message));
  };

  const failPending = (why: string) => {
    for (const [id, entry] of pending) {
      clearTimeout(entry.timer);
      entry.resolve({ ok: false, message: why });
      pending.delete(id);
    }
  };

  const handleFrame = (data: unknown) => {
    if (typeof data !== 'string') {
      options.onProblem?.('relay sent a binary frame; this client speaks JSON text frames only');
      return;
    }
    const parsed = parseServerMessage(data);
    if (!parsed.ok) {
      options.onProblem?.(parsed.error);
      return;
    }
    const message = parsed.message;
    switch (message.type) {
      case 'welcome':
        if (message.protocol !== RELAY_PROTOCOL_VERSION) {
          options.onProblem?.(
            `relay speaks protocol ${message.protocol}, this page ${RELAY_PROTOCOL_VERSION}: reload the page`,
          );
        }
        attempt = 0;
        setState({ status: 'open', server: message.server, since: Date.now() });
        break;
      case 'channels':
        options.onChannels?.(message.channels);
        break;
      case 'samples':
        options.onSamples?.(message.samples);
        break;
      case 'stats':
        options.onStats?.(message.sources, message.clients);
        break;
      case 'commandResult': {
        const entry = pending.get(message.id);
        if (entry) {
          clearTimeout(entry.timer);
          pending.delete(message.id);
          entry.resolve({ ok: message.ok, message: message.message });
        }
        break;
      }
      case 'error':
        options.onProblem?.(`relay: ${message.message} (${message.reason})`);
        break;
      default: {
        const unreachable: never = message;
        options.onProblem?.(`unhandled relay message ${JSON.stringify(unreachable)}`);
      }
    }
  };

  const connect = () => {
    if (stopped) return;
    attempt += 1;
    setState({ status: 'connecting', attempt });
    let ws: SocketLike;
    try {
      ws = createSocket(options.url);
    } catch (error) {
      scheduleRetry(`cannot open ${options.url}: ${String(error)}`);
      return;
    }
    socket = ws;
    ws.onopen = () => {
      send({
        type: 'hello',
        protocol: RELAY_PROTOCOL_VERSION,
        client: options.clientName ?? 'twinbench-web',
      });
      send({ type: 'subscribe', channels: '*' });
    };
    ws.onmessage = (event) => handleFrame(event.data);
    ws.onerror = () => {
      /* onclose follows with the code; nothing to add here */
    };
    ws.onclose = (event) => {
      if (socket !== ws) return;
      socket = null;
      failPending('connection to the relay closed before it answered');
      const why =
        event.reason ||
        (event.code === 1006
          ? 'relay unreachable, or it refused the connection (a relay with token keys needs ?token=… in the page address)'
          : `closed with code ${event.code}`);
      scheduleRetry(why);
    };
  };

  const scheduleRetry = (reason: string) => {
    if (stopped) {
      setState({ status: 'closed', reason, retryInMs: null });
      return;
    }
    const delay = Math.min(maxRetry, minRetry * 2 ** Math.max(0, attempt - 1));
    setState({ status: 'closed', reason, retryInMs: delay });
    retryTimer = setTimeout(connect, delay);
  };

  connect();

  return {
    get state() {
      return state;
    },
    sendCommand(command, timeoutMs = COMMAND_ANSWER_TIMEOUT_MS) {
      if (socket?.readyState !== OPEN) {
        return Promise.resolve({
          ok: false,
          message: 'not connected to the relay; wait for the connection and try again',
        });
      }
      commandSeq += 1;
      const id = `cmd-${Date.now().toString(36)}-${commandSeq}`;
      return new Promise<CommandResult>((resolve) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          resolve({
            ok: false,
            message: `the relay did not answer within ${Math.round(timeoutMs / 1000)} s, so the command may or may not have reached the twin: check the twin's status before sending it again`,
          });
        }, timeoutMs);
        pending.set(id, { resolve, timer });
        send({ type: 'command', id, command });
      });
    },
    close() {
      stopped = true;
      if (retryTimer) clearTimeout(retryTimer);
      failPending('client closed');
      const ws = socket;
      socket = null;
      ws?.close(1000, 'client closed');
      setState({ status: 'closed', reason: 'closed by the page', retryInMs: null });
    },
  };
}

/**
 * The relay URL for a page served by the Twinbench server (same host, `/ws`), carrying the
 * access token when there is one (browsers cannot set headers on a WebSocket).
 */
export function relayUrlFor(
  location: { protocol: string; host: string },
  path = '/ws',
  token: string | null = null,
): string {
  const query = token ? `?token=${encodeURIComponent(token)}` : '';
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${path}${query}`;
}
