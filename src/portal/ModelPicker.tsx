import { useState } from 'react';
import { EXAMPLE_MODELS } from './models/exampleModels.ts';
import { RegistryModels } from './publish/RegistryModels.tsx';
import { usePortal, usePortalState } from './usePortal.ts';

/** Open an example's draft or another draft, or start a new model from an example. */
export function ModelPicker() {
  const { portal } = usePortal();
  const drafts = usePortalState((s) => s.drafts);
  const current = usePortalState((s) => s.draft?.id ?? null);
  const [example, setExample] = useState<string>(EXAMPLE_MODELS[0]!.id);
  const [title, setTitle] = useState('');
  const open = (id: string) => {
    void portal.open(id);
    setAddress(id);
  };
  return (
    <section className="portal-models" aria-label="Models" data-testid="portal-models">
      <h3>Models</h3>
      <ul>
        {EXAMPLE_MODELS.filter((e) => !drafts.some((d) => d.id === e.id)).map((e) => (
          <li key={e.id}>
            <button type="button" title={e.summary} onClick={() => open(e.id)}>
              {e.title} <span className="portal-muted">example</span>
            </button>
          </li>
        ))}
        {drafts.map((d) => (
          <li key={d.id}>
            <button
              type="button"
              className={d.id === current ? 'active' : ''}
              data-testid={`portal-draft-${d.id}`}
              onClick={() => open(d.id)}
            >
              {d.title}{' '}
              <span className="portal-muted">
                {d.id === d.origin ? 'example' : `from ${d.origin}`}
              </span>
            </button>
          </li>
        ))}
      </ul>
      <form
        className="portal-new"
        onSubmit={(event) => {
          event.preventDefault();
          void portal.newFromExample(example, title).then(setAddress);
          setTitle('');
        }}
      >
        <label>
          New model from
          <select
            value={example}
            onChange={(e) => setExample(e.target.value)}
            data-testid="portal-new-example"
          >
            {EXAMPLE_MODELS.map((e) => (
              <option key={e.id} value={e.id}>
                {e.title}
              </option>
            ))}
          </select>
        </label>
        <input
          placeholder="Name"
          value={title}
          onChange={(e) => setTitle(e.target.value)}
          data-testid="portal-new-title"
        />
        <button type="submit" data-testid="portal-new">
          Create
        </button>
      </form>
      <RegistryModels />
    </section>
  );
}

/** Keeps the open model in the address, so a reload or a shared link opens it. */
function setAddress(id: string) {
  const url = new URL(location.href);
  url.searchParams.delete('registry');
  url.searchParams.set('model', id);
  history.replaceState(null, '', url);
}
