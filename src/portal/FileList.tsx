import { listedFiles } from './models/modelFiles.ts';
import { usePortal, usePortalState } from './usePortal.ts';

/** The model's files: the manifest, then its kernels; each with its count of problems. */
export function FileList() {
  const { portal } = usePortal();
  const manifest = usePortalState((s) => s.draft?.manifest ?? null);
  const files = usePortalState((s) => s.files);
  const active = usePortalState((s) => s.activeFile);
  const diagnostics = usePortalState((s) => s.diagnostics);
  if (!manifest) return null;
  return (
    <section className="portal-files" aria-label="Files">
      <h3>Files</h3>
      <ul>
        {listedFiles({ manifest, files }).map((path) => {
          const problems = diagnostics.filter(
            (d) => d.file === path && d.severity === 'error',
          ).length;
          return (
            <li key={path}>
              <button
                type="button"
                className={path === active ? 'active' : ''}
                data-testid={`portal-file-${path}`}
                onClick={() => portal.selectFile(path)}
              >
                <span>{path}</span>
                <span className="portal-muted">{path === manifest ? 'manifest' : 'kernel'}</span>
                {problems > 0 && <span className="portal-count bad">{problems}</span>}
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
