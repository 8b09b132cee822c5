import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { planModel } from '../runtime/modelPlan.ts';
import { parseManifest } from '../runtime/manifest/parseManifest.ts';
import { positiveNumber, readArgs, UsageError, wholeNumber } from './cliArgs.ts';
import { EXIT, type CommandContext } from './commandContext.ts';
import { CliFileError, reportFailure } from './commandFailure.ts';
import { exampleCsv } from './exampleData.ts';
import { EXAMPLES, isExampleName, type ExampleModel } from './exampleModels.ts';

export const EXAMPLE_USAGE = `usage: twinbench example heat-plate|pid-plant --out DIR [--seed S] [--noise X]
  writes DIR/model.yaml, its kernel, DIR/data.csv (synthetic measurements and inputs from the
  example's hidden truth, made by the float64 CPU model) and DIR/truth.json (the hidden
  parameters), replacing files of those names; then try
    twinbench fit DIR/model.yaml --data DIR/data.csv
  --seed S   seed of the measurement noise (default 1): the same seed writes the same data
  --noise X  standard deviation of the noise (default: 0.5 mm for pid-plant, 0.005 K for heat-plate)`;

const FLAGS = {
  out: { type: 'string' },
  seed: { type: 'string' },
  noise: { type: 'string' },
} as const;

/** `twinbench example NAME --out DIR`: an example model with data to try `run` and `fit` on. */
export async function exampleCommand(
  args: readonly string[],
  ctx: CommandContext,
): Promise<number> {
  try {
    const { positionals, values } = readArgs(args, FLAGS);
    const names = Object.keys(EXAMPLES).join(', ');
    const name = positionals[0];
    if (positionals.length !== 1 || name === undefined)
      throw new UsageError(`give one example name (${names})`);
    if (!isExampleName(name)) throw new UsageError(`no example "${name}": choose ${names}`);
    if (values.out === undefined) throw new UsageError('give --out DIR, the folder to write to');
    const example: ExampleModel = EXAMPLES[name];
    const seed = wholeNumber(values.seed, 'seed', 0, 1);
    const noise = values.noise === '0' ? 0 : positiveNumber(values.noise, 'noise', example.noise)!;
    const files = await Promise.all(
      example.files.map(async (file) => ({
        file,
        text: await readFile(new URL(file, example.folder), 'utf8'),
      })),
    );
    const spec = await parseManifest(files[0]!.text, 'model.yaml', (path) => {
      const found = files.find((f) => f.file === path);
      if (!found) throw new Error(`the example does not ship ${path}`);
      return found.text;
    });
    const plan = planModel(spec);
    const steps = spec.steps;
    const csv = exampleCsv(
      plan,
      example,
      { steps, noise, seed },
      `${name} example: synthetic data (seed ${seed}, noise ${noise} ${example.noiseUnit}), ${steps} steps of ${spec.dt} s; the hidden truth is in truth.json`,
    );
    const truth = {
      example: name,
      model: spec.name,
      about: example.about,
      seed,
      noise: { value: noise, unit: example.noiseUnit },
      steps,
      dt: spec.dt,
      parameters: Object.fromEntries(
        Object.entries(example.truth()).map(([p, value]) => [
          p,
          { value, unit: spec.parameters.find((s) => s.name === p)?.unit ?? null },
        ]),
      ),
    };
    const dir = values.out;
    try {
      await mkdir(dir, { recursive: true });
      for (const { file, text } of files) await writeFile(join(dir, file), text);
      await writeFile(join(dir, 'data.csv'), csv);
      await writeFile(join(dir, 'truth.json'), `${JSON.stringify(truth, null, 2)}\n`);
    } catch (error) {
      throw new CliFileError(`cannot write to ${dir} (${(error as Error).message})`);
    }
    const written = [...files.map((f) => f.file), 'data.csv', 'truth.json'];
    ctx.out(`wrote ${written.map((f) => join(dir, f)).join(', ')}`);
    ctx.out(`try: npx twinbench fit ${join(dir, 'model.yaml')} --data ${join(dir, 'data.csv')}`);
    return EXIT.ok;
  } catch (error) {
    return reportFailure('example', error, ctx.err, EXAMPLE_USAGE);
  }
}
