import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  COMMAND_ANSWER_TIMEOUT_MS,
  COMMAND_BROKER_TIMEOUT_MS,
  RELAY_PROTOCOL_VERSION,
  type ServerMessage,
} from '../protocol/relay.ts';
import {
  createRelayClient,
  relayUrlFor,
  type ConnectionState,
  type SocketLike,
} from './relayClient.ts';

class FakeSocket implements SocketLike {
  readyState = 0;
  onopen: SocketLike['onopen'] = null;
  onclose: SocketLike['onclose'] = null;
  onerror: SocketLike['onerror'] = null;
  onmessage: SocketLike['onmessage'] = null;
  sent: unknown[] = [];
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close(code = 1000, reason = '') {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  receive(message: ServerMessage | string) {
    this.onmessage?.({ data: typeof message === 'string' ? message : JSON.stringify(message) });
  }
}

describe('createRelayClient', () => {
  let sockets: FakeSocket[];
  beforeEach(() => {
    vi.useFakeTimers();
    sockets = [];
  });
  afterEach(() => vi.useRealTimers());
  const make = (
    handlers: Parameters<typeof createRelayClient>[0] extends infer O ? Partial<O> : never = {},
  ) =>
    createRelayClient({
      url: 'ws://test/ws',
      createSocket: () => {
        const s = new FakeSocket();
        sockets.push(s);
        return s;
      },
      ...handlers,
    });

  it('says hello with its protocol version and subscribes to every channel on open', () => {
    make();
    sockets[0]!.open();
    expect(sockets[0]!.sent).toEqual([
      { type: 'hello', protocol: RELAY_PROTOCOL_VERSION, client: 'twinbench-web' },
      { type: 'subscribe', channels: '*' },
    ]);
  });

  it('passes channels and samples on, and reports open after the welcome', () => {
    const states: ConnectionState[] = [];
    const onSamples = vi.fn();
    const onChannels = vi.fn();
    make({ onState: (s) => states.push(s), onSamples, onChannels });
    const s = sockets[0]!;
    s.open();
    s.receive({
      type: 'welcome',
      protocol: RELAY_PROTOCOL_VERSION,
      server: 'relay',
      serverTime: 1,
      commandsEnabled: true,
    });
    s.receive({ type: 'channels', channels: [{ id: 0, name: 'a', unit: 'mm', source: 'x' }] });
    s.receive({ type: 'samples', samples: [[0, 10, 1.5, 11]] });
    expect(states.at(-1)?.status).toBe('open');
    expect(onChannels).toHaveBeenCalledWith([{ id: 0, name: 'a', unit: 'mm', source: 'x' }]);
    expect(onSamples).toHaveBeenCalledWith([[0, 10, 1.5, 11]]);
  });

  it('reports unreadable frames as problems instead of throwing', () => {
    const problems: string[] = [];
    make({ onProblem: (p) => problems.push(p) });
    sockets[0]!.open();
    sockets[0]!.receive('{not json');
    sockets[0]!.receive('{"type":"mystery"}');
    expect(problems).toHaveLength(2);
    expect(problems[1]).toContain('mystery');
  });

  it('reconnects with growing back-off after the relay goes away', () => {
    const states: ConnectionState[] = [];
    make({ onState: (s) => states.push(s), minRetryMs: 100 });
    sockets[0]!.close(1006);
    expect(states.at(-1)).toMatchObject({
      status: 'closed',
      reason: expect.stringMatching(/^relay unreachable, or it refused/) as string,
    });
    vi.advanceTimersByTime(100);
    expect(sockets).toHaveLength(2);
    sockets[1]!.close(1006);
    vi.advanceTimersByTime(100);
    expect(sockets).toHaveLength(2); // second wait is 200 ms
    vi.advanceTimersByTime(100);
    expect(sockets).toHaveLength(3);
  });

  it('resolves a command with the relay’s result, and fails it when not connected', async () => {
    const client = make();
    expect((await client.sendCommand({ kind: 'clearDamage' })).ok).toBe(false);
    sockets[0]!.open();
    const pending = client.sendCommand({ kind: 'setDamage', member: 3, health: 0.5 });
    const sent = sockets[0]!.sent.at(-1) as { id: string; command: unknown };
    expect(sent.command).toEqual({ kind: 'setDamage', member: 3, health: 0.5 });
    sockets[0]!.receive({ type: 'commandResult', id: sent.id, ok: true, message: 'applied' });
    await expect(pending).resolves.toEqual({ ok: true, message: 'applied' });
  });

  it('waits past the relay’s own broker deadline for its answer, then gives up saying what to check', async () => {
    expect(COMMAND_ANSWER_TIMEOUT_MS).toBeGreaterThan(2 * COMMAND_BROKER_TIMEOUT_MS);
    const client = make();
    sockets[0]!.open();
    // An answer that comes after the relay's deadline (it sat behind telemetry) still counts.
    const late = client.sendCommand({ kind: 'clearDamage' });
    const first = sockets[0]!.sent.at(-1) as { id: string };
    vi.advanceTimersByTime(COMMAND_BROKER_TIMEOUT_MS + 1000);
    sockets[0]!.receive({ type: 'commandResult', id: first.id, ok: true, message: 'sent' });
    await expect(late).resolves.toEqual({ ok: true, message: 'sent' });
    // A relay that never answers: the command is reported unknown, not failed.
    const silent = client.sendCommand({ kind: 'clearDamage' });
    vi.advanceTimersByTime(COMMAND_ANSWER_TIMEOUT_MS);
    await expect(silent).resolves.toEqual({
      ok: false,
      message: expect.stringMatching(
        /did not answer within 15 s, so the command may or may not have reached the twin: check/,
      ) as string,
    });
  });

  it('builds the relay URL from the page location', () => {
    expect(relayUrlFor({ protocol: 'https:', host: 'twin.example:8443' })).toBe(
      'wss://twin.example:8443/ws',
    );
    expect(relayUrlFor({ protocol: 'http:', host: 'localhost:8080' })).toBe(
      'ws://localhost:8080/ws',
    );
    expect(relayUrlFor({ protocol: 'http:', host: 'localhost:8080' }, '/ws', 'a.b+c')).toBe(
      'ws://localhost:8080/ws?token=a.b%2Bc',
    );
  });
});
