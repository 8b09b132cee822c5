/**
 * Bundles the viewer bench page and its two workers with esbuild (in memory, React's production
 * build as the app ships) and serves them from http://localhost on 127.0.0.1: a secure context,
 * as the deployed app has. The workers are the app's recorder worker itself, which playback reads
 * through, and the replay bench's writer (the app's RecorderService with its quotas lifted).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = fileURLToPath(new URL('.', import.meta.url));

/** The page's layout: the scene above, the scrub bar below (the app's timeline track). */
const INDEX_HTML = `<!doctype html>
<html><head><meta charset="utf-8"><title>viewer bench</title>
<style>
  html, body { margin: 0; height: 100%; background: #0b1220; overflow: hidden; }
  #scene { position: absolute; left: 0; top: 0; right: 0; bottom: 64px; }
  #scrub { position: absolute; left: 40px; right: 40px; bottom: 12px; height: 40px;
           background: #1e293b; border-radius: 4px; touch-action: none; cursor: pointer; }
  #cursor { position: absolute; top: 0; bottom: 0; width: 2px; background: #facc15; }
</style></head>
<body><div id="scene"></div><div id="scrub"><div id="cursor"></div></div>
<script type="module" src="/page.js"></script></body></html>`;

export interface BenchServer {
  readonly port: number;
  readonly url: string;
  /** The source file a line of a served bundle came from (esbuild marks each with a comment). */
  readonly sourceOf: (bundle: string, line: number) => string | null;
  close(): Promise<void>;
}

/**
 * `port` 0 picks a free one. IndexedDB belongs to an origin, port included, so a run reusing a
 * cached recording must serve on the port that wrote it.
 */
export async function serveViewerBench(port = 0): Promise<BenchServer> {
  const result = await build({
    entryPoints: {
      page: `${here}page.tsx`,
      'recorder.worker': `${here}../../src/workers/recorder.worker.ts`,
      'store.worker': `${here}../replay/store.worker.ts`,
    },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    // Not minified, so CPU profiles name the functions; V8 runs it no differently.
    minify: false,
    write: false,
    outdir: '/',
    logLevel: 'warning',
  });
  const files = new Map<string, string>([['/', INDEX_HTML]]);
  /** Per bundle: [first line, source path] of each module, in order. */
  const sections = new Map<string, [number, string][]>();
  for (const file of result.outputFiles) {
    files.set(file.path, file.text);
    const marks: [number, string][] = [];
    file.text.split('\n').forEach((text, i) => {
      const mark = /^\/\/ ((?:src|bench|node_modules)\/\S+)$/.exec(text);
      if (mark?.[1] !== undefined) marks.push([i + 1, mark[1]]);
    });
    sections.set(file.path.slice(1), marks);
  }
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path === '/favicon.ico') {
      response.writeHead(204).end();
      return;
    }
    const body = files.get(path);
    if (body === undefined) {
      response.writeHead(404).end(`not found: ${path}`);
      return;
    }
    const type = path.endsWith('.js') ? 'text/javascript' : 'text/html';
    response.writeHead(200, { 'content-type': `${type}; charset=utf-8` }).end(body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(
              `viewer bench: port ${port} is taken; the cached recording belongs to http://localhost:${port} — free the port or rerun with --fresh`,
            )
          : error,
      ),
    );
    server.listen(port, '127.0.0.1', resolve);
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    port: bound,
    url: `http://localhost:${bound}/`,
    sourceOf: (bundle, line) => {
      let found: string | null = null;
      for (const [first, path] of sections.get(bundle) ?? []) if (first <= line) found = path;
      return found;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
