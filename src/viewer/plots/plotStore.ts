/**
 * The plots the user has made: which channels each draws, the visible time span they share, and
 * the plot the channel list's + buttons add to. A zustand vanilla store, remembered in this
 * browser (localStorage `twinbench.plots.v1`); stored data that do not parse are ignored.
 */
import { useStore } from 'zustand';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { clampWindowMs, DEFAULT_WINDOW_MS, type WindowSpan } from './plotWindow.ts';

export const PLOTS_STORAGE_KEY = 'twinbench.plots.v1';

export interface Plot {
  readonly id: string;
  /** Channel names, in legend order. */
  readonly channels: readonly string[];
}

export interface PlotState {
  readonly plots: readonly Plot[];
  /** Visible span of every plot (ms), or `'all'` (the whole recording). */
  readonly windowMs: WindowSpan;
  /** The plot + buttons add to (the newest, or the one last clicked); null: a new plot. */
  readonly targetPlotId: string | null;
  /**
   * Adds a channel to plot `plotId`, or to a new plot when none is given (or it is gone).
   * Returns the plot's id.
   */
  readonly addChannel: (name: string, plotId?: string) => string;
  readonly removeChannel: (plotId: string, name: string) => void;
  /** A new empty plot, which becomes the target. Returns its id. */
  readonly addPlot: () => string;
  readonly removePlot: (plotId: string) => void;
  readonly setTarget: (plotId: string | null) => void;
  readonly setWindow: (span: WindowSpan) => void;
}

/** What is remembered between visits. */
export interface StoredPlots {
  readonly plots: readonly Plot[];
  readonly windowMs: WindowSpan;
  readonly targetPlotId: string | null;
}

/** The parts of `Storage` the store uses (tests pass a Map-backed one). */
export interface PlotStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads what `serializePlots` wrote; null for anything else (missing, not JSON, wrong shape),
 * so a bad or older entry starts the user with no plots instead of breaking the panel.
 */
export function parseStoredPlots(text: string | null): StoredPlots | null {
  if (text === null) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecord(raw) || !Array.isArray(raw.plots)) return null;
  const plots: Plot[] = [];
  const ids = new Set<string>();
  for (const p of raw.plots) {
    if (!isRecord(p) || typeof p.id !== 'string' || p.id === '' || ids.has(p.id)) return null;
    if (!Array.isArray(p.channels) || !p.channels.every((c) => typeof c === 'string' && c !== ''))
      return null;
    ids.add(p.id);
    plots.push({ id: p.id, channels: [...new Set(p.channels as string[])] });
  }
  const w = raw.windowMs;
  const windowMs: WindowSpan =
    w === 'all'
      ? 'all'
      : typeof w === 'number' && Number.isFinite(w)
        ? clampWindowMs(w)
        : DEFAULT_WINDOW_MS;
  const t = raw.targetPlotId;
  const targetPlotId = typeof t === 'string' && ids.has(t) ? t : null;
  return { plots, windowMs, targetPlotId };
}

export function serializePlots(state: StoredPlots): string {
  const { plots, windowMs, targetPlotId } = state;
  return JSON.stringify({ plots, windowMs, targetPlotId });
}

/** `plot-N` with N one past the largest in use, so ids stay short and never repeat at once. */
function nextPlotId(plots: readonly Plot[]): string {
  let max = 0;
  for (const p of plots) {
    const n = /^plot-(\d+)$/.exec(p.id)?.[1];
    if (n !== undefined) max = Math.max(max, Number(n));
  }
  return `plot-${max + 1}`;
}

/** The browser's localStorage, or null where there is none or it refuses access. */
function browserStorage(): PlotStorage | null {
  try {
    return typeof window === 'undefined' ? null : window.localStorage;
  } catch {
    return null;
  }
}

export function createPlotStore(
  storage: PlotStorage | null = browserStorage(),
): StoreApi<PlotState> {
  let stored: StoredPlots | null = null;
  try {
    const text = storage?.getItem(PLOTS_STORAGE_KEY) ?? null;
    stored = parseStoredPlots(text);
    if (text !== null && stored === null)
      console.warn(`Twinbench plots: ignored unreadable saved plots in ${PLOTS_STORAGE_KEY}.`);
  } catch {
    stored = null;
  }

  const store = createStore<PlotState>((set, get) => ({
    plots: stored?.plots ?? [],
    windowMs: stored?.windowMs ?? DEFAULT_WINDOW_MS,
    targetPlotId: stored?.targetPlotId ?? null,

    addChannel(name, plotId) {
      const { plots } = get();
      const plot = plotId === undefined ? undefined : plots.find((p) => p.id === plotId);
      if (plot) {
        if (!plot.channels.includes(name))
          set({
            plots: plots.map((p) => (p === plot ? { ...p, channels: [...p.channels, name] } : p)),
          });
        return plot.id;
      }
      const id = nextPlotId(plots);
      set({ plots: [...plots, { id, channels: [name] }], targetPlotId: id });
      return id;
    },

    removeChannel(plotId, name) {
      set(({ plots }) => ({
        plots: plots.map((p) =>
          p.id === plotId && p.channels.includes(name)
            ? { ...p, channels: p.channels.filter((c) => c !== name) }
            : p,
        ),
      }));
    },

    addPlot() {
      const { plots } = get();
      const id = nextPlotId(plots);
      set({ plots: [...plots, { id, channels: [] }], targetPlotId: id });
      return id;
    },

    removePlot(plotId) {
      set(({ plots, targetPlotId }) => {
        const left = plots.filter((p) => p.id !== plotId);
        return {
          plots: left,
          targetPlotId: targetPlotId === plotId ? (left.at(-1)?.id ?? null) : targetPlotId,
        };
      });
    },

    setTarget(plotId) {
      if (plotId === null || get().plots.some((p) => p.id === plotId))
        set({ targetPlotId: plotId });
    },

    setWindow(span) {
      set({ windowMs: span === 'all' ? 'all' : clampWindowMs(span) });
    },
  }));

  if (storage) {
    let warned = false;
    store.subscribe((state, previous) => {
      if (
        state.plots === previous.plots &&
        state.windowMs === previous.windowMs &&
        state.targetPlotId === previous.targetPlotId
      )
        return;
      try {
        storage.setItem(PLOTS_STORAGE_KEY, serializePlots(state));
      } catch (error) {
        if (!warned) console.warn('Twinbench plots: cannot save the plots:', error);
        warned = true;
      }
    });
  }
  return store;
}

/** The page's plots. */
export const plotStore = createPlotStore();

export function usePlots<T>(selector: (state: PlotState) => T): T {
  return useStore(plotStore, selector);
}
