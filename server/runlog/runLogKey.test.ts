import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../logger.ts';
import { RunLogConfigError } from './runLogErrors.ts';
import { DEFAULT_RUNLOG_ORIGIN, loadRunLogSigners, RUNLOG_ENV } from './runLogKey.ts';

function memoryLogger() {
  const logger = createMemoryLogger();
  return { logger, lines: logger.lines };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'runlog-key-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function writeKey(name: string, type: 'ed25519' | 'ec' = 'ed25519'): string {
  const { privateKey } =
    type === 'ec'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : generateKeyPairSync('ed25519');
  const path = join(dir, name);
  writeFileSync(path, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
  return path;
}

describe('loadRunLogSigners', () => {
  it('signs with the key file and origin the environment names', async () => {
    const { logger, lines } = memoryLogger();
    const env = {
      [RUNLOG_ENV.keyFile]: writeKey('log.pem'),
      [RUNLOG_ENV.origin]: 'twinbench.example.org/runlog',
    };
    const [signer, ...rest] = await loadRunLogSigners(env, { logger });
    expect(rest).toEqual([]);
    expect(signer!.publicKey.name).toBe('twinbench.example.org/runlog');
    expect(lines).toEqual([
      {
        level: 'info',
        line: `[runlog] signing checkpoints of twinbench.example.org/runlog with ${env[RUNLOG_ENV.keyFile]}`,
        fields: {
          verifierKey: expect.stringMatching(
            /^twinbench\.example\.org\/runlog\+[0-9a-f]{8}\+/,
          ) as unknown,
        },
      },
    ]);
  });

  it('signs with each of several comma-separated key files while rotating', async () => {
    const { logger } = memoryLogger();
    const env = { [RUNLOG_ENV.keyFile]: `${writeKey('old.pem')}, ${writeKey('new.pem')}` };
    const signers = await loadRunLogSigners(env, { logger });
    expect(signers.map((s) => s.publicKey.name)).toEqual([
      DEFAULT_RUNLOG_ORIGIN,
      DEFAULT_RUNLOG_ORIGIN,
    ]);
    expect(signers[0]!.publicKey.publicKey).not.toBe(signers[1]!.publicKey.publicKey);
  });

  it('makes a development key once, readable by this user only, and reuses it', async () => {
    const { logger, lines } = memoryLogger();
    const developmentKeyFile = join(dir, 'cache', 'runlog-dev-key.pem');
    const [first] = await loadRunLogSigners({}, { logger, developmentKeyFile });
    expect(statSync(developmentKeyFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(developmentKeyFile, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    const [second] = await loadRunLogSigners({}, { logger, developmentKeyFile });
    expect(second!.publicKey).toEqual(first!.publicKey);
    expect(lines.map((l) => l.level)).toEqual(['warn', 'warn']);
    expect(lines[0]!.line).toContain(
      `[runlog] ${RUNLOG_ENV.keyFile} is unset: signing checkpoints with the development key ${developmentKeyFile} (made now).`,
    );
    expect(lines[1]!.line).not.toContain('(made now)');
    expect(lines[0]!.fields?.verifierKey).toMatch(/^localhost\/twinbench\/runlog\+[0-9a-f]{8}\+/);
  });

  it('says what is wrong with a key file and how to make a good one', async () => {
    const { logger } = memoryLogger();
    const load = (path: string) => loadRunLogSigners({ [RUNLOG_ENV.keyFile]: path }, { logger });
    await expect(load(join(dir, 'missing.pem'))).rejects.toThrow(
      /TWINBENCH_RUNLOG_KEY_FILE: cannot read .*missing\.pem .*make a key with `openssl genpkey -algorithm ed25519/,
    );
    const notPem = join(dir, 'not.pem');
    writeFileSync(notPem, 'hello');
    await expect(load(notPem)).rejects.toThrow(/is not a PEM private key/);
    await expect(load(writeKey('ec.pem', 'ec'))).rejects.toThrow(
      /holds an ec key; the run log signs with Ed25519/,
    );
    const error = await load(notPem).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunLogConfigError);
    expect((error as RunLogConfigError).reason).toBe('invalid_key');
  });

  it('warns when the key file can be read by others', async () => {
    const { logger, lines } = memoryLogger();
    const path = writeKey('open.pem');
    chmodSync(path, 0o644);
    await loadRunLogSigners({ [RUNLOG_ENV.keyFile]: path }, { logger });
    expect(lines.filter((l) => l.level === 'warn').map((l) => l.line)).toEqual([
      `[runlog] ${path} can be read by other users of this machine: \`chmod 600 ${path}\`, since whoever holds it can sign run log checkpoints.`,
    ]);
  });

  it('refuses an origin that cannot be a key name', async () => {
    const { logger } = memoryLogger();
    const env = { [RUNLOG_ENV.keyFile]: writeKey('log.pem'), [RUNLOG_ENV.origin]: 'my run log' };
    const error = await loadRunLogSigners(env, { logger }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunLogConfigError);
    expect((error as RunLogConfigError).reason).toBe('invalid_origin');
  });
});
