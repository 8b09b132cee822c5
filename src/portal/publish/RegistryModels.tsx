import { useQuery } from '@tanstack/react-query';
import { useStore } from 'zustand';
import { usePortalState } from '../usePortal.ts';
import { errorText, registryKeys, usePortalRegistry } from './registryContext.ts';
import { useVersions } from './VersionList.tsx';

/** Keeps the opened version in the address, so a reload or a shared link opens it again. */
export function setRegistryAddress(ref: string) {
  const url = new URL(location.href);
  url.searchParams.delete('model');
  url.searchParams.set('registry', ref);
  history.replaceState(null, '', url);
}

/** The registry's models and versions in the model picker; a click opens one as a draft. */
export function RegistryModels() {
  const { registry, opener } = usePortalRegistry();
  const models = useQuery({
    queryKey: registryKeys.models(),
    queryFn: () => registry.client.listModels(),
  });
  const opening = useStore(opener.store);
  const draftId = usePortalState((s) => s.draft?.id ?? null);
  const origin = draftId === null ? undefined : opening.origins[draftId];
  return (
    <div className="portal-registry-models" data-testid="portal-registry-models">
      <h4>Registry</h4>
      {models.isError && <p className="portal-error">{errorText(models.error)}</p>}
      {models.data?.models.length === 0 && <p className="portal-muted">Nothing published yet.</p>}
      <ul>
        {models.data?.models.map((m) => (
          <RegistryModel key={m.name} name={m.name} latest={m.latest} />
        ))}
      </ul>
      {opening.phase === 'opening' && (
        <p className="portal-muted">Downloading and verifying {opening.ref}…</p>
      )}
      {opening.phase === 'failed' && (
        <p className="portal-error" role="alert" data-testid="portal-registry-error">
          {opening.message}
        </p>
      )}
      {origin && (
        <p className="portal-provenance" data-testid="portal-provenance">
          Opened from the registry: <strong>{`${origin.model}@${origin.version}`}</strong>
          {origin.ref !== origin.version && ` (${origin.ref})`}, signed by {origin.signer.principal}{' '}
          <code>{origin.signer.fingerprint}</code> <span className="portal-badge ok">verified</span>
        </p>
      )}
    </div>
  );
}

function RegistryModel({ name, latest }: { name: string; latest: string | null }) {
  const { opener } = usePortalRegistry();
  const versions = useVersions(name);
  const open = (version: string) => {
    void opener.open(name, version).then((id) => {
      if (id !== null) setRegistryAddress(`${name}@${version}`);
    });
  };
  return (
    <li>
      <span>{name}</span>{' '}
      {[...(versions.data ?? [])].reverse().map((v) => (
        <button
          key={v.version}
          type="button"
          className="portal-version-link"
          data-testid={`portal-registry-${name}@${v.version}`}
          onClick={() => open(v.version)}
          title={`open ${name}@${v.version}${v.version === latest ? ' (latest)' : ''}`}
        >
          {v.version}
        </button>
      ))}
    </li>
  );
}
