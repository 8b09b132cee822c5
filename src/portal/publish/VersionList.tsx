import { useQuery } from '@tanstack/react-query';
import type { VersionSummary } from '../../protocol/registry.ts';
import { RegistryClientError } from '../../registry/registryClientError.ts';
import { errorText, registryKeys, usePortalRegistry } from './registryContext.ts';

/** A model's versions, or none when the registry does not know it yet. */
export function useVersions(model: string, enabled = true) {
  const { registry } = usePortalRegistry();
  return useQuery({
    queryKey: registryKeys.versions(model),
    enabled,
    queryFn: async () => {
      try {
        return (await registry.client.listVersions(model)).versions;
      } catch (error) {
        if (error instanceof RegistryClientError && error.reason === 'unknown_model') return [];
        throw error;
      }
    },
  });
}

/** The model's published versions, newest first, each with trust, signer and log badge. */
export function VersionList({ model, enabled }: { model: string; enabled: boolean }) {
  const versions = useVersions(model, enabled);
  if (!enabled) return null;
  return (
    <div className="portal-versions" data-testid="portal-versions">
      <h4>Published versions of {model}</h4>
      {versions.isPending && <p className="portal-muted">Loading…</p>}
      {versions.isError && (
        <p className="portal-error" role="alert">
          {errorText(versions.error)}
        </p>
      )}
      {versions.data?.length === 0 && <p className="portal-muted">None yet.</p>}
      <ul>
        {[...(versions.data ?? [])].reverse().map((v) => (
          <VersionRow key={v.version} version={v} />
        ))}
      </ul>
    </div>
  );
}

function VersionRow({ version }: { version: VersionSummary }) {
  const { registry } = usePortalRegistry();
  const detail = useQuery({
    queryKey: registryKeys.version(version.model, version.version),
    queryFn: () => registry.client.getVersion(version.model, version.version),
  });
  const logged = useQuery({
    queryKey: registryKeys.logged(version.model, version.version, version.contentDigest),
    queryFn: () => registry.verifyLogged(version),
    retry: false,
    staleTime: Infinity,
  });
  const trust = detail.data?.trust;
  return (
    <li data-testid={`portal-version-${version.version}`}>
      <div>
        <strong>{version.version}</strong>{' '}
        {detail.data?.aliases.map((a) => (
          <span key={a} className="portal-tag">
            {a}
          </span>
        ))}{' '}
        <span className="portal-tag" data-testid="portal-version-trust">
          {trust?.level ?? '…'}
        </span>{' '}
        {logged.isSuccess && (
          <span
            className="portal-badge ok"
            data-testid="portal-version-verified"
            title={`publish entry ${logged.data.index} is in the run log checkpoint of ${logged.data.checkpoint.treeSize} entries, signed by the log key ${logged.data.pinnedBy === 'build' ? 'pinned in this build' : 'this browser has trusted since it first saw it'}`}
          >
            verified
          </span>
        )}
        {logged.isError && (
          <span
            className="portal-badge bad"
            data-testid="portal-version-unverified"
            title={errorText(logged.error)}
          >
            not verified
          </span>
        )}
        {logged.isPending && <span className="portal-muted">checking log…</span>}
      </div>
      <div className="portal-muted">
        signed by {trust?.signer ?? version.publishedBy}, {version.keyFingerprint}
        {trust ? ` · tests ${trust.tests.passed} passed, ${trust.tests.failed} failed` : ''}
      </div>
      {logged.isError && <div className="portal-error">{errorText(logged.error)}</div>}
      {detail.isError && <div className="portal-error">{errorText(detail.error)}</div>}
    </li>
  );
}
