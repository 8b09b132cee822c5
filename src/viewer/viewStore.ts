import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';

export interface ViewState {
  /** Factor by which measured displacements are drawn larger (mm-scale motion on a 40 m span). */
  readonly exaggeration: number;
  readonly strainLimit: number;
}

export const viewStore = createStore<ViewState>(() => ({ exaggeration: 1500, strainLimit: 8 }));

export function useView<T>(selector: (state: ViewState) => T): T {
  return useStore(viewStore, selector);
}
