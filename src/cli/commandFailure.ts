import { CsvDataError } from '../runtime/manifest/csvDataError.ts';
import { ManifestError } from '../runtime/manifest/manifestError.ts';
import { ModelError } from '../runtime/modelError.ts';
import { OptimizerInputError } from '../sim/optimize/types.ts';
import { CheckpointBudgetError } from '../sim/checkpointSchedule.ts';
import { UsageError } from './cliArgs.ts';
import { EXIT } from './commandContext.ts';

/**
 * A file named on the command line that cannot be read or written. Bad input (exit 2): the
 * message names the file and the reason.
 */
export class CliFileError extends Error {
  override readonly name = 'CliFileError';
}

/** Failures the user fixes in their input: arguments, files, manifest, data, model. */
const inputModelErrors = new Set<ModelError['reason']>([
  'kernel',
  'duplicate_name',
  'unknown_reference',
  'unbound_variable',
  'type_mismatch',
  'read_only_buffer',
  'write_count',
  'read_before_write',
  'aliased_binding',
  'bad_value',
  'bad_data',
  'bad_argument',
]);

/**
 * Prints what went wrong to stderr, prefixed by the command, and returns the exit code: 2 when
 * the input must change (arguments, files, manifest with its lines, CSV with its lines, a model
 * the runtime refuses), 1 when the run itself failed (GPU, non-finite loss, a bug).
 */
export function reportFailure(
  command: string,
  error: unknown,
  err: (text: string) => void,
  usage?: string,
): number {
  const prefix = `twinbench ${command}:`;
  if (error instanceof UsageError) {
    err(`${prefix} ${error.message}${usage ? `\n\n${usage}` : ''}`);
    return EXIT.badInput;
  }
  // These messages already name the file and every line; print them whole.
  if (error instanceof ManifestError || error instanceof CsvDataError) {
    err(`${prefix} ${error.message}`);
    return EXIT.badInput;
  }
  if (error instanceof CliFileError || error instanceof CheckpointBudgetError) {
    err(`${prefix} ${error.message}`);
    return EXIT.badInput;
  }
  if (error instanceof ModelError) {
    err(`${prefix} ${error.message}`);
    return inputModelErrors.has(error.reason) ? EXIT.badInput : EXIT.failed;
  }
  if (error instanceof OptimizerInputError) {
    err(`${prefix} ${error.message}`);
    return error.reason === 'non_finite' ? EXIT.failed : EXIT.badInput;
  }
  err(
    `${prefix} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  return EXIT.failed;
}
