import { useEffect, useState } from 'react';
import { createRegistryClient, type RegistryClient } from '../registry/registryClient.ts';
import type { AppendRunRequest } from '../protocol/registry.ts';
import { logRun, type LoggedRun } from './fitRunLog.ts';

type LogState =
  | { readonly status: 'logging' }
  | { readonly status: 'logged'; readonly run: LoggedRun }
  | { readonly status: 'failed'; readonly message: string };

/** A log state and the run it is about, so a newer run shows `logging` until its own answer. */
interface Tagged {
  readonly entry: () => Promise<AppendRunRequest>;
  readonly state: LogState;
}

let client: RegistryClient | null = null;

/**
 * Each entry is logged once, however often its effect runs (StrictMode runs effects twice, and
 * the panel may remount): the log is append-only, so a second append would be a second run.
 */
const logged = new WeakMap<() => Promise<AppendRunRequest>, Promise<LoggedRun>>();

function logOnce(entry: () => Promise<AppendRunRequest>): Promise<LoggedRun> {
  let run = logged.get(entry);
  if (run === undefined) {
    run = entry().then((request) =>
      logRun(registry(), request, {
        builtKey: import.meta.env.VITE_TWINBENCH_LOG_KEY as string | undefined,
        storage: globalThis.localStorage ?? null,
      }),
    );
    logged.set(entry, run);
  }
  return run;
}

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
 * A run appended to the run log once (per `entry` function: pass a stable one) and shown with a
 * verified badge when the entry checks out against the log's pinned key (src/app/fitRunLog.ts).
 */
export function RunLogBadge({
  entry,
  what,
  testId,
}: {
  readonly entry: () => Promise<AppendRunRequest>;
  /** "fit", "shadow deployment": what the lines say was or was not logged. */
  readonly what: string;
  readonly testId: string;
}) {
  const [tagged, setTagged] = useState<Tagged | null>(null);
  useEffect(() => {
    let live = true;
    const setState = (state: LogState) => live && setTagged({ entry, state });
    logOnce(entry).then(
      (run) => setState({ status: 'logged', run }),
      (error: unknown) =>
        setState({
          status: 'failed',
          message: error instanceof Error ? error.message : String(error),
        }),
    );
    return () => {
      live = false;
    };
  }, [entry]);
  const state: LogState =
    tagged !== null && tagged.entry === entry ? tagged.state : { status: 'logging' };
  if (state.status === 'logging')
    return (
      <p className="muted" data-testid={testId} data-status="logging">
        Adding the {what} to the run log…
      </p>
    );
  if (state.status === 'failed')
    return (
      <p className="error-text" data-testid={testId} data-status="failed">
        The {what} was not logged: {state.message}
      </p>
    );
  return (
    <p className="ok-text" data-testid={testId} data-status="verified">
      {what[0]!.toUpperCase() + what.slice(1)}: run log entry #{state.run.index} ✓ verified (signed
      tree of {state.run.treeSize})
    </p>
  );
}
