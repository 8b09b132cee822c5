import { useState, type ReactNode } from 'react';

const KEY = 'twinbench.panels.closed.v1';

function closedPanels(): Set<string> {
  try {
    const stored: unknown = JSON.parse(localStorage.getItem(KEY) ?? '[]');
    return new Set(Array.isArray(stored) ? stored.filter((x) => typeof x === 'string') : []);
  } catch {
    return new Set();
  }
}

/** A panel of the side bar that folds away; which are folded is remembered in this browser. */
export function SidePanel({
  id,
  title,
  badge,
  children,
}: {
  id: string;
  title: string;
  badge?: ReactNode;
  children: ReactNode;
}) {
  const [open, setOpen] = useState(() => !closedPanels().has(id));
  const toggle = (next: boolean) => {
    setOpen(next);
    const closed = closedPanels();
    if (next) closed.delete(id);
    else closed.add(id);
    try {
      localStorage.setItem(KEY, JSON.stringify([...closed]));
    } catch {
      // Storage refused: the panel stays as set for this page.
    }
  };
  return (
    <details
      className="panel"
      data-panel={id}
      open={open}
      onToggle={(e) => {
        const next = e.currentTarget.open;
        if (next !== open) toggle(next);
      }}
    >
      <summary>
        <h2>{title}</h2>
        {badge}
      </summary>
      {children}
    </details>
  );
}
