/**
 * Control messages of one connection — channel tables, status, stats, command results, time-sync
 * replies — are never dropped, unlike samples. They go to the socket at once, in order with the
 * data, so a channel table always precedes the samples that use it. What a client has not read
 * waits in the socket's buffer; the control messages written while that buffer is above the
 * hub's high-water mark are this connection's control queue. It is bounded: a client that reads
 * nothing lets it overflow, and is then closed with RELAY_CLOSE_CODES.controlQueueOverflow.
 */
import { RELAY_CLOSE_CODES } from '../../src/protocol/relay.ts';

/** What the queue needs of a connection; `ws` sockets fit, tests pass mocks. */
export interface ControlSocket {
  /** Bytes handed to the socket and not yet written to the network. */
  readonly bufferedAmount: number;
  send(data: string | Uint8Array): void;
  /** Absent on test mocks; a `ws` socket sends the close frame and closes. */
  close?(code: number, reason: string): void;
}

export interface ControlLimits {
  /** Unsent bytes above which a connection counts as backed up (the hub's highWaterBytes). */
  readonly highWaterBytes: number;
  /** Control messages that may wait behind a backed-up connection. */
  readonly maxMessages: number;
  /** Bytes of control messages that may wait behind a backed-up connection. */
  readonly maxBytes: number;
}

export const CONTROL_DEFAULTS: Omit<ControlLimits, 'highWaterBytes'> = {
  maxMessages: 256,
  maxBytes: 8 << 20,
};

/**
 * @example
 * const control = new ControlQueue(ws, hub.controlLimits);
 * control.onClose(() => hub.detach(client));
 * control.send(JSON.stringify({ type: 'channels', channels }));
 */
export class ControlQueue {
  private waitingMessages = 0;
  private waitingBytes = 0;
  private closedWith: { code: number; reason: string } | undefined;
  private readonly closeListeners: ((code: number, reason: string) => void)[] = [];

  constructor(
    private readonly socket: ControlSocket,
    private readonly limits: ControlLimits,
  ) {}

  /** Control messages written while the connection was backed up, since it last was not. */
  get waiting(): number {
    return this.waitingMessages;
  }

  /** Whether the connection was closed through this queue (overflow or close()). */
  get closed(): boolean {
    return this.closedWith !== undefined;
  }

  /** Sends a control message; closes the connection instead if the queue would overflow. */
  send(data: string | Uint8Array): void {
    if (this.closedWith !== undefined) return;
    if (this.socket.bufferedAmount <= this.limits.highWaterBytes) {
      // The client has read what stood before: nothing is waiting any more.
      this.waitingMessages = 0;
      this.waitingBytes = 0;
    } else {
      const bytes = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
      this.waitingMessages++;
      this.waitingBytes += bytes;
      if (
        this.waitingMessages > this.limits.maxMessages ||
        this.waitingBytes > this.limits.maxBytes
      ) {
        this.close(
          RELAY_CLOSE_CODES.controlQueueOverflow,
          `control queue overflow: the client is not reading (${this.waitingMessages} control messages, ${this.waitingBytes} bytes waiting)`,
        );
        return;
      }
    }
    this.socket.send(data);
  }

  /** Runs `listener` once the connection is closed through this queue. */
  onClose(listener: (code: number, reason: string) => void): void {
    this.closeListeners.push(listener);
  }

  /** Closes the connection with `code`; nothing more is sent through this queue. */
  close(code: number, reason: string): void {
    if (this.closedWith !== undefined) return;
    this.closedWith = { code, reason };
    // WebSocket close reasons are at most 123 bytes.
    this.socket.close?.(code, reason.length > 120 ? `${reason.slice(0, 117)}...` : reason);
    for (const listener of this.closeListeners) listener(code, reason);
  }
}
