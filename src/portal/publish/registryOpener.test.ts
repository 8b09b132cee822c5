import { describe, expect, it } from 'vitest';
import { RegistryClientError } from '../../registry/registryClientError.ts';
import type { SandboxHost } from '../../sandbox/sandboxHost.ts';
import { DraftStoreError } from '../drafts/draftStoreError.ts';
import { exampleModel } from '../models/exampleModels.ts';
import type { ModelFiles } from '../models/modelFiles.ts';
import { createPortal } from '../portalStore.ts';
import type { PortalRegistry, PublishedOrigin } from './portalRegistry.ts';
import { createRegistryOpener } from './registryOpener.ts';

const pid = exampleModel('pidPlant')!.model;

function portalInMemory() {
  const sandbox: SandboxHost = {
    run: () => {
      throw new Error('no test runs here');
    },
    dispose: () => undefined,
  };
  return createPortal({
    store: new DraftStoreError('unavailable', 'tests keep drafts in memory'),
    requestDevice: () => Promise.resolve('no GPU in this test'),
    sandbox,
    checkDelayMs: 0,
    saveDelayMs: 0,
  });
}

/** A registry serving `files` as pid@1.0.0, or refusing with `refusal`. */
function registryServing(files: ModelFiles, refusal?: Error): PortalRegistry {
  const origin: PublishedOrigin = {
    model: 'pid',
    version: '1.0.0',
    ref: 'latest',
    signer: { principal: 'ada', fingerprint: 'ed25519:00' },
    verified: true,
  };
  return {
    fetchDraft: () =>
      refusal ? Promise.reject(refusal) : Promise.resolve({ files, origin, verified: {} as never }),
  } as unknown as PortalRegistry;
}

describe('opening a published version in the portal', () => {
  it('opens the verified files as a draft that says where they came from', async () => {
    const portal = portalInMemory();
    await portal.open('pidPlant');
    const opener = createRegistryOpener(portal, registryServing(pid));
    expect(await opener.open('pid', 'latest')).toBe('registry-pid@1.0.0');
    const s = portal.store.getState();
    expect(s.draft).toMatchObject({
      id: 'registry-pid@1.0.0',
      title: 'pid@1.0.0',
      origin: 'pid@1.0.0',
    });
    expect(s.files).toEqual(pid.files);
    expect(opener.store.getState()).toMatchObject({
      phase: 'opened',
      ref: 'pid@latest',
      origins: { 'registry-pid@1.0.0': { model: 'pid', version: '1.0.0' } },
    });
    portal.dispose();
  });

  it('keeps edits to an earlier copy as a snapshot when the version is opened again', async () => {
    const portal = portalInMemory();
    const opener = createRegistryOpener(portal, registryServing(pid));
    await opener.open('pid', '1.0.0');
    portal.edit('pidPlant.wgsl', '// edited\n' + pid.files['pidPlant.wgsl']!);
    await portal.flush();
    await opener.open('pid', '1.0.0');
    const s = portal.store.getState();
    expect(s.files).toEqual(pid.files);
    expect(s.snapshots.map((x) => x.name)).toEqual(['before reopening pid@1.0.0']);
    expect(s.snapshots[0]!.files['pidPlant.wgsl']).toMatch(/^\/\/ edited\n/);
    portal.dispose();
  });

  it('opens nothing when verification fails, and says why', async () => {
    const portal = portalInMemory();
    await portal.open('pidPlant');
    const refusal = new RegistryClientError(
      'bad_signature',
      'pid 1.0.0: the signature does not verify',
    );
    const opener = createRegistryOpener(portal, registryServing(pid, refusal));
    expect(await opener.open('pid', '1.0.0')).toBeNull();
    expect(portal.store.getState().draft?.id).toBe('pidPlant');
    expect(opener.store.getState()).toMatchObject({
      phase: 'failed',
      message: 'pid@1.0.0 was not opened: pid 1.0.0: the signature does not verify',
    });
    portal.dispose();
  });
});
