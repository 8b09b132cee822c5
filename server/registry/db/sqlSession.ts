/** What a registry query may bind: both drivers send these the same way. No arrays or objects. */
export type SqlParam = string | number | boolean | null | Uint8Array | Date;

/** One result row as the driver returns it; read it with the helpers in `rows.ts`. */
export type SqlRow = Readonly<Record<string, unknown>>;

/** Where the repository functions run their SQL: a database handle or an open transaction. */
export interface SqlSession {
  /** One statement, parameters as `$1`, `$2`… */
  query(sql: string, params?: readonly SqlParam[]): Promise<readonly SqlRow[]>;
  /**
   * Runs `work` in a transaction: committed when it resolves, rolled back when it throws. Inside
   * a transaction this opens a savepoint, so repository functions compose. Run the statements
   * of one transaction one after another, not concurrently.
   */
  transaction<T>(work: (tx: SqlSession) => Promise<T>): Promise<T>;
}

export type RegistryBackend = 'pglite' | 'postgres';

/**
 * The registry's database: embedded PGlite or a PostgreSQL server, behind the same SQL.
 * Whoever opened it closes it.
 */
export interface RegistryDb extends SqlSession {
  readonly backend: RegistryBackend;
  /** Where the data lives, safe to log: a directory, `memory://`, or the URL without password. */
  readonly location: string;
  close(): Promise<void>;
}

type RunQuery = (sql: string, params?: readonly SqlParam[]) => Promise<readonly SqlRow[]>;

/** The session handed to a transaction's work: nested `transaction` calls become savepoints. */
export function transactionSession(run: RunQuery): SqlSession {
  let depth = 0;
  const session: SqlSession = {
    query: run,
    async transaction<T>(work: (tx: SqlSession) => Promise<T>): Promise<T> {
      const savepoint = `registry_sp_${++depth}`;
      try {
        await run(`SAVEPOINT ${savepoint}`);
        try {
          const result = await work(session);
          await run(`RELEASE SAVEPOINT ${savepoint}`);
          return result;
        } catch (error) {
          await run(`ROLLBACK TO SAVEPOINT ${savepoint}`);
          throw error;
        }
      } finally {
        depth--;
      }
    },
  };
  return session;
}
