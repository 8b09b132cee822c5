import { useEffect, useState } from 'react';
import { createRegistryClient, type RegistryClient } from '../registry/registryClient.ts';
import type { FitAnswer, FitJob } from './fitHost.ts';
import { logFit, type LoggedFit } from './fitRunLog.ts';

type LogState =
  | { readonly status: 'logging' }
  | { readonly status: 'logged'; readonly fit: LoggedFit }
  | { readonly status: 'failed'; readonly message: string };

/** A log state and the fit it is about, so a newer fit shows `logging` until its own answer. */
interface Tagged {
  readonly answer: FitAnswer;
  readonly state: LogState;
}

let client: RegistryClient | null = null;

/** The registry this page was served with, with the relay's token when there is one. */
function registry(): RegistryClient {
  client ??= createRegistryClient(location.origin, () => {
    try {
      return sessionStorage.getItem('twinbench.token');
    } catch {
      return null;
    }
  });
  return client;
}

/**
 * A finished fit, appended to the run log once and shown with a verified badge when the entry
 * checks out against the log's pinned key (src/app/fitRunLog.ts).
 */
export function FitLogBadge({ job, answer }: { readonly job: FitJob; readonly answer: FitAnswer }) {
  const [tagged, setTagged] = useState<Tagged | null>(null);
  useEffect(() => {
    let live = true;
    const setState = (state: LogState) => live && setTagged({ answer, state });
    logFit(registry(), job, answer, {
      builtKey: import.meta.env.VITE_TWINBENCH_LOG_KEY as string | undefined,
      storage: globalThis.localStorage ?? null,
    }).then(
      (fit) => setState({ status: 'logged', fit }),
      (error: unknown) =>
        setState({
          status: 'failed',
          message: error instanceof Error ? error.message : String(error),
        }),
    );
    return () => {
      live = false;
    };
  }, [job, answer]);
  const state: LogState =
    tagged !== null && tagged.answer === answer ? tagged.state : { status: 'logging' };
  if (state.status === 'logging')
    return (
      <p className="muted" data-testid="fit-log" data-status="logging">
        Adding the fit to the run log…
      </p>
    );
  if (state.status === 'failed')
    return (
      <p className="error-text" data-testid="fit-log" data-status="failed">
        The fit was not logged: {state.message}
      </p>
    );
  return (
    <p className="ok-text" data-testid="fit-log" data-status="verified">
      Run log entry #{state.fit.index} ✓ verified (signed tree of {state.fit.treeSize})
    </p>
  );
}
