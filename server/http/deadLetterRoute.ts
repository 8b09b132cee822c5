import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DeadLetterRing } from '../ingest/index.ts';

export const DEAD_LETTERS_PATH = '/api/dead-letters';

/**
 * `GET /api/dead-letters?limit=50&before=<seq>`: the newest messages the relay could not map,
 * with the reason, newest first; `next` pages on. Returns false for other paths.
 */
export function createDeadLetterRoute(
  ring: DeadLetterRing,
): (request: IncomingMessage, response: ServerResponse) => boolean {
  return (request, response) => {
    const url = new URL(request.url ?? '/', 'http://relay');
    if (url.pathname !== DEAD_LETTERS_PATH) return false;
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, {
        'Content-Type': 'application/json; charset=utf-8',
        'Cache-Control': 'no-store',
      });
      response.end(JSON.stringify(body));
    };
    if (request.method !== 'GET') {
      response.setHeader('Allow', 'GET');
      reply(405, { error: `${DEAD_LETTERS_PATH} answers GET only` });
      return true;
    }
    const number = (name: string) => {
      const raw = url.searchParams.get(name);
      if (raw === null) return undefined;
      return /^\d+$/.test(raw) ? Number(raw) : NaN;
    };
    const limit = number('limit');
    const before = number('before');
    if (Number.isNaN(limit) || Number.isNaN(before) || (limit !== undefined && limit > 1000)) {
      reply(400, { error: 'limit (1…1000) and before (a seq from `next`) must be whole numbers' });
      return true;
    }
    const page = ring.page({ before, ...(limit === undefined ? {} : { limit }) });
    reply(200, { total: ring.total, capacity: ring.capacity, ...page });
    return true;
  };
}
