import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';

/**
 * Whether the 3D view draws with multisample antialiasing. `auto` starts with it and turns it
 * off when the first frames show the GPU cannot afford it (frameRateJudge); the user can choose
 * `on` or `off` instead. The choice, and what `auto` found, are remembered in this browser so a
 * slow machine does not pay for the test on every load.
 */
export type AntialiasMode = 'auto' | 'on' | 'off';

export interface RenderQualityState {
  readonly mode: AntialiasMode;
  /** What the scene draws with now. */
  readonly antialias: boolean;
  /**
   * In `auto`: `pending` until the first frames are judged, then `kept`, or `off` with the
   * median frame time that turned it off. `null` in `on` and `off`.
   */
  readonly auto:
    | { readonly verdict: 'pending' }
    | { readonly verdict: 'kept'; readonly medianMs: number }
    | { readonly verdict: 'off'; readonly medianMs: number }
    | null;
}

export const RENDER_QUALITY_KEY = 'twinbench.render.antialias';

interface Stored {
  readonly mode: AntialiasMode;
  /** Median frame time (ms) with antialiasing that made `auto` turn it off. */
  readonly autoOffMs?: number;
}

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null; // storage blocked by the browser's settings: nothing is remembered
  }
}

/** What was remembered; anything unreadable counts as nothing remembered. */
function load(): Stored {
  try {
    const parsed: unknown = JSON.parse(storage()?.getItem(RENDER_QUALITY_KEY) ?? 'null');
    if (typeof parsed !== 'object' || parsed === null) return { mode: 'auto' };
    const { mode, autoOffMs } = parsed as Record<string, unknown>;
    if (mode !== 'auto' && mode !== 'on' && mode !== 'off') return { mode: 'auto' };
    return mode === 'auto' && typeof autoOffMs === 'number' && autoOffMs > 0
      ? { mode, autoOffMs }
      : { mode };
  } catch {
    return { mode: 'auto' };
  }
}

function save(stored: Stored): void {
  try {
    storage()?.setItem(RENDER_QUALITY_KEY, JSON.stringify(stored));
  } catch {
    // full or blocked storage: the choice holds for this page only
  }
}

function stateOf(stored: Stored): RenderQualityState {
  if (stored.mode !== 'auto')
    return { mode: stored.mode, antialias: stored.mode === 'on', auto: null };
  return stored.autoOffMs === undefined
    ? { mode: 'auto', antialias: true, auto: { verdict: 'pending' } }
    : { mode: 'auto', antialias: false, auto: { verdict: 'off', medianMs: stored.autoOffMs } };
}

export const renderQualityStore = createStore<RenderQualityState>(() => stateOf(load()));

export function useRenderQuality<T>(selector: (state: RenderQualityState) => T): T {
  return useStore(renderQualityStore, selector);
}

/** The user's choice; choosing `auto` judges the frames afresh. */
export function setAntialiasMode(mode: AntialiasMode): void {
  const stored: Stored = { mode };
  save(stored);
  renderQualityStore.setState(stateOf(stored));
}

/** `auto`'s verdict on the frames drawn with antialiasing. */
export function judgedFrames(slow: boolean, medianMs: number): void {
  const state = renderQualityStore.getState();
  if (state.mode !== 'auto' || state.auto?.verdict !== 'pending') return;
  if (!slow) {
    renderQualityStore.setState({ auto: { verdict: 'kept', medianMs } });
    return;
  }
  save({ mode: 'auto', autoOffMs: medianMs });
  renderQualityStore.setState({ antialias: false, auto: { verdict: 'off', medianMs } });
}

/** Reads what this browser remembers again (tests, and the viewer bench after it clears it). */
export function reloadRenderQuality(): void {
  renderQualityStore.setState(stateOf(load()), true);
}
