/**
 * What e2e tests read and do on the portal page (`window.__twinbenchPortal`): the state as
 * plain data, markers through Monaco's API, typing into a file through the editor, and a
 * measure of how quickly the main thread answers.
 */
import type { EditorBridge, MarkerInfo } from './editorBridge.ts';
import type { Portal } from './portalStore.ts';
import type { RegistryOpener } from './publish/registryOpener.ts';

export interface PortalTestSnapshot {
  readonly draftId: string | null;
  readonly activeFile: string;
  readonly files: Readonly<Record<string, string>>;
  readonly editorReady: boolean;
  readonly checking: boolean;
  readonly diagnostics: readonly {
    file: string;
    source: string;
    line: number;
    column: number;
    message: string;
  }[];
  readonly modelReady: boolean;
  /** The draft's title and where the portal opened a published version from. */
  readonly title: string | null;
  readonly registry: {
    readonly phase: string;
    readonly ref: string | null;
    readonly message: string | null;
    readonly elapsedMs: number | null;
    /** The open draft's origin when it came from the registry. */
    readonly origin: {
      model: string;
      version: string;
      signer: string;
      fingerprint: string;
      verified: boolean;
    } | null;
  } | null;
  readonly storage: string;
  readonly storageMessage: string | null;
  readonly history: { readonly cursor: number; readonly revisions: number } | null;
  readonly run: {
    readonly phase: string;
    readonly status: string | null;
    readonly reason: string | null;
    readonly message: string | null;
    readonly elapsedMs: number | null;
    readonly cases: readonly {
      name: string;
      status: string;
      checks: number;
      failure: string | null;
    }[];
  };
}

export interface PortalTestHook {
  snapshot(): PortalTestSnapshot;
  markers(file: string, owner?: string | null): MarkerInfo[];
  /** The file's text in the editor (Monaco's model), or null. */
  editorText(file: string): string | null;
  /** Replaces a file's text in the editor's model, as typing would. */
  type(file: string, text: string): boolean;
  /** Resolves after `frames` animation frames with the longest gap between two, ms. */
  frameGaps(frames: number): Promise<number>;
}

export function installPortalTestHook(
  portal: Portal,
  bridge: EditorBridge,
  opener?: RegistryOpener,
): void {
  const hook: PortalTestHook = {
    snapshot() {
      const s = portal.store.getState();
      const run = s.run;
      return {
        draftId: s.draft?.id ?? null,
        activeFile: s.activeFile,
        files: s.files,
        editorReady: bridge.ready,
        checking: s.checking,
        diagnostics: s.diagnostics.map(({ file, source, line, column, message }) => ({
          file,
          source,
          line,
          column,
          message,
        })),
        modelReady: s.model !== null,
        title: s.draft?.title ?? null,
        registry: opener ? registrySnapshot(opener, s.draft?.id ?? null) : null,
        storage: s.storage.status,
        storageMessage: s.storage.message,
        history: s.history
          ? { cursor: s.history.cursor, revisions: s.history.revisions.length }
          : null,
        run: {
          phase: run.phase,
          status: run.phase === 'finished' ? run.result.status : null,
          reason: run.phase === 'finished' && 'reason' in run.result ? run.result.reason : null,
          message: run.phase === 'finished' && 'message' in run.result ? run.result.message : null,
          elapsedMs: run.phase === 'finished' ? run.elapsedMs : null,
          cases: (run.phase === 'idle' ? [] : run.results).map((c) => ({
            name: c.name,
            status: c.status,
            checks: c.checks.length,
            failure: c.failure?.message ?? null,
          })),
        },
      };
    },
    markers: (file, owner) => {
      const id = portal.store.getState().draft?.id;
      return id ? bridge.markers(id, file, owner) : [];
    },
    editorText: (file) => {
      const id = portal.store.getState().draft?.id;
      return id ? bridge.text(id, file) : null;
    },
    type: (file, text) => {
      const id = portal.store.getState().draft?.id;
      return id ? bridge.replaceText(id, file, text) : false;
    },
    frameGaps: (frames) =>
      new Promise((resolve) => {
        let last = performance.now();
        let longest = 0;
        let left = frames;
        const tick = (t: number) => {
          longest = Math.max(longest, t - last);
          last = t;
          if (--left <= 0) resolve(longest);
          else requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      }),
  };
  (window as unknown as { __twinbenchPortal: PortalTestHook }).__twinbenchPortal = hook;
}

function registrySnapshot(
  opener: RegistryOpener,
  draftId: string | null,
): PortalTestSnapshot['registry'] {
  const r = opener.store.getState();
  const origin = draftId === null ? undefined : r.origins[draftId];
  return {
    phase: r.phase,
    ref: r.ref,
    message: r.message,
    elapsedMs: r.elapsedMs,
    origin: origin
      ? {
          model: origin.model,
          version: origin.version,
          signer: origin.signer.principal,
          fingerprint: origin.signer.fingerprint,
          verified: origin.verified,
        }
      : null,
  };
}
