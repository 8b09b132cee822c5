import { useEffect, useRef, useState } from 'react';
import type { editor } from 'monaco-editor/editor/editor.api.js';
import type { Diagnostic } from './diagnostics/diagnostic.ts';
import { MARKER_OWNER } from './editorBridge.ts';
import { loadMonaco } from './monaco/monacoLoader.ts';
import { fileUri, languageOf } from './monaco/monacoModels.ts';
import type { PortalState } from './portalStore.ts';
import { usePortal } from './usePortal.ts';

/**
 * The Monaco editor: one text model per file of the open draft. Typing goes to the portal
 * (`edit`), which saves and checks; the portal's diagnostics come back as markers; files the
 * portal replaces (undo across reloads, a restored snapshot, another draft) replace the text.
 */
export function CodeEditor() {
  const { portal, bridge } = usePortal();
  const box = useRef<HTMLDivElement>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);

  useEffect(() => {
    let cleanup: (() => void) | null = null;
    let cancelled = false;
    loadMonaco().then(
      (monaco) => {
        const host = box.current;
        if (cancelled || !host) return;
        setLoading(false);
        const code = monaco.editor.create(host, {
          model: null,
          theme: 'twinbench',
          automaticLayout: true,
          minimap: { enabled: false },
          fontSize: 13,
          scrollBeyondLastLine: false,
          fixedOverflowWidgets: true,
          tabSize: 2,
        });
        let applying = false;
        let draftId: string | null = null;
        const models = new Map<string, editor.ITextModel>();
        const severity = {
          error: monaco.MarkerSeverity.Error,
          warning: monaco.MarkerSeverity.Warning,
          info: monaco.MarkerSeverity.Info,
        };

        const dropModels = () => {
          models.forEach((m) => m.dispose());
          models.clear();
        };
        const modelFor = (id: string, path: string, text: string) => {
          let model = models.get(path);
          if (model) return model;
          const uri = monaco.Uri.parse(fileUri(id, path));
          monaco.editor.getModel(uri)?.dispose();
          model = monaco.editor.createModel(text, languageOf(path), uri);
          const own = model;
          own.onDidChangeContent(() => {
            if (!applying) portal.edit(path, own.getValue());
          });
          models.set(path, own);
          return own;
        };
        const setMarkers = (diagnostics: readonly Diagnostic[]) => {
          for (const [path, model] of models)
            monaco.editor.setModelMarkers(
              model,
              MARKER_OWNER,
              diagnostics
                .filter((d) => d.file === path)
                .map((d) => ({
                  severity: severity[d.severity],
                  message: d.message,
                  source: d.source,
                  startLineNumber: d.line,
                  startColumn: d.column,
                  endLineNumber: d.endLine,
                  endColumn: d.endColumn,
                })),
            );
        };
        const sync = (state: PortalState, previous: PortalState | null) => {
          if (!state.draft) return;
          if (state.draft.id !== draftId) {
            dropModels();
            draftId = state.draft.id;
          }
          const replaced = previous === null || state.revision !== previous.revision;
          for (const [path, text] of Object.entries(state.files)) {
            const model = modelFor(state.draft.id, path, text);
            if (replaced && model.getValue() !== text) {
              applying = true;
              try {
                // An edit operation rather than setValue, so Monaco's own undo can go back too.
                model.pushEditOperations(
                  [],
                  [{ range: model.getFullModelRange(), text }],
                  () => null,
                );
              } finally {
                applying = false;
              }
            }
          }
          const active = models.get(state.activeFile);
          if (active && code.getModel() !== active) code.setModel(active);
          if (replaced || state.diagnostics !== previous?.diagnostics)
            setMarkers(state.diagnostics);
        };
        sync(portal.store.getState(), null);
        const unsubscribe = portal.store.subscribe(sync);
        bridge.attach(monaco, code);
        cleanup = () => {
          unsubscribe();
          bridge.detach();
          code.dispose();
          dropModels();
        };
      },
      (error: unknown) => {
        setLoading(false);
        setProblem(error instanceof Error ? error.message : String(error));
      },
    );
    return () => {
      cancelled = true;
      cleanup?.();
    };
  }, [portal, bridge]);

  return (
    <div className="portal-editor" data-testid="portal-editor">
      {loading && <p className="portal-muted portal-editor-note">Loading the editor…</p>}
      {problem && (
        <p className="error-text portal-editor-note" role="alert">
          {problem}
        </p>
      )}
      <div className="portal-editor-box" ref={box} />
    </div>
  );
}
