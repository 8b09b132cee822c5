import { useEffect, useRef, useState } from 'react';
import { loadMonaco } from './monaco/monacoLoader.ts';
import { fileUri, languageOf } from './monaco/monacoModels.ts';
import { usePortal, usePortalState } from './usePortal.ts';

/**
 * Monaco's diff editor: the active file as the draft started (the example as it ships) on the
 * left, the draft's text on the right — the same text model the editor edits, so edits here go
 * through the portal like any other.
 */
export function DiffView() {
  const { portal } = usePortal();
  const draft = usePortalState((s) => s.draft);
  const file = usePortalState((s) => s.activeFile);
  const box = useRef<HTMLDivElement>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    if (!draft) return;
    let cleanup: (() => void) | null = null;
    let cancelled = false;
    loadMonaco().then(
      (monaco) => {
        const host = box.current;
        if (cancelled || !host) return;
        const modified = monaco.editor.getModel(monaco.Uri.parse(fileUri(draft.id, file)));
        if (!modified) {
          setProblem(`"${file}" is not open in the editor yet; open the editor view first`);
          return;
        }
        const original = monaco.editor.createModel(
          draft.original.files[file] ?? '',
          languageOf(file),
        );
        const diff = monaco.editor.createDiffEditor(host, {
          theme: 'twinbench',
          automaticLayout: true,
          renderSideBySide: true,
          originalEditable: false,
          minimap: { enabled: false },
        });
        diff.setModel({ original, modified });
        cleanup = () => {
          diff.dispose();
          original.dispose();
        };
      },
      (error: unknown) => setProblem(error instanceof Error ? error.message : String(error)),
    );
    return () => {
      cancelled = true;
      cleanup?.();
    };
  }, [portal, draft, file]);

  return (
    <div className="portal-editor" data-testid="portal-diff">
      <p className="portal-muted portal-diff-caption">
        {file}: as {draft?.origin ?? 'the original'} ships (left) → this draft (right)
      </p>
      {problem && (
        <p className="error-text portal-editor-note" role="alert">
          {problem}
        </p>
      )}
      <div className="portal-editor-box" ref={box} />
    </div>
  );
}
