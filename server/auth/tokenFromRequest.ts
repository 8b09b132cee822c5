/**
 * Where a WebSocket client puts its token. Browsers cannot set headers on a WebSocket, so they
 * use `?token=`; other clients may send `Authorization: Bearer`. The header wins when both are
 * present.
 */

/** The parts of an HTTP upgrade request that carry a token; Node's IncomingMessage fits. */
export interface TokenRequest {
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly url?: string | undefined;
}

function header(req: TokenRequest, name: string): string | undefined {
  for (const [key, value] of Object.entries(req.headers)) {
    if (key.toLowerCase() !== name) continue;
    return typeof value === 'string' ? value : value?.[0];
  }
  return undefined;
}

function queryToken(url: string | undefined): string | null {
  if (url === undefined) return null;
  try {
    return new URL(url, 'http://relay.invalid').searchParams.get('token');
  } catch {
    return null;
  }
}

/**
 * The token in a bearer Authorization header or the `token` query parameter, or null when there
 * is none. Other Authorization schemes (e.g. Basic for a proxy) are left alone.
 */
export function tokenFromRequest(req: TokenRequest): string | null {
  const bearer = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header(req, 'authorization') ?? '')?.[1];
  if (bearer !== undefined) return bearer;
  const query = queryToken(req.url)?.trim();
  return query === undefined || query === '' ? null : query;
}

/** The request URL with its token replaced by `***`, for logs: a token in a log is a leak. */
export function redactToken(url: string): string {
  return url.replace(/([?&]token=)[^&#]*/gi, '$1***');
}
