/**
 * The portal page's entry (`main.tsx` imports it only for `?page=portal`): opens the draft store,
 * a GPU device for WGSL diagnostics and the sandbox host, and renders the page.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createSandboxHost } from '../sandbox/sandboxHost.ts';
import { openDraftStore } from './drafts/draftStore.ts';
import { draftStoreError } from './drafts/draftStoreError.ts';
import { EditorBridge } from './editorBridge.ts';
import { PortalPage } from './PortalPage.tsx';
import { createPortal } from './portalStore.ts';
import { installPortalTestHook } from './portalTestHook.ts';
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
  installPortalTestHook(portal, bridge);
  // Edits not yet saved are written before the page goes away.
  addEventListener('pagehide', () => void portal.flush());
  createRoot(root).render(
    <StrictMode>
      <PortalContext.Provider value={{ portal, bridge }}>
        <PortalPage />
      </PortalContext.Provider>
    </StrictMode>,
  );
  await portal.open(new URLSearchParams(location.search).get('model') ?? undefined);
}
