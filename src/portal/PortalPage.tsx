import type { ReactNode } from 'react';
import { CodeEditor } from './CodeEditor.tsx';
import { DiagnosticsList } from './DiagnosticsList.tsx';
import { DiffView } from './DiffView.tsx';
import { DraftPanel } from './DraftPanel.tsx';
import { FileList } from './FileList.tsx';
import { ModelPicker } from './ModelPicker.tsx';
import { workbenchHref } from './portalRoute.ts';
import { TestRunPanel } from './testRun/TestRunPanel.tsx';
import { usePortalState } from './usePortal.ts';

export interface PortalPageProps {
  /**
   * Panels for the model beside the test run — where publishing goes (src/registry/). The page
   * renders what it is given and nothing in its place.
   */
  readonly modelPanels?: ReactNode;
}

/** The model author's page: models and files, the editor with its problems, the test run. */
export function PortalPage({ modelPanels }: PortalPageProps) {
  const title = usePortalState((s) => s.draft?.title ?? '');
  const view = usePortalState((s) => s.view);
  return (
    <div className="portal" data-testid="portal">
      <header>
        <div className="brand">
          <svg viewBox="0 0 32 32" width="22" height="22" aria-hidden>
            <path
              d="M4 22h24M6 22l5-10 5 10 5-10 5 10M11 12h10"
              stroke="#38bdf8"
              strokeWidth="2.4"
              fill="none"
              strokeLinejoin="round"
            />
          </svg>
          <strong>Twinbench</strong>
          <span className="twin-name">Model portal</span>
          <span className="twin-name" data-testid="portal-title">
            {title}
          </span>
        </div>
        <nav className="portal-nav">
          <a href={workbenchHref(location.search)}>Workbench</a>
        </nav>
      </header>
      <div className="portal-body">
        <aside className="portal-side">
          <ModelPicker />
          <FileList />
          <DraftPanel />
        </aside>
        <main className="portal-main">
          <div className={view === 'diff' ? 'portal-hidden' : 'portal-editor-wrap'}>
            <CodeEditor />
          </div>
          {view === 'diff' && (
            <div className="portal-editor-wrap">
              <DiffView />
            </div>
          )}
          <DiagnosticsList />
        </main>
        <aside className="portal-right">
          <TestRunPanel />
          {modelPanels}
        </aside>
      </div>
    </div>
  );
}
