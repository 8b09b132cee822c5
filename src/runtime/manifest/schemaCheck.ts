import Ajv2020 from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { closest } from './didYouMean.ts';
import type { PathSegment, UnplacedIssue } from './manifestError.ts';
import schema from './model-manifest.schema.json' with { type: 'json' };

/** The manifest's JSON Schema (draft 2020-12); `public/schemas/model-manifest.schema.json` is a copy. */
export const manifestSchema = schema;

const compiled = new WeakMap<object, ValidateFunction>();

/**
 * Ajv compiles the schema to a function with `new Function`, once per process: a page with a
 * Content-Security-Policy that forbids 'unsafe-eval' cannot run it (see docs/models.md).
 */
function validator(forSchema: object): ValidateFunction {
  let validate = compiled.get(forSchema);
  if (validate === undefined) {
    validate = new Ajv2020({ allErrors: true, verbose: true, strict: true }).compile(forSchema);
    compiled.set(forSchema, validate);
  }
  return validate;
}

/** What the messages say of the document when its root is not a map. */
export interface SchemaDocument {
  readonly schema: object;
  /** What the document is called in messages: `manifest`, `twin file`. */
  readonly noun: string;
  /** How to start a well-formed document, e.g. "start with `version: 1` (docs/models.md)". */
  readonly start: string;
}

const MANIFEST: SchemaDocument = {
  schema,
  noun: 'manifest',
  start: 'start with `version: 1` (docs/models.md)',
};

/** Checks `data` against the manifest schema; every violation becomes one issue with a fix. */
export function checkSchema(data: unknown, document: SchemaDocument = MANIFEST): UnplacedIssue[] {
  const validate = validator(document.schema);
  if (validate(data)) return [];
  const errors = validate.errors ?? [];
  // An if/then/else schema describes its alternatives; a type error under it quotes that.
  const alternatives = new Map<string, string>();
  for (const error of errors) {
    const description = describeSchema(error.parentSchema);
    if (error.keyword === 'if' && description) alternatives.set(error.instancePath, description);
  }
  const issues: UnplacedIssue[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    const issue = translate(error, data, alternatives, document);
    if (issue === undefined) continue;
    const key = `${issue.path.join('/')}|${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  return issues;
}

function translate(
  error: ErrorObject,
  root: unknown,
  alternatives: ReadonlyMap<string, string>,
  document: SchemaDocument,
): UnplacedIssue | undefined {
  const path = pointerToPath(error.instancePath, root);
  const value: unknown = error.data;
  const params = error.params as Record<string, unknown>;
  const parent = (error.parentSchema ?? {}) as SchemaObject;
  switch (error.keyword) {
    case 'if':
    case 'allOf':
      return undefined; // the failing branch reports the specific error
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const known = Object.keys(parent.properties ?? {});
      const near = closest(key, known);
      const fix =
        near !== undefined
          ? `did you mean \`${near}\`?`
          : `remove it; keys allowed here: ${known.map((k) => `\`${k}\``).join(', ')}`;
      return {
        code: 'unknown_key',
        path: [...path, key],
        at: 'key',
        message: `unknown key \`${key}\` — ${fix}`,
      };
    }
    case 'required': {
      const key = String(params.missingProperty);
      const help = describeSchema(propertySchema(parent, key));
      const hint = help ? ` (${sentence(help)})` : '';
      return { code: 'missing_key', path, message: `missing \`${key}\`${hint} — add it` };
    }
    case 'type': {
      if (typeof value === 'number' && !Number.isFinite(value)) {
        return {
          code: 'wrong_type',
          path,
          message: `${show(value)} is not a finite number — give a number`,
        };
      }
      if (path.length === 0) {
        return {
          code: 'wrong_type',
          path,
          message: `expected a map of ${document.noun} keys, found ${describeValue(value)} — ${document.start}`,
        };
      }
      const expected = alternatives.get(error.instancePath) ?? article(String(params.type));
      return {
        code: 'wrong_type',
        path,
        message: `expected ${sentence(expected)}, found ${describeValue(value)}`,
      };
    }
    case 'const': {
      const allowed = show(params.allowedValue);
      const fix =
        path.length === 1 && path[0] === 'version'
          ? `this Twinbench reads version 1 ${document.noun}s; set \`version: 1\``
          : `set it to ${allowed}`;
      return { code: 'not_allowed', path, message: `${show(value)} is not allowed — ${fix}` };
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const near = typeof value === 'string' ? closest(value, allowed) : undefined;
      const fix =
        near !== undefined ? `did you mean \`${near}\`?` : `use one of ${allowed.join(', ')}`;
      return { code: 'not_allowed', path, message: `${show(value)} is not allowed — ${fix}` };
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const relation = { minimum: '≥', maximum: '≤', exclusiveMinimum: '>', exclusiveMaximum: '<' }[
        error.keyword
      ];
      const what = describeSchema(parent);
      const hint = what ? ` (${sentence(what)})` : '';
      return {
        code: 'out_of_range',
        path,
        message: `${show(value)} is out of range — it must be ${relation} ${show(params.limit)}${hint}`,
      };
    }
    case 'pattern':
      // Pattern errors from `propertyNames` sit on the map; the propertyNames error reports them.
      if (typeof value !== 'string') return undefined;
      return { ...patternIssue(value, String(params.pattern)), path };
    case 'propertyNames': {
      const key = String(params.propertyName);
      const names = parent.propertyNames as SchemaObject | undefined;
      const pattern = names?.pattern ?? identifierPattern;
      return { ...patternIssue(key, pattern), path: [...path, key], at: 'key' };
    }
    case 'minLength':
      return { code: 'wrong_size', path, message: 'is empty — give a value' };
    case 'minItems':
    case 'maxItems': {
      const limit = Number(params.limit);
      const count = Array.isArray(value) ? value.length : 0;
      const bound = error.keyword === 'minItems' ? 'at least' : 'at most';
      return {
        code: 'wrong_size',
        path,
        message: `has ${plural(count, 'item')} — give ${bound} ${limit}`,
      };
    }
    case 'minProperties':
    case 'maxProperties': {
      const keys = Object.keys(parent.properties ?? {}).map((k) => `\`${k}\``);
      const fix =
        error.keyword === 'minProperties'
          ? `give one of ${keys.join(' or ')}`
          : `give only one of ${keys.join(' or ')}, not several`;
      return { code: 'wrong_size', path, message: `${describeValue(value)} — ${fix}` };
    }
    case 'false schema': {
      const key = String(path[path.length - 1]);
      const owner = valueAt(root, path.slice(0, -1));
      const kind = isRecord(owner) && typeof owner.kind === 'string' ? owner.kind : undefined;
      const where = kind !== undefined ? `kind \`${kind}\`` : 'this entry';
      return {
        code: 'unknown_key',
        path,
        at: 'key',
        message: `\`${key}\` does not apply to ${where} — remove it`,
      };
    }
    default:
      return { code: 'wrong_type', path, message: error.message ?? `fails ${error.keyword}` };
  }
}

