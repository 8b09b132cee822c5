import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  RENDER_QUALITY_KEY,
  judgedFrames,
  reloadRenderQuality,
  renderQualityStore,
  setAntialiasMode,
} from './renderQuality.ts';

class MemoryStorage {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
}

let storage: MemoryStorage;

beforeEach(() => {
  storage = new MemoryStorage();
  vi.stubGlobal('localStorage', storage);
  reloadRenderQuality();
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe('render quality', () => {
  it('starts in auto with antialiasing, waiting for the first frames', () => {
    expect(renderQualityStore.getState()).toEqual({
      mode: 'auto',
      antialias: true,
      auto: { verdict: 'pending' },
    });
  });

  it('keeps antialiasing on a GPU that keeps up, and remembers nothing', () => {
    judgedFrames(false, 16.7);
    expect(renderQualityStore.getState()).toMatchObject({
      antialias: true,
      auto: { verdict: 'kept', medianMs: 16.7 },
    });
    expect(storage.items.size).toBe(0);
  });

  it('turns antialiasing off on a slow GPU and starts without it on the next load', () => {
    judgedFrames(true, 1250);
    expect(renderQualityStore.getState()).toMatchObject({
      antialias: false,
      auto: { verdict: 'off', medianMs: 1250 },
    });
    reloadRenderQuality();
    expect(renderQualityStore.getState()).toEqual({
      mode: 'auto',
      antialias: false,
      auto: { verdict: 'off', medianMs: 1250 },
    });
  });

  it('takes a verdict only while one is pending', () => {
    judgedFrames(false, 16);
    judgedFrames(true, 2000);
    expect(renderQualityStore.getState().antialias).toBe(true);
    setAntialiasMode('on');
    judgedFrames(true, 2000);
    expect(renderQualityStore.getState()).toEqual({ mode: 'on', antialias: true, auto: null });
  });

  it("remembers the user's choice, and auto judges afresh", () => {
    judgedFrames(true, 1250);
    setAntialiasMode('on');
    reloadRenderQuality();
    expect(renderQualityStore.getState()).toEqual({ mode: 'on', antialias: true, auto: null });
    setAntialiasMode('off');
    expect(renderQualityStore.getState().antialias).toBe(false);
    setAntialiasMode('auto');
    reloadRenderQuality();
    expect(renderQualityStore.getState()).toEqual({
      mode: 'auto',
      antialias: true,
      auto: { verdict: 'pending' },
    });
  });

  it('treats an unreadable stored value as nothing stored', () => {
    for (const bad of ['{', '"on"', '{"mode":"fast"}', '{"mode":"auto","autoOffMs":-3}', '[]']) {
      storage.setItem(RENDER_QUALITY_KEY, bad);
      reloadRenderQuality();
      expect(renderQualityStore.getState().mode, bad).toBe('auto');
      expect(renderQualityStore.getState().antialias, bad).toBe(true);
    }
  });

  it('works without storage: blocked or full', () => {
    vi.stubGlobal('localStorage', {
      getItem() {
        throw new Error('SecurityError');
      },
      setItem() {
        throw new Error('QuotaExceededError');
      },
    });
    reloadRenderQuality();
    judgedFrames(true, 900);
    expect(renderQualityStore.getState().antialias).toBe(false);
  });
});
