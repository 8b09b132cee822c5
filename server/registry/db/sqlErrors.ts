// Both drivers throw a DatabaseError carrying the server's SQLSTATE `code` and, for constraint
// violations, the constraint's name. Repository functions turn the expected ones into
// RegistryDbErrors by constraint name, so the SQL stays the only guard against races.

function field(error: unknown, name: 'code' | 'constraint'): string | undefined {
  if (typeof error !== 'object' || error === null || !(name in error)) return undefined;
  const value = (error as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

/** The SQLSTATE of a database error (e.g. `23505`), or undefined for anything else. */
export function sqlState(error: unknown): string | undefined {
  const code = field(error, 'code');
  return code !== undefined && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** Whether `error` is a unique violation of the named constraint. */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  return sqlState(error) === '23505' && field(error, 'constraint') === constraint;
}
