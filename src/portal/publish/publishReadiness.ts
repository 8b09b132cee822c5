/**
 * Whether the open draft may be published, and if not, why — in words the Publish panel shows
 * beside its disabled button. Pure: a view of the portal's state.
 */
import type { PortalState } from '../portalStore.ts';
import type { TestResultInput } from '../../protocol/registry.ts';

export type PublishReadiness =
  | { readonly ready: true; readonly results: readonly TestResultInput[] }
  | { readonly ready: false; readonly reason: string };

type Relevant = Pick<
  PortalState,
  'draft' | 'files' | 'checking' | 'diagnostics' | 'model' | 'run' | 'runFiles'
>;

const not = (reason: string): PublishReadiness => ({ ready: false, reason });

function sameFiles(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>) {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

/**
 * Ready when the draft's checks found no errors and the last test run, of exactly these files,
 * ran every case and all passed; `results` are that run's cases as the registry records them.
 */
export function publishReadiness(state: Relevant): PublishReadiness {
  if (!state.draft) return not('No model is open.');
  if (state.checking) return not('The checks are still running on the latest edit.');
  const errors = state.diagnostics.filter((d) => d.severity === 'error').length;
  if (errors > 0)
    return not(
      `The draft has ${errors} error${errors === 1 ? '' : 's'} (see Problems): fix them, then run the tests.`,
    );
  if (!state.model) return not('The model did not load: see Problems.');
  const run = state.run;
  if (run.phase === 'idle')
    return not('Run the tests first: only a model whose test run passed is published.');
  if (run.phase === 'running') return not('Wait for the test run to finish.');
  if (state.runFiles === null || !sameFiles(state.runFiles, state.files))
    return not('The files changed since the last test run: run the tests again.');
  const result = run.result;
  if (result.status !== 'done')
    return not(`The last test run did not finish (${result.status}): run the tests again.`);
  if (result.cases.length === 0)
    return not('The manifest declares no test cases: add some under `tests:` and run them.');
  const failed = result.cases.filter((c) => c.status !== 'passed');
  if (failed.length > 0)
    return not(
      `The last test run failed ${failed.map((c) => `"${c.name}"`).join(', ')}: fix the model and run the tests again.`,
    );
  return {
    ready: true,
    results: result.cases.map((c) => ({
      suite: 'portal test run',
      name: c.name,
      status: 'passed',
      durationMs: Math.max(0, Math.round(c.timing.totalMs)),
    })),
  };
}
