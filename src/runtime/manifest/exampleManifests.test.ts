import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { planModel } from '../modelPlan.ts';
import { loadManifestFile } from './loadManifestFile.ts';

const examples = fileURLToPath(new URL('../../examples/', import.meta.url));
const publishedSchema = new URL(
  '../../../public/schemas/model-manifest.schema.json',
  import.meta.url,
);

/** Every `src/examples/<model>/model.yaml`. */
const manifests = existsSync(examples)
  ? readdirSync(examples, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(`${examples}${entry.name}/model.yaml`))
      .map((entry) => `${entry.name}/model.yaml`)
      .sort()
  : [];

describe('example models', () => {
  if (manifests.length === 0) {
    it('loads every src/examples/*/model.yaml', (ctx) => {
      const message = 'no src/examples/*/model.yaml to load';
      if (process.env.TWINBENCH_REQUIRE_ALL === '1') {
        throw new Error(`${message} (TWINBENCH_REQUIRE_ALL=1 forbids skipping)`);
      }
      console.warn(`\n*** SKIPPING example manifests: ${message} ***\n`);
      ctx.skip(message);
    });
    return;
  }

  it.each(manifests)('%s loads into a ModelSpec the runtime compiles', async (manifest) => {
    const spec = await loadManifestFile(`${examples}${manifest}`);
    expect(spec.kernels.every((k) => k.source.length > 0)).toBe(true);
    expect(() => planModel(spec)).not.toThrow();
  });

  it.each(manifests)(
    '%s validates against the published schema, as an editor sees it',
    async (manifest) => {
      const schema = JSON.parse(await readFile(publishedSchema, 'utf8')) as object;
      const validate = new Ajv2020({ strict: true }).compile(schema);
      const data: unknown = parse(await readFile(`${examples}${manifest}`, 'utf8'));
      expect(validate(data), JSON.stringify(validate.errors)).toBe(true);
    },
  );
});
