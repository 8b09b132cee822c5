import { afterEach, describe, expect, it, vi } from 'vitest';
import { cpuContext2d, withCpuCanvases } from './cpuCanvas.ts';

/** Stands in for the DOM's canvas: getContext reports what it was asked for. */
class FakeCanvas {
  getContext(type: string, options?: object): { type: string; options?: object } {
    return options === undefined ? { type } : { type, options };
  }
}

afterEach(() => {
  vi.unstubAllGlobals();
});

function canvas(): HTMLCanvasElement {
  vi.stubGlobal('HTMLCanvasElement', FakeCanvas);
  return new FakeCanvas() as unknown as HTMLCanvasElement;
}

describe('CPU-backed 2D canvases', () => {
  it('asks for a 2D context the browser keeps off the GPU', () => {
    expect(cpuContext2d(canvas())).toEqual({
      type: '2d',
      options: { willReadFrequently: true },
    });
  });

  it('makes the 2D contexts a library asks for while it builds CPU-backed, and only those', () => {
    const c = canvas();
    const inside = withCpuCanvases(() => [
      c.getContext('2d'),
      c.getContext('2d', { alpha: false }),
      c.getContext('webgl2'),
    ]);
    expect(inside).toEqual([
      { type: '2d', options: { willReadFrequently: true } },
      { type: '2d', options: { alpha: false, willReadFrequently: true } },
      { type: 'webgl2' },
    ]);
    expect(c.getContext('2d')).toEqual({ type: '2d' });
  });

  it('puts getContext back when the build throws', () => {
    const c = canvas();
    const original = Object.getOwnPropertyDescriptor(FakeCanvas.prototype, 'getContext');
    expect(() =>
      withCpuCanvases(() => {
        throw new Error('no room for the chart');
      }),
    ).toThrow('no room for the chart');
    expect(Object.getOwnPropertyDescriptor(FakeCanvas.prototype, 'getContext')).toEqual(original);
    expect(c.getContext('2d')).toEqual({ type: '2d' });
  });
});
