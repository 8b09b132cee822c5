/**
 * The run log: an append-only Merkle log (RFC 6962) of publish, fit and shadow-deployment
 * entries over an injected `LeafStore`, serving signed checkpoints, inclusion proofs and
 * consistency proofs, and auditing its store for tampering. Reference: docs/run-log.md.
 *
 * The tree lives in memory (`MerkleLevels`); the store is the record. At open the log reads
 * every leaf hash; later it reads only what other processes appended since.
 */
import { bytesEqual, toBase64 } from '../../src/shared/merkle/bytes.ts';
import type { LogPublicKey } from '../../src/shared/merkle/logPublicKey.ts';
import { consistencyProof, inclusionProof } from '../../src/shared/merkle/merkleProofs.ts';
import type {
  ConsistencyProofJson,
  InclusionProofJson,
} from '../../src/shared/merkle/proofJson.ts';
import { HASH_SIZE, type TreeHasher } from '../../src/shared/merkle/rfc6962.ts';
import {
  decodeRunLogEntry,
  encodeRunLogEntry,
  type RunLogEntry,
} from '../../src/shared/merkle/runLogEntry.ts';
import { verifyCheckpointNote } from '../../src/shared/merkle/verifyCheckpoint.ts';
import { auditStore, type AuditReport } from './audit.ts';
import { signCheckpoint, type CheckpointSigner } from './checkpointSigner.ts';
import type { LeafStore } from './leafStore.ts';
import { MerkleLevels } from './merkleLevels.ts';
import { nodeTreeHasher } from './nodeTreeHasher.ts';
import { RunLogError } from './runLogErrors.ts';

/** Leaf hashes read from the store per query when loading. */
const LOAD_BATCH = 4096;

export interface RunLogOptions {
  readonly store: LeafStore;
  /** One, or several while rotating keys; all named by the log's origin. */
  readonly signers: readonly CheckpointSigner[];
  /** Milliseconds since 1970, for checkpoint timestamps. Default `Date.now`. */
  readonly now?: () => number;
  /** Default: Node's SHA-256 (`nodeTreeHasher`). */
  readonly hasher?: TreeHasher;
}

export interface AppendedEntry {
  readonly index: number;
  /** The leaf hash the tree holds for it, base64. */
  readonly leafHash: string;
}

export interface StoredEntry extends AppendedEntry {
  readonly entry: RunLogEntry;
  /** Its canonical bytes, which clients hash to check an inclusion proof. */
  readonly bytes: Uint8Array;
}

export class RunLog {
  readonly #store: LeafStore;
  readonly #signers: readonly CheckpointSigner[];
  readonly #now: () => number;
  readonly #hasher: TreeHasher;
  readonly #tree: MerkleLevels;
  /** Appends and loads from the store, one at a time. */
  #queue: Promise<unknown> = Promise.resolve();
  #signed: { readonly size: number; readonly note: string } | undefined;

  private constructor(options: RunLogOptions) {
    this.#store = options.store;
    this.#signers = options.signers;
    this.#now = options.now ?? Date.now;
    this.#hasher = options.hasher ?? nodeTreeHasher;
    this.#tree = new MerkleLevels(this.#hasher);
  }

  /** Opens the log on `store`, reading every leaf hash it holds. */
  static async open(options: RunLogOptions): Promise<RunLog> {
    const [first, ...rest] = options.signers;
    if (first === undefined) throw new RangeError('RunLog: give at least one signer');
    const stray = rest.find((signer) => signer.publicKey.name !== first.publicKey.name);
    if (stray !== undefined) {
      throw new RangeError(
        `RunLog: every signer must carry the log's origin ${first.publicKey.name}, not ${stray.publicKey.name}`,
      );
    }
    const log = new RunLog(options);
    await log.#serial(() => log.#load());
    return log;
  }

  /** The log's name, which its checkpoints carry and clients check. */
  get origin(): string {
    return this.#signers[0]!.publicKey.name;
  }

  /** The keys clients verify checkpoints with (docs/run-log.md says how to hand them out). */
  get publicKeys(): readonly LogPublicKey[] {
    return this.#signers.map((signer) => signer.publicKey);
  }

  /** Entries in the log, including those other processes appended to the store. */
  async size(): Promise<number> {
    await this.#serial(() => this.#load());
    return this.#tree.size;
  }

