import { formatBytes } from '../replay/retention.ts';
import type { RecordingSummary, StorageInfo } from '../workers/recorderProtocol.ts';
import { useState } from 'react';
import { useWorkbench, useWorkbenchState } from './WorkbenchContext.tsx';

const time = (ms: number) => new Date(ms).toLocaleTimeString([], { hour12: false });
const day = (ms: number) => new Date(ms).toLocaleDateString([], { month: 'short', day: 'numeric' });

function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

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

function RecordingRow({
  recording,
  onProblem,
}: {
  recording: RecordingSummary;
  onProblem: (message: string | null) => void;
}) {
  const { playback } = useWorkbench();
  const playing = useWorkbenchState(
    (s) => s.view.mode === 'playback' && s.view.recordingId === recording.id,
  );
  const end = recording.endedAt ?? recording.lastSampleTime;
  const empty = recording.firstSampleTime === null || recording.lastSampleTime === null;
  const play = () => {
    try {
      playback.open(recording);
      playback.play();
      onProblem(null);
    } catch (error) {
      onProblem(error instanceof Error ? error.message : String(error));
    }
  };
  const className = playing ? 'rec-playing' : recording.active ? 'rec-active' : '';
  return (
    <tr data-recording={recording.id} className={className}>
      <td>
        {day(recording.startedAt)} {time(recording.startedAt)}
      </td>
      <td className="rec-num">{end === null ? '—' : duration(end - recording.startedAt)}</td>
      <td className="rec-num">{recording.storedSamples.toLocaleString()}</td>
      <td className="rec-num muted">{formatBytes(recording.bytes)}</td>
      <td>
        <button
          type="button"
          className="secondary"
          data-testid={`play-${recording.id}`}
          disabled={empty || playing}
          title={
            empty
              ? 'Nothing recorded yet'
              : recording.active
                ? 'Play back what has been recorded so far'
                : 'Play back this recording'
          }
          onClick={play}
        >
          {playing ? 'Playing' : '▶ Play'}
        </button>
      </td>
    </tr>
  );
}

/** What the recorder worker keeps in IndexedDB: the recording in progress and the past ones. */
export function RecordingPanel() {
  const recorder = useWorkbenchState((s) => s.recorder);
  const [playProblem, setPlayProblem] = useState<string | null>(null);
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
      {playProblem ? <p className="error-text">{playProblem}</p> : null}
      {lastNotice ? (
        <p className="notice" data-testid="recording-notice">
          {time(lastNotice.at)} {lastNotice.message}
        </p>
      ) : null}
      {recordings.length > 0 ? (
        <table className="recordings">
          <thead>
            <tr>
              <th>Started</th>
              <th className="rec-num">Span</th>
              <th className="rec-num">Samples</th>
              <th className="rec-num">Size</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {[...recordings].reverse().map((r) => (
              <RecordingRow key={r.id} recording={r} onProblem={setPlayProblem} />
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
