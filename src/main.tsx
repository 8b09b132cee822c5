import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.tsx';
import { installTestHook } from './app/testHook.ts';
import { bindUrlState } from './app/urlState.ts';
import { createWorkbench } from './app/workbench.ts';
import { WorkbenchContext } from './app/WorkbenchContext.tsx';
import { isPortalPage } from './portal/portalRoute.ts';
import { relayUrlFor } from './relay/relayClient.ts';
import { BUILTIN_TWIN_FILES, DEFAULT_TWIN, builtinTwin } from './twins/index.ts';
import './app/app.css';

const root = document.getElementById('root');
if (!root) throw new Error('Twinbench: index.html has no #root element.');

// The model portal is its own page in the same index.html, loaded on demand (Monaco stays out of
// the workbench's bundle).
if (isPortalPage(location.search))
  void import('./portal/mountPortal.tsx').then((m) => m.mountPortal(root));
else startWorkbench(root);

function startWorkbench(root: HTMLElement) {
  const params = new URLSearchParams(location.search);
  // A token given once in the address is kept for the tab, so reloads and shared views work.
  const token = params.get('token') ?? sessionStorage.getItem('twinbench.token');
  if (token) sessionStorage.setItem('twinbench.token', token);
  const requested = params.get('twin') ?? DEFAULT_TWIN;
  const twin = builtinTwin(requested) ?? builtinTwin(DEFAULT_TWIN)!;
  const workbench = createWorkbench({
    relayUrl: params.get('relay') ?? relayUrlFor(location, '/ws', token),
    preferGpu: params.get('gpu') !== 'off',
    twin: twin.name,
  });
  if (twin.name !== requested) {
    workbench.reportProblem(
      `There is no twin "${requested}"; showing ${twin.name}. Twins: ${Object.keys(BUILTIN_TWIN_FILES).join(', ')}.`,
    );
  }
  installTestHook(workbench);
  bindUrlState(workbench, twin.name);

  createRoot(root).render(
    <StrictMode>
      <WorkbenchContext.Provider value={workbench}>
        <App twin={twin} />
      </WorkbenchContext.Provider>
    </StrictMode>,
  );
}
