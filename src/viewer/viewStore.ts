import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';

/** What is selected in the scene: a structural member, a joint, or a sensor (by channel). */
export type Selection =
  | { readonly kind: 'member'; readonly index: number }
  | { readonly kind: 'node'; readonly index: number }
  | { readonly kind: 'sensor'; readonly channel: string }
  | null;

export interface ViewState {
  /**
   * Factor by which measured displacements are drawn larger (mm-scale motion on a 40 m span);
   * null: the twin file's `displacement.exaggeration`.
   */
  readonly exaggeration: number | null;
  readonly selected: Selection;
  /** Draw the shadow model's state as a ghost over the measured one. */
  readonly showGhost: boolean;
}

export const viewStore = createStore<ViewState>(() => ({
  exaggeration: null,
  selected: null,
  showGhost: true,
}));

export function useView<T>(selector: (state: ViewState) => T): T {
  return useStore(viewStore, selector);
}

export function select(selection: Selection): void {
  viewStore.setState({ selected: selection });
}

/** `member:12`, `node:3`, `sensor:strain.bc.L7` — how a selection is written in the URL. */
export function selectionToString(selection: Selection): string | null {
  if (!selection) return null;
  return selection.kind === 'sensor'
    ? `sensor:${selection.channel}`
    : `${selection.kind}:${selection.index}`;
}

export function selectionFromString(text: string | null): Selection {
  if (!text) return null;
  const colon = text.indexOf(':');
  const kind = text.slice(0, colon);
  const rest = text.slice(colon + 1);
  if (kind === 'sensor' && /^[\w.-]{1,200}$/.test(rest)) return { kind, channel: rest };
  if ((kind === 'member' || kind === 'node') && /^\d{1,7}$/.test(rest))
    return { kind, index: Number(rest) };
  return null;
}
