/**
 * A model as the author edits it: the manifest and the files it names (kernels, data), by their
 * paths relative to the manifest. Plain data, so drafts store it as it is.
 */
export interface ModelFiles {
  /** Path of the manifest among `files`, e.g. `model.yaml`. */
  readonly manifest: string;
  /** Path → text. */
  readonly files: Readonly<Record<string, string>>;
}

/** A file the manifest names that `files` lacks. */
export class MissingModelFileError extends Error {
  override readonly name = 'MissingModelFileError';
  constructor(readonly path: string) {
    super(
      `no file "${path}" in this model — add it to the model's files or fix the path in the manifest (it is relative to the manifest)`,
    );
  }
}

/** Reads a file of the model for the manifest loader (`ReadManifestFile`). */
export function readModelFile(model: ModelFiles, path: string): string {
  const normalised = path.replace(/^\.\//, '');
  const text = model.files[normalised];
  if (text === undefined) throw new MissingModelFileError(normalised);
  return text;
}

/** The files to list: the manifest first, then the others by path. */
export function listedFiles(model: ModelFiles): string[] {
  return [
    model.manifest,
    ...Object.keys(model.files)
      .filter((path) => path !== model.manifest)
      .sort(),
  ];
}

/** `model` with `path` set to `text`; the same object when nothing changes. */
export function withFile(model: ModelFiles, path: string, text: string): ModelFiles {
  if (model.files[path] === text) return model;
  return { ...model, files: { ...model.files, [path]: text } };
}

/** Paths whose text differs between two versions of a model (added and removed ones too). */
export function changedFiles(a: ModelFiles, b: ModelFiles): string[] {
  const paths = new Set([...Object.keys(a.files), ...Object.keys(b.files)]);
  return [...paths].filter((p) => a.files[p] !== b.files[p]).sort();
}
