import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { EditorBridge } from './editorBridge.ts';
import type { Portal, PortalState } from './portalStore.ts';

export const PortalContext = createContext<{ portal: Portal; bridge: EditorBridge } | null>(null);

export function usePortal(): { portal: Portal; bridge: EditorBridge } {
  const value = useContext(PortalContext);
  if (!value)
    throw new Error('Twinbench portal: components must be inside <PortalContext.Provider>.');
  return value;
}

/** A slice of the portal's state; re-renders when it changes. */
export function usePortalState<T>(select: (state: PortalState) => T): T {
  return useStore(usePortal().portal.store, select);
}
