/**
 * The portal's state and actions, framework-free (a zustand vanilla store): the draft being
 * edited and its files, saved continuously to the draft store with history; diagnostics from the
 * manifest loader, the planner and the GPU's WGSL compiler, recomputed shortly after each edit;
 * snapshots; and test runs in the sandbox worker through the sandbox host and its watchdog.
 * React components subscribe to it; e2e tests read it through `portalTestHook.ts`.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ModelWithTests } from '../runtime/manifest/parseManifest.ts';
import type { SandboxHost } from '../sandbox/sandboxHost.ts';
import { DEFAULT_SANDBOX_LIMITS } from '../sandbox/sandboxLimits.ts';
import { checkModel } from './diagnostics/checkModel.ts';
import { compileKernelDiagnostics } from './diagnostics/compileKernel.ts';
import { sortDiagnostics, type Diagnostic } from './diagnostics/diagnostic.ts';
import {
  canRedo,
  canUndo,
  filesAt,
  recordRevision,
  redoRevision,
  startHistory,
  undoRevision,
  type DraftHistory,
} from './drafts/draftHistory.ts';
import type { DraftRecord, DraftSnapshot, DraftStore, DraftSummary } from './drafts/draftStore.ts';
import { DraftStoreError } from './drafts/draftStoreError.ts';
import { EXAMPLE_MODELS, exampleModel } from './models/exampleModels.ts';
import { changedFiles, listedFiles, type ModelFiles } from './models/modelFiles.ts';
import { applyProgress, finishRun, startRun, type TestRunState } from './testRun/testRunState.ts';

export interface PortalState {
  readonly drafts: readonly DraftSummary[];
  /** The draft open in the editor (without its files and history, which are below). */
  readonly draft: Omit<DraftRecord, 'history' | 'activeFile' | 'updatedAt'> | null;
  /** The text of every file as the editor has it now (saved or not). */
  readonly files: Readonly<Record<string, string>>;
  readonly history: DraftHistory | null;
  readonly activeFile: string;
  /**
   * Bumped when the files change other than by typing (opening a draft, undo, a restored
   * snapshot), so the editor replaces its text.
   */
  readonly revision: number;
  readonly view: 'editor' | 'diff';
  readonly diagnostics: readonly Diagnostic[];
  /** Checks are pending or running for the current text. */
  readonly checking: boolean;
  /** The model as last checked, when it passed: what "Test run" runs. */
  readonly model: ModelWithTests | null;
  /** WGSL compile diagnostics need a GPU device in the page. */
  readonly compiler: {
    readonly status: 'pending' | 'ready' | 'unavailable';
    readonly message: string | null;
  };
  readonly storage: {
    readonly status: 'loading' | 'saved' | 'saving' | 'unsaved' | 'memory' | 'error';
    readonly message: string | null;
    readonly savedAt: number | null;
  };
  readonly snapshots: readonly DraftSnapshot[];
  readonly run: TestRunState;
  /** The files the last test run ran on: a run of other files says nothing about these. */
  readonly runFiles: Readonly<Record<string, string>> | null;
  readonly runOptions: { readonly budgetMs: number; readonly maxLoopIterations: number };
}

export interface PortalDeps {
  /** The draft store, or the reason there is none (drafts then live in memory only). */
  readonly store: DraftStore | DraftStoreError;
  /** A device for WGSL diagnostics, or why there is none. */
  readonly requestDevice: () => Promise<GPUDevice | string>;
  readonly sandbox: SandboxHost;
  readonly now?: () => number;
  /** Quiet time after typing before the draft is saved, ms. */
  readonly saveDelayMs?: number;
  /** Quiet time after typing before diagnostics are recomputed, ms. */
  readonly checkDelayMs?: number;
}

export interface Portal {
  readonly store: StoreApi<PortalState>;
  /** Opens the draft `id` (a saved draft or an example's), or the most recent one. */
  open(id?: string): Promise<void>;
  /** Starts a new model from an example; returns its draft id. */
  newFromExample(exampleId: string, title: string): Promise<string>;
  /**
   * Opens `model` as the draft `id` (e.g. a published version), its files as the original and
   * the first revision. A draft already under `id` whose files differ is kept as a snapshot
   * first, so opening again loses no edits.
   */
  openFiles(id: string, title: string, model: ModelFiles, origin: string): Promise<void>;
  edit(file: string, text: string): void;
  selectFile(file: string): void;
  setView(view: PortalState['view']): void;
  undo(): Promise<void>;
  redo(): Promise<void>;
  /** Saves pending edits now. */
  flush(): Promise<void>;
  saveSnapshot(name: string): Promise<void>;
  /** Puts the snapshot's files back as a new revision, so Undo returns to what was there. */
  restoreSnapshot(name: string): Promise<void>;
  deleteSnapshot(name: string): Promise<void>;
  deleteDraft(id: string): Promise<void>;
  setRunOptions(options: Partial<PortalState['runOptions']>): void;
  runTests(): void;
  cancelRun(): void;
  dispose(): void;
}

