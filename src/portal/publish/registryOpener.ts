/**
 * Opening a published version in the portal: download and verify it (nothing is opened when
 * verification fails, and the failure says what was wrong), then open its files as a draft that
 * remembers where it came from. Framework-free (a zustand vanilla store).
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Portal } from '../portalStore.ts';
import type { PortalRegistry, PublishedOrigin } from './portalRegistry.ts';

export interface RegistryOpenerState {
  readonly phase: 'idle' | 'opening' | 'opened' | 'failed';
  /** What was asked for, `name@version-or-alias`. */
  readonly ref: string | null;
  readonly message: string | null;
  /** Drafts opened from the registry in this page, by draft id. */
  readonly origins: Readonly<Record<string, PublishedOrigin>>;
  /** How long the last open took (download, verification, opening the draft), ms. */
  readonly elapsedMs: number | null;
}

export interface RegistryOpener {
  readonly store: StoreApi<RegistryOpenerState>;
  /** Resolves to the draft id, or null when it failed (the reason is in the state). */
  open(model: string, ref: string): Promise<string | null>;
}

/** The draft a published version opens as. */
export function publishedDraftId(model: string, version: string): string {
  return `registry-${model}@${version}`;
}

export function createRegistryOpener(portal: Portal, registry: PortalRegistry): RegistryOpener {
  const store = createStore<RegistryOpenerState>(() => ({
    phase: 'idle',
    ref: null,
    message: null,
    origins: {},
    elapsedMs: null,
  }));
  return {
    store,
    async open(model, ref) {
      const asked = `${model}@${ref}`;
      const started = performance.now();
      store.setState({ phase: 'opening', ref: asked, message: null, elapsedMs: null });
      try {
        const { files, origin } = await registry.fetchDraft(model, ref);
        const label = `${model}@${origin.version}`;
        const id = publishedDraftId(model, origin.version);
        await portal.openFiles(id, label, files, label);
        store.setState({
          phase: 'opened',
          origins: { ...store.getState().origins, [id]: origin },
          elapsedMs: performance.now() - started,
        });
        return id;
      } catch (error) {
        store.setState({
          phase: 'failed',
          message: `${asked} was not opened: ${error instanceof Error ? error.message : String(error)}`,
          elapsedMs: performance.now() - started,
        });
        return null;
      }
    },
  };
}
