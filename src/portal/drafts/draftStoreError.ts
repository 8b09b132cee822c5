export type DraftStoreErrorReason =
  /** No IndexedDB (a private window that forbids it, an old browser, a blocked profile). */
  | 'unavailable'
  /** The browser refused the write: the origin's storage is full. */
  | 'quota'
  /** Anything else IndexedDB reported. */
  | 'failed';

/**
 * Why a draft could not be saved or read, with what to do. The editor keeps the text in memory
 * either way; the message says the work is not on disk yet.
 */
export class DraftStoreError extends Error {
  override readonly name = 'DraftStoreError';
  constructor(
    readonly reason: DraftStoreErrorReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** An IndexedDB failure as a DraftStoreError that says what happened and what to do. */
export function draftStoreError(error: unknown, doing: string): DraftStoreError {
  if (error instanceof DraftStoreError) return error;
  const name = error instanceof DOMException || error instanceof Error ? error.name : '';
  const detail = error instanceof Error ? error.message : String(error);
  if (name === 'QuotaExceededError')
    return new DraftStoreError(
      'quota',
      `drafts: the browser's storage for this site is full, so ${doing} failed — your text is still in the editor: free space (delete old drafts or snapshots, or clear other site data), then edit again to save`,
      { cause: error },
    );
  if (name === 'SecurityError' || name === 'InvalidStateError' || name === 'NotSupportedError')
    return unavailable(detail, error);
  return new DraftStoreError(
    'failed',
    `drafts: ${doing} failed (${name || 'error'}: ${detail}) — your text is still in the editor; reload the page to try again, and copy anything you cannot lose`,
    { cause: error },
  );
}

export function unavailable(detail: string, cause?: unknown): DraftStoreError {
  return new DraftStoreError(
    'unavailable',
    `drafts: IndexedDB is not available here (${detail}), so drafts are kept only while this tab is open — allow site data for this page or leave private browsing to keep them across reloads`,
    cause === undefined ? undefined : { cause },
  );
}
