import type { UnplacedIssue } from './manifestError.ts';
import type { ManifestDocument } from './manifestTypes.ts';
import { wgslSymbols, type WgslSymbols } from './wgslSymbols.ts';

/**
 * Reads a file named in a manifest, by its path relative to the manifest's folder. Injected so
 * the loader runs in the browser (fetch), a worker and Node (fs) alike.
 */
export type ReadManifestFile = (relativePath: string) => string | Promise<string>;

export interface ManifestFiles {
  /** Kernel name → its file, WGSL source and the symbols the checks use. */
  readonly kernels: ReadonlyMap<
    string,
    { readonly file: string; readonly source: string; readonly symbols: WgslSymbols }
  >;
  /** Buffer index → values of its `initial: {file}`. */
  readonly data: ReadonlyMap<number, readonly number[]>;
  readonly issues: readonly UnplacedIssue[];
}

/** Reads every kernel and data file the manifest names, concurrently; failures become issues. */
export async function readManifestFiles(
  m: ManifestDocument,
  readFile: ReadManifestFile,
): Promise<ManifestFiles> {
  const cache = new Map<string, Promise<string>>();
  const read = (path: string) => {
    let text = cache.get(path);
    if (text === undefined) {
      // A synchronous throw from readFile becomes a rejection like any other.
      text = Promise.resolve().then(() => readFile(path));
      cache.set(path, text);
    }
    return text;
  };
  const issues: UnplacedIssue[] = [];
  const kernels = new Map<string, { file: string; source: string; symbols: WgslSymbols }>();
  const data = new Map<number, readonly number[]>();
  const kernelReads = m.kernels.map(async (k, i) => {
    try {
      const source = await read(k.file);
      if (!kernels.has(k.name))
        kernels.set(k.name, { file: k.file, source, symbols: wgslSymbols(source) });
    } catch (error) {
      issues.push(unreadable(['kernels', i, 'file'], k.file, error));
    }
  });
  const dataReads = m.buffers.map(async (b, i) => {
    const initial = b.initial;
    if (initial === undefined || Array.isArray(initial) || !('file' in initial)) return;
    const path = ['buffers', i, 'initial', 'file'];
    let text: string;
    try {
      text = await read(initial.file);
    } catch (error) {
      issues.push(unreadable(path, initial.file, error));
      return;
    }
    const values = parseNumbers(text);
    if (typeof values === 'string') {
      issues.push({ code: 'bad_data_file', path, message: `\`${initial.file}\` ${values}` });
    } else {
      data.set(i, values);
    }
  });
  await Promise.all([...kernelReads, ...dataReads]);
  return { kernels, data, issues };
}

function unreadable(path: (string | number)[], file: string, error: unknown): UnplacedIssue {
  const why = error instanceof Error ? error.message : String(error);
  return {
    code: 'unreadable_file',
    path,
    message: `cannot read \`${file}\` (${why}) — the path is relative to the manifest's folder; check it exists`,
  };
}

/** The JSON array of numbers in `text`, or what is wrong with it. */
function parseNumbers(text: string): number[] | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return `is not valid JSON (${why}) — it must hold one JSON array of numbers`;
  }
  if (!Array.isArray(value)) return 'does not hold a JSON array — write the values as [1, 2, 3, …]';
  const bad = value.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
  if (bad >= 0) {
    return `has ${JSON.stringify(value[bad])} at element ${bad} — every element must be a number`;
  }
  return value as number[];
}
