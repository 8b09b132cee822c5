/**
 * A ModelError from `planModel` placed where the author fixes it: an autodiff refusal or kernel
 * error (a KernelError cause) at its line and column of the kernel file; a schedule, binding,
 * buffer, parameter, input, observable or loss problem at that entry of the manifest. The
 * planner's messages name the place (`model "m": dispatch 0 (k.step): variable x: …`); that
 * name is read back here and looked up in the manifest's YAML.
 */
import { KernelError } from '../../gpu/autodiff/errors.ts';
import type { PathSegment } from '../../runtime/manifest/manifestError.ts';
import { parseYamlSource } from '../../runtime/manifest/yamlSource.ts';
import type { ModelError } from '../../runtime/modelError.ts';
import type { ModelSpec } from '../../runtime/modelSpec.ts';
import { tokenEnd, type Diagnostic } from './diagnostic.ts';

export interface PlacedModelError {
  readonly file: string;
  /** The manifest path the error is about, when it is placed in the manifest. */
  readonly path?: readonly PathSegment[];
  readonly at: 'key' | 'value';
}

/**
 * Where in the model `error` belongs: the kernel file for a KernelError cause, else the
 * manifest path its message names (the document itself when it names none).
 */
export function placeModelError(
  error: ModelError,
  spec: ModelSpec,
  manifestFile: string,
): PlacedModelError {
  if (error.cause instanceof KernelError) return { file: error.cause.file, at: 'value' };
  const body = error.message.replace(/^model "(?:[^"\\]|\\.)*": /, '');
  const indexOf = (list: readonly { readonly name: string }[], name: string) =>
    list.findIndex((item) => item.name === name);
  const at = (path: PathSegment[], where: 'key' | 'value' = 'value'): PlacedModelError => ({
    file: manifestFile,
    path,
    at: where,
  });
  const inList = (section: string, index: number): PlacedModelError =>
    index >= 0 ? at([section, index]) : at([section], 'key');

  let m = /^dispatch (\d+) \([^)]*\)(?:: variable ([A-Za-z_]\w*))?/.exec(body);
  if (m) {
    const index = Number(m[1]);
    const variable = m[2];
    const dispatch = spec.schedule[index];
    if (variable !== undefined && dispatch?.bindings[variable] !== undefined)
      return at(['schedule', index, 'bindings', variable], 'key');
    if (variable !== undefined && dispatch?.clock === variable)
      return at(['schedule', index, 'clock']);
    // Two variables on one buffer: the later binding is the one to change.
    const aliased = /variables ([\w ]+) are all bound to/.exec(body)?.[1]?.split(' and ').at(-1);
    if (aliased !== undefined && dispatch?.bindings[aliased] !== undefined)
      return at(['schedule', index, 'bindings', aliased], 'key');
    // A problem with what the dispatch binds or names: its `binds variable "x"` or entry.
    const named = /binds variable "([^"]+)"/.exec(body)?.[1];
    if (named !== undefined) return at(['schedule', index, 'bindings', named], 'key');
    if (/no compute entry point/.test(body)) return at(['schedule', index, 'entry']);
    if (/^[^:]*: kernel "/.test(body)) return at(['schedule', index, 'kernel']);
    if (/: workgroups \[/.test(body)) return at(['schedule', index, 'workgroups']);
    if (/clock variable/.test(body)) return at(['schedule', index, 'clock']);
    if (/ uses variable ([A-Za-z_]\w*), which is not bound/.test(body))
      return at(['schedule', index, 'bindings'], 'key');
    return at(['schedule', index]);
  }
  if ((m = /^buffer ([^:\s]+)/.exec(body))) return inList('buffers', indexOf(spec.buffers, m[1]!));
  if ((m = /^parameter ([^:\s]+)/.exec(body)))
    return inList('parameters', indexOf(spec.parameters, m[1]!));
  if ((m = /^observable ([^:\s]+)/.exec(body)))
    return inList('observables', indexOf(spec.observables, m[1]!));
  if ((m = /^input ([^:\s]+)/.exec(body)))
    return inList(
      'inputs',
      spec.inputs.findIndex((i) => i.channel === m![1]),
    );
  if ((m = /^kernel ([^:\s]+)/.exec(body))) return inList('kernels', indexOf(spec.kernels, m[1]!));
  if (/^loss\b/.test(body)) return at(['loss'], 'key');
  if (/^dt is/.test(body)) return at(['dt']);
  if (/^steps is/.test(body)) return at(['steps']);
  if ((m = /^two (kernel|buffer|parameter|observable)s are named "([^"]*)"/.exec(body))) {
    const section = `${m[1]}s`;
    const list = spec[section as 'kernels' | 'buffers' | 'parameters' | 'observables'];
    const second = list.findIndex(
      (item, i) => item.name === m![2] && list.findIndex((x) => x.name === m![2]) < i,
    );
    return inList(section, second);
  }
  return { file: manifestFile, path: [], at: 'key' };
}

/** A ModelError as a diagnostic at the place `placeModelError` finds. */
export function modelDiagnostic(
  error: ModelError,
  spec: ModelSpec,
  manifest: { readonly file: string; readonly text: string },
  kernelText: (file: string) => string | undefined,
): Diagnostic {
  const place = placeModelError(error, spec, manifest.file);
  const base = { source: 'model' as const, severity: 'error' as const, message: error.message };
  if (error.cause instanceof KernelError) {
    const { span, file } = error.cause;
    const text = kernelText(file) ?? '';
    const endColumn =
      span.length > 0 && !text.slice(span.offset, span.offset + span.length).includes('\n')
        ? span.column + span.length
        : tokenEnd(text, span.line, span.column);
    return { ...base, file, line: span.line, column: span.column, endLine: span.line, endColumn };
  }
  const placed = parseYamlSource(manifest.text).place({
    code: 'conflict',
    path: place.path ?? [],
    message: error.message,
    at: place.at,
  });
  return {
    ...base,
    file: manifest.file,
    line: placed.line,
    column: placed.column,
    endLine: placed.line,
    endColumn: tokenEnd(manifest.text, placed.line, placed.column),
  };
}
