import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createTokenVerifier } from './verifyToken.ts';
import { NOW_MS, SECRET } from './testing/tokens.ts';
import { TOKEN_CLI_USAGE, runTokenCommand } from './tokenCommand.ts';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function run(argv: string[], env: Record<string, string> = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runTokenCommand(argv, {
    env,
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    now: () => NOW_MS,
  });
  return { code, stdout, stderr };
}

const now = () => NOW_MS;

describe('token command', () => {
  it('issues an HS256 token from TWINBENCH_JWT_SECRET that the relay verifies', async () => {
    const result = await run(['--role', 'operator', '--sub', 'alice', '--ttl', '3600'], {
      TWINBENCH_JWT_SECRET: SECRET,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    expect(result.stderr).toBe(
      'Token for "alice" as operator (HS256), valid until 2030-01-01T01:00:00.000Z.\n',
    );
    const verify = await createTokenVerifier({ secret: SECRET, now });
    await expect(verify(result.stdout.trim())).resolves.toEqual({
      subject: 'alice',
      role: 'operator',
      expiresAt: NOW_MS + 3600_000,
      topics: null,
      anonymous: false,
    });
  });

  it('generates an Ed25519 pair, then signs with the private JWK for the public one', async () => {
    const generated = await run(['--generate-ed25519']);
    expect(generated.code).toBe(0);
    const pair = JSON.parse(generated.stdout) as { privateKey: object; publicKey: object };
    expect(generated.stderr).toContain('TWINBENCH_JWT_PUBLIC_KEY');
    const issued = await run(['--role', 'admin', '--sub', 'root', '--ttl', '12h'], {
      TWINBENCH_JWT_PRIVATE_KEY: JSON.stringify(pair.privateKey),
    });
    expect(issued.code).toBe(0);
    expect(issued.stderr).toContain('(EdDSA), valid until 2030-01-01T12:00:00.000Z');
    const verify = await createTokenVerifier({ publicKey: JSON.stringify(pair.publicKey), now });
    await expect(verify(issued.stdout.trim())).resolves.toMatchObject({ role: 'admin' });
  });

  it('takes issuer and audience from flags or the environment, and topics from a list', async () => {
    const result = await run(
      [
        '--role',
        'operator',
        '--sub',
        'a',
        '--aud',
        'relay',
        '--topics',
        'twinbench/footbridge/#, x/+',
      ],
      { TWINBENCH_JWT_SECRET: SECRET, TWINBENCH_JWT_ISSUER: 'ops' },
    );
    expect(result.code).toBe(0);
    const verify = await createTokenVerifier({
      secret: SECRET,
      issuer: 'ops',
      audience: 'relay',
      now,
    });
    await expect(verify(result.stdout.trim())).resolves.toMatchObject({
      topics: { subscribe: ['twinbench/footbridge/#', 'x/+'] },
      expiresAt: NOW_MS + 3600_000,
    });
  });

  it('says which variable to set when there is no key', async () => {
    const result = await run(['--role', 'viewer', '--sub', 'a']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('set TWINBENCH_JWT_SECRET');
    expect(result.stderr).toContain('TWINBENCH_JWT_PRIVATE_KEY');
  });

  it('asks for --alg when both keys are set, and uses the one named', async () => {
    const env = { TWINBENCH_JWT_SECRET: SECRET, TWINBENCH_JWT_PRIVATE_KEY: 'unused' };
    const ambiguous = await run(['--role', 'viewer', '--sub', 'a'], env);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toContain('--alg HS256 or --alg EdDSA');
    const chosen = await run(['--role', 'viewer', '--sub', 'a', '--alg', 'HS256'], env);
    expect(chosen.code).toBe(0);
    const missing = await run(['--role', 'viewer', '--sub', 'a', '--alg', 'EdDSA'], {
      TWINBENCH_JWT_SECRET: SECRET,
    });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('--alg EdDSA signs with TWINBENCH_JWT_PRIVATE_KEY: set it.');
  });

  it.each([
    [[], '--role and --sub are required'],
    [['--role', 'root', '--sub', 'a'], '--role "root" is not a role'],
    [['--role', 'viewer', '--sub', 'a', '--ttl', 'forever'], '--ttl "forever" is not a lifetime'],
    [['--role', 'viewer', '--sub', 'a', '--ttl', '0'], '--ttl "0"'],
    [['--role', 'viewer', '--sub', 'a', '--alg', 'RS256'], '--alg "RS256" is not supported'],
    [['--roel', 'viewer'], "Unknown option '--roel'"],
  ])('answers usage errors %j with exit code 2 and the usage', async (argv, message) => {
    const result = await run(argv, { TWINBENCH_JWT_SECRET: SECRET });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain(TOKEN_CLI_USAGE);
    expect(result.stdout).toBe('');
  });

  it('reports a bad key with exit code 1', async () => {
    const result = await run(['--role', 'viewer', '--sub', 'a'], { TWINBENCH_JWT_SECRET: 'short' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('openssl rand -base64 32');
  });

  it('prints the usage for --help', async () => {
    const result = await run(['--help']);
    expect(result).toEqual({ code: 0, stdout: TOKEN_CLI_USAGE, stderr: '' });
  });
});

describe('tokenCli.ts as a process', () => {
  it('prints a token the relay accepts, reading the secret from the environment', async () => {
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    const cli = fileURLToPath(new URL('./tokenCli.ts', import.meta.url));
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', tsx, cli, '--role', 'operator', '--sub', 'alice', '--ttl', '3600'],
      { env: { PATH: process.env.PATH ?? '', TWINBENCH_JWT_SECRET: SECRET }, timeout: 30_000 },
    );
    expect(stderr).toContain('Token for "alice" as operator (HS256)');
    const verify = await createTokenVerifier({ secret: SECRET });
    await expect(verify(stdout.trim())).resolves.toMatchObject({
      subject: 'alice',
      role: 'operator',
    });
  });

  it('exits 1 and names the variables when no key is set', async () => {
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    const cli = fileURLToPath(new URL('./tokenCli.ts', import.meta.url));
    const error = await promisify(execFile)(
      process.execPath,
      ['--import', tsx, cli, '--role', 'operator', '--sub', 'alice'],
      { env: { PATH: process.env.PATH ?? '' }, timeout: 30_000 },
    ).catch((e: unknown) => e as { code: number; stderr: string; stdout: string });
    expect(error).toMatchObject({ code: 1, stdout: '' });
    expect((error as { stderr: string }).stderr).toContain('set TWINBENCH_JWT_SECRET');
  });
});
