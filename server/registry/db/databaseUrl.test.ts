import { describe, expect, it } from 'vitest';
import { describeDatabaseUrl } from './databaseUrl.ts';
import { RegistryDbError } from './errors.ts';

describe('describeDatabaseUrl', () => {
  it('reads host, port, user and database and drops the password', () => {
    expect(
      describeDatabaseUrl('postgres://ada:s%3Acret@db.example:6543/registry?sslmode=require'),
    ).toEqual({
      host: 'db.example',
      port: 6543,
      user: 'ada',
      database: 'registry',
      redacted: 'postgres://ada@db.example:6543/registry?sslmode=require',
    });
  });

  it('fills in what PostgreSQL would: port 5432, database named after the user', () => {
    expect(describeDatabaseUrl('postgresql://ada@localhost')).toMatchObject({
      host: 'localhost',
      port: 5432,
      database: 'ada',
    });
    expect(describeDatabaseUrl('postgres:///registry?host=/run/postgresql&password=x')).toEqual({
      host: '/run/postgresql',
      port: 5432,
      user: '',
      database: 'registry',
      redacted: 'postgres:///registry?host=%2Frun%2Fpostgresql',
    });
  });

  it('refuses what is not a postgres URL without repeating it', () => {
    for (const url of ['not a url with hunter2', 'mysql://u:hunter2@h/db']) {
      let thrown: unknown;
      try {
        describeDatabaseUrl(url);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(RegistryDbError);
      expect(thrown).toMatchObject({ reason: 'bad_config' });
      expect((thrown as Error).message).toContain('postgres://');
      expect((thrown as Error).message).not.toContain('hunter2');
    }
  });
});
