import { describe, expect, it } from 'vitest';
import { fromUtf8, toBase64, utf8 } from './bytes.ts';
import { formatCheckpoint, type Checkpoint } from './checkpoint.ts';
import { MerkleProofError } from './merkleProofError.ts';
import { consistencyProof, inclusionProof, leafSubtreeHashes } from './merkleProofs.ts';
import { hashLeaf, webCryptoHasher } from './rfc6962.ts';
import { encodeRunLogEntry, LogEntryError } from './runLogEntry.ts';
import { sampleEntry } from './testing/entries.ts';
import { generateTestSigner } from './testing/webCryptoSigner.ts';
import { verifyCheckpointNote } from './verifyCheckpoint.ts';
import { verifyCheckpointsConsistent, verifyLoggedEntry } from './verifyLogged.ts';

const ORIGIN = 'twinbench.example.org/runlog';

/** A log of `n` sample entries as a server would hold it, and a signer for its checkpoints. */
async function smallLog(n: number) {
  const stored = Array.from({ length: n }, (_, i) => encodeRunLogEntry(sampleEntry(i)));
  const subtree = leafSubtreeHashes(await Promise.all(stored.map((bytes) => hashLeaf(bytes))));
  const signer = await generateTestSigner(ORIGIN);
  const checkpointAt = async (size: number): Promise<Checkpoint> => {
    const root = size === 0 ? await webCryptoHasher.emptyRoot() : await subtree(0, size);
    const rootHash = toBase64(root);
    const note = await signer.sign(
      formatCheckpoint({ origin: ORIGIN, treeSize: size, rootHash, timestamp: 1 }),
    );
    return verifyCheckpointNote(note, signer.key);
  };
  const proofFor = async (index: number, treeSize: number) => ({
    index,
    treeSize,
    proof: (await inclusionProof(index, treeSize, subtree)).map(toBase64),
  });
  const consistency = async (from: number, to: number) => ({
    from,
    to,
    proof: (await consistencyProof(from, to, subtree)).map(toBase64),
  });
  return { stored, checkpointAt, proofFor, consistency };
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

describe('verifyLoggedEntry', () => {
  it('returns each logged entry when its proof leads to the signed root', async () => {
    const log = await smallLog(13);
    const checkpoint = await log.checkpointAt(13);
    for (let index = 0; index < 13; index++) {
      const entry = await verifyLoggedEntry({
        checkpoint,
        index,
        entryBytes: log.stored[index]!,
        proof: await log.proofFor(index, 13),
      });
      expect(entry).toEqual(sampleEntry(index));
    }
  });

  it('detects a stored entry modified after logging, and says which and what to do', async () => {
    const log = await smallLog(13);
    const checkpoint = await log.checkpointAt(13);
    const original = fromUtf8(log.stored[6]!);
    // Still a well-formed, canonical entry: only the log's commitment can tell.
    const modified = utf8(original.replace('"steps":106', '"steps":107'));
    expect(modified).not.toEqual(log.stored[6]);
    const error = await failure(
      verifyLoggedEntry({
        checkpoint,
        index: 6,
        entryBytes: modified,
        proof: await log.proofFor(6, 13),
      }),
    );
    expect(error).toBeInstanceOf(MerkleProofError);
    expect((error as MerkleProofError).reason).toBe('root_mismatch');
    expect(error.message).toBe(
      `run log entry 6 (publish of heatPlate 1.6.0) is not what ${ORIGIN} committed to at that index in its checkpoint of 13 entries: the entry or its proof was changed after logging. Do not trust this run's record; report it to the log's operator.`,
    );
  });

  it('detects an entry swapped for another logged entry', async () => {
    const log = await smallLog(13);
    const checkpoint = await log.checkpointAt(13);
    const error = await failure(
      verifyLoggedEntry({
        checkpoint,
        index: 6,
        entryBytes: log.stored[7]!,
        proof: await log.proofFor(6, 13),
      }),
    );
    expect((error as MerkleProofError).reason).toBe('root_mismatch');
  });

  it('refuses bytes that are not a canonical entry before looking at the proof', async () => {
    const log = await smallLog(4);
    const checkpoint = await log.checkpointAt(4);
    const spaced = utf8(fromUtf8(log.stored[1]!).replace('{', '{ '));
    const error = await failure(
      verifyLoggedEntry({
        checkpoint,
        index: 1,
        entryBytes: spaced,
        proof: await log.proofFor(1, 4),
      }),
    );
    expect(error).toBeInstanceOf(LogEntryError);
    expect((error as LogEntryError).reason).toBe('not_canonical');
  });

  it('refuses a proof made for another size or index than the checkpoint in hand', async () => {
    const log = await smallLog(13);
    const checkpoint = await log.checkpointAt(13);
    const entryBytes = log.stored[2]!;
    for (const proof of [await log.proofFor(2, 12), await log.proofFor(3, 13)]) {
      const error = await failure(verifyLoggedEntry({ checkpoint, index: 2, entryBytes, proof }));
      expect((error as MerkleProofError).reason).toBe('proof_mismatch');
    }
    const garbled = { ...(await log.proofFor(2, 13)), proof: ['not base64!'] };
    const error = await failure(
      verifyLoggedEntry({ checkpoint, index: 2, entryBytes, proof: garbled }),
    );
    expect((error as MerkleProofError).reason).toBe('malformed_proof');
  });
});

describe('verifyCheckpointsConsistent', () => {
  it('accepts a newer checkpoint of the same history', async () => {
    const log = await smallLog(20);
    for (const [from, to] of [
      [0, 20],
      [5, 5],
      [7, 20],
      [8, 16],
    ] as const) {
      const [older, newer] = [await log.checkpointAt(from), await log.checkpointAt(to)];
      await verifyCheckpointsConsistent(older, newer, await log.consistency(from, to));
    }
  });

  it('detects a log that rewrote an entry before a checkpoint it had already signed', async () => {
    const log = await smallLog(20);
    const older = await log.checkpointAt(10);
    // The same log with entry 3 rewritten, signing a new head.
    const rewritten = await smallLog(20);
    rewritten.stored[3] = encodeRunLogEntry(sampleEntry(3, { who: 'user:mallory' }));
    const forked = await (async () => {
      const stored = rewritten.stored;
      const subtree = leafSubtreeHashes(await Promise.all(stored.map((b) => hashLeaf(b))));
      return {
        checkpoint: {
          origin: ORIGIN,
          treeSize: 20,
          rootHash: toBase64(await subtree(0, 20)),
          timestamp: 2,
        },
        proof: { from: 10, to: 20, proof: (await consistencyProof(10, 20, subtree)).map(toBase64) },
      };
    })();
    const error = await failure(
      verifyCheckpointsConsistent(older, forked.checkpoint, forked.proof),
    );
    expect(['old_root_mismatch', 'new_root_mismatch']).toContain(
      (error as MerkleProofError).reason,
    );
  });

  it('refuses checkpoints of two logs, a shrinking log and a proof for other sizes', async () => {
    const log = await smallLog(20);
    const [c10, c20] = [await log.checkpointAt(10), await log.checkpointAt(20)];
    const reason = async (p: Promise<void>) => ((await failure(p)) as MerkleProofError).reason;
    expect(
      await reason(
        verifyCheckpointsConsistent(
          c10,
          { ...c20, origin: 'other.example/log' },
          await log.consistency(10, 20),
        ),
      ),
    ).toBe('proof_mismatch');
    expect(await reason(verifyCheckpointsConsistent(c10, c20, await log.consistency(9, 20)))).toBe(
      'proof_mismatch',
    );
    expect(
      await reason(verifyCheckpointsConsistent(c20, c10, { from: 20, to: 10, proof: [] })),
    ).toBe('size_decreased');
  });
});
