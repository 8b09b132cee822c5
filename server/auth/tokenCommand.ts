/**
 * What `tokenCli.ts` does, as a function of its arguments and environment so tests run it in
 * process. Prints the token alone on stdout (for `$(…)`) and everything for people on stderr.
 */
import { parseArgs } from 'node:util';
import { AUTH_ENV } from './authEnv.ts';
import { AuthConfigError } from './authErrors.ts';
import { issueToken } from './issueToken.ts';
import { generateEd25519KeyPair } from './keys.ts';
import { ROLES, isRole } from './roles.ts';

export interface TokenCommandIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Clock in ms since the Unix epoch, for tests. */
  readonly now?: () => number;
}

export const TOKEN_CLI_USAGE = `Usage:
  npx tsx server/auth/tokenCli.ts --role <${ROLES.join('|')}> --sub <name> [--ttl <seconds|30m|12h|7d>]
      [--iss <issuer>] [--aud <audience>] [--topics <filter,filter>] [--alg HS256|EdDSA]
  npx tsx server/auth/tokenCli.ts --generate-ed25519

Signs with ${AUTH_ENV.secret} (HS256) or ${AUTH_ENV.privateKey} (Ed25519, PEM or JWK).
--ttl defaults to 1h; --iss and --aud default to ${AUTH_ENV.issuer} and ${AUTH_ENV.audience}.
--topics narrows what the token may receive and publish, e.g. twinbench/footbridge/#.
`;

const DEFAULT_TTL_SECONDS = 3600;
const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86400 } as const;

class UsageError extends Error {
  override readonly name = 'UsageError';
}

function parseTtl(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_TTL_SECONDS;
  const match = /^(\d+)([smhd]?)$/.exec(raw.trim());
  const seconds = match ? Number(match[1]) * UNIT_SECONDS[(match[2] || 's') as 's'] : NaN;
  if (!Number.isSafeInteger(seconds) || seconds <= 0) {
    throw new UsageError(
      `--ttl ${JSON.stringify(raw)} is not a lifetime: use e.g. 3600, 30m, 12h or 7d.`,
    );
  }
  return seconds;
}

function envValue(env: TokenCommandIo['env'], name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value;
}

async function generate(io: TokenCommandIo): Promise<number> {
  const pair = await generateEd25519KeyPair();
  io.stdout(`${JSON.stringify(pair, null, 2)}\n`);
  io.stderr(
    `Set ${AUTH_ENV.publicKey} on the relay to the "publicKey" JSON, and ${AUTH_ENV.privateKey} where tokens are issued to the "privateKey" JSON. Keep the private key secret.\n`,
  );
  return 0;
}

/** The key to sign with: the one --alg names, or the only one set. */
function signingKey(
  env: TokenCommandIo['env'],
  alg: string | undefined,
): { readonly secret: string } | { readonly privateKey: string } {
  if (alg !== undefined && alg !== 'HS256' && alg !== 'EdDSA') {
    throw new UsageError(`--alg ${JSON.stringify(alg)} is not supported: use HS256 or EdDSA.`);
  }
  const secret = envValue(env, AUTH_ENV.secret);
  const privateKey = envValue(env, AUTH_ENV.privateKey);
  if (secret === undefined && privateKey === undefined) {
    throw new AuthConfigError(
      'invalid_value',
      `no signing key: set ${AUTH_ENV.secret} to the relay's HS256 secret, or ${AUTH_ENV.privateKey} to an Ed25519 private key (PEM or JWK; make a pair with --generate-ed25519).`,
    );
  }
  if (alg === undefined && secret !== undefined && privateKey !== undefined) {
    throw new UsageError(
      `both ${AUTH_ENV.secret} and ${AUTH_ENV.privateKey} are set: choose one with --alg HS256 or --alg EdDSA.`,
    );
  }
  if (alg === 'HS256' || (alg === undefined && secret !== undefined)) {
    if (secret === undefined) {
      throw new AuthConfigError(
        'invalid_value',
        `--alg HS256 signs with ${AUTH_ENV.secret}: set it.`,
      );
    }
    return { secret };
  }
  if (privateKey === undefined) {
    throw new AuthConfigError(
      'invalid_value',
      `--alg EdDSA signs with ${AUTH_ENV.privateKey}: set it.`,
    );
  }
  return { privateKey };
}

async function issue(values: Record<string, string | boolean | undefined>, io: TokenCommandIo) {
  const str = (name: string) => (typeof values[name] === 'string' ? values[name] : undefined);
  const role = str('role');
  const subject = str('sub');
  if (role === undefined || subject === undefined) {
    throw new UsageError(
      'say who the token is for and what they may do: --role and --sub are required.',
    );
  }
  if (!isRole(role)) {
    throw new UsageError(`--role ${JSON.stringify(role)} is not a role: use ${ROLES.join(', ')}.`);
  }
  const ttlSeconds = parseTtl(str('ttl'));
  const key = signingKey(io.env, str('alg'));
  const issuer = str('iss') ?? envValue(io.env, AUTH_ENV.issuer)?.trim();
  const audience = str('aud') ?? envValue(io.env, AUTH_ENV.audience)?.trim();
  const topics = str('topics')
    ?.split(',')
    .map((filter) => filter.trim())
    .filter((filter) => filter !== '');
  const now = io.now ?? Date.now;
  const claims = {
    subject,
    role,
    ttlSeconds,
    now,
    ...(issuer === undefined ? {} : { issuer }),
    ...(audience === undefined ? {} : { audience }),
    ...(topics === undefined ? {} : { topics }),
  };
  const token = await issueToken({ ...claims, ...key });
  io.stdout(`${token}\n`);
  const expires = new Date((Math.floor(now() / 1000) + ttlSeconds) * 1000).toISOString();
  io.stderr(
    `Token for ${JSON.stringify(subject)} as ${role} (${'secret' in key ? 'HS256' : 'EdDSA'}), valid until ${expires}.\n`,
  );
  return 0;
}

/** Runs the token CLI; resolves with the exit code (0 done, 1 settings, 2 usage). */
export async function runTokenCommand(
  argv: readonly string[],
  io: TokenCommandIo,
): Promise<number> {
  try {
    const { values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        role: { type: 'string' },
        sub: { type: 'string' },
        ttl: { type: 'string' },
        iss: { type: 'string' },
        aud: { type: 'string' },
        topics: { type: 'string' },
        alg: { type: 'string' },
        'generate-ed25519': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help === true) {
      io.stdout(TOKEN_CLI_USAGE);
      return 0;
    }
    if (values['generate-ed25519'] === true) return await generate(io);
    return await issue(values, io);
  } catch (error) {
    // parseArgs reports unknown or malformed options as TypeErrors with an ERR_PARSE_ARGS code.
    const usage =
      error instanceof UsageError ||
      (error instanceof TypeError &&
        String((error as NodeJS.ErrnoException).code).startsWith('ERR_PARSE_ARGS'));
    if (usage) {
      io.stderr(`tokenCli: ${(error as Error).message}\n\n${TOKEN_CLI_USAGE}`);
      return 2;
    }
    if (error instanceof AuthConfigError) {
      io.stderr(`tokenCli: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
