import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, type TestContext } from 'vitest';
import { aliasHistory, getAlias, listAliases, setAlias } from '../aliases.ts';
import { getArtifact, missingArtifacts, putArtifact } from '../artifacts.ts';
import { RegistryDbError, type RegistryDbErrorReason } from '../errors.ts';
import { migrate } from '../migrate.ts';
import { createModel, getModel, listModels } from '../models.ts';
import { sampleEntry } from '../../../../src/shared/merkle/testing/entries.ts';
import { ed25519CheckpointSigner, RunLog } from '../../../runlog/index.ts';
import { registryLeafStore } from '../registryLeafStore.ts';
import {
  appendRunLogEntry,
  getRunLogEntry,
  runLogEntries,
  runLogLeafHashes,
  runLogSize,
} from '../runLog.ts';
import { intColumn } from '../rows.ts';
import { REGISTRY_MIGRATIONS } from '../schema.ts';
import type { RegistryDb, SqlSession } from '../sqlSession.ts';
import {
  bindSigningKey,
  currentSigningKey,
  setVersionLogIndex,
  signingKeyHistory,
} from '../signingKeys.ts';
import { listTestResults, recordTestResults } from '../testResults.ts';
import { getVersion, listVersions, publishVersion, type PublishVersionInput } from '../versions.ts';

/** Opens an empty, migrated database for one test; the suite closes it. */
export type OpenFreshRegistryDb = (ctx: TestContext) => Promise<RegistryDb>;

/** Awaits `promise`, expects a RegistryDbError with `reason`, and returns it. */
export async function expectRegistryError(
  promise: Promise<unknown>,
  reason: RegistryDbErrorReason,
): Promise<RegistryDbError> {
  const error: unknown = await promise.then(
    () => expect.unreachable(`expected a RegistryDbError (${reason}), but it resolved`),
    (rejection: unknown) => rejection,
  );
  expect(error).toBeInstanceOf(RegistryDbError);
  expect((error as RegistryDbError).reason).toBe(reason);
  return error as RegistryDbError;
}

function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** RFC 6962's leaf hash, as the run log computes it. */
function leafHash(entry: Uint8Array): Uint8Array {
  return new Uint8Array(
    createHash('sha256')
      .update(new Uint8Array([0]))
      .update(entry)
      .digest(),
  );
}

const MANIFEST = '{"entrypoint": "model.yaml", "runtime": {"gpu": "optional"}, "trust": "signed"}';

/** A publishable version of `model` whose one file is already stored. */
async function versionInput(
  db: SqlSession,
  model: string,
  version: string,
  overrides: Partial<PublishVersionInput> = {},
): Promise<PublishVersionInput> {
  const file = await putArtifact(db, new TextEncoder().encode(`kernel of ${model} ${version}`));
  return {
    model,
    version,
    contentDigest: sha256Hex(`${model}@${version}`),
    manifest: MANIFEST,
    signature: new Uint8Array(randomBytes(64)),
    publicKey: new Uint8Array(randomBytes(32)),
    publishedBy: 'ada',
    artifacts: [{ path: 'kernels/step.wgsl', digest: file.digest }],
    ...overrides,
  };
}

async function publish(db: SqlSession, model: string, version: string): Promise<void> {
  await publishVersion(db, await versionInput(db, model, version));
}

/**
 * The registry's storage contract, run against every backend (PGlite and PostgreSQL). `open`
 * gives each test an empty database of its own.
 */
