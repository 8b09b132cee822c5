import { parseArgs } from 'node:util';

/**
 * Bad command-line input: an unknown flag, a missing value, a number out of range. The message
 * says what to give; the command prints it with its usage line and exits 2.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

type Flags = Record<string, { readonly type: 'string' | 'boolean' }>;

/**
 * Splits `args` into positionals and flags (`--name value`, `--name=value`, `--json`), refusing
 * unknown flags with a UsageError rather than ignoring them.
 */
export function readArgs<F extends Flags>(
  args: readonly string[],
  flags: F,
): {
  positionals: string[];
  values: { [K in keyof F]?: F[K]['type'] extends 'boolean' ? boolean : string };
} {
  try {
    const { positionals, values } = parseArgs({
      args: [...args],
      options: flags,
      allowPositionals: true,
      strict: true,
    });
    return { positionals, values };
  } catch (error) {
    // node:util's messages are good ("Unknown option '--stpes'…"); keep the first sentence.
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(message.split('. To specify')[0] ?? message);
  }
}

/** `--name N` as a whole number ≥ `min`, or `fallback` when absent. */
export function wholeNumber(
  value: string | undefined,
  name: string,
  min: number,
  fallback: number,
): number;
export function wholeNumber(
  value: string | undefined,
  name: string,
  min: number,
  fallback?: undefined,
): number | undefined;
export function wholeNumber(
  value: string | undefined,
  name: string,
  min: number,
  fallback?: number,
): number | undefined {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < min)
    throw new UsageError(`--${name} is "${value}": give a whole number ≥ ${min}`);
  return n;
}

/** `--name X` as a finite number > 0, or `fallback` when absent. */
export function positiveNumber(
  value: string | undefined,
  name: string,
  fallback?: number,
): number | undefined {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0)
    throw new UsageError(`--${name} is "${value}": give a number > 0`);
  return n;
}

/** Exactly one positional (the manifest), or a UsageError saying what was given. */
export function onePositional(positionals: readonly string[], what: string): string {
  if (positionals.length === 1) return positionals[0]!;
  throw new UsageError(
    positionals.length === 0
      ? `give the ${what}`
      : `give one ${what}, not ${positionals.length} (${positionals.join(', ')})`,
  );
}
