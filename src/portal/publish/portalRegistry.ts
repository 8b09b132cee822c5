/**
 * What the portal needs from the registry, framework-free: the client (with the relay's token
 * when the page has one), the author's signing key (made once, kept in IndexedDB), the pinned
 * run log keys, publishing a draft with its test results, and opening a published version as a
 * draft. The React panels wrap these in react-query.
 */
import type { PublishResponse, TestResultInput } from '../../protocol/registry.ts';
import type { Checkpoint } from '../../shared/merkle/checkpoint.ts';
import { keyFingerprint } from '../../shared/signing/modelSignature.ts';
import { generateAuthorKey, type AuthorKey } from '../../shared/signing/authorKey.ts';
import { fromUtf8 } from '../../shared/merkle/bytes.ts';
import { openAuthorKeyStore } from '../../registry/authorKeyStore.ts';
import { fetchVerifiedModel, type VerifiedModel } from '../../registry/fetchVerifiedModel.ts';
import { signAndPublish } from '../../registry/signAndPublish.ts';
import { createRegistryClient, type RegistryClient } from '../../registry/registryClient.ts';
import { verifyVersionLogged, type VerifiedRunLogEntry } from '../../registry/verifyRunLogEntry.ts';
import type { VersionSummary } from '../../protocol/registry.ts';
import type { ModelFiles } from '../models/modelFiles.ts';
import { pinnedLogKeys, type PinnedLogKeys } from '../../registry/logKeyPin.ts';

const TOKEN_KEY = 'twinbench.token';
const KEY_NAME = 'default';

export interface AuthorIdentity {
  readonly key: AuthorKey;
  readonly fingerprint: string;
}

/** Where a draft opened from the registry came from. */
export interface PublishedOrigin {
  readonly model: string;
  readonly version: string;
  readonly ref: string;
  readonly signer: { readonly principal: string; readonly fingerprint: string };
  /** The files' digests and the author's signature verified in this browser. */
  readonly verified: true;
}

export interface PortalRegistry {
  readonly client: RegistryClient;
  authorKey(): Promise<AuthorIdentity>;
  logKeys(): Promise<PinnedLogKeys>;
  /** The version's `publish` entry checked against the pinned log key (and how it was pinned). */
  verifyLogged(
    version: VersionSummary,
  ): Promise<VerifiedRunLogEntry & { readonly pinnedBy: PinnedLogKeys['pinnedBy'] }>;
  /** Signs and uploads the files, then records the test run's results for that version. */
  publish(input: {
    readonly model: string;
    readonly version: string;
    readonly files: ModelFiles;
    readonly results: readonly TestResultInput[];
  }): Promise<PublishResponse>;
  /** Downloads and verifies a version; the files as a draft's, and where they came from. */
  fetchDraft(
    model: string,
    ref: string,
  ): Promise<{ files: ModelFiles; origin: PublishedOrigin; verified: VerifiedModel }>;
}

function sessionToken(): string | null {
  try {
    return globalThis.sessionStorage?.getItem(TOKEN_KEY) ?? null;
  } catch {
    return null;
  }
}

export function createPortalRegistry(origin: string): PortalRegistry {
  const client = createRegistryClient(origin, sessionToken);
  let identity: Promise<AuthorIdentity> | null = null;
  let logKeys: Promise<PinnedLogKeys> | null = null;
  let trusted: Checkpoint | undefined;
  const pins = () =>
    (logKeys ??= pinnedLogKeys(
      client,
      import.meta.env.VITE_TWINBENCH_LOG_KEY as string | undefined,
      globalThis.localStorage ?? null,
    ).catch((error: unknown) => {
      logKeys = null;
      throw error;
    }));
  const authorKey = () => {
    identity ??= (async () => {
      const store = await openAuthorKeyStore();
      try {
        let key = await store.load(KEY_NAME);
        if (key === null) {
          key = await generateAuthorKey();
          await store.save(KEY_NAME, key);
        }
        return { key, fingerprint: await keyFingerprint(key.publicKey) };
      } finally {
        store.close();
      }
    })().catch((error: unknown) => {
      identity = null;
      throw error;
    });
    return identity;
  };
  return {
    client,
    authorKey,
    logKeys: pins,
    async verifyLogged(version) {
      const { keys, pinnedBy } = await pins();
      const result = await verifyVersionLogged(client, version, {
        logKeys: keys,
        ...(trusted === undefined ? {} : { trusted }),
      });
      // Later checks must extend the newest checkpoint seen (a consistency proof).
      if (trusted === undefined || result.checkpoint.treeSize >= trusted.treeSize)
        trusted = result.checkpoint;
      return { ...result, pinnedBy };
    },
    async publish({ model, version, files, results }) {
      const { key } = await authorKey();
      const published = await signAndPublish(client, {
        model,
        version,
        manifest: { entrypoint: files.manifest, runtime: { backends: ['gpu'] } },
        files: new Map(Object.entries(files.files)),
        key,
      });
      await client.recordTestResults(model, version, results);
      return published;
    },
    async fetchDraft(model, ref) {
      const verified = await fetchVerifiedModel(client, model, ref);
      const texts: Record<string, string> = {};
      for (const [path, bytes] of verified.files) {
        try {
          texts[path] = fromUtf8(bytes);
        } catch {
          throw new Error(
            `${model}@${verified.version}: "${path}" is not UTF-8 text, and the portal edits text only: load this model with fetchVerifiedModel in code instead.`,
          );
        }
      }
      return {
        files: { manifest: verified.manifestFile, files: texts },
        origin: {
          model,
          version: verified.version,
          ref,
          signer: {
            principal: verified.signer.principal,
            fingerprint: verified.signer.fingerprint,
          },
          verified: true,
        },
        verified,
      };
    },
  };
}
