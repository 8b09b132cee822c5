/**
 * The run log's key as the browser pins it (the portal's verified badges, the workbench's logged runs). A build may pin it (`VITE_TWINBENCH_LOG_KEY`, the
 * verifier key the server prints at start); otherwise the key the registry states the first
 * time is kept in localStorage and every later answer must match it (trust on first use), so a
 * registry that swaps its log key afterwards is caught. docs/registry.md, "Publishing from the
 * portal".
 */
import type { LogPublicKey } from '../shared/merkle/logPublicKey.ts';
import { parseVerifierKey } from '../shared/merkle/logPublicKey.ts';
import type { RegistryClient } from './registryClient.ts';
import { RegistryClientError } from './registryClientError.ts';

const STORAGE_KEY = 'twinbench.registry.logKeys';

export interface PinnedLogKeys {
  readonly keys: readonly LogPublicKey[];
  /** `build`: pinned in the app's build; `first-use`: kept since the registry first stated it. */
  readonly pinnedBy: 'build' | 'first-use';
  readonly verifierKeys: readonly string[];
}

interface KeyStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** The pinned log keys; rejects with `log_unverified` when the registry's key changed. */
export async function pinnedLogKeys(
  client: RegistryClient,
  built: string | undefined,
  storage: KeyStorage | null,
): Promise<PinnedLogKeys> {
  if (built !== undefined && built.trim() !== '') {
    const verifierKeys = built.split(/[\s,]+/).filter((k) => k !== '');
    return {
      keys: await Promise.all(verifierKeys.map(parseVerifierKey)),
      pinnedBy: 'build',
      verifierKeys,
    };
  }
  const stated = await client.logKey();
  const kept = readKept(storage);
  if (kept !== null && !kept.some((k) => stated.verifierKeys.includes(k))) {
    throw new RegistryClientError(
      'log_unverified',
      `the registry's run log key is now ${stated.verifierKeys.join(', ')}, not ${kept.join(', ')} as when this browser first saw it: the log may have been replaced. Ask the registry's operator; if the key was rotated on purpose, remove "${STORAGE_KEY}" from this site's local storage.`,
    );
  }
  const verifierKeys = kept ?? [...stated.verifierKeys];
  if (kept === null) storage?.setItem(STORAGE_KEY, JSON.stringify(verifierKeys));
  return {
    keys: await Promise.all(verifierKeys.map(parseVerifierKey)),
    pinnedBy: 'first-use',
    verifierKeys,
  };
}

function readKept(storage: KeyStorage | null): string[] | null {
  try {
    const text = storage?.getItem(STORAGE_KEY) ?? null;
    const parsed: unknown = text === null ? null : JSON.parse(text);
    return Array.isArray(parsed) && parsed.every((k) => typeof k === 'string') ? parsed : null;
  } catch {
    return null;
  }
}
