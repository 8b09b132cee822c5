import { linkSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RegistryDbError } from './errors.ts';

/**
 * PGlite is one Postgres backend in this process: two processes on one data directory each
 * cache pages and lose each other's writes. A lock file holding the owner's pid keeps a second
 * one out; a lock left by a process that died is taken over.
 */
export const LOCK_FILE = 'twinbench-registry.lock';

export interface DataDirLock {
  release(): void;
}

// Locks this process holds, so a lock file carrying our own pid can be told apart from one a
// previous process with the same pid (a restarted container) left behind.
const held = new Set<string>();

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function ownerPid(file: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function locked(dir: string, file: string, pid: number): RegistryDbError {
  return new RegistryDbError(
    'locked',
    `the registry's PGlite data directory ${dir} is in use by process ${pid}${pid === process.pid ? ' (this one)' : ''}. ` +
      'Only one process may open it: stop the other one, or set DATABASE_URL so several processes share a PostgreSQL server. ' +
      `If no Twinbench process uses it, delete ${file}.`,
  );
}

/** Takes the lock of data directory `dir` (which must exist) or throws a `locked` error. */
export function lockDataDir(dir: string): DataDirLock {
  const file = join(dir, LOCK_FILE);
  // Written aside and hard-linked into place: the lock file never exists without its pid.
  const draft = join(dir, `${LOCK_FILE}.${process.pid}`);
  writeFileSync(draft, `${process.pid}\n`);
  try {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        linkSync(draft, file);
        held.add(file);
        return { release: () => release(file) };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const pid = ownerPid(file);
      if (pid !== null && (held.has(file) || (pid !== process.pid && processAlive(pid)))) {
        throw locked(dir, file, pid);
      }
      // Left by a process that is gone: take it over. Two processes taking over the same stale
      // lock at the same instant can both succeed; that needs a crash and two starts within
      // milliseconds.
      rmSync(file, { force: true });
    }
    throw locked(dir, file, ownerPid(file) ?? 0);
  } finally {
    rmSync(draft, { force: true });
  }
}

function release(file: string): void {
  if (!held.delete(file)) return;
  if (ownerPid(file) === process.pid) rmSync(file, { force: true });
}
