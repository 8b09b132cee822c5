import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { RELAY_WS_PATH, type TwinCommand } from '../../src/protocol/relay.ts';
import { createAcl, defaultAclConfig } from '../auth/acl.ts';
import { DEFAULT_AUTH_CONFIG } from '../auth/authConfig.ts';
import { issueToken } from '../auth/issueToken.ts';
import { createRelayAuth } from '../auth/relayAuth.ts';
import type { Role } from '../auth/roles.ts';
import { createMemoryLogger } from '../logger.ts';
import { waitFor } from '../testing/waitFor.ts';
import type { CommandAudit } from './clientSession.ts';
import { RelayHub } from './relayHub.ts';
import { CLOSE_TOKEN_EXPIRED, attachRelayWsServer, type RelayWsServer } from './wsServer.ts';

const SECRET = 'a-relay-secret-long-enough-for-hs256-tokens!';

let server: Server;
let hub: RelayHub;
let relay: RelayWsServer;
let port: number;
const sent: TwinCommand[] = [];
const audits: CommandAudit[] = [];
const failures: string[] = [];
const sockets: WebSocket[] = [];

beforeEach(async () => {
  const logger = createMemoryLogger();
  hub = new RelayHub({ logger, flushIntervalMs: 20 });
  // Tokens are required even on loopback once a key is set.
  const auth = await createRelayAuth({
    config: { ...DEFAULT_AUTH_CONFIG, secret: SECRET },
    host: '127.0.0.1',
  });
  expect(auth.mode.kind).toBe('token');
  server = createServer((_req, res) => res.end());
  relay = attachRelayWsServer({
    server,
    hub,
    logger,
    commands: {
      enabled: true,
      send: (command) => {
        sent.push(command);
        return Promise.resolve('applied');
      },
    },
    authenticate: (request) => auth.authenticate(request),
    acl: createAcl(defaultAclConfig()),
    onAuthFailure: (reason) => failures.push(reason),
    audit: (entry) => audits.push(entry),
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  hub.start();
});

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.terminate();
  await relay.close();
  hub.stop();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  sent.length = 0;
  audits.length = 0;
  failures.length = 0;
});

const token = (role: Role, ttlSeconds = 600, secret = SECRET, issuedAgoMs = 0) =>
  issueToken({
    subject: `${role}-user`,
    role,
    ttlSeconds,
    secret,
    now: () => Date.now() - issuedAgoMs,
  });

type Opened = { socket: WebSocket; messages: Record<string, unknown>[] };
type Refused = { status: number; body: string };

/** Connects and resolves once the relay welcomed the client, or with the HTTP refusal. */
function connect(
  query = '',
  headers: Record<string, string> = {},
  path = RELAY_WS_PATH,
): Promise<Opened | Refused> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}${path}${query}`, { headers });
  sockets.push(socket);
  const messages: Record<string, unknown>[] = [];
  socket.on('message', (data: Buffer) =>
    messages.push(JSON.parse(data.toString('utf8')) as Record<string, unknown>),
  );
  return new Promise((resolve, reject) => {
    socket.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    socket.once('open', () => {
      void waitFor('welcome', () => messages.find((m) => m.type === 'welcome')).then(
        () => resolve({ socket, messages }),
        reject,
      );
    });
    socket.once('error', () => {});
  });
}

const command = {
  type: 'command',
  id: 'k1',
  command: { kind: 'setDamage', member: 3, health: 0.5 },
};

describe('relay WebSocket server with tokens', () => {
  it('refuses a connection without a token with 401 and a message that says what to do', async () => {
    const refused = (await connect()) as Refused;
    expect(refused.status).toBe(401);
    expect(refused.body).toMatch(/token/i);
    expect(failures).toEqual(['missing']);
  });

  it('refuses expired and forged tokens, naming which', async () => {
    const expired = await token('operator', 600, SECRET, 3_600_000);
    const forged = await token('admin', 600, 'somebody-elses-secret-long-enough-for-hs256');
    const a = (await connect(`?token=${expired}`)) as Refused;
    const b = (await connect('', { Authorization: `Bearer ${forged}` })) as Refused;
    expect([a.status, b.status]).toEqual([401, 401]);
    expect(a.body).toMatch(/expired/);
    expect(failures).toEqual(['expired', 'bad_signature']);
  });

  it('lets a viewer watch but not command, and audits the refusal', async () => {
    const viewer = (await connect(`?token=${await token('viewer')}`)) as Opened;
    expect(viewer.messages[0]).toMatchObject({ type: 'welcome', commandsEnabled: false });
    viewer.socket.send(JSON.stringify(command));
    await waitFor('commandResult', () => viewer.messages.find((m) => m.type === 'commandResult'));
    expect(viewer.messages.find((m) => m.type === 'commandResult')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/viewer/) as string,
    });
    expect(sent).toEqual([]);
    expect(audits).toMatchObject([
      {
        who: 'viewer-user',
        role: 'viewer',
        outcome: 'forbidden',
        topic: 'twinbench/footbridge/commands',
      },
    ]);
  });

  it('passes an operator’s command on (token in the Authorization header) and audits it', async () => {
    const operator = (await connect('', {
      Authorization: `Bearer ${await token('operator')}`,
    })) as Opened;
    expect(operator.messages[0]).toMatchObject({ type: 'welcome', commandsEnabled: true });
    operator.socket.send(JSON.stringify(command));
    await waitFor('commandResult', () => operator.messages.find((m) => m.type === 'commandResult'));
    expect(sent).toEqual([command.command]);
    expect(audits).toMatchObject([
      { who: 'operator-user', role: 'operator', outcome: 'sent', command: command.command },
    ]);
    expect(audits[0]!.at).toBeGreaterThan(Date.now() - 10_000);
  });

  it('closes a connection when its token expires', async () => {
    const opened = (await connect(`?token=${await token('viewer', 1)}`)) as Opened;
    const code = await new Promise<number>((resolve) => opened.socket.once('close', resolve));
    expect(code).toBe(CLOSE_TOKEN_EXPIRED);
  }, 10_000);

  it('answers 404 for other WebSocket paths', async () => {
    const refused = (await connect('', {}, '/elsewhere')) as Refused;
    expect(refused.status).toBe(404);
    expect(refused.body).toContain(RELAY_WS_PATH);
  });
});
