import Ajv2020 from 'ajv/dist/2020.js';
import type { ErrorObject } from 'ajv';
import { errorMessage } from '../errors.ts';
import type { UnplacedMappingIssue } from './mappingConfigError.ts';
import type { JsonSchema } from './protocol.ts';

/** Undefined when the payload fits its schema, else the first violation and where. */
export type PayloadCheck = (payload: unknown) => string | undefined;

/**
 * Compiles each payload type's schema once. `allErrors: false` stops at the first violation:
 * a dead letter needs one reason, and stopping early keeps bad traffic cheap. Unknown keywords
 * are config errors (a typo would otherwise check nothing); Ajv's warnings are not printed.
 */
export function compilePayloadSchemas(schemas: Readonly<Record<string, JsonSchema>>): {
  readonly checks: ReadonlyMap<string, PayloadCheck>;
  readonly issues: readonly UnplacedMappingIssue[];
} {
  const ajv = new Ajv2020({
    allErrors: false,
    strict: true,
    strictRequired: false,
    strictTypes: false,
    strictTuples: false,
    // NaN and ±Infinity (CBOR and MessagePack can carry them, JSON's 1e999 parses to one) pass
    // `type: number` here, so a mapped value that is one gets the clearer `non_finite` reason.
    strictNumbers: false,
    logger: false,
  });
  const checks = new Map<string, PayloadCheck>();
  const issues: UnplacedMappingIssue[] = [];
  for (const [payloadType, schema] of Object.entries(schemas)) {
    try {
      const validate = ajv.compile(schema);
      checks.set(payloadType, (payload) => {
        try {
          return validate(payload) ? undefined : describeFailure(payloadType, validate.errors);
        } catch (error) {
          return `the schema of "${payloadType}" could not check it: ${errorMessage(error)}`;
        }
      });
    } catch (error) {
      issues.push({
        code: 'bad_schema',
        path: ['schemas', payloadType],
        message: `not a usable JSON Schema (draft 2020-12): ${errorMessage(error)} — fix the schema`,
      });
    }
  }
  return { checks, issues };
}

function describeFailure(
  payloadType: string,
  errors: readonly ErrorObject[] | null | undefined,
): string {
  const first = errors?.[0];
  const where = first === undefined || first.instancePath === '' ? 'payload' : first.instancePath;
  const extra = (first?.params as { additionalProperty?: unknown } | undefined)?.additionalProperty;
  const what = `${first?.message ?? 'fails the schema'}${typeof extra === 'string' ? ` (${extra})` : ''}`;
  return `payload does not match schema "${payloadType}": ${where} ${what} — fix the publisher, or schemas["${payloadType}"] if the schema is wrong`;
}
