import { parseTwinFile, type Twin } from '../viewer/twin/twinFile.ts';
import footbridge from './footbridge.twin.yaml?raw';

/** The twin files that ship with Twinbench, by name (`?twin=NAME`). */
export const BUILTIN_TWIN_FILES: Readonly<Record<string, string>> = { footbridge };

export const DEFAULT_TWIN = 'footbridge';

const parsed = new Map<string, Twin>();

/** A built-in twin, parsed once. Throws a TwinFileError when its file is broken. */
export function builtinTwin(name: string): Twin | null {
  const text = BUILTIN_TWIN_FILES[name];
  if (text === undefined) return null;
  let twin = parsed.get(name);
  if (twin === undefined) {
    twin = parseTwinFile(text, `src/twins/${name}.twin.yaml`);
    parsed.set(name, twin);
  }
  return twin;
}