const SAVE_DELAY_MS = 600;
/** The draft opened last, reopened when the address names none. */
const LAST_DRAFT_KEY = 'twinbench.portal.draft';
const CHECK_DELAY_MS = 350;

export function createPortal(deps: PortalDeps): Portal {
  const now = deps.now ?? (() => Date.now());
  const drafts = deps.store instanceof DraftStoreError ? null : deps.store;
  const memory = new Map<string, DraftRecord>();
  const memorySnapshots = new Map<string, DraftSnapshot[]>();
  const store = createStore<PortalState>(() => ({
    drafts: [],
    draft: null,
    files: {},
    history: null,
    activeFile: '',
    revision: 0,
    view: 'editor',
    diagnostics: [],
    checking: false,
    model: null,
    compiler: { status: 'pending', message: null },
    storage: {
      status: drafts ? 'loading' : 'memory',
      message: deps.store instanceof DraftStoreError ? deps.store.message : null,
      savedAt: null,
    },
    snapshots: [],
    run: { phase: 'idle' },
    runFiles: null,
    runOptions: { budgetMs: 60_000, maxLoopIterations: DEFAULT_SANDBOX_LIMITS.maxLoopIterations },
  }));
  const set = (patch: Partial<PortalState>) => store.setState(patch);
  const get = () => store.getState();

  // ---- persistence -----------------------------------------------------------------------
  const dirty = new Set<string>();
  let saveTimer: ReturnType<typeof setTimeout> | null = null;
  let saving: Promise<void> = Promise.resolve();

  const record = (): DraftRecord | null => {
    const { draft, history, activeFile } = get();
    if (!draft || !history) return null;
    return { ...draft, history, activeFile, updatedAt: now() };
  };
  const persist = async (draft: DraftRecord) => {
    if (!drafts) {
      memory.set(draft.id, draft);
      return;
    }
    set({ storage: { ...get().storage, status: 'saving' } });
    try {
      await drafts.put(draft);
      set({ storage: { status: 'saved', message: null, savedAt: draft.updatedAt } });
    } catch (error) {
      set({
        storage: {
          status: 'error',
          message: error instanceof Error ? error.message : String(error),
          savedAt: get().storage.savedAt,
        },
      });
    }
  };
  const refreshList = async () => {
    const list = drafts ? await drafts.list().catch(() => get().drafts) : [...memory.values()];
    set({
      drafts: list.map(({ id, title, origin, updatedAt }) => ({ id, title, origin, updatedAt })),
    });
  };
  /** Records every dirty file as a revision and writes the draft. */
  const flush = async () => {
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = null;
    const { history, files } = get();
    if (history && dirty.size > 0) {
      let next = history;
      for (const file of [...dirty].sort())
        next = recordRevision(next, file, files[file] ?? '', now());
      dirty.clear();
      set({ history: next });
      const draft = record();
      if (draft) saving = saving.then(() => persist(draft));
    }
    await saving;
  };
  const scheduleSave = () => {
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = setTimeout(() => void flush(), deps.saveDelayMs ?? SAVE_DELAY_MS);
    if (drafts && get().storage.status !== 'error')
      set({ storage: { ...get().storage, status: 'unsaved' } });
  };

  // ---- diagnostics -----------------------------------------------------------------------
  let checkTimer: ReturnType<typeof setTimeout> | null = null;
  let checkSeq = 0;
  let device: Promise<GPUDevice | string> | null = null;
  const compiler = () => {
    device ??= deps.requestDevice().then((got) => {
      if (typeof got === 'string') {
        set({ compiler: { status: 'unavailable', message: got } });
      } else {
        set({ compiler: { status: 'ready', message: null } });
        void got.lost.then((info) => {
          device = null;
          if (info.reason !== 'destroyed')
            set({
              compiler: {
                status: 'pending',
                message: `the GPU device was lost (${info.message}); a new one is requested at the next check`,
              },
            });
        });
      }
      return got;
    });
    return device;
  };
  const check = async () => {
    const seq = ++checkSeq;
    const { draft, files } = get();
    if (!draft) return;
    const model: ModelFiles = { manifest: draft.manifest, files };
    const [checked, gpu] = await Promise.all([checkModel(model), compiler()]);
    const wgsl =
      typeof gpu === 'string'
        ? []
        : await Promise.all(
            Object.keys(files)
              .filter((path) => /\.wgsl$/i.test(path))
              .map((path) => compileKernelDiagnostics(gpu, path, files[path]!)),
          );
    if (seq !== checkSeq) return;
    set({
      diagnostics: sortDiagnostics([...checked.diagnostics, ...wgsl.flat()]),
      model: checked.model,
      checking: false,
    });
  };
  const scheduleCheck = (delay = deps.checkDelayMs ?? CHECK_DELAY_MS) => {
    if (checkTimer) clearTimeout(checkTimer);
    set({ checking: true });
    checkTimer = setTimeout(() => {
      checkTimer = null;
      check().catch((error: unknown) =>
        set({
          checking: false,
          diagnostics: [
            {
              file: get().draft?.manifest ?? '',
              source: 'manifest',
              severity: 'error',
              message: `the checks failed: ${error instanceof Error ? error.message : String(error)}`,
              line: 1,
              column: 1,
              endLine: 1,
              endColumn: 2,
            },
          ],
        }),
      );
    }, delay);
  };

  // ---- drafts ----------------------------------------------------------------------------
  const load = async (draft: DraftRecord) => {
    await flush();
    const files = filesAt(draft.history);
    const { history, activeFile, updatedAt, ...rest } = draft;
    set({
      draft: rest,
      files,
      history,
      activeFile: files[activeFile] === undefined ? draft.manifest : activeFile,
      revision: get().revision + 1,
      model: null,
      diagnostics: [],
      run: get().run.phase === 'running' ? get().run : { phase: 'idle' },
      storage: drafts ? { status: 'saved', message: null, savedAt: updatedAt } : get().storage,
    });
    remember(draft.id);
    await refreshSnapshots();
    scheduleCheck(0);
  };
  const fromExample = (exampleId: string, id: string, title: string): DraftRecord => {
    const example = exampleModel(exampleId);
    if (!example)
      throw new Error(
        `no example model "${exampleId}" — open one of ${EXAMPLE_MODELS.map((e) => e.id).join(', ')}`,
      );
    return {
      id,
      title,
      origin: example.id,
      original: example.model,
      manifest: example.model.manifest,
      history: startHistory(example.model.files),
      activeFile: listedFiles(example.model)[1] ?? example.model.manifest,
      updatedAt: now(),
    };
  };
  const readDraft = async (id: string) =>
    drafts ? await drafts.get(id).catch(() => undefined) : memory.get(id);
  const refreshSnapshots = async () => {
    const id = get().draft?.id;
    if (!id) return;
    const list = drafts
      ? await drafts.snapshots(id).catch(() => [])
      : (memorySnapshots.get(id) ?? []);
    set({ snapshots: list });
  };
  const lastOpened = () => {
    try {
      return globalThis.localStorage?.getItem(LAST_DRAFT_KEY) ?? undefined;
    } catch {
      return undefined;
    }
  };
  const remember = (id: string) => {
    try {
      globalThis.localStorage?.setItem(LAST_DRAFT_KEY, id);
    } catch {
      // Without localStorage the portal opens the first example next time: nothing is lost.
    }
  };

  const replaceFiles = async (history: DraftHistory, file: string) => {
    set({ history, files: filesAt(history), activeFile: file, revision: get().revision + 1 });
    const draft = record();
    if (draft) {
      saving = saving.then(() => persist(draft));
      await saving;
    }
    scheduleCheck(0);
  };

  // ---- test runs -------------------------------------------------------------------------
  let cancelRun: (() => void) | null = null;

  return {
    store,
    async open(id) {
      await refreshList();
      const wanted = id ?? lastOpened() ?? EXAMPLE_MODELS[0]!.id;
      let draft = await readDraft(wanted);
      if (!draft) {
        const example = exampleModel(wanted) ?? EXAMPLE_MODELS[0]!;
        draft = (await readDraft(example.id)) ?? fromExample(example.id, example.id, example.title);
        if (!drafts) memory.set(draft.id, draft);
        else await persist(draft);
        await refreshList();
      }
      await load(draft);
    },
    async openFiles(id, title, model, origin) {
      await flush();
      const existing = await readDraft(id);
      if (existing) {
        const files = filesAt(existing.history);
        const edited = changedFiles({ manifest: existing.manifest, files }, model).length > 0;
        const snapshot = { draftId: id, name: `before reopening ${origin}`, at: now(), files };
        if (edited && drafts) await drafts.putSnapshot(snapshot).catch(() => undefined);
        else if (edited) memorySnapshots.set(id, [snapshot, ...(memorySnapshots.get(id) ?? [])]);
      }
      const draft: DraftRecord = {
        id,
        title,
        origin,
        original: model,
        manifest: model.manifest,
        history: startHistory(model.files),
        activeFile: listedFiles(model)[1] ?? model.manifest,
        updatedAt: now(),
      };
      await persist(draft);
      await refreshList();
      await load(draft);
    },
    async newFromExample(exampleId, title) {
      const id = `model-${now().toString(36)}`;
      const draft = fromExample(exampleId, id, title.trim() || `New model from ${exampleId}`);
      await persist(draft);
      await refreshList();
      await load(draft);
      return id;
    },
    edit(file, text) {
      if (get().files[file] === text) return;
      set({ files: { ...get().files, [file]: text } });
      dirty.add(file);
      scheduleSave();
      scheduleCheck();
    },
    selectFile(file) {
      set({ activeFile: file });
    },
    setView(view) {
      set({ view });
    },
    async undo() {
      await flush();
      const history = get().history;
      const step = history && undoRevision(history);
      if (step) await replaceFiles(step.history, step.file);
    },
    async redo() {
      await flush();
      const history = get().history;
      const step = history && redoRevision(history);
      if (step) await replaceFiles(step.history, step.file);
    },
    flush,
    async saveSnapshot(name) {
      await flush();
      const draft = get().draft;
      const trimmed = name.trim();
      if (!draft || trimmed === '') return;
      const snapshot = { draftId: draft.id, name: trimmed, at: now(), files: { ...get().files } };
      if (drafts) {
        try {
          await drafts.putSnapshot(snapshot);
        } catch (error) {
          set({
            storage: { ...get().storage, status: 'error', message: (error as Error).message },
          });
        }
      } else {
        const list = (memorySnapshots.get(draft.id) ?? []).filter((s) => s.name !== trimmed);
        memorySnapshots.set(draft.id, [snapshot, ...list]);
      }
      await refreshSnapshots();
    },
    async restoreSnapshot(name) {
      await flush();
      const snapshot = get().snapshots.find((s) => s.name === name);
      let history = get().history;
      if (!snapshot || !history) return;
      const changed = Object.keys(snapshot.files).filter(
        (file) => get().files[file] !== snapshot.files[file],
      );
      for (const file of changed)
        history = recordRevision(history, file, snapshot.files[file]!, now());
      if (changed.length > 0) await replaceFiles(history, changed[0]!);
    },
    async deleteSnapshot(name) {
      const id = get().draft?.id;
      if (!id) return;
      if (drafts) await drafts.deleteSnapshot(id, name).catch(() => undefined);
      else
        memorySnapshots.set(
          id,
          (memorySnapshots.get(id) ?? []).filter((s) => s.name !== name),
        );
      await refreshSnapshots();
    },
    async deleteDraft(id) {
      if (drafts) await drafts.delete(id).catch(() => undefined);
      memory.delete(id);
      await refreshList();
      if (get().draft?.id === id) {
        dirty.clear();
        set({ draft: null, history: null });
        await this.open(EXAMPLE_MODELS[0]!.id);
      }
    },
    setRunOptions(options) {
      set({ runOptions: { ...get().runOptions, ...options } });
    },
    runTests() {
      const { model, run, runOptions, draft } = get();
      if (run.phase === 'running' || !draft) return;
      if (!model) {
        set({
          run: finishRun(
            startRun(now(), runOptions.budgetMs),
            {
              status: 'failed',
              reason: 'model',
              message:
                'the model has problems (see the diagnostics list); fix them, then run the tests',
              cases: [],
            },
            now(),
          ),
        });
        return;
      }
      const started = now();
      set({ run: startRun(started, runOptions.budgetMs), runFiles: get().files });
      const handle = deps.sandbox.run(
        {
          spec: model.spec,
          tests: model.tests,
          limits: { maxLoopIterations: runOptions.maxLoopIterations },
        },
        {
          budgetMs: runOptions.budgetMs,
          onProgress: (progress) => set({ run: applyProgress(get().run, progress) }),
        },
      );
      cancelRun = () => handle.cancel();
      void handle.result.then((result) => {
        cancelRun = null;
        set({ run: finishRun(get().run, result, now()) });
      });
    },
    cancelRun() {
      const run = get().run;
      if (run.phase !== 'running' || !cancelRun) return;
      set({ run: { ...run, cancelling: true } });
      cancelRun();
    },
    dispose() {
      if (checkTimer) clearTimeout(checkTimer);
      deps.sandbox.dispose();
      void device?.then((d) => typeof d !== 'string' && d.destroy());
      void flush().finally(() => drafts?.close());
    },
  };
}

export { canRedo, canUndo };
