import { useState } from 'react';
import { useWorkbench, useWorkbenchState } from '../../app/WorkbenchContext.tsx';
import type { Annotation } from '../../replay/annotations.ts';
import { authorName, cursorTime, setAuthorName } from '../timeline/timelineCommands.ts';
import { formatAbsolute } from '../timeline/timelineMath.ts';

function AnnotationRow({ annotation }: { annotation: Annotation }) {
  const workbench = useWorkbench();
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(annotation.text);
  const [problem, setProblem] = useState<string | null>(null);
  const seek = () => {
    if (workbench.playback.state.mode === 'playback') workbench.playback.seek(annotation.t0);
    else workbench.pauseLive(annotation.t0);
  };
  const save = () =>
    workbench.updateAnnotation(annotation.id, { text }).then(
      () => {
        setEditing(false);
        setProblem(null);
      },
      (error: unknown) => setProblem(error instanceof Error ? error.message : String(error)),
    );
  const range = annotation.t1 > annotation.t0;
  return (
    <li className={`annotation annotation-${annotation.kind}`} data-testid="annotation">
      <div className="annotation-head">
        <button
          type="button"
          className="linklike annotation-time"
          onClick={seek}
          title="Go to this time"
        >
          {formatAbsolute(annotation.t0)}
          {range ? ` – ${formatAbsolute(annotation.t1)}` : ''}
        </button>
        <span className={`tag ${annotation.kind === 'alert' ? 'tag-bad' : 'tag-note'}`}>
          {annotation.kind}
        </span>
        <span className="muted annotation-author">{annotation.author}</span>
        <span className="annotation-actions">
          {annotation.kind === 'note' && !editing ? (
            <button type="button" className="secondary" onClick={() => setEditing(true)}>
              Edit
            </button>
          ) : null}
          <button
            type="button"
            className="secondary"
            aria-label="Delete annotation"
            onClick={() =>
              void workbench
                .deleteAnnotation(annotation.id)
                .catch((error: unknown) => setProblem(String(error)))
            }
          >
            ✕
          </button>
        </span>
      </div>
      {editing ? (
        <form
          className="annotation-edit"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <textarea
            value={text}
            rows={2}
            maxLength={10_000}
            onChange={(e) => setText(e.target.value)}
            autoFocus
          />
          <button type="submit">Save</button>
          <button type="button" className="secondary" onClick={() => setEditing(false)}>
            Cancel
          </button>
        </form>
      ) : annotation.text ? (
        <p className="annotation-text">{annotation.text}</p>
      ) : null}
      {problem ? <p className="error-text">{problem}</p> : null}
    </li>
  );
}

/**
 * Bookmarks, notes and alerts of the recording on screen, by time: click one to go there. A new
 * note goes on the cursor, or over the loop region when one is set. They are stored with the
 * recording in IndexedDB and exported with its MCAP.
 */
export function AnnotationsPanel() {
  const workbench = useWorkbench();
  const annotations = useWorkbenchState((s) => s.annotations);
  const recordingId = useWorkbenchState((s) => s.displayedRecordingId);
  const loop = useWorkbenchState((s) => (s.view.mode === 'playback' ? s.view.loop : null));
  const [text, setText] = useState('');
  const [author, setAuthor] = useState(authorName);
  const [problem, setProblem] = useState<string | null>(null);
  const add = async () => {
    const t = cursorTime(workbench);
    const [t0, t1] = loop ? [loop.t0, loop.t1] : [t, t];
    try {
      await workbench.addAnnotation({
        t0,
        t1,
        text: text.trim(),
        author: author.trim() || 'operator',
        kind: 'note',
      });
      setText('');
      setProblem(null);
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    }
  };
  if (recordingId === null)
    return <p className="muted">Notes go on a recording; waiting for the first one.</p>;
  return (
    <div className="annotations-panel" data-testid="annotations-panel">
      <form
        className="annotation-new"
        onSubmit={(e) => {
          e.preventDefault();
          void add();
        }}
      >
        <textarea
          placeholder={loop ? 'Note on the loop region…' : 'Note at the cursor…'}
          data-testid="annotation-text"
          rows={2}
          maxLength={10_000}
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <div className="annotation-new-row">
          <label>
            by{' '}
            <input
              value={author}
              size={10}
              aria-label="Author"
              onChange={(e) => setAuthor(e.target.value)}
              onBlur={() => setAuthorName(author)}
            />
          </label>
          <button type="submit" data-testid="annotation-add">
            {loop ? 'Add note on region' : 'Add note at cursor'}
          </button>
        </div>
      </form>
      {problem ? <p className="error-text">{problem}</p> : null}
      {annotations.length === 0 ? (
        <p className="muted">No notes yet. ⚑ or B bookmarks the cursor.</p>
      ) : (
        <ul className="annotation-list">
          {annotations.map((a) => (
            <AnnotationRow key={`${a.id}:${a.text}`} annotation={a} />
          ))}
        </ul>
      )}
    </div>
  );
}
