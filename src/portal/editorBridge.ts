/**
 * The one Monaco editor of the page, for those outside the editor component: the diagnostics
 * list reveals a problem through it, and the e2e hook reads markers through Monaco's API.
 */
import type { editor } from 'monaco-editor/editor/editor.api.js';
import type { Diagnostic } from './diagnostics/diagnostic.ts';
import type { Monaco } from './monaco/loadMonaco.ts';
import { fileUri } from './monaco/monacoModels.ts';

/** Markers the portal sets (monaco-yaml sets its own under `yaml`). */
export const MARKER_OWNER = 'twinbench';

export interface MarkerInfo {
  readonly owner: string;
  readonly severity: 'error' | 'warning' | 'info' | 'hint';
  readonly message: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

export class EditorBridge {
  private monaco: Monaco | null = null;
  private editor: editor.IStandaloneCodeEditor | null = null;
  /** Set by the page: shows a file in the editor (switching the view back to it). */
  onOpenFile: ((file: string) => void) | null = null;

  attach(monaco: Monaco, codeEditor: editor.IStandaloneCodeEditor): void {
    this.monaco = monaco;
    this.editor = codeEditor;
  }

  detach(): void {
    this.monaco = null;
    this.editor = null;
  }

  get ready(): boolean {
    return this.editor !== null;
  }

  /** Opens the diagnostic's file, selects its range and scrolls it into the middle. */
  reveal(draftId: string, d: Diagnostic): void {
    this.onOpenFile?.(d.file);
    // The editor switches models when the store's active file changes; reveal after that.
    queueMicrotask(() => {
      const current = this.editor;
      if (!current || current.getModel()?.uri.toString() !== this.uri(draftId, d.file)) return;
      const range = {
        startLineNumber: d.line,
        startColumn: d.column,
        endLineNumber: d.endLine,
        endColumn: d.endColumn,
      };
      current.setSelection(range);
      current.revealRangeInCenter(range);
      current.focus();
    });
  }

  /** The markers on a file of the draft, through Monaco's marker API. */
  markers(draftId: string, file: string, owner: string | null = MARKER_OWNER): MarkerInfo[] {
    const monaco = this.monaco;
    if (!monaco) return [];
    const resource = monaco.Uri.parse(this.uri(draftId, file));
    const severities: Record<number, MarkerInfo['severity']> = {
      [monaco.MarkerSeverity.Error]: 'error',
      [monaco.MarkerSeverity.Warning]: 'warning',
      [monaco.MarkerSeverity.Info]: 'info',
      [monaco.MarkerSeverity.Hint]: 'hint',
    };
    return monaco.editor
      .getModelMarkers(owner === null ? { resource } : { resource, owner })
      .map((m) => ({
        owner: m.owner,
        severity: severities[m.severity] ?? 'info',
        message: m.message,
        line: m.startLineNumber,
        column: m.startColumn,
        endLine: m.endLineNumber,
        endColumn: m.endColumn,
      }));
  }

  /** The file's text as the editor holds it, or null when it is not open. */
  text(draftId: string, file: string): string | null {
    const monaco = this.monaco;
    return monaco?.editor.getModel(monaco.Uri.parse(this.uri(draftId, file)))?.getValue() ?? null;
  }

  /** Types `text` over the whole file in the editor, as an author would (undoable in Monaco). */
  replaceText(draftId: string, file: string, text: string): boolean {
    const monaco = this.monaco;
    const model = monaco?.editor.getModel(monaco.Uri.parse(this.uri(draftId, file)));
    if (!model) return false;
    model.pushEditOperations([], [{ range: model.getFullModelRange(), text }], () => null);
    return true;
  }

  private uri(draftId: string, file: string): string {
    return this.monaco?.Uri.parse(fileUri(draftId, file)).toString() ?? fileUri(draftId, file);
  }
}
