import { parseServerMessage, type ServerMessage } from '../../src/protocol/relay.ts';
import type { RelaySocket } from '../relay/relayHub.ts';

/** A RelaySocket that records what is sent; set `bufferedAmount` to play a slow client. */
export class MockSocket implements RelaySocket {
  bufferedAmount = 0;
  readonly sent: string[] = [];

  send(text: string): void {
    this.sent.push(text);
  }

  /** Every message sent so far, parsed. */
  messages(): ServerMessage[] {
    return this.sent.map((text) => {
      const parsed = parseServerMessage(text);
      if (!parsed.ok) throw new Error(`MockSocket: relay sent something unreadable: ${text}`);
      return parsed.message;
    });
  }

  ofType<T extends ServerMessage['type']>(type: T): Extract<ServerMessage, { type: T }>[] {
    return this.messages().filter((m): m is Extract<ServerMessage, { type: T }> => m.type === type);
  }

  clear(): void {
    this.sent.length = 0;
  }
}
