/**
 * The registry's HTTP routes, tested over HTTP on any database: PGlite in memory
 * (registryRoutes.pglite.test.ts) and PostgreSQL (registryRoutes.postgres.integration.test.ts).
 */
import { afterEach, describe, expect, it, type TestContext } from 'vitest';
import {
  REGISTRY_API_HEADER,
  REGISTRY_LIMITS,
  type PublishRequest,
} from '../../../../src/protocol/registry.ts';
import { fromBase64, toBase64 } from '../../../../src/shared/merkle/bytes.ts';
import type {
  ConsistencyProofJson,
  InclusionProofJson,
} from '../../../../src/shared/merkle/proofJson.ts';
import { verifyCheckpointNote } from '../../../../src/shared/merkle/verifyCheckpoint.ts';
import {
  verifyCheckpointsConsistent,
  verifyLoggedEntry,
} from '../../../../src/shared/merkle/verifyLogged.ts';
import { generateAuthorKey, type AuthorKey } from '../../../../src/shared/signing/authorKey.ts';
import { keyFingerprint } from '../../../../src/shared/signing/modelSignature.ts';
import type { Role } from '../../../auth/roles.ts';
import type { RegistryDb } from '../../db/index.ts';
import { signedPublishRequest, exampleFiles, withFile } from './examplePublish.ts';
import { startTestRegistry, type TestRegistry } from './testRegistry.ts';

export type OpenFreshRegistryDb = (ctx: TestContext) => Promise<RegistryDb>;

/** The fields of reply bodies these tests read (each reply has some of them). */
interface ReplyBody {
  readonly error: { readonly reason: string; readonly message: string };
  readonly models: readonly { readonly name: string }[];
  readonly versions: readonly { readonly version: string }[];
  readonly moves: readonly { readonly to: string }[];
  readonly results: readonly { readonly status: string }[];
  readonly aliases: string[];
  readonly trust: { readonly level: string };
  readonly bytes: string;
}

interface Reply {
  readonly status: number;
  /** The parsed JSON body (or the text, for other content types). */
  readonly body: ReplyBody;
  readonly text: string;
  readonly headers: Headers;
}

