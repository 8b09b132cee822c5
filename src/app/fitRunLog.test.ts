// A finished fit, logged through the real registry routes over HTTP (PGlite in memory) and
// verified as the Fit panel does.
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../server/registry/db/migrate.ts';
import { PGLITE_MEMORY, pgliteRegistryDb } from '../../server/registry/db/pgliteDb.ts';
import type { RegistryDb } from '../../server/registry/db/index.ts';
import {
  startTestRegistry,
  testToken,
  type TestRegistry,
} from '../../server/registry/http/testing/testRegistry.ts';
import { createRegistryClient } from '../registry/registryClient.ts';
import { RegistryClientError } from '../registry/registryClientError.ts';
import { decodeRunLogEntry } from '../shared/merkle/runLogEntry.ts';
import type { FitAnswer, FitJob } from './fitHost.ts';
import {
  fitModelRef as fitRunModel,
  fitRunEntry,
  logFit,
  logRun,
  shadowRunEntry,
} from './fitRunLog.ts';

const job: FitJob = {
  kind: 'example',
  request: { example: 'pid-plant', seed: 7, iterations: 40 },
};
const answer: FitAnswer = {
  kind: 'example',
  result: {
    example: 'pid-plant',
    optimiser: 'lbfgs',
    parameters: [
      { name: 'kp', unit: 'N/m', start: 10, fitted: 24.006, truth: 24 },
      { name: 'ki', unit: 'N/(m·s)', start: 1, fitted: 8.947, truth: 9 },
    ],
    lossStart: 120,
    loss: 26.8,
    iterations: 23,
    evaluations: 43,
    elapsedMs: 4000,
    adapter: 'test',
  },
};

/** A localStorage stand-in: the pinned log key lives here between calls. */
function memoryStorage(): Storage {
  const map = new Map<string, string>();
  return {
    get length() {
      return map.size;
    },
    clear: () => map.clear(),
    getItem: (k) => map.get(k) ?? null,
    key: (i) => [...map.keys()][i] ?? null,
    removeItem: (k) => void map.delete(k),
    setItem: (k, v) => void map.set(k, v),
  };
}

let pglite: PGlite;
let db: RegistryDb;
let registry: TestRegistry;

beforeAll(async () => {
  pglite = await PGlite.create(PGLITE_MEMORY);
  db = await pgliteRegistryDb(pglite, { location: PGLITE_MEMORY, schema: 'fit_log' });
  await migrate(db);
  registry = await startTestRegistry(db);
});
afterAll(async () => {
  await registry.close();
  await db.close();
  await pglite.close();
});

describe('fit run log', () => {
  it('describes a fit by its request and result digests, settings and fitted values', async () => {
    const entry = await fitRunEntry(job, answer);
    expect(entry).toMatchObject({
      kind: 'fit',
      model: { id: 'builtin/pid-plant' },
      parameters: { seed: 7, iterations: 40, fitted: { kp: 24.006, ki: 8.947 }, loss: 26.8 },
    });
    expect(entry.inputs[0]!.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    // The model is pinned by the digest of what ran.
    expect(entry.model.version).toMatch(/^sha256:[0-9a-f]{64}$/);
    const heat: FitJob = { kind: 'example', request: { ...job.request, example: 'heat-plate' } };
    expect((await fitRunModel(heat)).version).not.toBe(entry.model.version);
    // The same fit resumed after a lost device is the same entry; another seed is not.
    const resumed: FitJob = {
      kind: 'example',
      request: { ...job.request, resume: { stage: 'fit', iteration: 5, parameters: [1, 2] } },
    };
    expect((await fitRunEntry(resumed, answer)).inputs).toEqual(entry.inputs);
    const other: FitJob = { kind: 'example', request: { ...job.request, seed: 8 } };
    expect((await fitRunEntry(other, answer)).inputs).not.toEqual(entry.inputs);
  });

  it('appends the fit, verifies its entry against the pinned key, and stores who did it', async () => {
    const client = createRegistryClient(registry.url, await testToken('operator', 'ada'));
    const storage = memoryStorage();
    const logged = await logFit(client, job, answer, { storage });
    expect(logged.treeSize).toBeGreaterThan(logged.index);
    const stored = decodeRunLogEntry(
      Uint8Array.from(atob((await client.logEntry(logged.index)).bytes), (c) => c.charCodeAt(0)),
    );
    expect(stored).toMatchObject({ kind: 'fit', who: 'ada', model: { id: 'builtin/pid-plant' } });
    // The key was pinned on first use: a second fit verifies against the same one.
    const again = await logFit(client, job, answer, { storage });
    expect(again.index).toBe(logged.index + 1);
  });

  it('logs a fitted damage put into the shadow, linked to its fit by the result digest', async () => {
    const bridgeJob: FitJob = {
      kind: 'bridge',
      request: {
        member: 7,
        health: 0.6,
        samples: 10,
        noiseMm: 0.05,
        seed: 1,
        localisationIterations: 6,
        refineIterations: 6,
      },
    };
    const bridge: FitAnswer = {
      kind: 'bridge',
      result: {
        member: 7,
        health: 0.61,
        truth: { member: 7, health: 0.6 },
        loss: 1e-3,
        evaluations: 30,
        elapsedMs: 9000,
        adapter: 'test',
      },
    };
    const fit = await fitRunEntry(bridgeJob, bridge);
    const shadow = await shadowRunEntry({ member: 7, health: 0.61 }, bridge);
    expect(shadow).toMatchObject({
      kind: 'shadow',
      model: fit.model,
      parameters: { member: 7, health: 0.61 },
    });
    expect(fit.model.id).toBe('builtin/footbridge');
    expect(shadow.inputs[0]!.digest).toBe(fit.outputs[0]!.digest);
    const client = createRegistryClient(registry.url, await testToken('operator', 'otto'));
    const logged = await logRun(client, shadow, { storage: memoryStorage() });
    const stored = decodeRunLogEntry(
      Uint8Array.from(atob((await client.logEntry(logged.index)).bytes), (c) => c.charCodeAt(0)),
    );
    expect(stored).toMatchObject({ kind: 'shadow', who: 'otto' });
  });

  it('is refused for a viewer, with the role it needs', async () => {
    const client = createRegistryClient(registry.url, await testToken('viewer'));
    const error = await logFit(client, job, answer, { storage: memoryStorage() }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RegistryClientError);
    expect((error as Error).message).toMatch(/operator/);
  });

  it('refuses an entry the log signs with a key other than the pinned one', async () => {
    const client = createRegistryClient(registry.url, await testToken('operator'));
    const storage = memoryStorage();
    storage.setItem(
      'twinbench.registry.logKeys',
      JSON.stringify(['other.example/log+12345678+AUH5FXmTlI9RyKNgwYakpxZxrwQzAaYhFCLkFLr8aZp7']),
    );
    const error = await logFit(client, job, answer, { storage }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryClientError);
    expect((error as RegistryClientError).reason).toBe('log_unverified');
  });
});
