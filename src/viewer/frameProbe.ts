import { addAfterEffect, addEffect } from '@react-three/fiber';

/** What a drawn frame reports to whoever listens (the viewer bench, tests). */
export interface FrameReport {
  /** performance.now() when the frame's callbacks began and when the scene had been submitted. */
  readonly start: number;
  readonly end: number;
}

type FrameListener = (report: FrameReport) => void;

const listeners = new Set<FrameListener>();
let installed = false;
let start = 0;

/**
 * Times every react-three-fiber frame on the main thread: from the start of the frame loop's
 * callbacks (scene updates in `useFrame`) to the end of three.js's render call, which submits
 * the frame's GPU work. Costs two `performance.now()` calls a frame while anyone listens.
 * Returns the unsubscribe function.
 */
export function onFrameDrawn(listener: FrameListener): () => void {
  if (!installed) {
    installed = true;
    addEffect(() => {
      start = performance.now();
    });
    addAfterEffect(() => {
      if (listeners.size === 0) return;
      const report = { start, end: performance.now() };
      for (const l of listeners) l(report);
    });
  }
  listeners.add(listener);
  return () => listeners.delete(listener);
}
