import { usePortal, usePortalState } from './usePortal.ts';

const SOURCE_LABEL = { wgsl: 'WGSL', manifest: 'manifest', model: 'model' } as const;

/** Every problem of the draft; a click opens the file at the problem. */
export function DiagnosticsList() {
  const { bridge } = usePortal();
  const diagnostics = usePortalState((s) => s.diagnostics);
  const checking = usePortalState((s) => s.checking);
  const draftId = usePortalState((s) => s.draft?.id ?? null);
  const compiler = usePortalState((s) => s.compiler);
  return (
    <section
      className="portal-diagnostics"
      data-testid="portal-diagnostics"
      aria-label="Diagnostics"
    >
      <h3>
        Problems <span className="portal-count">{diagnostics.length}</span>
        {checking && <span className="portal-muted"> checking…</span>}
      </h3>
      {compiler.status === 'unavailable' && (
        <p className="portal-muted" role="status">
          WGSL compiler messages need WebGPU ({compiler.message}); manifest and model checks still
          run.
        </p>
      )}
      {compiler.message && compiler.status !== 'unavailable' && (
        <p className="portal-muted" role="status">
          {compiler.message}
        </p>
      )}
      {diagnostics.length === 0 && !checking && <p className="portal-muted">No problems.</p>}
      <ul>
        {diagnostics.map((d, i) => (
          <li key={i}>
            <button
              type="button"
              className={`portal-diagnostic ${d.severity}`}
              data-testid="portal-diagnostic"
              onClick={() => draftId && bridge.reveal(draftId, d)}
            >
              <span className="portal-diagnostic-place">
                {d.file}:{d.line}:{d.column}
              </span>
              <span className="portal-diagnostic-source">{SOURCE_LABEL[d.source]}</span>
              <span className="portal-diagnostic-message">{d.message}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
