#!/usr/bin/env node
// `npx twinbench …`: runs the TypeScript CLI with tsx, pointing Dawn at SwiftShader where there is no GPU driver.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gpuEnv } from '../scripts/gpuEnv.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// tsx as a loader in one Node process, not its CLI: the CLI's own child would get Ctrl-C twice
// (from the terminal, then relayed by tsx), and a second Ctrl-C means "quit now".
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const child = spawn(
  process.execPath,
  ['--import', tsx, join(root, 'src/cli/twinbench.ts'), ...process.argv.slice(2)],
  {
    stdio: 'inherit',
    env: { ...process.env, ...gpuEnv() },
  },
);
// Ctrl-C reaches the whole process group, the CLI included, which stops a fit and prints the
// best result so far: this wrapper must outlive it rather than die first and hand the terminal
// back early. A SIGTERM sent to the wrapper alone is passed on.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) =>
  process.exit(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 1)),
);
