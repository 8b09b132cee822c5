import Ajv2020 from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { closest } from '../../src/runtime/manifest/didYouMean.ts';
import { mappingConfigSchema } from './configSchema.ts';
import type { PathSegment, UnplacedMappingIssue } from './mappingConfigError.ts';

let compiled: ValidateFunction | undefined;

/** Compiled on first use, once per process. */
function validator(): ValidateFunction {
  compiled ??= new Ajv2020({
    allErrors: true,
    verbose: true,
    strict: true,
    allowUnionTypes: true,
  }).compile(mappingConfigSchema);
  return compiled;
}

/** Checks `data` against the config schema; each violation becomes one issue with its fix. */
export function checkConfigSchema(data: unknown): UnplacedMappingIssue[] {
  const validate = validator();
  if (validate(data)) return [];
  const errors = validate.errors ?? [];
  // A rule whose format is wrong fails every format branch, so its other keys all look unknown;
  // the format error alone is what to fix.
  const badFormat = new Set(
    errors
      .filter((e) => e.keyword === 'enum' && e.instancePath.endsWith('/format'))
      .map((e) => e.instancePath.slice(0, -'/format'.length)),
  );
  const issues: UnplacedMappingIssue[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    if (error.keyword === 'unevaluatedProperties' && badFormat.has(error.instancePath)) continue;
    const issue = translate(error);
    if (issue === undefined) continue;
    const key = `${issue.path.join('/')}|${issue.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      issues.push(issue);
    }
  }
  return issues;
}

function translate(error: ErrorObject): UnplacedMappingIssue | undefined {
  const path = pointerToPath(error.instancePath);
  const params = error.params as Record<string, unknown>;
  const parent = (error.parentSchema ?? {}) as { properties?: Record<string, unknown> };
  const value: unknown = error.data;
  switch (error.keyword) {
    case 'if':
    case 'allOf':
      return undefined; // the failing branch reports the specific error
    case 'additionalProperties':
    case 'unevaluatedProperties': {
      const key = String(params.additionalProperty ?? params.unevaluatedProperty);
      const known = knownKeys(parent);
      const near = closest(key, known);
      const fix =
        near !== undefined
          ? `did you mean \`${near}\`?`
          : `remove it; keys allowed here: ${known.map((k) => `\`${k}\``).join(', ')}`;
      return {
        code: 'unknown_key',
        path: [...path, key],
        message: `unknown key \`${key}\` — ${fix}`,
      };
    }
    case 'required':
      return {
        code: 'missing_key',
        path,
        message: `missing \`${String(params.missingProperty)}\` — add it`,
      };
    case 'type':
      return {
        code: 'wrong_type',
        path,
        message: `expected ${String(params.type).replace(',', ' or ')}, found ${show(value)}`,
      };
    case 'const':
      return {
        code: 'not_allowed',
        path,
        message: `${show(value)} is not allowed — set it to ${show(params.allowedValue)}`,
      };
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const near = typeof value === 'string' ? closest(value, allowed) : undefined;
      const fix =
        near !== undefined ? `did you mean \`${near}\`?` : `use one of ${allowed.join(', ')}`;
      return { code: 'not_allowed', path, message: `${show(value)} is not allowed — ${fix}` };
    }
    case 'minimum':
    case 'maximum': {
      const relation = error.keyword === 'minimum' ? '≥' : '≤';
      return {
        code: 'out_of_range',
        path,
        message: `${show(value)} is out of range — it must be ${relation} ${show(params.limit)}`,
      };
    }
    case 'minLength':
      return { code: 'wrong_size', path, message: 'is empty — give a value' };
    case 'minItems':
      return {
        code: 'wrong_size',
        path,
        message: `is an empty list — give at least ${show(params.limit)} item`,
      };
    default:
      return { code: 'wrong_type', path, message: error.message ?? `fails ${error.keyword}` };
  }
}

/** Keys a rule may have: its own plus those of every format branch. */
function knownKeys(schema: { properties?: Record<string, unknown> }): string[] {
  const keys = new Set(Object.keys(schema.properties ?? {}));
  const branches = (schema as { allOf?: { then?: { properties?: object } }[] }).allOf ?? [];
  for (const branch of branches) {
    for (const key of Object.keys(branch.then?.properties ?? {})) keys.add(key);
  }
  return [...keys];
}

function pointerToPath(pointer: string): PathSegment[] {
  if (pointer === '') return [];
  return pointer
    .split('/')
    .slice(1)
    .map((raw) => raw.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((key) => (/^\d+$/.test(key) ? Number(key) : key));
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'object' && value !== null) {
    return Array.isArray(value) ? `a list of ${value.length}` : 'a map';
  }
  if (typeof value === 'bigint') return `${value}n`;
  return JSON.stringify(value) ?? typeof value;
}
