import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fromUtf8, utf8 } from '../../src/shared/merkle/bytes.ts';
import { MerkleProofError } from '../../src/shared/merkle/merkleProofError.ts';
import { encodeRunLogEntry, LogEntryError } from '../../src/shared/merkle/runLogEntry.ts';
import { sampleEntry } from '../../src/shared/merkle/testing/entries.ts';
import { verifyCheckpointNote } from '../../src/shared/merkle/verifyCheckpoint.ts';
import {
  verifyCheckpointsConsistent,
  verifyLoggedEntry,
} from '../../src/shared/merkle/verifyLogged.ts';
import { ed25519CheckpointSigner, type CheckpointSigner } from './checkpointSigner.ts';
import { MemoryLeafStore, type LeafStore } from './leafStore.ts';
import { nodeTreeHasher } from './nodeTreeHasher.ts';
import { RunLog } from './runLog.ts';
import { RunLogError } from './runLogErrors.ts';
import { EditableStore } from './testing/editableStore.ts';

const ORIGIN = 'twinbench.example.org/runlog';

function newSigner(): Promise<CheckpointSigner> {
  return ed25519CheckpointSigner(ORIGIN, generateKeyPairSync('ed25519').privateKey);
}

async function openLog(store: LeafStore = new MemoryLeafStore(), signer?: CheckpointSigner) {
  let clock = 1_750_000_000_000;
  const log = await RunLog.open({
    store,
    signers: [signer ?? (await newSigner())],
    now: () => clock++,
  });
  return log;
}

async function fill(log: RunLog, from: number, to: number): Promise<void> {
  for (let i = from; i < to; i++) await log.append(sampleEntry(i));
}

async function reasonOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    if (
      error instanceof RunLogError ||
      error instanceof MerkleProofError ||
      error instanceof LogEntryError
    ) {
      return error.reason;
    }
    throw error;
  }
}

