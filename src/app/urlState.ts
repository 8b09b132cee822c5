/**
 * The view in the address bar: twin, recording, cursor time and selection, so a copied link
 * opens the same view. Parsing and writing are pure; `bindUrlState` keeps the address in step
 * with the workbench (replaceState, at most twice a second) and applies a link once on load.
 */
import {
  selectionFromString,
  selectionToString,
  viewStore,
  type Selection,
} from '../viewer/viewStore.ts';
import type { Workbench } from './workbench.ts';

export interface UrlView {
  readonly twin: string | null;
  /** A recording played back; null for live. */
  readonly recording: string | null;
  /** Device time of the cursor, ms since the epoch (playback only). */
  readonly t: number | null;
  readonly selection: Selection;
}

export function parseUrlView(search: string): UrlView {
  const params = new URLSearchParams(search);
  const t = Number(params.get('t'));
  const recording = params.get('recording');
  return {
    twin: params.get('twin'),
    recording: recording && /^[\w-]{1,100}$/.test(recording) ? recording : null,
    t: params.has('t') && Number.isFinite(t) && t > 0 ? t : null,
    selection: selectionFromString(params.get('sel')),
  };
}

/** `search` with the view's parameters set (others, such as `relay` or `gpu`, kept). */
export function writeUrlView(search: string, view: UrlView): string {
  const params = new URLSearchParams(search);
  const set = (key: string, value: string | null) => {
    if (value === null) params.delete(key);
    else params.set(key, value);
  };
  set('twin', view.twin);
  set('recording', view.recording);
  set('t', view.recording !== null && view.t !== null ? String(Math.round(view.t)) : null);
  set('sel', selectionToString(view.selection));
  // A token in the address is kept in sessionStorage by main.tsx; a shared link must not carry it.
  params.delete('token');
  const text = params.toString();
  return text ? `?${text}` : '';
}

/**
 * Applies the link's view once the recorder lists its recording, then mirrors the workbench into
 * the address. Returns a function that stops it.
 */
export function bindUrlState(workbench: Workbench, twin: string): () => void {
  const initial = parseUrlView(location.search);
  if (initial.selection) viewStore.setState({ selected: initial.selection });
  let applied = initial.recording === null;
  const apply = () => {
    if (applied) return;
    const { phase, recordings } = workbench.store.getState().recorder;
    if (phase === 'failed') {
      applied = true;
      return;
    }
    const recording = recordings.find((r) => r.id === initial.recording);
    if (!recording) {
      if (phase === 'ready') {
        applied = true;
        workbench.reportProblem(
          `the link names recording ${initial.recording}, which this browser does not hold; showing live data. Import its MCAP file to open it.`,
        );
      }
      return;
    }
    applied = true;
    try {
      workbench.playback.open(recording, initial.t ?? undefined);
    } catch (error) {
      workbench.reportProblem(error instanceof Error ? error.message : String(error));
    }
  };
  let last = '';
  const write = () => {
    apply();
    if (!applied) return;
    const view = workbench.playback.state;
    const next = writeUrlView(location.search, {
      twin,
      recording: view.mode === 'playback' ? view.recordingId : null,
      t: view.mode === 'playback' ? view.cursor : null,
      selection: viewStore.getState().selected,
    });
    if (next !== last && next !== location.search) {
      history.replaceState(history.state, '', `${location.pathname}${next}${location.hash}`);
    }
    last = next;
  };
  const timer = setInterval(write, 500);
  return () => clearInterval(timer);
}
