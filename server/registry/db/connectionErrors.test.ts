import { describe, expect, it } from 'vitest';
import { connectionError } from './connectionErrors.ts';
import { describeDatabaseUrl } from './databaseUrl.ts';

const target = describeDatabaseUrl('postgres://ada:hunter2@db.example:6543/registry');

// Shaped like what pg throws: Node socket errors, and DatabaseErrors carrying a SQLSTATE.
function nodeError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('connectionError', () => {
  it.each([
    ['ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.1:6543'],
    ['ENOTFOUND', 'getaddrinfo ENOTFOUND db.example'],
    ['ETIMEDOUT', 'connect ETIMEDOUT'],
    ['57P01', 'terminating connection due to administrator command'],
    ['08006', 'connection failure'],
  ])('reports %s as unreachable, naming host:port and what to check', (code, message) => {
    const error = connectionError(nodeError(code, message), target);
    expect(error?.reason).toBe('unreachable');
    expect(error?.message).toContain('db.example:6543');
    expect(error?.message).toContain(message);
    expect(error?.message).toContain('scripts/services/postgres.sh start');
    expect(error?.message).not.toContain('hunter2');
  });

  it("reports pg's timeouts and dropped connections as unreachable", () => {
    for (const message of [
      'Connection terminated due to connection timeout',
      'Connection terminated unexpectedly',
      'timeout expired',
    ]) {
      expect(connectionError(new Error(message), target)?.reason).toBe('unreachable');
    }
  });

  it('tells a refused login and a missing database apart', () => {
    const auth = connectionError(
      nodeError('28P01', 'password authentication failed for user "ada"'),
      target,
    );
    expect(auth?.reason).toBe('auth_failed');
    expect(auth?.message).toContain('Check the user and password in DATABASE_URL');
    const missing = connectionError(
      nodeError('3D000', 'database "registry" does not exist'),
      target,
    );
    expect(missing?.reason).toBe('unknown_database');
    expect(missing?.message).toContain('createdb registry');
  });

  it('leaves errors that are not about the connection alone', () => {
    expect(connectionError(nodeError('23505', 'duplicate key'), target)).toBeNull();
    expect(connectionError(new Error('syntax error at or near "SELEC"'), target)).toBeNull();
  });
});