describe('RunLog', () => {
  it('appends entries at consecutive indices and returns them as logged', async () => {
    const log = await openLog();
    expect(await log.append(sampleEntry(0))).toMatchObject({ index: 0 });
    expect(await log.append(sampleEntry(1))).toMatchObject({ index: 1 });
    expect(await log.size()).toBe(2);
    const stored = await log.entry(1);
    expect(stored.entry).toEqual(sampleEntry(1));
    expect(stored.bytes).toEqual(encodeRunLogEntry(sampleEntry(1)));
  });

  it('serves a checkpoint, entry and proof that a browser verifies for every entry', async () => {
    const log = await openLog();
    await fill(log, 0, 21);
    const checkpoint = await verifyCheckpointNote(await log.checkpoint(), log.publicKeys);
    expect(checkpoint).toMatchObject({ origin: ORIGIN, treeSize: 21 });
    for (let index = 0; index < 21; index++) {
      const { bytes } = await log.entry(index);
      const proof = await log.inclusionProof(index, checkpoint.treeSize);
      const entry = await verifyLoggedEntry({ checkpoint, index, entryBytes: bytes, proof });
      expect(entry).toEqual(sampleEntry(index));
    }
  });

  it('signs one checkpoint per size, and each new one extends the last', async () => {
    const log = await openLog();
    await fill(log, 0, 5);
    const first = await log.checkpoint();
    expect(await log.checkpoint()).toBe(first);
    await fill(log, 5, 12);
    const second = await log.checkpoint();
    expect(second).not.toBe(first);
    const [older, newer] = await Promise.all(
      [first, second].map((note) => verifyCheckpointNote(note, log.publicKeys)),
    );
    expect(newer!.timestamp).toBeGreaterThan(older!.timestamp);
    await verifyCheckpointsConsistent(older!, newer!, await log.consistencyProof(5, 12));
  });

  it('serializes concurrent appends', async () => {
    const log = await openLog();
    const appended = await Promise.all(
      Array.from({ length: 30 }, (_, i) => log.append(sampleEntry(i))),
    );
    expect(appended.map((a) => a.index).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 30 }, (_, i) => i),
    );
    const checkpoint = await verifyCheckpointNote(await log.checkpoint(), log.publicKeys);
    for (const { index } of appended) {
      await verifyLoggedEntry({
        checkpoint,
        index,
        entryBytes: (await log.entry(index)).bytes,
        proof: await log.inclusionProof(index, 30),
      });
    }
  });

  it('sees entries another process appended to the same store', async () => {
    const store = new MemoryLeafStore();
    const signer = await newSigner();
    const [writer, reader] = [await openLog(store, signer), await openLog(store, signer)];
    await fill(writer, 0, 4);
    await fill(reader, 4, 6); // the reader appends after the writer's entries
    expect(await reader.size()).toBe(6);
    const [a, b] = [await writer.checkpoint(), await reader.checkpoint()];
    const [ca, cb] = await Promise.all(
      [a, b].map((note) => verifyCheckpointNote(note, signer.publicKey)),
    );
    expect(ca!.rootHash).toBe(cb!.rootHash);
    expect((await writer.entry(5)).entry).toEqual(sampleEntry(5));
  });

  it('reopens on its store with the same tree', async () => {
    const store = new MemoryLeafStore();
    const signer = await newSigner();
    const log = await openLog(store, signer);
    await fill(log, 0, 9);
    const before = await verifyCheckpointNote(await log.checkpoint(), signer.publicKey);
    const reopened = await openLog(store, signer);
    const after = await verifyCheckpointNote(await reopened.checkpoint(), signer.publicKey);
    expect(after.rootHash).toBe(before.rootHash);
  });

  it('refuses an invalid entry before storing anything', async () => {
    const store = new MemoryLeafStore();
    const log = await openLog(store);
    expect(await reasonOf(log.append({ ...sampleEntry(0), who: '' }))).toBe('invalid_field');
    expect(await store.size()).toBe(0);
  });

  it('names requests outside the log', async () => {
    const log = await openLog();
    await fill(log, 0, 3);
    expect(await reasonOf(log.entry(3))).toBe('out_of_range');
    expect(await reasonOf(log.entry(-1))).toBe('out_of_range');
    expect(await reasonOf(log.inclusionProof(3, 3))).toBe('out_of_range');
    expect(await reasonOf(log.inclusionProof(0, 4))).toBe('out_of_range');
    expect(await reasonOf(log.consistencyProof(3, 2))).toBe('out_of_range');
    expect(await reasonOf(log.consistencyProof(0, 1.5))).toBe('out_of_range');
    await expect(log.inclusionProof(1, 9)).rejects.toThrow(
      "a tree of 9 entries is beyond the log's 3 entries: fetch a newer checkpoint first.",
    );
    expect(await log.consistencyProof(0, 0)).toEqual({ from: 0, to: 0, proof: [] });
  });
});

