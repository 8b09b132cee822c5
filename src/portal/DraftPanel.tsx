import { useState } from 'react';
import { canRedo, canUndo } from './drafts/draftHistory.ts';
import { usePortal, usePortalState } from './usePortal.ts';

const STATUS = {
  loading: 'Opening drafts…',
  saved: 'Saved',
  saving: 'Saving…',
  unsaved: 'Unsaved changes',
  memory: 'Not saved to disk',
  error: 'Not saved',
} as const;

/** Where the draft stands on disk, its saved history (undo across reloads) and snapshots. */
export function DraftPanel() {
  const { portal } = usePortal();
  const storage = usePortalState((s) => s.storage);
  const history = usePortalState((s) => s.history);
  const snapshots = usePortalState((s) => s.snapshots);
  const view = usePortalState((s) => s.view);
  const [name, setName] = useState('');
  return (
    <section className="portal-draft" aria-label="Draft">
      <h3>Draft</h3>
      <p
        className={`portal-storage ${storage.status}`}
        data-testid="portal-storage"
        data-status={storage.status}
        role="status"
      >
        {STATUS[storage.status]}
        {storage.savedAt !== null && storage.status === 'saved' && (
          <span className="portal-muted"> at {new Date(storage.savedAt).toLocaleTimeString()}</span>
        )}
      </p>
      {storage.message && (
        <p className="portal-storage-message" role="alert" data-testid="portal-storage-message">
          {storage.message}
        </p>
      )}
      <div className="portal-buttons">
        <button
          type="button"
          data-testid="portal-undo"
          disabled={!history || !canUndo(history)}
          title="Back one saved revision (kept across reloads)"
          onClick={() => void portal.undo()}
        >
          Undo save
        </button>
        <button
          type="button"
          data-testid="portal-redo"
          disabled={!history || !canRedo(history)}
          onClick={() => void portal.redo()}
        >
          Redo
        </button>
        <button
          type="button"
          data-testid="portal-diff-toggle"
          aria-pressed={view === 'diff'}
          onClick={() => portal.setView(view === 'diff' ? 'editor' : 'diff')}
        >
          {view === 'diff' ? 'Back to editor' : 'Diff with original'}
        </button>
      </div>
      {history && (
        <p className="portal-muted">
          Revision {history.cursor} of {history.revisions.length}
        </p>
      )}
      <form
        className="portal-snapshot-form"
        onSubmit={(event) => {
          event.preventDefault();
          void portal.saveSnapshot(name);
          setName('');
        }}
      >
        <input
          placeholder="Snapshot name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          data-testid="portal-snapshot-name"
        />
        <button type="submit" disabled={name.trim() === ''} data-testid="portal-snapshot-save">
          Snapshot
        </button>
      </form>
      {snapshots.length > 0 && (
        <ul className="portal-snapshots" data-testid="portal-snapshots">
          {snapshots.map((s) => (
            <li key={s.name}>
              <span title={new Date(s.at).toLocaleString()}>{s.name}</span>
              <button type="button" onClick={() => void portal.restoreSnapshot(s.name)}>
                Restore
              </button>
              <button type="button" onClick={() => void portal.deleteSnapshot(s.name)}>
                Delete
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
