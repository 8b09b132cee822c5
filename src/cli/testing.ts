import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { CommandContext } from './commandContext.ts';

/** A command's output, as tests read it. */
export interface Captured {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/**
 * Runs a command in-process with captured output. `device` is the test's (from `withGpu`);
 * without one, asking for a GPU fails the test, so argument and file checks are shown to come
 * first.
 */
export async function capture(
  command: (args: readonly string[], ctx: CommandContext) => Promise<number>,
  args: readonly string[],
  options: {
    readonly device?: { readonly device: GPUDevice; readonly adapter: string };
    readonly signal?: AbortSignal;
    readonly onErr?: (text: string) => void;
  } = {},
): Promise<Captured> {
  const out: string[] = [];
  const err: string[] = [];
  const { device } = options;
  const code = await command(args, {
    out: (text) => out.push(text),
    err: (text) => {
      err.push(text);
      options.onErr?.(text);
    },
    ...(options.signal ? { signal: options.signal } : {}),
    gpu: () => {
      if (!device) throw new Error('test: the command asked for a GPU before checking its input');
      return Promise.resolve({ ok: true, ...device });
    },
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const BIN = join(import.meta.dirname, '../../bin/twinbench.mjs');

/** Runs `bin/twinbench.mjs` as users do (`npx twinbench …`), in its own Node process. */
export function runBin(args: readonly string[], cwd?: string): Promise<Captured> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, out, err }));
  });
}