  /**
   * Appends an entry and resolves to its index. Throws a `LogEntryError` (from the shared
   * module) for an invalid entry, before anything is stored.
   */
  async append(entry: RunLogEntry): Promise<AppendedEntry> {
    const bytes = encodeRunLogEntry(entry);
    const leafHash = await this.#hasher.hashLeaf(bytes);
    return this.#serial(async () => {
      const expected = this.#tree.size;
      const index = await this.#store.append(leafHash, bytes);
      if (index === expected) {
        await this.#tree.append([leafHash]);
      } else if (index > expected) {
        await this.#load(); // another process appended too
      }
      if (index < expected || !bytesEqual(this.#tree.leafHash(index), leafHash)) {
        throw new RunLogError(
          'store_inconsistent',
          `the run log store put the new entry at index ${index}, where the log already holds another: the store must give consecutive indices (see LeafStore in server/runlog/leafStore.ts).`,
        );
      }
      return { index, leafHash: toBase64(leafHash) };
    });
  }

  /**
   * Entry `index` as stored, after checking that it still hashes to the leaf the log
   * committed to; a `RunLogError('entry_tampered')` says which entry was changed and what to do.
   */
  async entry(index: number): Promise<StoredEntry> {
    if (!(Number.isSafeInteger(index) && index >= 0)) {
      throw new RunLogError(
        'out_of_range',
        `entry ${index} is not valid: entries are numbered from 0.`,
      );
    }
    await this.#ensureSize(index + 1, `entry ${index}`);
    const [bytes] = await this.#store.entries(index, index + 1);
    const committed = this.#tree.leafHash(index);
    if (bytes === undefined || !bytesEqual(await this.#hasher.hashLeaf(bytes), committed)) {
      throw new RunLogError(
        'entry_tampered',
        `run log entry ${index} ${bytes === undefined ? 'is missing from the store' : 'was changed after it was logged'}: it no longer matches the leaf hash ${toBase64(committed)} the log committed to. Restore it from a backup of the run log store and run an audit for others.`,
      );
    }
    return { index, leafHash: toBase64(committed), entry: decodeRunLogEntry(bytes), bytes };
  }

  /**
   * The current tree head as a signed checkpoint note (text/plain). One note per tree size:
   * asked again before the log grows, it returns the same note and timestamp.
   */
  async checkpoint(): Promise<string> {
    const size = await this.size();
    if (this.#signed?.size === size) return this.#signed.note;
    const rootHash = toBase64(await this.#tree.root(size));
    const note = signCheckpoint(
      { origin: this.origin, treeSize: size, rootHash, timestamp: this.#now() },
      this.#signers,
    );
    if (size >= (this.#signed?.size ?? 0)) this.#signed = { size, note };
    return note;
  }

  /** Proof that entry `index` is in the tree of the first `treeSize` entries. */
  async inclusionProof(index: number, treeSize: number): Promise<InclusionProofJson> {
    await this.#ensureSize(treeSize, `a tree of ${treeSize} entries`);
    if (!(Number.isSafeInteger(index) && index >= 0 && index < treeSize)) {
      throw new RunLogError(
        'out_of_range',
        `entry ${index} is not in a tree of ${treeSize} entries: ask for a proof against a checkpoint whose size is above the index.`,
      );
    }
    const proof = await inclusionProof(index, treeSize, this.#tree.subtrees);
    return { index, treeSize, proof: proof.map(toBase64) };
  }

  /** Proof that the tree of the first `from` entries is a prefix of that of the first `to`. */
  async consistencyProof(from: number, to: number): Promise<ConsistencyProofJson> {
    await this.#ensureSize(to, `a tree of ${to} entries`);
    if (!(Number.isSafeInteger(from) && from >= 0 && from <= to)) {
      throw new RunLogError(
        'out_of_range',
        `no consistency proof from ${from} to ${to} entries: the older size must be between 0 and the newer.`,
      );
    }
    const proof = await consistencyProof(from, to, this.#tree.subtrees);
    return { from, to, proof: proof.map(toBase64) };
  }

  /**
   * Re-hashes every stored entry and reports each one that no longer matches what the log
   * committed to. Given `against`, a checkpoint note this log signed earlier (kept by a client,
   * a backup or a monitor), also checks that the stored entries still give its root, which
   * catches an entry edited together with its stored leaf hash before this process started.
   * `maxProblems` (default 100) caps the problems listed; `problemCount` counts them all.
   */
  async audit(
    options: { readonly against?: string; readonly maxProblems?: number } = {},
  ): Promise<AuditReport> {
    const size = await this.size();
    const against =
      options.against === undefined
        ? undefined
        : await verifyCheckpointNote(options.against, this.publicKeys);
    return auditStore({
      store: this.#store,
      hasher: this.#hasher,
      committed: (index) => this.#tree.leafHash(index),
      size,
      ...(against === undefined ? {} : { against }),
      ...(options.maxProblems === undefined ? {} : { maxProblems: options.maxProblems }),
    });
  }

  /** Checks that the log holds at least `size` entries, reading new ones first if needed. */
  async #ensureSize(size: number, asked: string): Promise<void> {
    if (!Number.isSafeInteger(size) || size < 0) {
      throw new RunLogError(
        'out_of_range',
        `${asked} is not valid: indices and sizes are integers from 0.`,
      );
    }
    if (size > this.#tree.size) await this.#serial(() => this.#load());
    if (size > this.#tree.size) {
      throw new RunLogError(
        'out_of_range',
        `${asked} is beyond the log's ${this.#tree.size} entries: fetch a newer checkpoint first.`,
      );
    }
  }

  /** Reads leaf hashes the store holds beyond those in the tree. */
  async #load(): Promise<void> {
    const stored = await this.#store.size();
    if (stored < this.#tree.size) {
      throw new RunLogError(
        'store_inconsistent',
        `the run log store holds ${stored} entries but the log already had ${this.#tree.size}: entries were deleted from it. Restore them from a backup; checkpoints already handed out commit to them.`,
      );
    }
    for (let from = this.#tree.size; from < stored; from += LOAD_BATCH) {
      const to = Math.min(stored, from + LOAD_BATCH);
      const hashes = await this.#store.leafHashes(from, to);
      const bad = hashes.findIndex((hash) => hash.length !== HASH_SIZE);
      if (hashes.length !== to - from || bad >= 0) {
        throw new RunLogError(
          'store_inconsistent',
          `the run log store returned ${bad >= 0 ? `a ${hashes[bad]!.length}-byte leaf hash for entry ${from + bad}` : `${hashes.length} leaf hashes for entries ${from} to ${to - 1}`}: each entry has one 32-byte leaf hash; check the LeafStore implementation.`,
        );
      }
      await this.#tree.append(hashes);
    }
  }

  #serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task);
    this.#queue = run.catch(() => undefined);
    return run;
  }
}
