import WebSocket from 'ws';
import {
  RELAY_WS_PATH,
  encodeMessage,
  parseServerMessage,
  type ClientMessage,
  type ServerMessage,
} from '../../src/protocol/relay.ts';
import { waitFor } from './waitFor.ts';

/** A real `ws` client that keeps every message the relay sent, for tests. */
export class WsTestClient {
  readonly messages: ServerMessage[] = [];
  closeCode: number | undefined;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      const parsed = parseServerMessage(data.toString('utf8'));
      if (!parsed.ok) throw new Error(`relay sent something unreadable: ${parsed.error}`);
      this.messages.push(parsed.message);
    });
    socket.on('close', (code) => (this.closeCode = code));
  }

  /** Connects to `ws://host:port/ws` and waits for the welcome. */
  static async connect(port: number, host = '127.0.0.1'): Promise<WsTestClient> {
    const socket = new WebSocket(`ws://${host}:${port}${RELAY_WS_PATH}`);
    const client = new WsTestClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    await client.waitFor('welcome', (m) => m.type === 'welcome');
    return client;
  }

  send(message: ClientMessage | string): void {
    this.socket.send(typeof message === 'string' ? message : encodeMessage(message));
  }

  ofType<T extends ServerMessage['type']>(type: T): Extract<ServerMessage, { type: T }>[] {
    return this.messages.filter((m): m is Extract<ServerMessage, { type: T }> => m.type === type);
  }

  /** Waits for a message (received before or after the call) that matches. */
  waitFor(
    what: string,
    match: (m: ServerMessage) => boolean,
    timeoutMs = 5000,
  ): Promise<ServerMessage> {
    return waitFor(what, () => this.messages.find(match), timeoutMs);
  }

  /** Every sample received so far, with its channel's name. */
  samples(): { channel: string; deviceTime: number; value: number }[] {
    const names = new Map<number, string>();
    for (const m of this.ofType('channels')) for (const c of m.channels) names.set(c.id, c.name);
    return this.ofType('samples').flatMap((m) =>
      m.samples.map(([id, deviceTime, value]) => ({
        channel: names.get(id) ?? `#${id}`,
        deviceTime,
        value,
      })),
    );
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    const closed = new Promise<void>((resolve) => this.socket.once('close', () => resolve()));
    this.socket.close();
    await closed;
  }
}
