/**
 * A 2D context drawn by the CPU. Chrome draws a large 2D canvas on the GPU, and each frame it
 * finishes there waits for the GPU to catch up: with the GPU busy drawing the 3D scene and running
 * the simulation (on a software GPU such as SwiftShader, for seconds), the page's main thread
 * stalls in that wait and telemetry, the timeline and the buttons stop answering. Our 2D canvases
 * are small line drawings the CPU draws in well under a millisecond, so they opt out of the GPU
 * with `willReadFrequently` — the one standard hint that asks for a CPU-backed canvas.
 */
export function cpuContext2d(canvas: HTMLCanvasElement): CanvasRenderingContext2D | null {
  return canvas.getContext('2d', { willReadFrequently: true });
}

/**
 * Runs `build` — a library constructor that makes its own canvas, such as uPlot's — so that the
 * 2D contexts it asks for are CPU-backed too (see cpuContext2d). Only calls made while `build`
 * runs are affected; the original `getContext` is back before this returns or throws.
 */
export function withCpuCanvases<T>(build: () => T): T {
  const proto = HTMLCanvasElement.prototype;
  const original = Object.getOwnPropertyDescriptor(proto, 'getContext');
  if (!original || typeof original.value !== 'function') return build();
  const getContext = original.value as (this: HTMLCanvasElement, ...args: unknown[]) => unknown;
  Object.defineProperty(proto, 'getContext', {
    ...original,
    value(this: HTMLCanvasElement, type: unknown, options?: unknown) {
      return type === '2d'
        ? getContext.call(this, type, {
            ...(options as object | undefined),
            willReadFrequently: true,
          })
        : getContext.call(this, type, options);
    },
  });
  try {
    return build();
  } finally {
    Object.defineProperty(proto, 'getContext', original);
  }
}
