import { describe, expect, it } from 'vitest';
import { RELAY_CLOSE_CODES } from '../../src/protocol/relay.ts';
import { ControlQueue, type ControlSocket } from './controlQueue.ts';

class Socket implements ControlSocket {
  bufferedAmount = 0;
  readonly sent: (string | Uint8Array)[] = [];
  closed: { code: number; reason: string } | undefined;
  send(data: string | Uint8Array): void {
    this.sent.push(data);
  }
  close(code: number, reason: string): void {
    this.closed = { code, reason };
  }
}

const limits = { highWaterBytes: 100, maxMessages: 3, maxBytes: 1000 };

describe('ControlQueue', () => {
  it('sends every control message at once, backed up or not', () => {
    const socket = new Socket();
    const control = new ControlQueue(socket, limits);
    control.send('a');
    socket.bufferedAmount = 500;
    control.send('b');
    control.send(new Uint8Array(3));
    expect(socket.sent).toHaveLength(3);
    expect(control.waiting).toBe(2);
  });

  it('forgets what waited once the client has read below the high-water mark', () => {
    const socket = new Socket();
    const control = new ControlQueue(socket, limits);
    socket.bufferedAmount = 500;
    for (let i = 0; i < 3; i++) control.send(`m${i}`);
    socket.bufferedAmount = 50;
    control.send('read');
    expect(control.waiting).toBe(0);
    socket.bufferedAmount = 500;
    for (let i = 0; i < 3; i++) control.send(`n${i}`);
    expect(socket.closed).toBeUndefined();
  });

  it('closes a client that reads nothing with 4008 instead of dropping a control message', () => {
    const socket = new Socket();
    const control = new ControlQueue(socket, limits);
    const heard: number[] = [];
    control.onClose((code) => heard.push(code));
    socket.bufferedAmount = 500;
    for (let i = 0; i < 5; i++) control.send(`m${i}`);
    expect(socket.sent).toEqual(['m0', 'm1', 'm2']);
    expect(socket.closed?.code).toBe(RELAY_CLOSE_CODES.controlQueueOverflow);
    expect(socket.closed?.reason).toMatch(/^control queue overflow: the client is not reading/);
    expect(heard).toEqual([4008]);
    expect(control.closed).toBe(true);
  });

  it('also bounds the bytes that wait', () => {
    const socket = new Socket();
    const control = new ControlQueue(socket, { ...limits, maxMessages: 100 });
    socket.bufferedAmount = 500;
    control.send('x'.repeat(600));
    control.send('y'.repeat(600));
    expect(socket.sent).toHaveLength(1);
    expect(socket.closed?.code).toBe(4008);
  });
});
