import type { SqlRow } from './sqlSession.ts';

// The two drivers return some types differently (pg: int8 as string, bytea as Buffer; PGlite:
// numbers and Uint8Array). These readers give repository code one shape and fail loudly when
// a column is not what the schema says.

function column(row: SqlRow, name: string): unknown {
  if (!(name in row)) throw new Error(`registry db: result has no column "${name}"`);
  return row[name];
}

function wrongType(name: string, value: unknown, expected: string): Error {
  return new Error(`registry db: column "${name}" is ${typeof value}, expected ${expected}`);
}

/** An integer column (int4, int8 within 2^53, or count(*)). */
export function intColumn(row: SqlRow, name: string): number {
  const value = column(row, name);
  const number =
    typeof value === 'number'
      ? value
      : typeof value === 'bigint' || (typeof value === 'string' && /^-?\d+$/.test(value))
        ? Number(value)
        : NaN;
  if (!Number.isSafeInteger(number)) throw wrongType(name, value, 'a safe integer');
  return number;
}

export function floatColumn(row: SqlRow, name: string): number {
  const value = column(row, name);
  const number = typeof value === 'string' ? Number(value) : value;
  if (typeof number !== 'number' || Number.isNaN(number)) throw wrongType(name, value, 'a number');
  return number;
}

export function textColumn(row: SqlRow, name: string): string {
  const value = column(row, name);
  if (typeof value !== 'string') throw wrongType(name, value, 'text');
  return value;
}

export function nullableTextColumn(row: SqlRow, name: string): string | null {
  const value = column(row, name);
  return value === null ? null : textColumn(row, name);
}

/** A bytea column as a plain Uint8Array (a view on pg's Buffer, not a copy). */
export function bytesColumn(row: SqlRow, name: string): Uint8Array {
  const value = column(row, name);
  if (!(value instanceof Uint8Array)) throw wrongType(name, value, 'bytea');
  return value.constructor === Uint8Array
    ? value
    : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}

export function dateColumn(row: SqlRow, name: string): Date {
  const value = column(row, name);
  if (!(value instanceof Date)) throw wrongType(name, value, 'a timestamp');
  return value;
}
