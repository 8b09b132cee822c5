/** Reading request bodies with a size limit and writing the registry's responses. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { REGISTRY_API_HEADER, REGISTRY_API_VERSION } from '../../../src/protocol/registry.ts';
import { RegistryRequestError } from '../registryRequestError.ts';

function tooLarge(limit: number): RegistryRequestError {
  return new RegistryRequestError(
    413,
    'too_large',
    `the request body is larger than the ${limit} bytes this route accepts: send less (see REGISTRY_LIMITS in src/protocol/registry.ts).`,
  );
}

/** The body's bytes; `too_large` (413) past `limit`, without reading the rest. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

/** The body parsed as JSON; 415 for another content type, 400 for text that is not JSON. */
export async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    throw new RegistryRequestError(
      415,
      'unsupported_media_type',
      `send the request body as JSON with Content-Type: application/json (got ${JSON.stringify(type || 'none')}).`,
    );
  }
  const body = await readBody(req, limit);
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch (error) {
    throw new RegistryRequestError(
      400,
      'bad_json',
      `the request body is not JSON (${(error as Error).message}).`,
    );
  }
}

function commonHeaders(res: ServerResponse): void {
  res.setHeader(REGISTRY_API_HEADER, String(REGISTRY_API_VERSION));
  res.setHeader('X-Content-Type-Options', 'nosniff');
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = `${JSON.stringify(body)}\n`;
  commonHeaders(res);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function sendBody(
  res: ServerResponse,
  status: number,
  body: Uint8Array | string,
  headers: Record<string, string>,
): void {
  commonHeaders(res);
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.writeHead(status, { 'Content-Length': bytes.byteLength, ...headers });
  res.end(bytes);
}

export function sendError(
  res: ServerResponse,
  error: RegistryRequestError,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  // A body we stopped reading would otherwise keep the connection busy.
  const close = error.status === 413 ? { Connection: 'close' } : {};
  sendJson(
    res,
    error.status,
    { error: { reason: error.reason, message: error.message } },
    {
      ...close,
      ...headers,
    },
  );
}
