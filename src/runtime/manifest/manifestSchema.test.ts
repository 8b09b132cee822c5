import { readFile } from 'node:fs/promises';
import Ajv2020 from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseManifest } from './parseManifest.ts';
import { manifestSchema } from './schemaCheck.ts';
import { readFrom, rodFiles, rodManifest } from './testing/rodModel.ts';

const publicCopy = new URL('../../../public/schemas/model-manifest.schema.json', import.meta.url);
const source = new URL('./model-manifest.schema.json', import.meta.url);

describe('the manifest JSON Schema', () => {
  it('is a valid draft 2020-12 schema that Ajv compiles in strict mode', () => {
    const ajv = new Ajv2020({ strict: true });
    expect(manifestSchema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(ajv.validateSchema(manifestSchema), ajv.errorsText(ajv.errors)).toBe(true);
    expect(() => ajv.compile(manifestSchema)).not.toThrow();
  });

  it('is published unchanged at public/schemas/ for editors', async () => {
    const [published, original] = await Promise.all([
      readFile(publicCopy, 'utf8'),
      readFile(source, 'utf8'),
    ]);
    expect(
      published === original,
      'public/schemas/model-manifest.schema.json differs from src/runtime/manifest/model-manifest.schema.json: copy it over',
    ).toBe(true);
  });

  it('describes every property, so editors can show help', () => {
    const undescribed: string[] = [];
    const defs = manifestSchema.$defs as Record<string, { description?: string }>;
    const described = (node: Record<string, unknown>) =>
      typeof node.description === 'string' ||
      (typeof node.$ref === 'string' &&
        typeof defs[node.$ref.replace('#/$defs/', '')]?.description === 'string');
    const walk = (node: unknown, where: string) => {
      if (typeof node !== 'object' || node === null) return;
      for (const [key, value] of Object.entries(node)) {
        if (key === 'properties' && typeof value === 'object' && value !== null) {
          for (const [name, property] of Object.entries(value as Record<string, unknown>)) {
            // `false` forbids a key in one branch; the key is described where it is allowed.
            if (property === false) continue;
            if (!described(property as Record<string, unknown>))
              undescribed.push(`${where}.${name}`);
          }
        }
        // An `if` is a condition, not a place a key is written: nothing there to describe.
        if (key !== 'if') walk(value, `${where}.${key}`);
      }
    };
    walk(manifestSchema, '#');
    for (const [name, def] of Object.entries(defs)) {
      if (typeof def.description !== 'string') undescribed.push(`#/$defs/${name}`);
    }
    expect(undescribed).toEqual([]);
  });

  it('has ModelSpec’s top-level fields plus version and tests, and no others', async () => {
    const spec = await parseManifest(rodManifest, 'rod.yaml', readFrom(rodFiles));
    expect(Object.keys(manifestSchema.properties).sort()).toEqual(
      ['version', 'tests', ...Object.keys(spec)].sort(),
    );
  });

  it('accepts the manifest the loader accepts', () => {
    const validate = new Ajv2020({ strict: true }).compile(manifestSchema);
    expect(validate(parse(rodManifest)), JSON.stringify(validate.errors)).toBe(true);
  });
});