interface SchemaObject {
  readonly description?: string;
  readonly properties?: Readonly<Record<string, unknown>>;
  readonly propertyNames?: unknown;
  readonly pattern?: string;
  readonly $ref?: string;
}

const identifierPattern = '^[A-Za-z_][A-Za-z0-9_]*$';
const namePattern = '^[A-Za-z_][A-Za-z0-9_.-]*$';

function patternIssue(text: string, pattern: string): Omit<UnplacedIssue, 'path'> {
  if (pattern === identifierPattern) {
    return {
      code: 'bad_name',
      message: `${show(text)} is not an identifier — use letters, digits and _, not starting with a digit`,
    };
  }
  if (pattern === namePattern) {
    return {
      code: 'bad_name',
      message: `${show(text)} is not a valid name — use letters, digits, _, . and -, starting with a letter or _`,
    };
  }
  return {
    code: 'bad_path',
    message: `${show(text)} is not a relative path — give the path from the manifest's folder (no leading /, no URL)`,
  };
}

/**
 * Conditional parts of an object schema (`allOf: [{ if, then }]`) name keys without describing
 * them; this maps each such part to the object schema whose `properties` do.
 */
const conditionalOwner = new WeakMap<object, SchemaObject>();
for (const def of Object.values(
  schema.$defs as Record<string, SchemaObject & { allOf?: unknown[] }>,
)) {
  for (const branch of def.allOf ?? []) {
    if (!isRecord(branch)) continue;
    for (const part of [branch, branch.if, branch.then, branch.else]) {
      if (isRecord(part)) conditionalOwner.set(part, def);
    }
  }
}

function propertySchema(parent: SchemaObject, key: string): unknown {
  return parent.properties?.[key] ?? conditionalOwner.get(parent)?.properties?.[key];
}

/** A schema's description, following a `$ref` into `$defs` when it has none of its own. */
function describeSchema(node: unknown): string | undefined {
  if (!isRecord(node)) return undefined;
  if (typeof node.description === 'string') return node.description;
  if (typeof node.$ref === 'string' && node.$ref.startsWith('#/$defs/')) {
    const defs = schema.$defs as Record<string, unknown>;
    return describeSchema(defs[node.$ref.slice('#/$defs/'.length)]);
  }
  return undefined;
}

/** `/parameters/2/lower` → `['parameters', 2, 'lower']`, numbers only where the data is a list. */
function pointerToPath(pointer: string, root: unknown): PathSegment[] {
  const path: PathSegment[] = [];
  let node = root;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    const segment: PathSegment = Array.isArray(node) ? Number(key) : key;
    path.push(segment);
    node = Array.isArray(node) ? node[Number(key)] : isRecord(node) ? node[key] : undefined;
  }
  return path;
}

function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let node = root;
  for (const segment of path) {
    if (Array.isArray(node) && typeof segment === 'number') node = node[segment];
    else if (isRecord(node) && typeof segment === 'string') node = node[segment];
    else return undefined;
  }
  return node;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return `a list of ${plural(value.length, 'item')}`;
  if (isRecord(value)) {
    const keys = Object.keys(value);
    return keys.length === 0
      ? 'an empty map'
      : `a map with ${keys.map((k) => `\`${k}\``).join(', ')}`;
  }
  if (typeof value === 'string') return `the text ${show(value)}`;
  return show(value);
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' && !Number.isFinite(value)) {
    return Number.isNaN(value) ? '.nan' : value > 0 ? '.inf' : '-.inf';
  }
  return JSON.stringify(value) ?? String(value);
}

function article(type: string): string {
  const names: Record<string, string> = {
    object: 'a map',
    array: 'a list',
    string: 'text',
    number: 'a number',
    integer: 'a whole number',
    boolean: 'true or false',
  };
  return names[type] ?? type;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** A description's first sentence as a clause: first letter lower-cased, full stop dropped. */
function sentence(text: string): string {
  const trimmed = (text.trim().split(/(?<!\be\.g|\bi\.e)\.\s+(?=[A-Z])/)[0] ?? '').replace(
    /\.$/,
    '',
  );
  return /^[A-Z][a-z]/.test(trimmed) ? trimmed[0]?.toLowerCase() + trimmed.slice(1) : trimmed;
}
