import { describe, expect, it } from 'vitest';
import { toBase64 } from '../shared/merkle/bytes.ts';
import { formatVerifierKey } from '../shared/merkle/logPublicKey.ts';
import type { RegistryClient } from './registryClient.ts';
import { pinnedLogKeys } from './logKeyPin.ts';

async function verifierKey(seed: number): Promise<string> {
  return formatVerifierKey({
    name: 'localhost/twinbench/runlog',
    publicKey: toBase64(new Uint8Array(32).fill(seed)),
  });
}

/** A registry that states `vkey` as its log key (the only call pinning makes). */
function registryStating(vkey: string): RegistryClient {
  return {
    logKey: () =>
      Promise.resolve({ origin: 'localhost/twinbench/runlog', keys: [], verifierKeys: [vkey] }),
  } as unknown as RegistryClient;
}

function memoryStorage() {
  const items = new Map<string, string>();
  return {
    getItem: (k: string) => items.get(k) ?? null,
    setItem: (k: string, v: string) => void items.set(k, v),
  };
}

describe('pinning the run log key in the portal', () => {
  it('keeps the key first stated and refuses a registry that later states another', async () => {
    const storage = memoryStorage();
    const first = await verifierKey(1);
    const pinned = await pinnedLogKeys(registryStating(first), undefined, storage);
    expect(pinned.pinnedBy).toBe('first-use');
    expect(pinned.verifierKeys).toEqual([first]);
    expect(pinned.keys[0]!.name).toBe('localhost/twinbench/runlog');
    await expect(pinnedLogKeys(registryStating(first), undefined, storage)).resolves.toMatchObject({
      verifierKeys: [first],
    });
    await expect(
      pinnedLogKeys(registryStating(await verifierKey(2)), undefined, storage),
    ).rejects.toThrow(/not .* as when this browser first saw it/);
  });

  it('uses the key pinned in the build without asking the registry', async () => {
    const built = await verifierKey(3);
    const pinned = await pinnedLogKeys({} as RegistryClient, built, null);
    expect(pinned).toMatchObject({ pinnedBy: 'build', verifierKeys: [built] });
  });
});