describe('RunLog tamper detection', () => {
  /** A log of 10 entries whose entry 4 is then edited in the store, still as a valid entry. */
  async function tamperedLog() {
    const store = new EditableStore();
    const signer = await newSigner();
    const log = await openLog(store, signer);
    await fill(log, 0, 10);
    const note = await log.checkpoint();
    const edited = fromUtf8((await store.inner.entries(4, 5))[0]!).replace(
      '"who":"user:author0"',
      '"who":"user:mallory"',
    );
    expect(edited).toContain('mallory');
    store.editedEntries.set(4, utf8(edited));
    return { store, signer, log, note };
  }

  it('refuses to serve the edited entry, saying which and what to do', async () => {
    const { log } = await tamperedLog();
    await expect(log.entry(4)).rejects.toThrow(
      /^run log entry 4 was changed after it was logged: it no longer matches the leaf hash .+ the log committed to\. Restore it from a backup of the run log store and run an audit for others\.$/,
    );
    expect(await reasonOf(log.entry(4))).toBe('entry_tampered');
    expect((await log.entry(3)).entry).toEqual(sampleEntry(3));
  });

  it('lets a browser detect the edited entry against a checkpoint', async () => {
    const { log, store, signer } = await tamperedLog();
    const checkpoint = await verifyCheckpointNote(await log.checkpoint(), signer.publicKey);
    const [edited] = await store.entries(4, 5);
    const error = await verifyLoggedEntry({
      checkpoint,
      index: 4,
      entryBytes: edited!,
      proof: await log.inclusionProof(4, 10),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MerkleProofError);
    expect((error as MerkleProofError).reason).toBe('root_mismatch');
    expect((error as Error).message).toContain(
      'run log entry 4 (fit of heatPlate 1.4.0) is not what',
    );
  });

  it('audit reports the edited entry and nothing else', async () => {
    const { log } = await tamperedLog();
    const report = await log.audit();
    expect(report.ok).toBe(false);
    expect(report.problemCount).toBe(1);
    expect(report.problems).toEqual([
      {
        reason: 'entry_modified',
        index: 4,
        message: expect.stringMatching(
          /^run log entry 4 was changed after it was logged: its stored bytes hash to .+, but the log committed to .+\. Restore entry 4 from a backup of the run log store; do not append it again, since every checkpoint signed since commits to the original\.$/,
        ) as unknown,
      },
    ]);
  });

  it('audit passes on an untouched store', async () => {
    const log = await openLog();
    await fill(log, 0, 10);
    const note = await log.checkpoint();
    const report = await log.audit({ against: note });
    expect(report).toMatchObject({ ok: true, treeSize: 10, problems: [], problemCount: 0 });
    expect(report.rootHash).toBe((await verifyCheckpointNote(note, log.publicKeys)).rootHash);
  });

  it('audit catches an entry edited together with its stored leaf hash', async () => {
    const { store, signer, log, note } = await tamperedLog();
    const [edited] = await store.entries(4, 5);
    store.editedLeafHashes.set(4, await nodeTreeHasher.hashLeaf(edited!));
    // The running log still holds the leaf hash it committed to.
    expect((await log.audit()).problems.map((p) => p.reason)).toEqual([
      'entry_modified',
      'leaf_hash_changed',
    ]);
    // A log started after the edit only knows what the store says; a checkpoint kept from
    // before the edit still catches it.
    const restarted = await openLog(store, signer);
    expect((await restarted.audit()).ok).toBe(true);
    const report = await restarted.audit({ against: note });
    expect(report.problems).toEqual([
      {
        reason: 'root_mismatch',
        treeSize: 10,
        message: expect.stringContaining(
          'entries before index 10 were changed; compare the store with a backup',
        ) as unknown,
      },
    ]);
  });

  it('audit reports deleted entries against a checkpoint that included them', async () => {
    const { store, signer, note } = await tamperedLog();
    store.editedEntries.clear();
    store.truncateAt = 7;
    const restarted = await openLog(store, signer);
    const report = await restarted.audit({ against: note });
    expect(report.problems.map((p) => p.reason)).toEqual(['truncated']);
    expect(report.problems[0]!.message).toContain('commits to 10 entries but the store holds 7');
  });

  it('refuses to go on when the store shrinks under a running log', async () => {
    const { store, log } = await tamperedLog();
    store.truncateAt = 7;
    expect(await reasonOf(log.checkpoint())).toBe('store_inconsistent');
    await expect(log.size()).rejects.toThrow(
      'the run log store holds 7 entries but the log already had 10',
    );
  });

  it('refuses a checkpoint to audit against that this log did not sign', async () => {
    const log = await openLog();
    await fill(log, 0, 2);
    const other = await openLog();
    await fill(other, 0, 2);
    await expect(log.audit({ against: await other.checkpoint() })).rejects.toThrow(
      'none of which is a trusted key',
    );
  });

  it('caps the problems it lists but counts them all', async () => {
    const store = new EditableStore();
    const log = await openLog(store);
    await fill(log, 0, 12);
    for (let i = 0; i < 12; i++) store.editedEntries.set(i, utf8(`{"edited":${i}}`));
    const report = await log.audit({ maxProblems: 5 });
    expect(report.problemCount).toBe(12);
    expect(report.problems.map((p) => (p.reason === 'entry_modified' ? p.index : -1))).toEqual([
      0, 1, 2, 3, 4,
    ]);
  });
});

describe('RunLog on a faulty store', () => {
  it('notices a store that reuses an index', async () => {
    const inner = new MemoryLeafStore();
    const faulty: LeafStore = {
      append: async (hash, entry) => {
        await inner.append(hash, entry);
        return 0;
      },
      size: () => inner.size(),
      leafHashes: (from, to) => inner.leafHashes(from, to),
      entries: (from, to) => inner.entries(from, to),
    };
    const log = await openLog(faulty);
    await log.append(sampleEntry(0));
    expect(await reasonOf(log.append(sampleEntry(1)))).toBe('store_inconsistent');
  });
});
