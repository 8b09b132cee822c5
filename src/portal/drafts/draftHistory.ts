/**
 * A draft's history: the files as they were first saved (`base`) and every save after that as a
 * revision of one file, with a cursor. Undo and redo move the cursor; saving after an undo drops
 * the revisions ahead of it, as editors do. Plain data, stored with the draft, so undo works
 * across reloads. Pure.
 */

export interface DraftRevision {
  readonly file: string;
  readonly text: string;
  /** Wall-clock ms. */
  readonly at: number;
}

export interface DraftHistory {
  /** The files before the oldest revision kept. */
  readonly base: Readonly<Record<string, string>>;
  readonly revisions: readonly DraftRevision[];
  /** How many revisions are applied: from 0 (the base) to `revisions.length`. */
  readonly cursor: number;
}

/** Revisions kept; older ones are folded into `base`. */
export const HISTORY_LIMIT = 500;

export function startHistory(files: Readonly<Record<string, string>>): DraftHistory {
  return { base: { ...files }, revisions: [], cursor: 0 };
}

/** The files at `cursor` (the history's own by default). */
export function filesAt(history: DraftHistory, cursor = history.cursor): Record<string, string> {
  const files = { ...history.base };
  for (const revision of history.revisions.slice(0, cursor)) files[revision.file] = revision.text;
  return files;
}

/**
 * The history with `file` saved as `text`: the same history when the text is what the cursor
 * already has; revisions past the cursor are dropped.
 *
 * @example
 * history = recordRevision(history, 'model.yaml', editor.getValue(), Date.now());
 */
export function recordRevision(
  history: DraftHistory,
  file: string,
  text: string,
  at: number,
  limit = HISTORY_LIMIT,
): DraftHistory {
  if (filesAt(history)[file] === text) return history;
  const revisions = [...history.revisions.slice(0, history.cursor), { file, text, at }];
  const excess = Math.max(0, revisions.length - limit);
  if (excess === 0) return { base: history.base, revisions, cursor: revisions.length };
  const folded = { ...history.base };
  for (const revision of revisions.slice(0, excess)) folded[revision.file] = revision.text;
  const kept = revisions.slice(excess);
  return { base: folded, revisions: kept, cursor: kept.length };
}

export const canUndo = (history: DraftHistory) => history.cursor > 0;
export const canRedo = (history: DraftHistory) => history.cursor < history.revisions.length;

/** One save back: the history and the file that changed, or null at the oldest revision. */
export function undoRevision(
  history: DraftHistory,
): { history: DraftHistory; file: string } | null {
  if (!canUndo(history)) return null;
  return {
    history: { ...history, cursor: history.cursor - 1 },
    file: history.revisions[history.cursor - 1]!.file,
  };
}

/** One save forward after an undo, or null when nothing was undone. */
export function redoRevision(
  history: DraftHistory,
): { history: DraftHistory; file: string } | null {
  if (!canRedo(history)) return null;
  return {
    history: { ...history, cursor: history.cursor + 1 },
    file: history.revisions[history.cursor]!.file,
  };
}
