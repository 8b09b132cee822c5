import type { Monaco } from './loadMonaco.ts';

let loading: Promise<Monaco> | null = null;

/**
 * Monaco, downloaded on first use (a separate chunk the workbench never loads). A failed
 * download can be retried.
 */
export function loadMonaco(): Promise<Monaco> {
  loading ??= import('./loadMonaco.ts').then(
    (m) => m.monaco,
    (error: unknown) => {
      loading = null;
      throw new Error(
        `the editor (Monaco) failed to load: ${error instanceof Error ? error.message : String(error)} — reload the page`,
      );
    },
  );
  return loading;
}
