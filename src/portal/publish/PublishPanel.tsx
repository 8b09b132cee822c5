import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { PublishResponse } from '../../protocol/registry.ts';
import { usePortalState } from '../usePortal.ts';
import { publishReadiness } from './publishReadiness.ts';
import { errorText, registryKeys, usePortalRegistry } from './registryContext.ts';
import {
  modelNameProblem,
  suggestModelName,
  suggestNextVersion,
  versionProblem,
} from './registryNames.ts';
import { useVersions, VersionList } from './VersionList.tsx';

/** A field the author may edit; `null` follows the suggestion. Reset when the draft changes. */
interface Edited {
  readonly draftId: string;
  readonly value: string;
}

/** The publish form of the open draft; a fresh one (nothing carried over) for each draft. */
export function PublishPanel() {
  const draftId = usePortalState((s) => s.draft?.id ?? '');
  return <PublishForm key={draftId} />;
}

/**
 * Publish the open draft to the registry: name, next version, the author's key, and Publish —
 * only for a draft whose checks are clean and whose last test run of these files passed. Below,
 * the model's published versions.
 */
function PublishForm() {
  const { registry } = usePortalRegistry();
  const queryClient = useQueryClient();
  const draft = usePortalState((s) => s.draft);
  const files = usePortalState((s) => s.files);
  const checking = usePortalState((s) => s.checking);
  const diagnostics = usePortalState((s) => s.diagnostics);
  const model = usePortalState((s) => s.model);
  const run = usePortalState((s) => s.run);
  const runFiles = usePortalState((s) => s.runFiles);
  const [nameEdit, setNameEdit] = useState<Edited | null>(null);
  const [versionEdit, setVersionEdit] = useState<Edited | null>(null);

  const draftId = draft?.id ?? '';
  const name =
    nameEdit?.draftId === draftId ? nameEdit.value : suggestModelName(draft?.title ?? '');
  const nameProblem = modelNameProblem(name);
  const versions = useVersions(name, nameProblem === null);
  const published = (versions.data ?? []).map((v) => v.version);
  const version =
    versionEdit?.draftId === draftId ? versionEdit.value : suggestNextVersion(published);
  const versionIssue = versionProblem(version, published);
  const key = useQuery({
    queryKey: registryKeys.authorKey(),
    queryFn: () => registry.authorKey(),
    staleTime: Infinity,
    retry: false,
  });
  const readiness = publishReadiness({
    draft,
    files,
    checking,
    diagnostics,
    model,
    run,
    runFiles,
  });

  const publish = useMutation({
    mutationFn: async (): Promise<{ response: PublishResponse; ms: number; results: number }> => {
      if (!draft || !readiness.ready) throw new Error('nothing to publish');
      const started = performance.now();
      const response = await registry.publish({
        model: name,
        version,
        files: { manifest: draft.manifest, files },
        results: readiness.results,
      });
      return { response, ms: performance.now() - started, results: readiness.results.length };
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: registryKeys.all }),
  });

  const blocked =
    (!readiness.ready && readiness.reason) ||
    nameProblem ||
    versionIssue ||
    (key.isError ? `No signing key: ${errorText(key.error)}` : null) ||
    (key.isPending ? 'Loading the signing key…' : null) ||
    (versions.isPending && nameProblem === null ? 'Reading the published versions…' : null);
  const done = publish.data;

  return (
    <section className="portal-publish" aria-label="Publish" data-testid="portal-publish">
      <h3>Publish</h3>
      <label>
        Model name
        <input
          value={name}
          onChange={(e) => setNameEdit({ draftId, value: e.target.value })}
          data-testid="portal-publish-name"
          spellCheck={false}
        />
      </label>
      {nameProblem && <p className="portal-error">{nameProblem}</p>}
      <label>
        Version
        <input
          value={version}
          onChange={(e) => setVersionEdit({ draftId, value: e.target.value })}
          data-testid="portal-publish-version"
          spellCheck={false}
        />
      </label>
      {versionIssue && nameProblem === null && <p className="portal-error">{versionIssue}</p>}
      <p className="portal-muted" data-testid="portal-publish-key">
        Signing key:{' '}
        {key.data ? <code>{key.data.fingerprint}</code> : key.isError ? 'none' : 'loading…'}
        {key.data && ' (kept in this browser, never exported)'}
      </p>
      <button
        type="button"
        disabled={blocked !== null || publish.isPending}
        onClick={() => publish.mutate()}
        data-testid="portal-publish-button"
      >
        {publish.isPending ? 'Publishing…' : `Publish ${name}@${version}`}
      </button>
      {blocked !== null && (
        <p className="portal-muted" data-testid="portal-publish-blocked">
          {blocked}
        </p>
      )}
      {publish.isError && (
        <p className="portal-error" role="alert" data-testid="portal-publish-error">
          {errorText(publish.error)}
        </p>
      )}
      {done && (
        <p data-testid="portal-publish-done">
          Published{' '}
          <strong>{`${done.response.version.model}@${done.response.version.version}`}</strong>,
          signed by {done.response.version.trust.signer}, with {done.results} test results recorded,
          in {Math.round(done.ms)} ms ·{' '}
          <a
            href={`?page=portal&registry=${encodeURIComponent(`${done.response.version.model}@${done.response.version.version}`)}`}
          >
            open it
          </a>
        </p>
      )}
      <VersionList model={name} enabled={nameProblem === null} />
    </section>
  );
}
