/**
 * Monaco as the portal uses it, loaded once and only by the portal (`import()` from
 * `monacoLoader.ts`), so the operator's workbench does not download it: the editor API with the
 * features an editor page needs, YAML (highlighting from Monaco, schema validation, completion
 * and hover from monaco-yaml against the model manifest's JSON Schema), our WGSL grammar, and
 * the workers — all bundled by Vite from node_modules, nothing from a CDN.
 */
import * as monaco from 'monaco-editor/editor/editor.api.js';
import 'monaco-editor/features/bracketMatching/register.js';
import 'monaco-editor/features/clipboard/register.js';
import 'monaco-editor/features/comment/register.js';
import 'monaco-editor/features/contextmenu/register.js';
import 'monaco-editor/features/cursorUndo/register.js';
import 'monaco-editor/features/diffEditor/register.js';
import 'monaco-editor/features/find/register.js';
import 'monaco-editor/features/folding/register.js';
import 'monaco-editor/features/format/register.js';
import 'monaco-editor/features/gotoError/register.js';
import 'monaco-editor/features/hover/register.js';
import 'monaco-editor/features/indentation/register.js';
import 'monaco-editor/features/linesOperations/register.js';
import 'monaco-editor/features/multicursor/register.js';
import 'monaco-editor/features/suggest/register.js';
import 'monaco-editor/features/wordHighlighter/register.js';
import 'monaco-editor/features/wordOperations/register.js';
import 'monaco-editor/languages/definitions/yaml/register.js';
import { configureMonacoYaml } from 'monaco-yaml';
import manifestSchema from '../../runtime/manifest/model-manifest.schema.json' with { type: 'json' };
import { MANIFEST_SCHEMA_URI } from './monacoModels.ts';
import { wgslConfiguration, wgslGrammar, WGSL_LANGUAGE_ID } from './wgslLanguage.ts';

export type Monaco = typeof monaco;

function startWorker(label: string): Worker {
  if (label === 'yaml')
    return new Worker(new URL('./yaml.worker.ts', import.meta.url), {
      type: 'module',
      name: 'monaco-yaml',
    });
  return new Worker(new URL('./editor.worker.ts', import.meta.url), {
    type: 'module',
    name: 'monaco-editor',
  });
}

self.MonacoEnvironment = { getWorker: (_moduleId: string, label: string) => startWorker(label) };

/**
 * monaco-yaml (through monaco-worker-manager) still calls `editor.createWebWorker({ label,
 * createData })`, the API before Monaco 0.5x, which now wants the worker itself. This is the
 * older call on the newer API, as Monaco's own language workers make it: start the worker for
 * the label, then send it a first message to wake it and `createData` as the second.
 */
function createLabelledWebWorker<T extends object>(options: {
  readonly label: string;
  readonly createData?: unknown;
  readonly host?: Record<string, (...args: never[]) => unknown>;
  readonly keepIdleModels?: boolean;
}): monaco.editor.MonacoWebWorker<T> {
  const worker = startWorker(options.label);
  worker.postMessage('ignore');
  worker.postMessage(options.createData);
  return monaco.editor.createWebWorker<T>({
    worker,
    ...(options.host && { host: options.host }),
    ...(options.keepIdleModels !== undefined && { keepIdleModels: options.keepIdleModels }),
  });
}

monaco.languages.register({ id: WGSL_LANGUAGE_ID, extensions: ['.wgsl'], aliases: ['WGSL'] });
monaco.languages.setMonarchTokensProvider(WGSL_LANGUAGE_ID, wgslGrammar);
monaco.languages.setLanguageConfiguration(WGSL_LANGUAGE_ID, wgslConfiguration);

configureMonacoYaml(
  { ...monaco, editor: { ...monaco.editor, createWebWorker: createLabelledWebWorker } },
  {
    enableSchemaRequest: false,
    schemas: [
      {
        // Every YAML model the portal opens is a model manifest.
        fileMatch: ['**/*.yaml', '**/*.yml'],
        uri: MANIFEST_SCHEMA_URI,
        schema: manifestSchema,
      },
    ],
  },
);

monaco.editor.defineTheme('twinbench', {
  base: 'vs-dark',
  inherit: true,
  rules: [
    { token: 'annotation', foreground: 'c586c0' },
    { token: 'keyword.qualifier', foreground: '9cdcfe' },
    { token: 'identifier.function', foreground: 'dcdcaa' },
    { token: 'type', foreground: '4ec9b0' },
  ],
  colors: { 'editor.background': '#0b1220' },
});

export { monaco };
