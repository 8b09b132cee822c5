#!/usr/bin/env node
// `npm test`: format → lint → types → build → every Vitest suite (unit, integration, GPU, e2e),
// then one summary line. Tests that need something missing here (a GPU adapter, Chromium, a
// running broker) skip loudly; with TWINBENCH_REQUIRE_ALL=1 (CI) they fail instead.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
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

// Integration tests need Mosquitto, Kafka and PostgreSQL. Start the ones this machine can run and that are
// not already up (CI starts them itself), and stop what we started afterwards.
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const services = [
  { name: 'mosquitto', canRun: has('mosquitto') || existsSync('/usr/sbin/mosquitto') },
  {
    name: 'kafka',
    canRun: has('java') && (has('mvn') || existsSync(`${process.env.HOME}/.cache/twinbench`)),
  },
  {
    name: 'postgres',
    canRun:
      has('pg_ctl') ||
      (existsSync('/usr/lib/postgresql') &&
        readdirSync('/usr/lib/postgresql').some((v) =>
          existsSync(`/usr/lib/postgresql/${v}/bin/pg_ctl`),
        )),
  },
];
const started = [];
for (const service of services) {
  const script = `scripts/services/${service.name}.sh`;
  if (spawnSync('bash', [script, 'status'], { stdio: 'ignore' }).status === 0) continue;
  if (!service.canRun) {
    console.warn(
      `\n*** ${service.name} is not installed here: its integration tests will be SKIPPED (see README, Tests) ***`,
    );
    continue;
  }
  console.info(`\n━━ starting ${service.name} for the integration tests`);
  if (spawnSync('bash', [script, 'start'], { stdio: 'inherit' }).status === 0) started.push(script);
  else
    console.warn(`*** could not start ${service.name}: its integration tests will be SKIPPED ***`);
}

mkdirSync('.test-results', { recursive: true });
rmSync(resultsFile, { force: true });
step('tests', bin('vitest'), [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${resultsFile}`,
  ...process.argv.slice(2),
]);

for (const script of started) spawnSync('bash', [script, 'stop'], { stdio: 'inherit' });

let summary = 'tests: no results (the test run did not complete)';
if (existsSync(resultsFile)) {
  const r = JSON.parse(readFileSync(resultsFile, 'utf8'));
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  summary = `tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`;
  if (skipped > 0) {
    const names = r.testResults.flatMap((file) =>
      file.assertionResults
        .filter((t) => t.status === 'pending' || t.status === 'skipped' || t.status === 'todo')
        .map((t) => `  - ${t.fullName}`),
    );
    console.warn(
      `\n*** ${skipped} test(s) SKIPPED — they need something this machine lacks (see the warnings above):\n${names.join('\n')}`,
    );
  }
}
if (failures.length > 0) console.error(`\nFailed steps: ${failures.join(', ')}`);
console.info(`\n${summary}`);
process.exit(failures.length > 0 ? 1 : 0);
