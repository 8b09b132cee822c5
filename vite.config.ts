import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// monaco-editor 0.57 exports its files as `monaco-editor/<path>` (mapped to `esm/vs/<path>`),
// but monaco-yaml's worker (through monaco-worker-manager) still imports
// `monaco-editor/esm/vs/…`; point that spelling at the files themselves.
const monacoEsm = fileURLToPath(new URL('./node_modules/monaco-editor/esm/vs/', import.meta.url));

// `npm run dev` serves the app with hot reload and forwards the relay socket to a running
// `npm run serve` (port 8080); `npm start` builds and serves everything from one Node process.
export default defineConfig({
  plugins: [react()],
  resolve: {
    alias: [{ find: /^monaco-editor\/esm\/vs\/(.*)$/, replacement: `${monacoEsm}$1` }],
  },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: { '/ws': { target: 'ws://127.0.0.1:8080', ws: true } },
  },
});
