/**
 * The portal page's entry (`main.tsx` imports it only for `?page=portal`): opens the draft store,
 * a GPU device for WGSL diagnostics and the sandbox host, and renders the page.
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createSandboxHost } from '../sandbox/sandboxHost.ts';
import { openDraftStore } from './drafts/draftStore.ts';
import { draftStoreError } from './drafts/draftStoreError.ts';
import { EditorBridge } from './editorBridge.ts';
import { PortalPage } from './PortalPage.tsx';
import { createPortal } from './portalStore.ts';
import { installPortalTestHook } from './portalTestHook.ts';
import { createPortalRegistry } from './publish/portalRegistry.ts';
import { PublishPanel } from './publish/PublishPanel.tsx';
import { RegistryContext } from './publish/registryContext.ts';
import { createRegistryOpener } from './publish/registryOpener.ts';
import { parseRegistryRef } from './publish/registryNames.ts';
import { PortalContext } from './usePortal.ts';
import '../app/app.css';
import './portal.css';

/** A device of the page's own, only to compile kernels for their messages (no work runs on it). */
async function requestCompilerDevice(): Promise<GPUDevice | string> {
  if (!('gpu' in navigator)) return 'this browser has no WebGPU';
  try {
    const adapter = await navigator.gpu.requestAdapter();
    if (!adapter) return 'no WebGPU adapter is available';
    return await adapter.requestDevice({ label: 'twinbench portal: WGSL diagnostics' });
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

export async function mountPortal(root: HTMLElement): Promise<void> {
  document.title = 'Twinbench — model portal';
  const store = await openDraftStore(globalThis.indexedDB).catch((error: unknown) =>
    draftStoreError(error, 'opening the drafts database'),
  );
  const portal = createPortal({
    store,
    requestDevice: requestCompilerDevice,
    sandbox: createSandboxHost(),
  });
  const bridge = new EditorBridge();
  bridge.onOpenFile = (file) => {
    portal.setView('editor');
    portal.selectFile(file);
  };
  const registry = createPortalRegistry(location.origin);
  const opener = createRegistryOpener(portal, registry);
  const queries = new QueryClient({ defaultOptions: { queries: { staleTime: 10_000 } } });
  installPortalTestHook(portal, bridge, opener);
  // Edits not yet saved are written before the page goes away.
  addEventListener('pagehide', () => void portal.flush());
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={queries}>
        <PortalContext.Provider value={{ portal, bridge }}>
          <RegistryContext.Provider value={{ registry, opener }}>
            <PortalPage modelPanels={<PublishPanel />} />
          </RegistryContext.Provider>
        </PortalContext.Provider>
      </QueryClientProvider>
    </StrictMode>,
  );
  const params = new URLSearchParams(location.search);
  // `&registry=<name>@<version or alias>` opens a published version; when it cannot be opened
  // the panel says why and the portal opens what it would have opened without it.
  const published = params.get('registry');
  const ref = published === null ? null : parseRegistryRef(published);
  if (ref !== null && (await opener.open(ref.name, ref.ref)) !== null) return;
  if (published !== null && ref === null)
    opener.store.setState({
      phase: 'failed',
      ref: published,
      message: `"${published}" is not <model name>@<version or alias>, e.g. pid-plant@1.0.0 or pid-plant@latest.`,
    });
  await portal.open(params.get('model') ?? undefined);
}
