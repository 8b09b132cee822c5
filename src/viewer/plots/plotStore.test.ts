import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createPlotStore,
  parseStoredPlots,
  PLOTS_STORAGE_KEY,
  type PlotStorage,
} from './plotStore.ts';
import { DEFAULT_WINDOW_MS, MIN_WINDOW_MS } from './plotWindow.ts';

function memoryStorage(initial?: string): PlotStorage & { map: Map<string, string> } {
  const map = new Map<string, string>();
  if (initial !== undefined) map.set(PLOTS_STORAGE_KEY, initial);
  return {
    map,
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => void map.set(k, v),
  };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('plot store', () => {
  it('starts with no plots and a 30 s window', () => {
    const s = createPlotStore(null).getState();
    expect(s.plots).toEqual([]);
    expect(s.windowMs).toBe(DEFAULT_WINDOW_MS);
    expect(s.targetPlotId).toBeNull();
  });

  it('adds a channel to a new plot when none is given, and targets that plot', () => {
    const store = createPlotStore(null);
    const id = store.getState().addChannel('disp.z.L50');
    expect(store.getState().plots).toEqual([{ id, channels: ['disp.z.L50'] }]);
    expect(store.getState().targetPlotId).toBe(id);
    const other = store.getState().addChannel('strain.U3');
    expect(other).not.toBe(id);
    expect(store.getState().plots).toHaveLength(2);
  });

  it('adds a channel to the given plot once', () => {
    const store = createPlotStore(null);
    const id = store.getState().addChannel('disp.z.L50');
    expect(store.getState().addChannel('disp.z.L25', id)).toBe(id);
    store.getState().addChannel('disp.z.L25', id);
    expect(store.getState().plots[0]!.channels).toEqual(['disp.z.L50', 'disp.z.L25']);
  });

  it('adds to a new plot when the given one is gone', () => {
    const store = createPlotStore(null);
    const id = store.getState().addChannel('a', 'plot-99');
    expect(id).not.toBe('plot-99');
    expect(store.getState().plots.map((p) => p.channels)).toEqual([['a']]);
  });

  it('removes a channel and keeps the (now empty) plot', () => {
    const store = createPlotStore(null);
    const id = store.getState().addChannel('a');
    store.getState().removeChannel(id, 'a');
    expect(store.getState().plots).toEqual([{ id, channels: [] }]);
  });

  it('moves the target to the last plot left when the target is removed', () => {
    const store = createPlotStore(null);
    const first = store.getState().addPlot();
    const second = store.getState().addPlot();
    expect(store.getState().targetPlotId).toBe(second);
    store.getState().removePlot(second);
    expect(store.getState().targetPlotId).toBe(first);
    store.getState().removePlot(first);
    expect(store.getState().targetPlotId).toBeNull();
  });

  it('never reuses the id of a plot still there', () => {
    const store = createPlotStore(null);
    const a = store.getState().addPlot();
    const b = store.getState().addPlot();
    store.getState().removePlot(a);
    expect(store.getState().addPlot()).not.toBe(b);
  });

  it('clamps the window and accepts "all"', () => {
    const store = createPlotStore(null);
    store.getState().setWindow(10);
    expect(store.getState().windowMs).toBe(MIN_WINDOW_MS);
    store.getState().setWindow('all');
    expect(store.getState().windowMs).toBe('all');
  });

  it('remembers plots, window and target in storage and restores them', () => {
    const storage = memoryStorage();
    const store = createPlotStore(storage);
    const id = store.getState().addChannel('disp.z.L50');
    store.getState().setWindow(120_000);
    const restored = createPlotStore(storage).getState();
    expect(restored.plots).toEqual([{ id, channels: ['disp.z.L50'] }]);
    expect(restored.windowMs).toBe(120_000);
    expect(restored.targetPlotId).toBe(id);
  });

  it('ignores unreadable stored plots and starts fresh', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    for (const bad of [
      '{',
      '[]',
      '{"plots":[{"id":3}]}',
      '{"plots":[{"id":"a","channels":[1]}]}',
    ]) {
      expect(createPlotStore(memoryStorage(bad)).getState().plots).toEqual([]);
    }
    expect(warn).toHaveBeenCalledTimes(4);
  });

  it('keeps working when storage refuses to save', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const store = createPlotStore({
      getItem: () => null,
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    });
    store.getState().addChannel('a');
    store.getState().addChannel('b');
    expect(store.getState().plots).toHaveLength(2);
    expect(warn).toHaveBeenCalledTimes(1);
  });
});

describe('parseStoredPlots', () => {
  it('drops duplicate channels, a dangling target and an out-of-range window', () => {
    const parsed = parseStoredPlots(
      JSON.stringify({
        plots: [{ id: 'plot-1', channels: ['a', 'a', 'b'] }],
        windowMs: 1e12,
        targetPlotId: 'plot-7',
      }),
    );
    expect(parsed).toEqual({
      plots: [{ id: 'plot-1', channels: ['a', 'b'] }],
      windowMs: 24 * 3_600_000,
      targetPlotId: null,
    });
  });

  it('falls back to the default window when it is missing', () => {
    expect(parseStoredPlots('{"plots":[]}')?.windowMs).toBe(DEFAULT_WINDOW_MS);
  });

  it('rejects duplicate plot ids', () => {
    const text = JSON.stringify({
      plots: [
        { id: 'p', channels: [] },
        { id: 'p', channels: [] },
      ],
    });
    expect(parseStoredPlots(text)).toBeNull();
  });
});
