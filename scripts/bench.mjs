#!/usr/bin/env node
// `npm run bench -- NAME [ARGS]`: runs bench/NAME.bench.ts with tsx, with Dawn pointed at
// SwiftShader where there is no GPU driver. Each benchmark prints one JSON object per line.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gpuEnv } from './gpuEnv.mjs';

const [name, ...args] = process.argv.slice(2);
const available = readdirSync('bench')
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace('.bench.ts', ''));
if (!name || !existsSync(`bench/${name}.bench.ts`)) {
  console.error(`usage: npm run bench -- NAME, with NAME one of: ${available.join(', ')}`);
  process.exit(2);
}
const tsx = createRequire(import.meta.url).resolve('tsx/cli');
const result = spawnSync(process.execPath, [tsx, `bench/${name}.bench.ts`, ...args], {
  stdio: 'inherit',
  env: { ...process.env, ...gpuEnv() },
});
process.exit(result.status ?? 1);
