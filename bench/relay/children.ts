/**
 * Every process the bench starts is forked through here, so one place can end them all: on a
 * normal exit, on Ctrl-C / SIGTERM, and on a crash. Children also exit by themselves when the
 * IPC channel closes (workerSide.ts, relayChild.ts), which covers a bench killed with SIGKILL.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FromWorker, ToWorker } from './protocol.ts';

const running = new Set<ChildProcess>();

/** Forks a TypeScript module of this folder with tsx; its stdout goes to our stderr. */
export function forkTs(
  module: string,
  env: NodeJS.ProcessEnv,
  options: { readonly execArgv?: readonly string[]; readonly pipeStdout?: boolean } = {},
): ChildProcess {
  const child = fork(fileURLToPath(new URL(module, import.meta.url)), [], {
    execArgv: ['--import', 'tsx', ...(options.execArgv ?? [])],
    env,
    // Our stdout carries the JSON lines only.
    stdio: ['ignore', options.pipeStdout === true ? 'pipe' : 2, 'pipe', 'ipc'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

/** SIGTERM to every child still running, SIGKILL to those left after `graceMs`. */
export async function stopAll(graceMs = 5000): Promise<void> {
  const children = [...running];
  const exited = children.map(
    (child) =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) resolve();
        else child.once('exit', () => resolve());
      }),
  );
  for (const child of children) child.kill('SIGTERM');
  const timer = setTimeout(() => {
    for (const child of running) child.kill('SIGKILL');
  }, graceMs);
  await Promise.all(exited);
  clearTimeout(timer);
}

/** Synchronous last resort for `process.on('exit')`: SIGKILL whatever is left. */
export function killAllNow(): void {
  for (const child of running) child.kill('SIGKILL');
}

type Request = ToWorker extends infer T
  ? T extends { id: number }
    ? Omit<T, 'id'>
    : never
  : never;

/** A worker process (publisherWorker.ts, clientWorker.ts) and its request/answer channel. */
export class Worker {
  private nextId = 1;
  private readonly waiting = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();
  private stderrTail = '';

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    child.on('message', (message: FromWorker) => {
      if (message.type === 'ready') return;
      const entry = this.waiting.get(message.id);
      this.waiting.delete(message.id);
      if (message.type === 'done') entry?.resolve(message.result);
      else entry?.reject(new Error(`${name}: ${message.error}`));
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      this.stderrTail = (this.stderrTail + chunk.toString()).slice(-2000);
    });
    child.once('exit', (code, signal) => {
      for (const entry of this.waiting.values())
        entry.reject(
          new Error(`${name} exited (${signal ?? code}) during a request: ${this.stderrTail}`),
        );
      this.waiting.clear();
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Forks `module` and waits for its `ready`. */
  static start(name: string, module: string, env: NodeJS.ProcessEnv): Promise<Worker> {
    const child = forkTs(module, env);
    const worker = new Worker(name, child);
    return new Promise((resolve, reject) => {
      child.once('message', () => resolve(worker));
      child.once('exit', (code) =>
        reject(
          new Error(
            `relay bench: ${name} exited (${code}) before it was ready: ${worker.stderrTail}`,
          ),
        ),
      );
    });
  }

  request<T>(request: Request): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.child.send({ ...request, id });
    });
  }
}
