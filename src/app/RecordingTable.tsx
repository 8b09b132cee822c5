import { useRef, useState } from 'react';
import { formatBytes } from '../replay/retention.ts';
import type { McapImportReport, RecordingSummary } from '../workers/recorderProtocol.ts';
import { useWorkbench, useWorkbenchState } from './WorkbenchContext.tsx';

const time = (ms: number) => new Date(ms).toLocaleTimeString([], { hour12: false });
const day = (ms: number) => new Date(ms).toLocaleDateString([], { month: 'short', day: 'numeric' });

function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** `footbridge-2026-11-23T04-00-05.mcap` */
function mcapName(recording: RecordingSummary): string {
  const stamp = new Date(recording.startedAt).toISOString().slice(0, 19).replaceAll(':', '-');
  return `${recording.twin}-${stamp}.mcap`;
}

function download(bytes: Uint8Array<ArrayBuffer>, name: string): void {
  const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** One sentence per import: what came in, what was skipped and why, what could not be read. */
export function describeImport(file: string, report: McapImportReport): string {
  const parts = [
    `${file}: imported ${report.samples.toLocaleString()} samples on ${report.channels} channels`,
  ];
  for (const s of report.skipped)
    parts.push(
      `skipped ${s.count.toLocaleString()} ${s.encoding} messages on ${s.topic} (${s.reason.replaceAll('_', ' ')})`,
    );
  for (const e of report.errors) parts.push(`stopped reading: ${e.message}`);
  return `${parts.join('; ')}.`;
}

interface RowProps {
  readonly recording: RecordingSummary;
  readonly onMessage: (text: string, isError: boolean) => void;
}

function RecordingRow({ recording, onMessage }: RowProps) {
  const { playback, recorder } = useWorkbench();
  const playing = useWorkbenchState(
    (s) => s.view.mode === 'playback' && s.view.recordingId === recording.id,
  );
  const [busy, setBusy] = useState(false);
  // The list is read when recordings change; the one being written counts up from the status.
  const status = useWorkbenchState((s) =>
    recording.active && s.recorder.status?.recordingId === recording.id ? s.recorder.status : null,
  );
  const end = status?.persistedThrough ?? recording.endedAt ?? recording.lastSampleTime;
  const stored = status ? status.samplesPersisted : recording.storedSamples;
  const bytes = status ? status.bytes : recording.bytes;
  const empty = recording.firstSampleTime === null || recording.lastSampleTime === null;
  const act = (what: string, action: () => Promise<void> | void) => () => {
    setBusy(true);
    void (async () => {
      try {
        await action();
      } catch (error) {
        onMessage(`Could not ${what}: ${message(error)}`, true);
      } finally {
        setBusy(false);
      }
    })();
  };
  const play = act('play the recording', () => {
    playback.open(recording);
    playback.play();
  });
  const exportFile = act('export the recording', async () => {
    const bytes = await recorder.exportMcap(recording.id);
    download(bytes as Uint8Array<ArrayBuffer>, mcapName(recording));
    onMessage(`Exported ${mcapName(recording)} (${formatBytes(bytes.byteLength)}).`, false);
  });
  const remove = act('delete the recording', async () => {
    if (
      !window.confirm(
        `Delete the recording of ${day(recording.startedAt)} ${time(recording.startedAt)} and its ${recording.storedSamples.toLocaleString()} samples?`,
      )
    )
      return;
    if (playing) playback.live();
    await recorder.deleteRecording(recording.id);
  });
  const saveNotes = (notes: string) => {
    if (notes !== recording.notes)
      act('save the notes', async () => void (await recorder.setNotes(recording.id, notes)))();
  };
  const className = playing ? 'rec-playing' : recording.active ? 'rec-active' : '';
  return (
    <tr data-recording={recording.id} className={className}>
      <td>
        {day(recording.startedAt)} {time(recording.startedAt)}
        <input
          className="rec-notes"
          aria-label="Notes"
          placeholder="notes…"
          defaultValue={recording.notes}
          onBlur={(e) => saveNotes(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && e.currentTarget.blur()}
        />
      </td>
      <td className="rec-num">{end === null ? '—' : duration(end - recording.startedAt)}</td>
      <td className="rec-num">{stored.toLocaleString()}</td>
      <td className="rec-num muted">{formatBytes(bytes)}</td>
      <td className="rec-actions">
        <button
          type="button"
          className="secondary"
          data-testid={`play-${recording.id}`}
          disabled={busy || empty || playing}
          title={empty ? 'Nothing recorded yet' : 'Play back this recording on the timeline'}
          onClick={play}
        >
          {playing ? 'Playing' : '▶ Play'}
        </button>
        <button
          type="button"
          className="secondary"
          data-testid={`export-${recording.id}`}
          disabled={busy || empty}
          title="Download as MCAP (opens in Foxglove and Lichtblick)"
          onClick={exportFile}
        >
          MCAP
        </button>
        <button
          type="button"
          className="secondary"
          data-testid={`delete-${recording.id}`}
          disabled={busy || recording.active}
          title={recording.active ? 'Being recorded now' : 'Delete this recording'}
          onClick={remove}
        >
          ✕
        </button>
      </td>
    </tr>
  );
}

/** Every recording in IndexedDB, newest first, with play, export, delete, notes and import. */
export function RecordingTable({ recordings }: { recordings: readonly RecordingSummary[] }) {
  const { recorder } = useWorkbench();
  const [note, setNote] = useState<{ text: string; isError: boolean } | null>(null);
  const [importing, setImporting] = useState(false);
  const fileRef = useRef<HTMLInputElement>(null);
  const onMessage = (text: string, isError: boolean) => setNote({ text, isError });

  const importFile = async (file: File) => {
    setImporting(true);
    try {
      const report = await recorder.importMcap(
        new Uint8Array(await file.arrayBuffer()),
        'footbridge',
      );
      onMessage(describeImport(file.name, report), report.errors.length > 0);
    } catch (error) {
      onMessage(`Could not import ${file.name}: ${message(error)}`, true);
    } finally {
      setImporting(false);
      if (fileRef.current) fileRef.current.value = '';
    }
  };

  return (
    <>
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
              <RecordingRow key={r.id} recording={r} onMessage={onMessage} />
            ))}
          </tbody>
        </table>
      ) : null}
      <div className="buttons">
        <button
          type="button"
          className="secondary"
          disabled={importing}
          onClick={() => fileRef.current?.click()}
        >
          {importing ? 'Importing…' : 'Import MCAP…'}
        </button>
        <input
          ref={fileRef}
          type="file"
          accept=".mcap"
          hidden
          data-testid="import-mcap"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) void importFile(file);
          }}
        />
      </div>
      {note ? (
        <p className={note.isError ? 'error-text' : 'muted'} data-testid="recording-message">
          {note.text}
        </p>
      ) : null}
    </>
  );
}
