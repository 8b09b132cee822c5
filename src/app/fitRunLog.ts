/**
 * Every finished fit, and every fitted model put into the shadow, goes into the registry's run log (docs/run-log.md): what was fitted, the
 * request that fixes its data (the fits' data are generated from a seed, so the request is the
 * input), the settings and fitted values, and the digest of the whole result. The page appends
 * it, then checks it the way a reader would — the signed checkpoint against the pinned log key
 * and the entry's inclusion proof — and shows the badge only when that holds.
 */
import type { AppendRunRequest } from '../protocol/registry.ts';
import { pinnedLogKeys } from '../registry/logKeyPin.ts';
import type { RegistryClient } from '../registry/registryClient.ts';
import { verifyRunLogEntry } from '../registry/verifyRunLogEntry.ts';
import { canonicalJsonBytes } from '../shared/merkle/canonicalJson.ts';
import { sha256Digest } from '../shared/merkle/runLogEntry.ts';
import type { Checkpoint } from '../shared/merkle/checkpoint.ts';
import { heatPlateSpec } from '../examples/heatPlate/heatPlateModel.ts';
import { heatPlateWgsl } from '../examples/heatPlate/heatPlateSource.ts';
import { pidPlantSpec } from '../examples/pidPlant/pidPlantModel.ts';
import { pidPlantWgsl } from '../examples/pidPlant/pidPlantSource.ts';
import { buildFootbridge } from '../twin/footbridge.ts';
import type { FitAnswer, FitJob } from './fitHost.ts';

/**
 * The model a fit ran, as the log names it. The workbench's fits run built-in models, which are
 * not versions in the registry: they are logged as `builtin/<name>` at the SHA-256 of what ran
 * (the footbridge's truss definition, the example's ModelSpec with its kernel), so the entry
 * still pins the model exactly.
 */
export function fitModelRef(job: FitJob): Promise<{ id: string; version: string }> {
  return builtinModelRef(job.kind === 'bridge' ? 'footbridge' : job.request.example);
}

/** A built-in model as the log names it: `builtin/<name>` at the digest of its definition. */
export async function builtinModelRef(
  name: 'footbridge' | 'heat-plate' | 'pid-plant',
): Promise<{ id: string; version: string }> {
  const definition =
    name === 'footbridge'
      ? buildFootbridge()
      : name === 'heat-plate'
        ? heatPlateSpec(heatPlateWgsl)
        : pidPlantSpec(pidPlantWgsl);
  return {
    id: `builtin/${name}`,
    version: await sha256Digest(canonicalJsonBytes(definition, name)),
  };
}

/**
 * A shadow deployment: the footbridge model with a fitted damage put beside the plant. Its input
 * is the fit's result (the same digest as that fit's logged output), so the log links the two.
 */
export async function shadowRunEntry(
  damage: { readonly member: number; readonly health: number },
  from: FitAnswer,
): Promise<AppendRunRequest> {
  return {
    kind: 'shadow',
    model: await builtinModelRef('footbridge'),
    inputs: [
      {
        name: 'fit/result.json',
        digest: await sha256Digest(canonicalJsonBytes(from.result, 'fit result')),
      },
    ],
    parameters: { member: damage.member, health: damage.health },
    outputs: [],
  };
}

/** A run as the log has it, once appended and verified in this browser. */
export interface LoggedRun {
  readonly index: number;
  /** The size of the signed tree the entry was verified in. */
  readonly treeSize: number;
  readonly checkpoint: Checkpoint;
}

/** The run log entry of a finished fit; `who` and `when` are the server's to set. */
export async function fitRunEntry(job: FitJob, answer: FitAnswer): Promise<AppendRunRequest> {
  // A resumed fit is the same fit: where it resumed from is not part of what it computed.
  const request: Record<string, unknown> = { ...job.request };
  delete request.resume;
  const requestDigest = await sha256Digest(canonicalJsonBytes(request, 'fit request'));
  const resultDigest = await sha256Digest(canonicalJsonBytes(answer.result, 'fit result'));
  const inputs = [{ name: 'request.json', digest: requestDigest }];
  const outputs = [{ name: 'result.json', digest: resultDigest }];
  return {
    kind: 'fit',
    model: await fitModelRef(job),
    inputs,
    parameters: fitParameters(job, answer),
    outputs,
  };
}

/** The settings a fit ran with and what it found, as the log's `parameters`. */
function fitParameters(job: FitJob, answer: FitAnswer): AppendRunRequest['parameters'] {
  if (answer.kind === 'bridge' && job.kind === 'bridge') {
    const r = answer.result;
    return {
      seed: job.request.seed,
      samples: job.request.samples,
      noiseMm: job.request.noiseMm,
      localisationIterations: job.request.localisationIterations,
      refineIterations: job.request.refineIterations,
      member: r.member,
      health: r.health,
      loss: r.loss,
      evaluations: r.evaluations,
    };
  }
  if (answer.kind === 'example' && job.kind === 'example') {
    const r = answer.result;
    return {
      seed: job.request.seed,
      iterations: job.request.iterations,
      optimiser: r.optimiser,
      fitted: Object.fromEntries(r.parameters.map((p) => [p.name, p.fitted])),
      loss: r.loss,
      evaluations: r.evaluations,
    };
  }
  throw new Error(`Twinbench fit log: a ${job.kind} fit cannot have a ${answer.kind} result.`);
}

export interface LogOptions {
  /** The log key the build pins (VITE_TWINBENCH_LOG_KEY); else pinned on first use. */
  readonly builtKey?: string | undefined;
  /** Where a key pinned on first use is kept (localStorage in the page). */
  readonly storage?: Storage | null;
}

/** Appends the fit to the run log and verifies it (see {@link logRun}). */
export async function logFit(
  client: RegistryClient,
  job: FitJob,
  answer: FitAnswer,
  options: LogOptions = {},
): Promise<LoggedRun> {
  return logRun(client, await fitRunEntry(job, answer), options);
}

/**
 * Appends a run to the log and verifies the entry against the log's pinned key. Rejects with
 * the registry's error (e.g. a 403 naming the role needed) or `log_unverified`.
 */
export async function logRun(
  client: RegistryClient,
  entry: AppendRunRequest,
  options: LogOptions = {},
): Promise<LoggedRun> {
  const appended = await client.appendRun(entry);
  const pins = await pinnedLogKeys(client, options.builtKey, options.storage ?? null);
  const verified = await verifyRunLogEntry(client, appended.index, { logKeys: pins.keys });
  return {
    index: appended.index,
    treeSize: verified.checkpoint.treeSize,
    checkpoint: verified.checkpoint,
  };
}