export function registryRoutesSuite(label: string, open: OpenFreshRegistryDb): void {
  describe(label, () => {
    const running: TestRegistry[] = [];
    const dbs: RegistryDb[] = [];
    afterEach(async () => {
      for (const registry of running.splice(0)) await registry.close();
      for (const db of dbs.splice(0)) await db.close();
    });

    async function fresh(ctx: TestContext): Promise<TestRegistry> {
      const db = await open(ctx);
      dbs.push(db);
      const registry = await startTestRegistry(db);
      running.push(registry);
      return registry;
    }

    async function call(
      registry: TestRegistry,
      method: string,
      path: string,
      options: {
        role?: Role | null;
        subject?: string;
        body?: unknown;
        raw?: string;
        type?: string;
      } = {},
    ): Promise<Reply> {
      const headers: Record<string, string> = {};
      const role = options.role === undefined ? 'viewer' : options.role;
      if (role !== null)
        headers.Authorization = `Bearer ${await registry.token(role, options.subject)}`;
      let sent: string | undefined;
      if (options.raw !== undefined || options.body !== undefined) {
        headers['Content-Type'] = options.type ?? 'application/json';
        sent = options.raw ?? JSON.stringify(options.body);
      }
      const response = await fetch(`${registry.url}/api/registry${path}`, {
        method,
        headers,
        ...(sent === undefined ? {} : { body: sent }),
      });
      const text = await response.text();
      const json = (response.headers.get('content-type') ?? '').startsWith('application/json');
      const body = (json ? JSON.parse(text) : text) as ReplyBody;
      return { status: response.status, body, text, headers: response.headers };
    }

    const publish = (
      registry: TestRegistry,
      model: string,
      request: PublishRequest,
      subject = 'ada',
      role: Role = 'author',
    ) => call(registry, 'POST', `/models/${model}/versions`, { role, subject, body: request });

    let ada: AuthorKey;
    const adaKey = async () => (ada ??= await generateAuthorKey());

    it('publishes a signed version: creates the model, binds the key, moves latest, logs it', async (ctx) => {
      const registry = await fresh(ctx);
      const key = await adaKey();
      const request = await signedPublishRequest(key, 'pid-plant', '1.0.0', {
        modelDescription: 'PID plant',
      });
      const published = await publish(registry, 'pid-plant', request);
      expect(published.status).toBe(201);
      expect(published.headers.get(REGISTRY_API_HEADER)).toBe('1');
      expect(published.body).toMatchObject({
        createdModel: true,
        logEntry: { index: 0 },
        version: {
          model: 'pid-plant',
          version: '1.0.0',
          contentDigest: request.contentDigest,
          publishedBy: 'ada',
          logIndex: 0,
          aliases: ['latest'],
          manifest: { entrypoint: 'model.yaml', runtime: { backends: ['gpu', 'cpu'] } },
          signature: {
            algorithm: 'Ed25519',
            publicKey: key.publicKey,
            signature: request.signature,
          },
          trust: { level: 'signed', signer: 'ada', keyCurrent: true, approvedBy: null },
        },
      });

      const model = await call(registry, 'GET', '/models/pid-plant');
      expect(model.body).toMatchObject({
        name: 'pid-plant',
        owner: 'ada',
        description: 'PID plant',
        latest: '1.0.0',
        stable: null,
        signingKey: {
          publicKey: key.publicKey,
          principal: 'ada',
          boundBy: 'ada',
          fingerprint: await keyFingerprint(key.publicKey),
        },
      });
      const list = await call(registry, 'GET', '/models');
      expect(list.body.models.map((m) => m.name)).toEqual(['pid-plant']);
      const manifest = await call(registry, 'GET', '/models/pid-plant/manifest?version=latest');
      expect(manifest.body).toMatchObject({
        ref: 'latest',
        version: '1.0.0',
        entrypoint: 'model.yaml',
        runtime: { backends: ['gpu', 'cpu'] },
      });
      // Every artifact is served with the bytes that were published.
      for (const artifact of request.artifacts) {
        const bytes = await call(registry, 'GET', `/artifacts/${artifact.digest}`);
        expect(bytes.status).toBe(200);
        expect(bytes.body).toBe(new TextDecoder().decode(fromBase64(artifact.content)));
      }
      // The publish entry is in the log under a signed checkpoint.
      const note = await call(registry, 'GET', '/log/checkpoint');
      const checkpoint = await verifyCheckpointNote(note.text, registry.log.publicKeys);
      expect(checkpoint.treeSize).toBe(1);
      const entry = await call(registry, 'GET', '/log/entries/0');
      const proof = await call(registry, 'GET', '/log/proofs/inclusion?index=0&treeSize=1');
      const logged = await verifyLoggedEntry({
        checkpoint,
        index: 0,
        entryBytes: fromBase64(entry.body.bytes)!,
        proof: JSON.parse(proof.text) as InclusionProofJson,
      });
      expect(logged).toMatchObject({
        kind: 'publish',
        model: { id: 'pid-plant', version: '1.0.0' },
        who: 'ada',
        parameters: { contentDigest: request.contentDigest },
      });
      expect(logged.inputs.map((input) => input.name).sort()).toEqual([
        'model.yaml',
        'pidPlant.wgsl',
      ]);
    });

    it('moves latest to higher versions only, and past prereleases only from prereleases', async (ctx) => {
      const registry = await fresh(ctx);
      const key = await adaKey();
      for (const version of ['1.0.0-rc.1', '1.0.0-rc.2', '1.0.0', '2.0.0-beta.1', '0.9.0']) {
        expect(
          (await publish(registry, 'pid', await signedPublishRequest(key, 'pid', version))).status,
        ).toBe(201);
      }
      const history = await call(registry, 'GET', '/models/pid/aliases/latest/history');
      expect(history.body.moves.map((move) => move.to)).toEqual([
        '1.0.0-rc.1',
        '1.0.0-rc.2',
        '1.0.0',
      ]);
      const versions = await call(registry, 'GET', '/models/pid/versions');
      expect(versions.body.versions.map((v) => v.version)).toEqual([
        '0.9.0',
        '1.0.0-rc.1',
        '1.0.0-rc.2',
        '1.0.0',
        '2.0.0-beta.1',
      ]);
    });

    it('refuses a bad signature, a changed artifact, a wrong content digest and a broken manifest', async (ctx) => {
      const registry = await fresh(ctx);
      const key = await adaKey();
      const good = await signedPublishRequest(key, 'pid', '1.0.0');

      const other = await signedPublishRequest(key, 'pid', '1.0.1');
      const badSignature = await publish(registry, 'pid', { ...good, signature: other.signature });
      expect(badSignature).toMatchObject({
        status: 400,
        body: { error: { reason: 'bad_signature' } },
      });
      expect(badSignature.body.error.message).toMatch(/does not verify/);

      // Signed for one model name, sent for another: the digest covers the name.
      const replay = await publish(registry, 'other-model', good);
      expect(replay).toMatchObject({ status: 400, body: { error: { reason: 'digest_mismatch' } } });

      const [first, ...rest] = good.artifacts;
      const changed = { ...first!, content: toBase64(new TextEncoder().encode('changed')) };
      const wrongBytes = await publish(registry, 'pid', { ...good, artifacts: [changed, ...rest] });
      expect(wrongBytes).toMatchObject({
        status: 400,
        body: { error: { reason: 'digest_mismatch' } },
      });

      const broken = await signedPublishRequest(key, 'pid', '1.0.0', {
        files: withFile(exampleFiles('pidPlant'), 'model.yaml', 'version: 1\nname: [unclosed\n'),
      });
      const invalid = await publish(registry, 'pid', broken);
      expect(invalid).toMatchObject({ status: 422, body: { error: { reason: 'invalid_model' } } });
      expect(invalid.body.error.message).toMatch(/model\.yaml/);

      const noEntry = await signedPublishRequest(key, 'pid', '1.0.0', {
        manifest: { entrypoint: 'missing.yaml', runtime: { backends: ['gpu'] } },
      });
      expect((await publish(registry, 'pid', noEntry)).body.error.message).toMatch(
        /entrypoint "missing.yaml"/,
      );

      // Nothing was stored by any of these.
      expect((await call(registry, 'GET', '/models')).body.models).toEqual([]);
      expect((await publish(registry, 'pid', good)).status).toBe(201);
      expect(await publish(registry, 'pid', good)).toMatchObject({
        status: 409,
        body: { error: { reason: 'version_exists' } },
      });
    });

    it('lets only authors publish, only with the key bound to the model, only its holder', async (ctx) => {
      const registry = await fresh(ctx);
      const key = await adaKey();
      const request = await signedPublishRequest(key, 'pid', '1.0.0');
      expect(
        await call(registry, 'POST', '/models/pid/versions', { role: null, body: request }),
      ).toMatchObject({
        status: 401,
        body: { error: { reason: 'unauthorized' } },
      });
      for (const role of ['viewer', 'operator'] as const) {
        expect(await publish(registry, 'pid', request, 'ada', role)).toMatchObject({
          status: 403,
          body: { error: { reason: 'forbidden' } },
        });
      }
      expect((await publish(registry, 'pid', request)).status).toBe(201);

      const mallory = await generateAuthorKey();
      const wrongKey = await publish(
        registry,
        'pid',
        await signedPublishRequest(mallory, 'pid', '1.1.0'),
      );
      expect(wrongKey).toMatchObject({ status: 403, body: { error: { reason: 'wrong_key' } } });
      expect(wrongKey.body.error.message).toContain(await keyFingerprint(key.publicKey));

      const notHolder = await publish(
        registry,
        'pid',
        await signedPublishRequest(key, 'pid', '1.1.0'),
        'bob',
      );
      expect(notHolder).toMatchObject({
        status: 403,
        body: { error: { reason: 'not_key_holder' } },
      });
    });

    it('lets admins rotate a key; versions signed before stay valid but not current', async (ctx) => {
      const registry = await fresh(ctx);
      const key = await adaKey();
      await publish(registry, 'pid', await signedPublishRequest(key, 'pid', '1.0.0'));
      const next = await generateAuthorKey();
      const body = { publicKey: next.publicKey, principal: 'bob' };
      expect(
        (
          await call(registry, 'PUT', '/models/pid/signing-key', {
            role: 'author',
            subject: 'ada',
            body,
          })
        ).status,
      ).toBe(403);
      const rotated = await call(registry, 'PUT', '/models/pid/signing-key', {
        role: 'admin',
        subject: 'root',
        body,
      });
      expect(rotated).toMatchObject({
        status: 200,
        body: { principal: 'bob', boundBy: 'root', publicKey: next.publicKey },
      });
      expect(
        (await publish(registry, 'pid', await signedPublishRequest(key, 'pid', '1.1.0'))).status,
      ).toBe(403);
      expect(
        (await publish(registry, 'pid', await signedPublishRequest(next, 'pid', '1.1.0'), 'bob'))
          .status,
      ).toBe(201);
      const old = await call(registry, 'GET', '/models/pid/versions/1.0.0');
      expect(old.body.trust).toMatchObject({ level: 'signed', signer: 'ada', keyCurrent: false });
      const current = await call(registry, 'GET', '/models/pid/versions/latest');
      expect(current.body).toMatchObject({
        version: '1.1.0',
        trust: { signer: 'bob', keyCurrent: true },
      });
    });

    it('lets only admins move stable; trust follows tests and approval', async (ctx) => {
      const registry = await fresh(ctx);
      const key = await adaKey();
      await publish(registry, 'pid', await signedPublishRequest(key, 'pid', '1.0.0'));
      const move = (role: Role, alias: string, version: string, subject: string = role) =>
        call(registry, 'PUT', `/models/pid/aliases/${alias}`, { role, subject, body: { version } });

      expect(await move('author', 'stable', '1.0.0', 'ada')).toMatchObject({
        status: 403,
        body: { error: { reason: 'forbidden' } },
      });
      expect((await move('author', 'beta', '1.0.0', 'ada')).status).toBe(200);
      expect((await move('author', 'beta', '1.0.0', 'bob')).status).toBe(403);

      const results = [
        {
          suite: 'manifest',
          name: 'follows a set-point step',
          status: 'failed',
          durationMs: 12,
          message: 'off by 3',
        },
      ];
      const record = (role: Role, subject: string, body: unknown) =>
        call(registry, 'POST', '/models/pid/versions/1.0.0/tests', { role, subject, body });
      expect((await record('viewer', 'ada', { results })).status).toBe(403);
      expect((await record('author', 'bob', { results })).status).toBe(403);
      expect((await record('author', 'ada', { results })).status).toBe(201);
      expect((await call(registry, 'GET', '/models/pid/versions/1.0.0')).body.trust).toMatchObject({
        level: 'signed',
        tests: { passed: 0, failed: 1, skipped: 0 },
      });
      await record('author', 'ada', { results: [{ ...results[0], status: 'passed' }] });
      const tests = await call(registry, 'GET', '/models/pid/versions/latest/tests');
      expect(tests.body.results.map((r) => r.status)).toEqual(['failed', 'passed']);
      expect((await call(registry, 'GET', '/models/pid/versions/1.0.0')).body.trust.level).toBe(
        'tested',
      );
      expect(
        await record('author', 'ada', {
          results: [{ suite: 's', name: 'n', status: 'maybe', durationMs: 1 }],
        }),
      ).toMatchObject({
        status: 400,
        body: { error: { reason: 'bad_request' } },
      });

      const moved = await move('admin', 'stable', 'latest', 'root');
      expect(moved.body).toMatchObject({
        alias: { alias: 'stable', version: '1.0.0', movedBy: 'root' },
        previous: null,
      });
      const detail = await call(registry, 'GET', '/models/pid/manifest?version=stable');
      expect(detail.body).toMatchObject({
        ref: 'stable',
        version: '1.0.0',
        trust: { level: 'approved', approvedBy: 'root' },
      });
      expect(detail.body.aliases.sort()).toEqual(['beta', 'latest', 'stable']);
    });

    it('logs fits and shadow deployments with who and when from the server', async (ctx) => {
      const registry = await fresh(ctx);
      await publish(registry, 'pid', await signedPublishRequest(await adaKey(), 'pid', '1.0.0'));
      const run = {
        kind: 'fit',
        model: { id: 'pid', version: '1.0.0' },
        inputs: [{ name: 'data.csv', digest: `sha256:${'ab'.repeat(32)}` }],
        parameters: { kp: 24, steps: 200 },
        outputs: [],
      };
      expect(
        (await call(registry, 'POST', '/log/entries', { role: 'viewer', body: run })).status,
      ).toBe(403);
      const before = await call(registry, 'GET', '/log/checkpoint');
      const appended = await call(registry, 'POST', '/log/entries', {
        role: 'operator',
        subject: 'otto',
        body: run,
      });
      expect(appended).toMatchObject({ status: 201, body: { index: 1 } });
      const entry = JSON.parse(new TextDecoder().decode(fromBase64(appended.body.bytes))) as {
        when: string;
      };
      expect(entry).toMatchObject({ kind: 'fit', who: 'otto', parameters: { kp: 24 } });
      expect(Date.now() - Date.parse(entry.when)).toBeLessThan(60_000);

      // The log only grew: the new checkpoint extends the old one.
      const after = await call(registry, 'GET', '/log/checkpoint');
      const [older, newer] = await Promise.all([
        verifyCheckpointNote(before.text, registry.log.publicKeys),
        verifyCheckpointNote(after.text, registry.log.publicKeys),
      ]);
      const consistency = await call(
        registry,
        'GET',
        `/log/proofs/consistency?from=${older.treeSize}&to=${newer.treeSize}`,
      );
      await verifyCheckpointsConsistent(
        older,
        newer,
        JSON.parse(consistency.text) as ConsistencyProofJson,
      );

      for (const bad of [
        { ...run, who: 'someone-else' },
        { ...run, kind: 'publish' },
        { ...run, inputs: [{ name: 'x', digest: 'md5:1' }] },
      ]) {
        expect(
          await call(registry, 'POST', '/log/entries', { role: 'operator', body: bad }),
        ).toMatchObject({
          status: 400,
          body: { error: { reason: 'bad_request' } },
        });
      }
      expect(
        (
          await call(registry, 'POST', '/log/entries', {
            role: 'operator',
            body: { ...run, model: { id: 'pid', version: '9.9.9' } },
          })
        ).status,
      ).toBe(404);
      expect(
        (
          await call(registry, 'POST', '/log/entries', {
            role: 'operator',
            body: { ...run, model: { id: 'pid', version: 'latest' } },
          })
        ).status,
      ).toBe(400);
      // The workbench's built-in models are logged at the digest of what ran, never by alias.
      const builtin = { id: 'builtin/footbridge', version: `sha256:${'cd'.repeat(32)}` };
      expect(
        await call(registry, 'POST', '/log/entries', {
          role: 'operator',
          body: { ...run, model: builtin },
        }),
      ).toMatchObject({ status: 201, body: { index: 2 } });
      for (const model of [
        { ...builtin, version: '1.0.0' },
        { id: 'builtin/Foot Bridge', version: builtin.version },
      ]) {
        expect(
          (
            await call(registry, 'POST', '/log/entries', {
              role: 'operator',
              body: { ...run, model },
            })
          ).status,
        ).toBeGreaterThanOrEqual(400);
      }
      expect((await call(registry, 'GET', '/log/entries/7')).status).toBe(404);
      expect(
        (await call(registry, 'GET', '/log/proofs/inclusion?index=0&treeSize=99')).status,
      ).toBe(404);
      expect(
        (await call(registry, 'GET', '/log/proofs/inclusion?index=-1&treeSize=1')).status,
      ).toBe(400);
      expect((await call(registry, 'GET', '/log/key')).body).toMatchObject({
        origin: registry.log.origin,
        keys: registry.log.publicKeys,
      });
    });

    it('answers bad requests with 4xx and a message, and keeps serving', async (ctx) => {
      const registry = await fresh(ctx);
      const post = (raw: string, type?: string) =>
        call(registry, 'POST', '/models/pid/versions', {
          role: 'author',
          raw,
          ...(type === undefined ? {} : { type }),
        });
      expect(await post('{not json')).toMatchObject({
        status: 400,
        body: { error: { reason: 'bad_json' } },
      });
      expect(await post('{}', 'text/plain')).toMatchObject({ status: 415 });
      expect(await post('[]')).toMatchObject({
        status: 400,
        body: { error: { reason: 'bad_request' } },
      });
      expect(await post(JSON.stringify({ version: '1.0.0', extra: 1 }))).toMatchObject({
        status: 400,
      });
      const huge = await call(registry, 'PUT', '/models/pid/aliases/beta', {
        role: 'admin',
        raw: JSON.stringify({ version: 'x'.repeat(REGISTRY_LIMITS.jsonBodyBytes) }),
      });
      expect(huge).toMatchObject({ status: 413, body: { error: { reason: 'too_large' } } });
      expect(await call(registry, 'GET', '/models/NOT_A_NAME')).toMatchObject({ status: 404 });
      expect(await call(registry, 'GET', '/models/none/versions/1.0.0')).toMatchObject({
        status: 404,
        body: { error: { reason: 'unknown_model' } },
      });
      expect(await call(registry, 'GET', '/artifacts/xyz')).toMatchObject({ status: 400 });
      expect(await call(registry, 'GET', `/artifacts/sha256:${'0'.repeat(64)}`)).toMatchObject({
        status: 404,
      });
      expect(await call(registry, 'GET', '/nowhere')).toMatchObject({
        status: 404,
        body: { error: { reason: 'no_such_route' } },
      });
      const wrong = await call(registry, 'DELETE', '/models');
      expect(wrong.status).toBe(405);
      expect(wrong.headers.get('allow')).toBe('GET');
      expect(await call(registry, 'GET', '/models', { role: null })).toMatchObject({ status: 401 });
      expect((await call(registry, 'GET', '/openapi.json', { role: null })).status).toBe(200);
      expect((await call(registry, 'GET', '/models')).status).toBe(200);
    });

    it('refuses to serve an artifact whose stored bytes were changed (re-hash on read)', async (ctx) => {
      const registry = await fresh(ctx);
      const request = await signedPublishRequest(await adaKey(), 'pid', '1.0.0');
      await publish(registry, 'pid', request);
      const kernel = request.artifacts.find((artifact) => artifact.path.endsWith('.wgsl'))!;
      await registry.db.query('UPDATE artifacts SET content = $1 WHERE digest = $2', [
        new TextEncoder().encode('@compute fn step() { /* a backdoor */ }'),
        new Uint8Array(Buffer.from(kernel.digest.slice('sha256:'.length), 'hex')),
      ]);
      const served = await call(registry, 'GET', `/artifacts/${kernel.digest}`);
      expect(served).toMatchObject({
        status: 500,
        body: { error: { reason: 'artifact_tampered' } },
      });
      expect(served.body.error.message).toContain(kernel.digest);
      expect(
        registry.logger.lines.some(
          (line) => line.level === 'error' && line.line.includes(kernel.digest),
        ),
      ).toBe(true);
    });

    it('refuses to serve an edited run log entry, and audit names it', async (ctx) => {
      const registry = await fresh(ctx);
      await publish(registry, 'pid', await signedPublishRequest(await adaKey(), 'pid', '1.0.0'));
      const [row] = await registry.db.query('SELECT entry FROM run_log_leaves WHERE idx = 0');
      const edited = new TextDecoder()
        .decode(row!.entry as Uint8Array)
        .replace('"who":"ada"', '"who":"eve"');
      await registry.db.transaction(async (tx) => {
        await tx.query('ALTER TABLE run_log_leaves DISABLE TRIGGER run_log_leaves_append_only');
        await tx.query('UPDATE run_log_leaves SET entry = $1 WHERE idx = 0', [
          new TextEncoder().encode(edited),
        ]);
        await tx.query('ALTER TABLE run_log_leaves ENABLE TRIGGER run_log_leaves_append_only');
      });
      expect(await call(registry, 'GET', '/log/entries/0')).toMatchObject({
        status: 500,
        body: { error: { reason: 'entry_tampered' } },
      });
      expect((await call(registry, 'GET', '/log/audit', { role: 'operator' })).status).toBe(403);
      const audit = await call(registry, 'GET', '/log/audit', { role: 'admin' });
      expect(audit.body).toMatchObject({
        ok: false,
        problemCount: 1,
        problems: [{ reason: 'entry_modified', index: 0 }],
      });
    });
  });
}
