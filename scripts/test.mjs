#!/usr/bin/env node
// `npm test`: format → lint → types → build → every Vitest suite (unit, integration, GPU, e2e),
// then one summary line. Tests that need something missing here (a GPU adapter, Chromium, a
// running broker) skip loudly; with TWINBENCH_REQUIRE_ALL=1 (CI) they fail instead.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { gpuEnv } from './gpuEnv.mjs';

const resultsFile = '.test-results/vitest.json';
const env = { ...process.env, ...gpuEnv() };
const failures = [];

function step(name, command, args) {
  console.info(`\n━━ ${name}: ${[command, ...args].join(' ')}`);
  const started = Date.now();
  const result = spawnSync(command, args, { stdio: 'inherit', env });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    failures.push(name);
    console.error(`✗ ${name} failed (${seconds} s)`);
  } else {
    console.info(`✓ ${name} (${seconds} s)`);
  }
}

const bin = (name) => `node_modules/.bin/${name}`;
step('format', bin('prettier'), ['--check', '--log-level', 'warn', '.']);
step('lint', bin('eslint'), ['--max-warnings', '0', '.']);
step('types', bin('tsc'), ['--noEmit', '-p', '.']);
step('build', bin('vite'), ['build', '--logLevel', 'warn']);

mkdirSync('.test-results', { recursive: true });
rmSync(resultsFile, { force: true });
step('tests', bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${resultsFile}`, ...process.argv.slice(2)]);

let summary = 'tests: no results (the test run did not complete)';
if (existsSync(resultsFile)) {
  const r = JSON.parse(readFileSync(resultsFile, 'utf8'));
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  summary = `tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`;
  if (skipped > 0) {
    const names = r.testResults.flatMap((file) =>
      file.assertionResults.filter((t) => t.status === 'pending' || t.status === 'skipped' || t.status === 'todo').map((t) => `  - ${t.fullName}`),
    );
    console.warn(`\n*** ${skipped} test(s) SKIPPED — they need something this machine lacks (see the warnings above):\n${names.join('\n')}`);
  }
}
if (failures.length > 0) console.error(`\nFailed steps: ${failures.join(', ')}`);
console.info(`\n${summary}`);
process.exit(failures.length > 0 ? 1 : 0);
