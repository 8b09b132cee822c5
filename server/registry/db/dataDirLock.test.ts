import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LOCK_FILE, lockDataDir } from './dataDirLock.ts';
import { RegistryDbError } from './errors.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'registry-lock-'));
  dirs.push(dir);
  return dir;
}

function lockError(dir: string): RegistryDbError {
  try {
    lockDataDir(dir);
  } catch (error) {
    if (error instanceof RegistryDbError) return error;
    throw error;
  }
  throw new Error('expected the directory to be locked');
}

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

describe('lockDataDir', () => {
  it('keeps a second opener out until the first releases the directory', () => {
    const dir = tempDir();
    const lock = lockDataDir(dir);
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe(`${process.pid}\n`);
    const error = lockError(dir);
    expect(error.reason).toBe('locked');
    expect(error.message).toContain(dir);
    expect(error.message).toContain(`process ${process.pid} (this one)`);
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    lockDataDir(dir).release();
  });

  it('refuses a directory another live process holds', () => {
    const dir = tempDir();
    // Our parent (the test runner's process tree) is alive and is not us.
    writeFileSync(join(dir, LOCK_FILE), `${process.ppid}\n`);
    const error = lockError(dir);
    expect(error.reason).toBe('locked');
    expect(error.message).toContain(`process ${process.ppid}.`);
    expect(error.message).toContain('DATABASE_URL');
  });

  it('takes over a lock left by a process that is gone, or by an earlier process with our pid', () => {
    const dir = tempDir();
    writeFileSync(join(dir, LOCK_FILE), `${deadPid()}\n`);
    lockDataDir(dir).release();
    // A restarted container often gets the same pid as the process that left the lock.
    writeFileSync(join(dir, LOCK_FILE), `${process.pid}\n`);
    const lock = lockDataDir(dir);
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe(`${process.pid}\n`);
    lock.release();
  });

  it('does not delete a lock someone else took after ours was removed', () => {
    const dir = tempDir();
    const lock = lockDataDir(dir);
    writeFileSync(join(dir, LOCK_FILE), `${process.ppid}\n`);
    lock.release();
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe(`${process.ppid}\n`);
  });
});
