import { formatBytes } from '../replay/retention.ts';
import type { StorageInfo } from '../workers/recorderProtocol.ts';
import { RecordingTable } from './RecordingTable.tsx';
import { useWorkbenchState } from './WorkbenchContext.tsx';

const time = (ms: number) => new Date(ms).toLocaleTimeString([], { hour12: false });

function StorageLine({ storage }: { storage: StorageInfo }) {
  const { usage, quota, persisted } = storage;
  return (
    <>
      <dt>Browser storage</dt>
      <dd>
        {usage !== null && quota !== null
          ? `${formatBytes(usage)} of ${formatBytes(quota)} (${((100 * usage) / quota).toFixed(1)} %)`
          : 'unknown'}
        {' · '}
        <span
          className={persisted ? 'ok-text' : 'muted'}
          title="Persistent storage is not evicted by the browser when the disk runs low"
        >
          {persisted === null ? 'persistence unknown' : persisted ? 'persistent' : 'not persistent'}
        </span>
      </dd>
    </>
  );
}

/** What the recorder worker keeps in IndexedDB: the recording in progress and the past ones. */
export function RecordingPanel() {
  const recorder = useWorkbenchState((s) => s.recorder);
  if (recorder.phase === 'starting') return <p className="muted">Opening the replay store…</p>;
  if (recorder.phase === 'failed') return <p className="error-text">{recorder.problem}</p>;
  const { status, recordings, notices, problem } = recorder;
  const current = recordings.find((r) => r.id === status?.recordingId);
  const lastNotice = notices.at(-1);
  return (
    <div className="recording-panel" data-testid="recording-panel">
      <dl className="kv">
        <dt>Recording</dt>
        <dd data-testid="recording-current">
          {current ? (
            <>
              <span className="tag tag-live">● REC</span> since {time(current.startedAt)}{' '}
              <span className="muted" title={current.id}>
                {current.id.slice(0, 8)}
              </span>
            </>
          ) : (
            <span className="muted">waiting for the relay’s channels</span>
          )}
        </dd>
        {status && status.recordingId !== null ? (
          <>
            <dt>Samples</dt>
            <dd data-testid="recording-samples">
              {status.samplesRecorded.toLocaleString()} recorded,{' '}
              {status.samplesPersisted.toLocaleString()} stored · {formatBytes(status.bytes)}
              {status.dropped > 0 ? (
                <span className="error-text"> · {status.dropped.toLocaleString()} dropped</span>
              ) : null}
            </dd>
          </>
        ) : null}
        {status ? <StorageLine storage={status.storage} /> : null}
      </dl>
      {problem ? <p className="error-text">{problem}</p> : null}
      {lastNotice ? (
        <p className="notice" data-testid="recording-notice">
          {time(lastNotice.at)} {lastNotice.message}
        </p>
      ) : null}
      <RecordingTable recordings={recordings} />
    </div>
  );
}
