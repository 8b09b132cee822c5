import { RegistryDbError } from './errors.ts';

const MODEL_NAME = /^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$/;
// Aliases start with a letter, so no alias can be read as a version (versions start with a digit).
const ALIAS_NAME = /^[a-z][a-z0-9-]{0,31}$/;
// eslint-disable-next-line no-control-regex -- control characters are exactly what we refuse
const CONTROL = /[\u0000-\u001f\u007f]/;

/** A model name: lowercase letters, digits, `.`, `_`, `-`, 1–64 characters. */
export function requireModelName(name: string): string {
  if (!MODEL_NAME.test(name)) {
    throw new RegistryDbError(
      'bad_name',
      `model name ${JSON.stringify(name)} is not allowed: use 1–64 lowercase letters, digits, ".", "_" or "-", starting and ending with a letter or digit (e.g. "heat-plate").`,
    );
  }
  return name;
}

export function isAliasName(name: string): boolean {
  return ALIAS_NAME.test(name);
}

/** An alias name such as `latest` or `stable`: a lowercase letter, then letters, digits, `-`. */
export function requireAliasName(name: string): string {
  if (!isAliasName(name)) {
    throw new RegistryDbError(
      'bad_name',
      `alias ${JSON.stringify(name)} is not allowed: use a lowercase letter followed by up to 31 lowercase letters, digits or "-" (e.g. "stable").`,
    );
  }
  return name;
}

/** Who did something (an author, a user, a service): 1–200 characters, no control characters. */
export function requireActor(value: string, field: string): string {
  if (value.length === 0 || value.length > 200 || CONTROL.test(value)) {
    throw new RegistryDbError(
      'bad_input',
      `${field} must be 1–200 characters without control characters; got ${JSON.stringify(value.slice(0, 40))}.`,
    );
  }
  return value;
}
