// monaco-yaml's language worker (schema validation, completion, hover). Imported through a file
// of our own so Vite bundles it as a worker entry of this project (monaco-yaml's README, "Why
// doesn't it work with Vite?").
import 'monaco-yaml/yaml.worker.js';
