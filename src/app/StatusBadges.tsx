import { useWorkbenchState } from './WorkbenchContext.tsx';

export function ConnectionBadge() {
  const connection = useWorkbenchState((s) => s.connection);
  const clients = useWorkbenchState((s) => s.clients);
  switch (connection.status) {
    case 'open':
      return (
        <span
          className="badge badge-ok"
          data-testid="connection"
          data-status="open"
          title={`Relay ${connection.server}`}
        >
          <i className="dot" /> Live · relay connected{clients > 1 ? ` · ${clients} viewers` : ''}
        </span>
      );
    case 'connecting':
      return (
        <span className="badge badge-warn" data-testid="connection" data-status="connecting">
          <i className="dot" /> Connecting to relay
          {connection.attempt > 1 ? ` (attempt ${connection.attempt})` : ''}…
        </span>
      );
    case 'closed':
      return (
        <span
          className="badge badge-bad"
          data-testid="connection"
          data-status="closed"
          title={connection.reason}
        >
          <i className="dot" /> Disconnected: {connection.reason}
          {connection.retryInMs !== null
            ? ` · retrying in ${Math.ceil(connection.retryInMs / 1000)} s`
            : ''}
        </span>
      );
    default: {
      const unreachable: never = connection;
      return <span className="badge">{String(unreachable)}</span>;
    }
  }
}

export function SimBadge() {
  const sim = useWorkbenchState((s) => s.sim);
  switch (sim.phase) {
    case 'starting':
      return (
        <span className="badge badge-warn" data-testid="sim-backend">
          Simulation: requesting GPU…
        </span>
      );
    case 'failed':
      return (
        <span className="badge badge-bad" data-testid="sim-backend" title={sim.message}>
          Simulation stopped
        </span>
      );
    case 'running':
      return sim.backend.kind === 'webgpu' ? (
        <span
          className="badge badge-gpu"
          data-testid="sim-backend"
          data-backend="webgpu"
          title={sim.backend.adapter}
        >
          WebGPU · {sim.backend.adapter}
        </span>
      ) : (
        <span
          className="badge badge-warn"
          data-testid="sim-backend"
          data-backend="cpu"
          title={sim.backend.reason}
        >
          CPU fallback (no WebGPU)
        </span>
      );
    default: {
      const unreachable: never = sim;
      return <span className="badge">{String(unreachable)}</span>;
    }
  }
}
