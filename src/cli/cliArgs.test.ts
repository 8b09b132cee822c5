import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exampleCommand } from './exampleCommand.ts';
import { fitCommand } from './fitCommand.ts';
import { runCommand } from './runCommand.ts';
import { capture } from './testing.ts';

const COMMANDS = { run: runCommand, fit: fitCommand, example: exampleCommand };

const PID = join(import.meta.dirname, '../examples/pidPlant/model.yaml');

describe('twinbench run, fit and example: argument errors exit 2 before any GPU is requested', () => {
  it.each([
    ['run', [], 'give the manifest (MODEL.yaml)'],
    ['run', [PID, PID], 'give one manifest (MODEL.yaml), not 2'],
    ['run', [PID, '--stpes', '10'], "Unknown option '--stpes'"],
    ['run', [PID, '--steps', '0'], '--steps is "0": give a whole number ≥ 1'],
    ['run', [PID, '--every', '2.5'], '--every is "2.5": give a whole number ≥ 1'],
    ['run', [PID, '--steps'], "Option '--steps <value>' argument missing"],
    ['fit', [PID], 'give --data FILE.csv'],
    ['fit', [PID, '--data', 'x.csv', '--optimizer', 'sgd'], 'choose lbfgs or adam'],
    ['fit', [PID, '--data', 'x.csv', '--iterations', 'many'], '--iterations is "many"'],
    ['fit', [PID, '--data', 'x.csv', '--budget', '1'], '--budget is "1"'],
    ['fit', [PID, '--data', 'x.csv', '--learning-rate', '0.1'], 'is for adam'],
    ['example', ['heat-sink', '--out', 'x'], 'no example "heat-sink": choose pid-plant'],
    ['example', ['pid-plant'], 'give --out DIR'],
  ] as const)('twinbench %s %j', async (command, args, message) => {
    const r = await capture(COMMANDS[command], args);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
    expect(r.out).toBe('');
  });

  it('names a data file that cannot be read', async () => {
    const r = await capture(fitCommand, [PID, '--data', '/nonexistent/data.csv']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('cannot read the data /nonexistent/data.csv (ENOENT');
  });

  it('names a manifest that cannot be read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tb-cli-'));
    const r = await capture(runCommand, [join(dir, 'missing.yaml')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/cannot read the manifest .*missing\.yaml \(ENOENT/);
  });
});
