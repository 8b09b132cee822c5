/**
 * Bundles the bench page and its two workers with esbuild (in memory) and serves them from
 * http://localhost:PORT on 127.0.0.1: a localhost origin is a secure context, so storage APIs
 * behave as they do for the deployed app.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = fileURLToPath(new URL('.', import.meta.url));

const INDEX_HTML = `<!doctype html>
<html><head><meta charset="utf-8"><title>replay bench</title></head>
<body><script type="module" src="/page.js"></script></body></html>`;

export interface BenchServer {
  readonly url: string;
  /** The source file a line of a served bundle came from (esbuild marks each with a comment). */
  readonly sourceOf: (bundle: string, line: number) => string | null;
  close(): Promise<void>;
}

export async function serveBenchPage(): Promise<BenchServer> {
  const result = await build({
    entryPoints: {
      page: `${here}page.ts`,
      'store.worker': `${here}store.worker.ts`,
      'baseline.worker': `${here}baseline.worker.ts`,
    },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    // Not minified, so CPU profiles name the store's functions; V8 runs it no differently.
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
    const body = files.get(path);
    if (path === '/favicon.ico') {
      response.writeHead(204).end();
      return;
    }
    if (body === undefined) {
      response.writeHead(404).end(`not found: ${path}`);
      return;
    }
    const type = path.endsWith('.js') ? 'text/javascript' : 'text/html';
    response.writeHead(200, { 'content-type': `${type}; charset=utf-8` }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}/`,
    sourceOf: (bundle, line) => {
      let found: string | null = null;
      for (const [first, path] of sections.get(bundle) ?? []) if (first <= line) found = path;
      return found;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
