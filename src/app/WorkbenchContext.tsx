import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { Workbench, WorkbenchState } from './workbench.ts';

export const WorkbenchContext = createContext<Workbench | null>(null);

export function useWorkbench(): Workbench {
  const workbench = useContext(WorkbenchContext);
  if (!workbench)
    throw new Error('Twinbench: useWorkbench must be used inside <WorkbenchContext.Provider>.');
  return workbench;
}

/** Subscribes a component to one slice of the workbench state. */
export function useWorkbenchState<T>(selector: (state: WorkbenchState) => T): T {
  return useStore(useWorkbench().store, selector);
}
