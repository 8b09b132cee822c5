// Monaco's editor worker (diffs, word ranges, links), bundled by Vite as a module worker.
import 'monaco-editor/editor/editor.worker.js';
