/**
 * An author's signing keys kept in the browser's IndexedDB. The private key is stored as a
 * non-extractable CryptoKey (structured clone keeps it usable for signing but not exportable),
 * so the page can sign across reloads without the key ever existing as bytes in JavaScript.
 */
import { openDB, type IDBPDatabase } from 'idb';
import type { AuthorKey } from '../shared/signing/authorKey.ts';
import { RegistryClientError } from './registryClientError.ts';

const DEFAULT_DB = 'twinbench-author-keys';
const STORE = 'keys';

interface StoredKey {
  readonly name: string;
  readonly privateKey: CryptoKey;
  readonly publicKey: string;
  readonly createdAt: string;
}

export interface AuthorKeyStore {
  save(name: string, key: AuthorKey): Promise<void>;
  load(name: string): Promise<AuthorKey | null>;
  list(): Promise<readonly { name: string; publicKey: string; createdAt: string }[]>;
  remove(name: string): Promise<void>;
  close(): void;
}

/**
 * Opens the key store (IndexedDB database `dbName`). Fails with a RegistryClientError
 * (`storage_unavailable`) when the browser gives no IndexedDB (private windows in some browsers).
 *
 * @example
 * const keys = await openAuthorKeyStore();
 * const key = (await keys.load('default')) ?? (await generateAuthorKey());
 * await keys.save('default', key);
 */
export async function openAuthorKeyStore(dbName: string = DEFAULT_DB): Promise<AuthorKeyStore> {
  if (typeof indexedDB === 'undefined') {
    throw new RegistryClientError(
      'storage_unavailable',
      'this browser gives the page no IndexedDB, so the signing key cannot be kept: leave private browsing, or import the key from a file each time.',
    );
  }
  let db: IDBPDatabase;
  try {
    db = await openDB(dbName, 1, {
      upgrade(database) {
        database.createObjectStore(STORE, { keyPath: 'name' });
      },
    });
  } catch (error) {
    throw new RegistryClientError(
      'storage_unavailable',
      `cannot open the key store in IndexedDB (${error instanceof Error ? error.message : String(error)}): check that the site may store data.`,
      null,
      { cause: error },
    );
  }
  return {
    async save(name, key) {
      const record: StoredKey = {
        name,
        privateKey: key.privateKey,
        publicKey: key.publicKey,
        createdAt: new Date().toISOString(),
      };
      await db.put(STORE, record);
    },
    async load(name) {
      const record = (await db.get(STORE, name)) as StoredKey | undefined;
      return record === undefined
        ? null
        : { privateKey: record.privateKey, publicKey: record.publicKey };
    },
    async list() {
      const records = (await db.getAll(STORE)) as StoredKey[];
      return records.map(({ name, publicKey, createdAt }) => ({ name, publicKey, createdAt }));
    },
    async remove(name) {
      await db.delete(STORE, name);
    },
    close: () => db.close(),
  };
}
