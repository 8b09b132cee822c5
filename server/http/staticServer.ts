import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import sirv from 'sirv';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

const notBuiltPage = (dir: string) => `<!doctype html>
<html lang="en">
<meta charset="utf-8">
<title>Twinbench is not built</title>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">
<h1>Twinbench has not been built yet</h1>
<p>The server found no app in <code>${dir.replace(/[<>&]/g, '')}</code>.</p>
<p>Run <code>npm run build</code> (or start with <code>npm start</code>, which builds first), then reload this page.
Set <code>TWINBENCH_STATIC_DIR</code> if the build lives elsewhere.</p>
</body>
</html>
`;

/**
 * Serves the built browser app from `dir` with single-page fallback to index.html. Until the
 * build exists every request gets a 503 page that says to run `npm run build`; the build is
 * picked up on the first request after it appears.
 */
export function createStaticHandler(dir: string): RequestHandler {
  const root = resolve(dir);
  let serve: RequestHandler | undefined;
  return (req, res) => {
    if (serve === undefined && existsSync(join(root, 'index.html'))) {
      const handler = sirv(root, {
        single: true,
        etag: true,
        setHeaders: (response, pathname) => {
          // Vite puts a content hash in every asset name; index.html must be revalidated.
          response.setHeader(
            'Cache-Control',
            pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
          );
        },
      });
      serve = (request, response) =>
        handler(request, response, () => {
          response.statusCode = 404;
          response.setHeader('Content-Type', 'text/plain; charset=utf-8');
          response.end('Not found\n');
        });
    }
    if (serve !== undefined) {
      serve(req, res);
      return;
    }
    res.statusCode = 503;
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Retry-After', '5');
    res.end(req.method === 'HEAD' ? undefined : notBuiltPage(root));
  };
}
