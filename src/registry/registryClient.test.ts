// The browser client against the real registry routes over HTTP (PGlite in memory): every call,
// verified downloads, and tampering with stored artifacts, records and run log entries.
import { PGlite } from '@electric-sql/pglite';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../server/registry/db/migrate.ts';
import { PGLITE_MEMORY, pgliteRegistryDb } from '../../server/registry/db/pgliteDb.ts';
import type { RegistryDb } from '../../server/registry/db/index.ts';
import {
  exampleFiles,
  EXAMPLE_MANIFEST,
} from '../../server/registry/http/testing/examplePublish.ts';
import {
  startTestRegistry,
  testToken,
  type TestRegistry,
} from '../../server/registry/http/testing/testRegistry.ts';
import type { Role } from '../../server/auth/roles.ts';
import { fromBase64, toBase64 } from '../shared/merkle/bytes.ts';
import { hashLeaf } from '../shared/merkle/rfc6962.ts';
import { generateAuthorKey, type AuthorKey } from '../shared/signing/authorKey.ts';
import { keyFingerprint } from '../shared/signing/modelSignature.ts';
import { fetchVerifiedModel, loadVerifiedModel } from './fetchVerifiedModel.ts';
import { createRegistryClient, type RegistryClient } from './registryClient.ts';
import { RegistryClientError } from './registryClientError.ts';
import { signAndPublish } from './signAndPublish.ts';
import { verifyRunLogEntry, verifyVersionLogged } from './verifyRunLogEntry.ts';

let pglite: PGlite;
let schemas = 0;
const running: TestRegistry[] = [];
const dbs: RegistryDb[] = [];

beforeAll(async () => {
  pglite = await PGlite.create(PGLITE_MEMORY);
});
afterAll(async () => {
  await pglite.close();
});
afterEach(async () => {
  for (const registry of running.splice(0)) await registry.close();
  for (const db of dbs.splice(0)) await db.close();
});

async function freshDb(): Promise<RegistryDb> {
  const db = await pgliteRegistryDb(pglite, {
    location: PGLITE_MEMORY,
    schema: `client_${++schemas}`,
  });
  await migrate(db);
  dbs.push(db);
  return db;
}

async function serve(db?: RegistryDb, logKey?: TestRegistry['logKey']): Promise<TestRegistry> {
  const registry = await startTestRegistry(
    db ?? (await freshDb()),
    logKey === undefined ? {} : { logKey },
  );
  running.push(registry);
  return registry;
}

async function client(registry: TestRegistry, role: Role = 'viewer', subject: string = role) {
  return createRegistryClient(registry.url, await testToken(role, subject));
}

async function rejection(promise: Promise<unknown>): Promise<RegistryClientError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RegistryClientError) return error;
    throw error;
  }
  throw new Error('expected a RegistryClientError');
}

let key: AuthorKey;
beforeAll(async () => {
  key = await generateAuthorKey();
});

async function publishPid(registry: TestRegistry, version = '1.0.0') {
  return signAndPublish(await client(registry, 'author', 'ada'), {
    model: 'pid-plant',
    version,
    manifest: EXAMPLE_MANIFEST,
    files: exampleFiles('pidPlant'),
    key,
    modelDescription: 'PID plant',
  });
}

