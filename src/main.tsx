import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.tsx';
import { installTestHook } from './app/testHook.ts';
import { bindUrlState } from './app/urlState.ts';
import { createWorkbench } from './app/workbench.ts';
import { WorkbenchContext } from './app/WorkbenchContext.tsx';
import { relayUrlFor } from './relay/relayClient.ts';
import './app/app.css';

const params = new URLSearchParams(location.search);
// A token given once in the address is kept for the tab, so reloads and shared views work.
const token = params.get('token') ?? sessionStorage.getItem('twinbench.token');
if (token) sessionStorage.setItem('twinbench.token', token);
const workbench = createWorkbench({
  relayUrl: params.get('relay') ?? relayUrlFor(location, '/ws', token),
  preferGpu: params.get('gpu') !== 'off',
});
installTestHook(workbench);
bindUrlState(workbench, params.get('twin') ?? 'footbridge');

const root = document.getElementById('root');
if (!root) throw new Error('Twinbench: index.html has no #root element.');
createRoot(root).render(
  <StrictMode>
    <WorkbenchContext.Provider value={workbench}>
      <App />
    </WorkbenchContext.Provider>
  </StrictMode>,
);
