#!/usr/bin/env node
// `npx twinbench …`: runs the TypeScript CLI with tsx, pointing Dawn at SwiftShader where there is no GPU driver.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gpuEnv } from '../scripts/gpuEnv.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsx = createRequire(import.meta.url).resolve('tsx/cli');
const result = spawnSync(
  process.execPath,
  [tsx, join(root, 'src/cli/twinbench.ts'), ...process.argv.slice(2)],
  {
    stdio: 'inherit',
    env: { ...process.env, ...gpuEnv() },
  },
);
process.exit(result.status ?? 1);