export function registryDbSuite(label: string, open: OpenFreshRegistryDb): void {
  describe(label, () => {
    const opened: RegistryDb[] = [];
    const fresh = async (ctx: TestContext) => {
      const db = await open(ctx);
      opened.push(db);
      return db;
    };
    afterEach(async () => {
      for (const db of opened.splice(0)) await db.close();
    });

    describe('models', () => {
      it('creates models and lists them by name', async (ctx) => {
        const db = await fresh(ctx);
        const plate = await createModel(db, {
          name: 'heat-plate',
          owner: 'ada',
          description: 'A plate',
        });
        await createModel(db, { name: 'bridge', owner: 'grace' });
        expect(plate).toMatchObject({ name: 'heat-plate', owner: 'ada', description: 'A plate' });
        expect(plate.createdAt).toBeInstanceOf(Date);
        expect((await listModels(db)).map((model) => model.name)).toEqual(['bridge', 'heat-plate']);
        expect(await getModel(db, 'bridge')).toMatchObject({ owner: 'grace', description: '' });
      });

      it('refuses a second model with the same name', async (ctx) => {
        const db = await fresh(ctx);
        await createModel(db, { name: 'heat-plate', owner: 'ada' });
        const error = await expectRegistryError(
          createModel(db, { name: 'heat-plate', owner: 'mallory' }),
          'model_exists',
        );
        expect(error.message).toContain('"heat-plate" already exists');
        expect((await getModel(db, 'heat-plate')).owner).toBe('ada');
      });

      it('refuses malformed names and reports unknown models', async (ctx) => {
        const db = await fresh(ctx);
        await expectRegistryError(
          createModel(db, { name: 'Heat Plate', owner: 'ada' }),
          'bad_name',
        );
        await expectRegistryError(createModel(db, { name: 'ok', owner: '' }), 'bad_input');
        await expectRegistryError(getModel(db, 'nope'), 'unknown_model');
        expect(await listModels(db)).toEqual([]);
      });
    });

    describe('versions', () => {
      it('publishes a version with its files and reads every field back', async (ctx) => {
        const db = await fresh(ctx);
        await createModel(db, { name: 'heat-plate', owner: 'ada' });
        const input = await versionInput(db, 'heat-plate', '1.2.0');
        const second = await putArtifact(db, new Uint8Array([1, 2, 3]));
        const published = await publishVersion(db, {
          ...input,
          artifacts: [...input.artifacts, { path: 'data/truth.csv', digest: second.digest }],
        });
        const read = await getVersion(db, 'heat-plate', '1.2.0');
        expect(read).toEqual(published);
        expect(read).toMatchObject({
          model: 'heat-plate',
          version: '1.2.0',
          contentDigest: input.contentDigest,
          manifest: MANIFEST,
          signature: input.signature,
          publicKey: input.publicKey,
          publishedBy: 'ada',
        });
        expect(read.publishedAt).toBeInstanceOf(Date);
        expect(read.artifacts).toEqual([
          { path: 'data/truth.csv', digest: second.digest, size: 3 },
          { ...input.artifacts[0], size: 'kernel of heat-plate 1.2.0'.length },
        ]);
      });

      it('lists versions in semver order, prereleases before their release', async (ctx) => {
        const db = await fresh(ctx);
        await createModel(db, { name: 'heat-plate', owner: 'ada' });
        const ordered = [
          '1.0.0-alpha',
          '1.0.0-alpha.1',
          '1.0.0-alpha.beta',
          '1.0.0-beta.2',
          '1.0.0-beta.11',
          '1.0.0-rc.1',
          '1.0.0',
          '1.2.0',
          '1.9.0',
          '1.10.0',
          '2.0.0-rc.1',
          '2.0.0',
          '10.0.0',
        ];
        const scrambled = [...ordered].sort();
        expect(scrambled).not.toEqual(ordered);
        for (const version of scrambled) await publish(db, 'heat-plate', version);
        const listed = await listVersions(db, 'heat-plate');
        expect(listed.map((version) => version.version)).toEqual(ordered);
      });

      it('refuses to publish a version the model already has, also when two race', async (ctx) => {
        const db = await fresh(ctx);
        await createModel(db, { name: 'heat-plate', owner: 'ada' });
        const first = await versionInput(db, 'heat-plate', '1.0.0');
        await publishVersion(db, first);
        const error = await expectRegistryError(
          publishVersion(db, { ...first, publishedBy: 'mallory' }),
          'version_exists',
        );
        expect(error.message).toContain('already has version 1.0.0');
        expect((await getVersion(db, 'heat-plate', '1.0.0')).publishedBy).toBe('ada');

        const racing = await versionInput(db, 'heat-plate', '1.1.0');
        const outcomes = await Promise.allSettled([
          publishVersion(db, racing),
          publishVersion(db, racing),
          publishVersion(db, racing),
        ]);
        expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
        for (const outcome of outcomes) {
          if (outcome.status === 'rejected') {
            expect(outcome.reason).toMatchObject({ reason: 'version_exists' });
          }
        }
        // The same version string of another model is a different version.
        await createModel(db, { name: 'bridge', owner: 'ada' });
        await publish(db, 'bridge', '1.0.0');
        expect(await listVersions(db, 'bridge')).toHaveLength(1);
      });

      it('refuses versions that are not semantic versions', async (ctx) => {
        const db = await fresh(ctx);
        await createModel(db, { name: 'heat-plate', owner: 'ada' });
        for (const version of ['v1.0.0', '1.0', '01.0.0', '1.0.0-', '1.0.0-01', 'latest']) {
          const error = await expectRegistryError(
            publishVersion(db, await versionInput(db, 'heat-plate', version)),
            'bad_semver',
          );
          expect(error.message).toContain(JSON.stringify(version));
        }
        const build = await expectRegistryError(
          publishVersion(db, await versionInput(db, 'heat-plate', '1.0.0+build.7')),
          'bad_semver',
        );
        expect(build.message).toContain('Publish 1.0.0');
        expect(await listVersions(db, 'heat-plate')).toEqual([]);
      });

      it('refuses unknown models and files that were not uploaded, leaving nothing behind', async (ctx) => {
        const db = await fresh(ctx);
        await expectRegistryError(
          publishVersion(db, await versionInput(db, 'ghost', '1.0.0')),
          'unknown_model',
        );
        await createModel(db, { name: 'heat-plate', owner: 'ada' });
        const input = await versionInput(db, 'heat-plate', '1.0.0');
        const missing = sha256Hex('never uploaded');
        const error = await expectRegistryError(
          publishVersion(db, {
            ...input,
            artifacts: [...input.artifacts, { path: 'data.csv', digest: missing }],
          }),
          'unknown_artifact',
        );
        expect(error.message).toContain(missing);
        expect(error.message).toContain('data.csv');
        expect(await listVersions(db, 'heat-plate')).toEqual([]);
        // The failed attempt did not take the version number.
        await publishVersion(db, input);
        expect(await listVersions(db, 'heat-plate')).toHaveLength(1);
      });

      it('refuses malformed signatures, keys, digests, manifests and paths', async (ctx) => {
        const db = await fresh(ctx);
        await createModel(db, { name: 'heat-plate', owner: 'ada' });
        const input = await versionInput(db, 'heat-plate', '1.0.0');
        const file = input.artifacts[0]!;
        const bad: [Partial<PublishVersionInput>, string][] = [
          [{ signature: new Uint8Array(63) }, 'Ed25519 signature has 63 bytes'],
          [{ publicKey: new Uint8Array(33) }, 'Ed25519 public key has 33 bytes'],
          [{ contentDigest: 'abc' }, 'content digest "abc"'],
          [{ manifest: '{"entrypoint": ' }, 'manifest is not JSON'],
          [{ manifest: '[1, 2]' }, 'manifest must be a JSON object'],
          [{ artifacts: [{ ...file, path: '../etc/passwd' }] }, '"../etc/passwd"'],
          [{ artifacts: [{ ...file, path: '/abs' }] }, '"/abs"'],
          [{ artifacts: [file, file] }, 'listed twice'],
          [{ publishedBy: 'a\nb' }, 'publisher'],
        ];
        for (const [override, text] of bad) {
          const error = await expectRegistryError(
            publishVersion(db, { ...input, ...override }),
            'bad_input',
          );
          expect(error.message).toContain(text);
        }
        expect(await listVersions(db, 'heat-plate')).toEqual([]);
      });

      it('keeps the manifest text byte for byte', async (ctx) => {
        const db = await fresh(ctx);
        await createModel(db, { name: 'heat-plate', owner: 'ada' });
        const manifest = '{ "z": 1,\n  "a": "ü",  "n": 1.50 }';
        await publishVersion(db, await versionInput(db, 'heat-plate', '1.0.0', { manifest }));
        expect((await getVersion(db, 'heat-plate', '1.0.0')).manifest).toBe(manifest);
      });

      it('says which of model, version or alias is unknown', async (ctx) => {
        const db = await fresh(ctx);
        await expectRegistryError(getVersion(db, 'ghost', '1.0.0'), 'unknown_model');
        await expectRegistryError(listVersions(db, 'ghost'), 'unknown_model');
        await createModel(db, { name: 'heat-plate', owner: 'ada' });
        await publish(db, 'heat-plate', '1.0.0');
        await expectRegistryError(getVersion(db, 'heat-plate', '1.0.1'), 'unknown_version');
        await expectRegistryError(getVersion(db, 'heat-plate', 'stable'), 'unknown_alias');
        await expectRegistryError(getVersion(db, 'heat-plate', 'Not A Ref'), 'bad_input');
      });
    });

    describe('artifacts', () => {
      it('stores equal bytes once, under their SHA-256', async (ctx) => {
        const db = await fresh(ctx);
        const bytes = new Uint8Array(randomBytes(64 * 1024));
        const first = await putArtifact(db, bytes);
        expect(first).toEqual({ digest: sha256Hex(bytes), size: bytes.byteLength, created: true });
        const again = await putArtifact(db, bytes.slice(), first.digest);
        expect(again).toEqual({ ...first, created: false });
        const racing = new Uint8Array(randomBytes(1024));
        const raced = await Promise.all([putArtifact(db, racing), putArtifact(db, racing)]);
        expect(raced.map((stored) => stored.created).sort()).toEqual([false, true]);
        const read = await getArtifact(db, first.digest);
        expect(read).toEqual(bytes);
        expect(await getArtifact(db, `sha256:${first.digest}`)).toEqual(bytes);
        const [row] = await db.query('SELECT count(*) AS n FROM artifacts');
        expect(intColumn(row!, 'n')).toBe(2);
      });

      it('stores an empty file', async (ctx) => {
        const db = await fresh(ctx);
        const empty = await putArtifact(db, new Uint8Array(0));
        expect(empty.digest).toBe(sha256Hex(''));
        expect(await getArtifact(db, empty.digest)).toEqual(new Uint8Array(0));
      });

      it('refuses bytes that do not hash to the announced digest', async (ctx) => {
        const db = await fresh(ctx);
        const announced = sha256Hex('what the client said');
        const error = await expectRegistryError(
          putArtifact(db, new Uint8Array([1, 2, 3]), announced),
          'digest_mismatch',
        );
        expect(error.message).toContain(sha256Hex(new Uint8Array([1, 2, 3])));
        expect(await missingArtifacts(db, [sha256Hex(new Uint8Array([1, 2, 3]))])).toHaveLength(1);
      });

      it('tells which digests still have to be uploaded, in the order asked', async (ctx) => {
        const db = await fresh(ctx);
        const stored = await putArtifact(db, new Uint8Array([7]));
        const a = sha256Hex('a');
        const b = sha256Hex('b');
        expect(await missingArtifacts(db, [b, stored.digest, a])).toEqual([b, a]);
        expect(await missingArtifacts(db, [])).toEqual([]);
        await expectRegistryError(missingArtifacts(db, ['xyz']), 'bad_input');
        const error = await expectRegistryError(getArtifact(db, a), 'unknown_artifact');
        expect(error.message).toContain(a);
      });
    });

    describe('aliases', () => {
      it('moves an alias and keeps who moved it where and when', async (ctx) => {
        const db = await fresh(ctx);
        await createModel(db, { name: 'heat-plate', owner: 'ada' });
        for (const version of ['1.0.0', '1.1.0', '2.0.0']) await publish(db, 'heat-plate', version);

        const created = await setAlias(db, {
          model: 'heat-plate',
          alias: 'stable',
          version: '1.0.0',
          movedBy: 'ada',
        });
        expect(created).toMatchObject({ alias: 'stable', version: '1.0.0', previous: null });
        const moved = await setAlias(db, {
          model: 'heat-plate',
          alias: 'stable',
          version: '1.1.0',
          movedBy: 'grace',
        });
        expect(moved).toMatchObject({ version: '1.1.0', movedBy: 'grace', previous: '1.0.0' });
        expect(moved.movedAt.getTime()).toBeGreaterThanOrEqual(created.movedAt.getTime());

        expect(await getAlias(db, 'heat-plate', 'stable')).toEqual({
          model: 'heat-plate',
          alias: 'stable',
          version: '1.1.0',
          movedBy: 'grace',
          movedAt: moved.movedAt,
        });
        expect((await getVersion(db, 'heat-plate', 'stable')).version).toBe('1.1.0');
        expect(await aliasHistory(db, 'heat-plate', 'stable')).toEqual([
          { from: null, to: '1.0.0', movedBy: 'ada', movedAt: created.movedAt },
          { from: '1.0.0', to: '1.1.0', movedBy: 'grace', movedAt: moved.movedAt },
        ]);
      });

      it('points an alias at what another alias points at, per model', async (ctx) => {
        const db = await fresh(ctx);
        await createModel(db, { name: 'heat-plate', owner: 'ada' });
        await createModel(db, { name: 'bridge', owner: 'ada' });
        await publish(db, 'heat-plate', '1.0.0');
        await publish(db, 'heat-plate', '2.0.0');
        await publish(db, 'bridge', '1.0.0');
        const move = { model: 'heat-plate', movedBy: 'ada' };
        await setAlias(db, { ...move, alias: 'latest', version: '2.0.0' });
        await setAlias(db, { ...move, alias: 'stable', version: 'latest' });
        await setAlias(db, { ...move, alias: 'latest', version: '1.0.0' });
        await setAlias(db, { model: 'bridge', alias: 'latest', version: '1.0.0', movedBy: 'bob' });
        expect(
          (await listAliases(db, 'heat-plate')).map(({ alias, version }) => [alias, version]),
        ).toEqual([
          ['latest', '1.0.0'],
          ['stable', '2.0.0'],
        ]);
        expect(await listAliases(db, 'bridge')).toHaveLength(1);
      });

      it('refuses unknown versions, bad alias names and unknown aliases', async (ctx) => {
        const db = await fresh(ctx);
        await createModel(db, { name: 'heat-plate', owner: 'ada' });
        await publish(db, 'heat-plate', '1.0.0');
        const move = { model: 'heat-plate', movedBy: 'ada' };
        await expectRegistryError(
          setAlias(db, { ...move, alias: 'stable', version: '9.9.9' }),
          'unknown_version',
        );
        await expectRegistryError(
          setAlias(db, { ...move, alias: '1.0.0', version: '1.0.0' }),
          'bad_name',
        );
        await expectRegistryError(
          setAlias(db, { ...move, model: 'ghost', alias: 'stable', version: '1.0.0' }),
          'unknown_model',
        );
        await expectRegistryError(getAlias(db, 'heat-plate', 'stable'), 'unknown_alias');
        await expectRegistryError(aliasHistory(db, 'heat-plate', 'stable'), 'unknown_alias');
        expect(await listAliases(db, 'heat-plate')).toEqual([]);
      });

      it('records every one of concurrent moves in the history', async (ctx) => {
        const db = await fresh(ctx);
        await createModel(db, { name: 'heat-plate', owner: 'ada' });
        const versions = ['1.0.0', '1.1.0', '1.2.0', '1.3.0', '1.4.0', '1.5.0'];
        for (const version of versions) await publish(db, 'heat-plate', version);
        await Promise.all(
          versions.map((version) =>
            setAlias(db, { model: 'heat-plate', alias: 'latest', version, movedBy: version }),
          ),
        );
        const history = await aliasHistory(db, 'heat-plate', 'latest');
        expect(history).toHaveLength(versions.length);
        // Serialised moves: each starts where the one before ended.
        expect(history[0]!.from).toBeNull();
        for (let i = 1; i < history.length; i++) expect(history[i]!.from).toBe(history[i - 1]!.to);
        expect((await getAlias(db, 'heat-plate', 'latest')).version).toBe(history.at(-1)!.to);
      });
    });

    describe('test results', () => {
      it('records results per version and lists them in order', async (ctx) => {
        const db = await fresh(ctx);
        await createModel(db, { name: 'heat-plate', owner: 'ada' });
        await publish(db, 'heat-plate', '1.0.0');
        await publish(db, 'heat-plate', '1.1.0');
        const recorded = await recordTestResults(db, 'heat-plate', '1.0.0', [
          { suite: 'gradcheck', name: 'conductivity', status: 'passed', durationMs: 12.5 },
          {
            suite: 'fit',
            name: 'recovers truth',
            status: 'failed',
            durationMs: 3400,
            message: 'rms 0.2 > 0.01',
          },
        ]);
        await recordTestResults(db, 'heat-plate', '1.1.0', [
          { suite: 'fit', name: 'recovers truth', status: 'skipped', durationMs: 0 },
        ]);
        await setAlias(db, {
          model: 'heat-plate',
          alias: 'stable',
          version: '1.0.0',
          movedBy: 'a',
        });
        const listed = await listTestResults(db, 'heat-plate', 'stable');
        expect(listed).toEqual(recorded);
        expect(
          listed.map(({ suite, name, status, durationMs, message }) => ({
            suite,
            name,
            status,
            durationMs,
            message,
          })),
        ).toEqual([
          {
            suite: 'gradcheck',
            name: 'conductivity',
            status: 'passed',
            durationMs: 12.5,
            message: null,
          },
          {
            suite: 'fit',
            name: 'recovers truth',
            status: 'failed',
            durationMs: 3400,
            message: 'rms 0.2 > 0.01',
          },
        ]);
        expect(await listTestResults(db, 'heat-plate', '1.1.0')).toHaveLength(1);
      });

      it('refuses bad results as a whole, and results for an alias', async (ctx) => {
        const db = await fresh(ctx);
        await createModel(db, { name: 'heat-plate', owner: 'ada' });
        await publish(db, 'heat-plate', '1.0.0');
        const good = { suite: 's', name: 'n', status: 'passed', durationMs: 1 } as const;
        await expectRegistryError(
          recordTestResults(db, 'heat-plate', '1.0.0', [
            good,
            { ...good, status: 'flaky' as 'passed' },
          ]),
          'bad_input',
        );
        await expectRegistryError(
          recordTestResults(db, 'heat-plate', '1.0.0', [{ ...good, durationMs: -1 }]),
          'bad_input',
        );
        await expectRegistryError(
          recordTestResults(db, 'heat-plate', 'stable', [good]),
          'bad_semver',
        );
        await expectRegistryError(
          recordTestResults(db, 'heat-plate', '2.0.0', [good]),
          'unknown_version',
        );
        expect(await listTestResults(db, 'heat-plate', '1.0.0')).toEqual([]);
      });
    });

    describe('run log', () => {
      it('appends entries with dense indices and reads them back by index and range', async (ctx) => {
        const db = await fresh(ctx);
        expect(await runLogSize(db)).toBe(0);
        const entries = ['run 1', 'run 2', 'run 3'].map((text) => new TextEncoder().encode(text));
        const leaves = [];
        for (const entry of entries) {
          leaves.push(await appendRunLogEntry(db, leafHash(entry), entry));
        }
        expect(leaves.map((leaf) => leaf.index)).toEqual([0, 1, 2]);
        expect(leaves[2]!.leafHash).toEqual(leafHash(entries[2]!));
        expect(await runLogSize(db)).toBe(3);
        expect(await runLogLeafHashes(db, 1, 3)).toEqual([
          leaves[1]!.leafHash,
          leaves[2]!.leafHash,
        ]);
        expect(await runLogEntries(db, 0, 2)).toEqual([entries[0], entries[1]]);
        expect(await runLogLeafHashes(db, 3, 3)).toEqual([]);
        const read = await getRunLogEntry(db, 1);
        expect(read).toEqual(leaves[1]);
        expect(new TextDecoder().decode(read.entry)).toBe('run 2');
      });

      it('refuses indices and ranges past the end, and leaf hashes of the wrong size', async (ctx) => {
        const db = await fresh(ctx);
        const empty = await expectRegistryError(getRunLogEntry(db, 0), 'out_of_range');
        expect(empty.message).toContain('is empty');
        await appendRunLogEntry(db, leafHash(new Uint8Array([1])), new Uint8Array([1]));
        const past = await expectRegistryError(getRunLogEntry(db, 1), 'out_of_range');
        expect(past.message).toContain('holds 1 entries');
        await expectRegistryError(runLogLeafHashes(db, 0, 2), 'out_of_range');
        await expectRegistryError(runLogEntries(db, 2, 1), 'bad_input');
        await expectRegistryError(getRunLogEntry(db, -1), 'bad_input');
        await expectRegistryError(
          appendRunLogEntry(db, new Uint8Array(31), new Uint8Array([2])),
          'bad_input',
        );
        expect(await runLogSize(db)).toBe(1);
      });

      it('gives 50 concurrent appends the indices 0 to 49, each once', async (ctx) => {
        const db = await fresh(ctx);
        const entries = Array.from({ length: 50 }, (_, i) =>
          new TextEncoder().encode(`entry ${i}`),
        );
        const leaves = await Promise.all(
          entries.map((entry) => appendRunLogEntry(db, leafHash(entry), entry)),
        );
        expect(leaves.map((leaf) => leaf.index).sort((a, b) => a - b)).toEqual(
          Array.from({ length: 50 }, (_, i) => i),
        );
        expect(await runLogSize(db)).toBe(50);
        // Each index holds the entry whose append returned it.
        const stored = await runLogEntries(db, 0, 50);
        for (const leaf of leaves) expect(stored[leaf.index]).toEqual(leaf.entry);
      });

      it('leaves no gap when an append is rolled back', async (ctx) => {
        const db = await fresh(ctx);
        const one = new Uint8Array([1]);
        await appendRunLogEntry(db, leafHash(one), one);
        await expect(
          db.transaction(async (tx) => {
            await appendRunLogEntry(tx, leafHash(one), new Uint8Array([2]));
            throw new Error('publish failed after logging');
          }),
        ).rejects.toThrow('publish failed after logging');
        expect(await runLogSize(db)).toBe(1);
        expect((await appendRunLogEntry(db, leafHash(one), new Uint8Array([3]))).index).toBe(1);
      });

      it('refuses to change or delete logged entries', async (ctx) => {
        const db = await fresh(ctx);
        await appendRunLogEntry(db, leafHash(new Uint8Array([1])), new Uint8Array([1]));
        await expect(
          db.query('UPDATE run_log_leaves SET entry = $1', [new Uint8Array([9])]),
        ).rejects.toThrow(/append-only/);
        await expect(db.query('DELETE FROM run_log_leaves')).rejects.toThrow(/append-only/);
        await expect(db.query('TRUNCATE run_log_leaves')).rejects.toThrow(/append-only/);
        expect((await getRunLogEntry(db, 0)).entry).toEqual(new Uint8Array([1]));
      });

      it("is the run log's store: two logs on one database see each other's entries", async (ctx) => {
        const db = await fresh(ctx);
        const signer = await ed25519CheckpointSigner(
          'twinbench.example.org/runlog',
          generateKeyPairSync('ed25519').privateKey,
        );
        // Two RunLogs on one database, as two server processes would have.
        const [a, b] = await Promise.all([
          RunLog.open({ store: registryLeafStore(db), signers: [signer] }),
          RunLog.open({ store: registryLeafStore(db), signers: [signer] }),
        ]);
        const appended = await Promise.all(
          [0, 1, 2, 3, 4, 5].map((i) => (i % 2 === 0 ? a : b).append(sampleEntry(i))),
        );
        expect(appended.map((entry) => entry.index).sort()).toEqual([0, 1, 2, 3, 4, 5]);
        expect(await a.size()).toBe(6);
        expect(await b.size()).toBe(6);
        expect((await a.audit()).ok).toBe(true);

        // Someone with write access edits an entry behind the trigger's back: the log notices.
        await db.transaction(async (tx) => {
          await tx.query('ALTER TABLE run_log_leaves DISABLE TRIGGER run_log_leaves_append_only');
          await tx.query('UPDATE run_log_leaves SET entry = $1 WHERE idx = 3', [
            new TextEncoder().encode('{"forged":true}'),
          ]);
          await tx.query('ALTER TABLE run_log_leaves ENABLE TRIGGER run_log_leaves_append_only');
        });
        const audit = await b.audit();
        expect(audit.ok).toBe(false);
        expect(audit.problems[0]).toMatchObject({ index: 3 });
      });
    });

    describe('signing keys', () => {
      it('binds a key to a model, and rotating retires the old one but keeps it', async (ctx) => {
        const db = await fresh(ctx);
        await createModel(db, { name: 'heat-plate', owner: 'ada' });
        expect(await currentSigningKey(db, 'heat-plate')).toBeNull();
        const first = new Uint8Array(randomBytes(32));
        await bindSigningKey(db, {
          model: 'heat-plate',
          publicKey: first,
          principal: 'ada',
          boundBy: 'ada',
        });
        const second = new Uint8Array(randomBytes(32));
        await bindSigningKey(db, {
          model: 'heat-plate',
          publicKey: second,
          principal: 'bob',
          boundBy: 'root',
        });
        expect(await currentSigningKey(db, 'heat-plate')).toMatchObject({
          publicKey: second,
          principal: 'bob',
          boundBy: 'root',
          retiredAt: null,
        });
        const history = await signingKeyHistory(db, 'heat-plate');
        expect(history.map((key) => key.principal)).toEqual(['ada', 'bob']);
        expect(history[0]!.retiredAt).toBeInstanceOf(Date);
        await expectRegistryError(
          bindSigningKey(db, {
            model: 'heat-plate',
            publicKey: new Uint8Array(31),
            principal: 'x',
            boundBy: 'x',
          }),
          'bad_input',
        );
        await expectRegistryError(currentSigningKey(db, 'nope'), 'unknown_model');
      });

      it("records where a version's publish entry sits in the run log", async (ctx) => {
        const db = await fresh(ctx);
        await createModel(db, { name: 'heat-plate', owner: 'ada' });
        await publish(db, 'heat-plate', '1.0.0');
        expect((await getVersion(db, 'heat-plate', '1.0.0')).runLogIndex).toBeNull();
        await setVersionLogIndex(db, 'heat-plate', '1.0.0', 41);
        expect((await getVersion(db, 'heat-plate', '1.0.0')).runLogIndex).toBe(41);
        expect((await listVersions(db, 'heat-plate'))[0]!.runLogIndex).toBe(41);
      });
    });

    describe('schema and transactions', () => {
      it('migrates once: running the migrations again changes nothing', async (ctx) => {
        const db = await fresh(ctx);
        await createModel(db, { name: 'heat-plate', owner: 'ada' });
        const again = await migrate(db);
        expect(again).toEqual({ applied: [], version: REGISTRY_MIGRATIONS.at(-1)!.version });
        const rows = await db.query('SELECT version FROM schema_migrations ORDER BY version');
        expect(rows.map((row) => intColumn(row, 'version'))).toEqual(
          REGISTRY_MIGRATIONS.map((migration) => migration.version),
        );
        expect(await listModels(db)).toHaveLength(1);
      });

      it('refuses a database migrated by a newer Twinbench, or by another application', async (ctx) => {
        const db = await fresh(ctx);
        await db.query("INSERT INTO schema_migrations (version, name) VALUES (999, 'future')");
        const newer = await expectRegistryError(migrate(db), 'schema_too_new');
        expect(newer.message).toContain('schema version 999');
        await db.query('DELETE FROM schema_migrations WHERE version = 999');
        await db.query("UPDATE schema_migrations SET name = 'someone else' WHERE version = 1");
        const foreign = await expectRegistryError(migrate(db), 'bad_config');
        expect(foreign.message).toContain('belongs to another application');
      });

      it('rolls back a failed transaction and a failed nested one only', async (ctx) => {
        const db = await fresh(ctx);
        await expect(
          db.transaction(async (tx) => {
            await createModel(tx, { name: 'rolled-back', owner: 'ada' });
            throw new Error('boom');
          }),
        ).rejects.toThrow('boom');
        await db.transaction(async (tx) => {
          await createModel(tx, { name: 'kept', owner: 'ada' });
          // The duplicate fails inside its savepoint; the outer transaction goes on.
          await expectRegistryError(
            tx.transaction((inner) => createModel(inner, { name: 'kept', owner: 'b' })),
            'model_exists',
          );
          await createModel(tx, { name: 'also-kept', owner: 'ada' });
        });
        expect((await listModels(db)).map((model) => model.name)).toEqual(['also-kept', 'kept']);
      });

      it('refuses to be used after close', async (ctx) => {
        const db = await fresh(ctx);
        await db.close();
        await expectRegistryError(listModels(db), 'closed');
        await expectRegistryError(
          db.transaction(async () => {}),
          'closed',
        );
        await db.close();
      });
    });
  });
}