describe('the registry client', () => {
  it('publishes signed, then loads the model verified and builds its ModelSpec', async () => {
    const registry = await serve();
    const published = await publishPid(registry);
    expect(published).toMatchObject({
      createdModel: true,
      version: { version: '1.0.0', logIndex: 0 },
    });

    const viewer = await client(registry);
    const verified = await fetchVerifiedModel(viewer, 'pid-plant', 'latest');
    expect(verified).toMatchObject({
      model: 'pid-plant',
      version: '1.0.0',
      ref: 'latest',
      manifestFile: 'model.yaml',
      signer: {
        publicKey: key.publicKey,
        principal: 'ada',
        fingerprint: await keyFingerprint(key.publicKey),
      },
    });
    expect(verified.details.runtime).toEqual({ backends: ['gpu', 'cpu'] });
    const { spec, tests } = await loadVerifiedModel(verified);
    expect(spec.name).toBe('pid plant');
    expect(tests.map((test) => test.name)).toContain('follows a set-point step');

    const pinned = await fetchVerifiedModel(viewer, 'pid-plant', '1.0.0', {
      trustedKeys: [await keyFingerprint(key.publicKey)],
    });
    expect(pinned.version).toBe('1.0.0');
    const stranger = await generateAuthorKey();
    const untrusted = await rejection(
      fetchVerifiedModel(viewer, 'pid-plant', '1.0.0', { trustedKeys: [stranger.publicKey] }),
    );
    expect(untrusted.reason).toBe('untrusted_key');
    expect(untrusted.message).toContain('ada');
  });

  it('has a typed call for every route', async () => {
    const registry = await serve();
    await publishPid(registry);
    const viewer = await client(registry);
    const admin = await client(registry, 'admin', 'root');
    const author = await client(registry, 'author', 'ada');
    const operator = await client(registry, 'operator', 'otto');

    expect((await viewer.listModels()).models).toMatchObject([
      { name: 'pid-plant', latest: '1.0.0' },
    ]);
    expect(await viewer.getModel('pid-plant')).toMatchObject({
      owner: 'ada',
      signingKey: { principal: 'ada' },
    });
    expect((await viewer.listVersions('pid-plant')).versions).toHaveLength(1);
    expect(await viewer.getVersion('pid-plant', 'latest')).toMatchObject({ version: '1.0.0' });
    expect(await admin.moveAlias('pid-plant', 'stable', '1.0.0')).toMatchObject({ previous: null });
    expect(await viewer.getAlias('pid-plant', 'stable')).toMatchObject({
      version: '1.0.0',
      movedBy: 'root',
    });
    expect((await viewer.listAliases('pid-plant')).map((a) => a.alias)).toEqual([
      'latest',
      'stable',
    ]);
    expect((await viewer.aliasHistory('pid-plant', 'stable')).moves).toHaveLength(1);
    await author.recordTestResults('pid-plant', '1.0.0', [
      { suite: 'manifest', name: 'rests without a set-point', status: 'passed', durationMs: 4 },
    ]);
    expect((await viewer.listTestResults('pid-plant', 'stable')).results).toHaveLength(1);
    const run = await operator.appendRun({
      kind: 'shadow',
      model: { id: 'pid-plant', version: '1.0.0' },
      inputs: [],
      parameters: { deployment: 'bridge-a' },
      outputs: [],
    });
    expect(run.index).toBe(1);
    expect((await viewer.logKey()).keys).toEqual(registry.log.publicKeys);
    expect(await viewer.checkpoint()).toContain('registry.test/runlog\n2\n');
    expect((await viewer.logEntry(1)).index).toBe(1);
    expect((await viewer.inclusionProof(0, 2)).proof).toHaveLength(1);
    expect((await viewer.consistencyProof(1, 2)).proof).toHaveLength(1);
    expect(await admin.audit()).toMatchObject({ ok: true, treeSize: 2 });
    const next = await generateAuthorKey();
    expect(
      await admin.rotateSigningKey('pid-plant', { publicKey: next.publicKey, principal: 'bob' }),
    ).toMatchObject({
      principal: 'bob',
    });

    const forbidden = await rejection(viewer.moveAlias('pid-plant', 'stable', '1.0.0'));
    expect(forbidden).toMatchObject({ reason: 'forbidden', status: 403 });
    expect(forbidden.message).toMatch(/admin/);
  });

  it('reports an unreachable server, a server that is not a registry, and a malformed answer', async () => {
    const registry = await serve();
    const url = registry.url;
    await registry.close();
    expect((await rejection(createRegistryClient(url).listModels())).reason).toBe('network');

    const notRegistry = createRegistryClient('http://x.invalid', null, {
      fetch: () => Promise.resolve(new Response('<html></html>', { status: 200 })),
    });
    expect((await rejection(notRegistry.listModels())).reason).toBe('api_version');
    const garbled = createRegistryClient('http://x.invalid', null, {
      fetch: () =>
        Promise.resolve(
          Response.json({ models: [{ name: 7 }] }, { headers: { 'Twinbench-Registry-Api': '1' } }),
        ),
    });
    const malformed = await rejection(garbled.listModels());
    expect(malformed.reason).toBe('malformed_response');
    expect(malformed.message).toContain('models[0].name');
  });
});

/** A client whose responses pass through `alter` first, as a man in the middle would. */
function tamperingClient(
  registry: TestRegistry,
  token: string,
  alter: (url: URL, body: Uint8Array) => Uint8Array,
): RegistryClient {
  return createRegistryClient(registry.url, token, {
    fetch: async (input, init) => {
      const response = await fetch(input, init);
      const body = new Uint8Array(
        alter(
          new URL(input instanceof Request ? input.url : input),
          new Uint8Array(await response.arrayBuffer()),
        ),
      );
      return new Response(body, { status: response.status, headers: response.headers });
    },
  });
}

