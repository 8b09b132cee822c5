/**
 * The run log's signing keys from the environment. TWINBENCH_RUNLOG_KEY_FILE names PEM PKCS#8
 * Ed25519 private key files (comma-separated while rotating: the log signs with each);
 * TWINBENCH_RUNLOG_ORIGIN names the log. Without a key file the server makes a development key
 * once and keeps it in ~/.cache/twinbench, so checkpoints verify across restarts on that machine.
 */
import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { formatVerifierKey } from '../../src/shared/merkle/logPublicKey.ts';
import type { Logger } from '../logger.ts';
import { ed25519CheckpointSigner, type CheckpointSigner } from './checkpointSigner.ts';
import { RunLogConfigError } from './runLogErrors.ts';

export const RUNLOG_ENV = {
  /** PEM PKCS#8 Ed25519 private key file(s), comma-separated; unset: the development key. */
  keyFile: 'TWINBENCH_RUNLOG_KEY_FILE',
  /** The log's name in checkpoints and the key's name; a schema-less URL. */
  origin: 'TWINBENCH_RUNLOG_ORIGIN',
} as const;

export const DEFAULT_RUNLOG_ORIGIN = 'localhost/twinbench/runlog';

export function defaultDevelopmentKeyFile(): string {
  return join(homedir(), '.cache', 'twinbench', 'runlog-dev-key.pem');
}

const MAKE_KEY =
  '`openssl genpkey -algorithm ed25519 -out runlog-key.pem && chmod 600 runlog-key.pem`';

type Env = Readonly<Record<string, string | undefined>>;

/** The private key in `path`; `source` names where the path came from, for messages. */
export function readSigningKeyFile(path: string, source: string, logger?: Logger): KeyObject {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (error) {
    throw new RunLogConfigError(
      'unreadable_key',
      `${source}: cannot read ${path} (${(error as Error).message}): check the path, or make a key with ${MAKE_KEY}.`,
      { cause: error },
    );
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (error) {
    throw new RunLogConfigError(
      'invalid_key',
      `${source}: ${path} is not a PEM private key (${(error as Error).message}): make one with ${MAKE_KEY}.`,
      { cause: error },
    );
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new RunLogConfigError(
      'invalid_key',
      `${source}: ${path} holds an ${key.asymmetricKeyType ?? 'unknown'} key; the run log signs with Ed25519: make one with ${MAKE_KEY}.`,
    );
  }
  if (process.platform !== 'win32' && (statSync(path).mode & 0o077) !== 0) {
    logger?.warn(
      `${path} can be read by other users of this machine: \`chmod 600 ${path}\`, since whoever holds it can sign run log checkpoints.`,
    );
  }
  return key;
}

/** The development key in `path`, made (readable by this user only) when it does not exist. */
export function developmentKey(path: string): { key: KeyObject; created: boolean } {
  try {
    return { key: createPrivateKey(readFileSync(path, 'utf8')), created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new RunLogConfigError(
        'invalid_key',
        `the development run log key ${path} cannot be used (${(error as Error).message}): delete it to have a new one made, or set ${RUNLOG_ENV.keyFile}.`,
        { cause: error },
      );
    }
  }
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' });
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  try {
    writeFileSync(path, pem, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process made it first: use theirs, so both sign with one key.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return developmentKey(path);
    throw error;
  }
  return { key: privateKey, created: true };
}

export interface RunLogSignerOptions {
  readonly logger: Logger;
  /** Where the development key lives; default `defaultDevelopmentKeyFile()`. */
  readonly developmentKeyFile?: string;
}

/**
 * The signers TWINBENCH_RUNLOG_KEY_FILE and TWINBENCH_RUNLOG_ORIGIN describe, or the
 * development key with a warning when no key file is set.
 */
export async function loadRunLogSigners(
  env: Env,
  options: RunLogSignerOptions,
): Promise<CheckpointSigner[]> {
  const logger = options.logger.child('runlog');
  const origin = env[RUNLOG_ENV.origin]?.trim() || DEFAULT_RUNLOG_ORIGIN;
  const files = (env[RUNLOG_ENV.keyFile] ?? '')
    .split(',')
    .map((file) => file.trim())
    .filter((file) => file !== '');
  if (files.length > 0) {
    return Promise.all(
      files.map(async (file) => {
        const key = readSigningKeyFile(file, RUNLOG_ENV.keyFile, logger);
        const signer = await ed25519CheckpointSigner(origin, key);
        logger.info(`signing checkpoints of ${origin} with ${file}`, {
          verifierKey: await formatVerifierKey(signer.publicKey),
        });
        return signer;
      }),
    );
  }
  const path = options.developmentKeyFile ?? defaultDevelopmentKeyFile();
  const { key, created } = developmentKey(path);
  const signer = await ed25519CheckpointSigner(origin, key);
  logger.warn(
    `${RUNLOG_ENV.keyFile} is unset: signing checkpoints with the development key ${path}${created ? ' (made now)' : ''}. Browsers pin the log's key, so before anyone relies on this log set ${RUNLOG_ENV.keyFile} to a key you keep and back up: ${MAKE_KEY}.`,
    { verifierKey: await formatVerifierKey(signer.publicKey) },
  );
  return [signer];
}
