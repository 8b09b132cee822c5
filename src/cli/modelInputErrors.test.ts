import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { exampleCommand } from './exampleCommand.ts';
import { fitCommand } from './fitCommand.ts';
import { runCommand } from './runCommand.ts';
import { capture, runBin } from './testing.ts';

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tb-cli-input-'));
  const r = await capture(exampleCommand, ['pid-plant', '--out', dir]);
  expect(r.code, r.err).toBe(0);
});

/** The example's manifest with one edit, written next to its kernel. */
function manifestWith(from: string, to: string): string {
  const text = readFileSync(join(dir, 'model.yaml'), 'utf8');
  expect(text).toContain(from);
  const file = join(dir, `edited-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, text.replace(from, to));
  return file;
}

describe('twinbench run and fit: bad manifests and data exit 2 and say where', () => {
  it('prints the manifest issue with its YAML path, line and column (the CLI as users run it)', async () => {
    const text = readFileSync(join(dir, 'model.yaml'), 'utf8');
    const line = text.split('\n').findIndex((l) => l.includes('upper: 100')) + 1;
    const file = manifestWith('upper: 100', 'upper: 0.1');
    const r = await runBin(['run', file, '--json']);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain(`parameters[0].lower (line ${line - 1}, col 12)`);
    expect(r.err).toContain('lower bound 0.5 is not below upper bound 0.1');
  });

  it('names a kernel entry point that does not exist, with a suggestion', async () => {
    const r = await capture(runCommand, [manifestWith('entry: step', 'entry: stpe')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/schedule\[0\]\.entry \(line \d+, col \d+\).*did you mean `step`/);
  });

  it('names the channel a data CSV lacks', async () => {
    const csv = join(dir, 'no-position.csv');
    writeFileSync(csv, 'time,axis/setpoint,axis/pos\n0,0,0\n6,1,1\n');
    const r = await capture(fitCommand, [join(dir, 'model.yaml'), '--data', csv]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(
      'no-position.csv: line 1: model "pid plant"\'s observables need channel `axis/position`, which the header lacks',
    );
  });

  it('names the input channel an inputs CSV lacks', async () => {
    const csv = join(dir, 'inputs.csv');
    writeFileSync(csv, 'time,axis/target\n0,1\n');
    const r = await capture(runCommand, [join(dir, 'model.yaml'), '--inputs', csv]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('need channel `axis/setpoint`');
  });

  it('gives the line of a value that is not a number', async () => {
    const csv = join(dir, 'bad-number.csv');
    writeFileSync(csv, 'time,axis/setpoint,axis/position\n0,0,0\n3,1,abc\n6,1,1\n');
    const r = await capture(fitCommand, [join(dir, 'model.yaml'), '--data', csv]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('bad-number.csv: line 3: axis/position "abc" is not a number');
  });
});