describe('tamper evidence (issue 8, acceptance 3)', () => {
  it('refuses an artifact whose stored bytes were changed: the server will not serve it', async () => {
    const registry = await serve();
    const { version } = await publishPid(registry);
    const kernel = version.artifacts.find((artifact) => artifact.path === 'pidPlant.wgsl')!;
    await registry.db.query('UPDATE artifacts SET content = $1 WHERE digest = $2', [
      new TextEncoder().encode('@compute @workgroup_size(1) fn step() {}'),
      new Uint8Array(Buffer.from(kernel.digest.slice('sha256:'.length), 'hex')),
    ]);
    const error = await rejection(fetchVerifiedModel(await client(registry), 'pid-plant', '1.0.0'));
    expect(error.reason).toBe('artifact_tampered');
    expect(error.message).toContain('pidPlant.wgsl');
    expect(error.message).toContain(kernel.digest);
  });

  it('refuses an artifact changed on the way, and a record whose manifest was changed', async () => {
    const registry = await serve();
    await publishPid(registry);
    const token = await testToken('viewer');
    const onTheWay = tamperingClient(registry, token, (url, body) =>
      url.pathname.includes('/artifacts/') ? new TextEncoder().encode('fn evil() {}') : body,
    );
    expect((await rejection(fetchVerifiedModel(onTheWay, 'pid-plant'))).reason).toBe(
      'artifact_tampered',
    );

    // Someone with database access marks the model CPU-only: the signed digest no longer matches.
    const [row] = await registry.db.query('SELECT manifest FROM versions');
    await registry.db.query('UPDATE versions SET manifest = $1', [
      (row!.manifest as string).replace('["gpu","cpu"]', '["cpu"]'),
    ]);
    const changed = await rejection(fetchVerifiedModel(await client(registry), 'pid-plant'));
    expect(changed.reason).toBe('content_mismatch');
    expect(changed.message).toMatch(/record was changed after publishing/);
  });

  it('verifies a version against the run log, and refuses a log entry changed in storage or on the way', async () => {
    const registry = await serve();
    const { version } = await publishPid(registry);
    const viewer = await client(registry);
    const logKeys = registry.log.publicKeys;
    const first = await verifyVersionLogged(viewer, version, { logKeys });
    expect(first.entry).toMatchObject({ kind: 'publish', who: 'ada' });

    const onTheWay = tamperingClient(registry, await testToken('viewer'), (url, body) => {
      if (!url.pathname.endsWith('/log/entries/0')) return body;
      const json = JSON.parse(new TextDecoder().decode(body)) as { bytes: string };
      const entry = new TextDecoder()
        .decode(fromBase64(json.bytes))
        .replace('"who":"ada"', '"who":"eve"');
      return new TextEncoder().encode(
        JSON.stringify({ ...json, bytes: toBase64(new TextEncoder().encode(entry)) }),
      );
    });
    const inTransit = await rejection(verifyRunLogEntry(onTheWay, 0, { logKeys }));
    expect(inTransit.reason).toBe('log_unverified');
    expect(inTransit.message).toMatch(/not what .* committed to/);

    // Edited in the database, leaf hash untouched: the server refuses to serve it, audit names it.
    const [row] = await registry.db.query('SELECT entry FROM run_log_leaves WHERE idx = 0');
    const edited = new TextEncoder().encode(
      new TextDecoder().decode(row!.entry as Uint8Array).replace('"who":"ada"', '"who":"eve"'),
    );
    await registry.db.transaction(async (tx) => {
      await tx.query('ALTER TABLE run_log_leaves DISABLE TRIGGER run_log_leaves_append_only');
      await tx.query('UPDATE run_log_leaves SET entry = $1 WHERE idx = 0', [edited]);
      await tx.query('ALTER TABLE run_log_leaves ENABLE TRIGGER run_log_leaves_append_only');
    });
    const refused = await rejection(verifyVersionLogged(viewer, version, { logKeys }));
    expect(refused).toMatchObject({ reason: 'entry_tampered', status: 500 });
    const audit = await registry.log.audit();
    expect(audit).toMatchObject({ ok: false, problems: [{ reason: 'entry_modified', index: 0 }] });
  });

  it('catches a history rewritten with its leaf hashes and a restart, against a kept checkpoint', async () => {
    const registry = await serve();
    const { version } = await publishPid(registry);
    const logKeys = registry.log.publicKeys;
    const kept = await verifyVersionLogged(await client(registry), version, { logKeys });
    const keptNote = await registry.log.checkpoint();
    await registry.close();

    // Rewrite entry 0 together with its leaf hash, then start a server on the edited store.
    const [row] = await registry.db.query('SELECT entry FROM run_log_leaves WHERE idx = 0');
    const edited = new TextEncoder().encode(
      new TextDecoder().decode(row!.entry as Uint8Array).replace('"who":"ada"', '"who":"eve"'),
    );
    await registry.db.transaction(async (tx) => {
      await tx.query('ALTER TABLE run_log_leaves DISABLE TRIGGER run_log_leaves_append_only');
      await tx.query('UPDATE run_log_leaves SET entry = $1, leaf_hash = $2 WHERE idx = 0', [
        edited,
        await hashLeaf(edited),
      ]);
      await tx.query('ALTER TABLE run_log_leaves ENABLE TRIGGER run_log_leaves_append_only');
    });
    const restarted = await serve(registry.db, registry.logKey);
    await publishPid(restarted, '1.1.0');
    const viewer = await client(restarted);

    const rewritten = await rejection(
      verifyVersionLogged(viewer, version, { logKeys, trusted: kept.checkpoint }),
    );
    expect(rewritten.reason).toBe('log_unverified');
    expect(rewritten.message).toMatch(/history was rewritten/);
    const audit = await restarted.log.audit({ against: keptNote });
    expect(audit.ok).toBe(false);
    expect(audit.problems.map((problem) => problem.reason)).toContain('root_mismatch');
  });
});
