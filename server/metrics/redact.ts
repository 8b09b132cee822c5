const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi;

/**
 * Hides the user and password of any URL in `text` (`mqtt://relay:secret@host` →
 * `mqtt://***@host`). Source names and errors embed the broker URL, and /metrics and /healthz
 * are usually readable without logging in.
 */
export function redactCredentials(text: string): string {
  return text.includes('@') ? text.replace(URL_USERINFO, '$1***@') : text;
}
