/**
 * The `twinbench` command line. Runs in Node; GPU work goes through Dawn (the `webgpu` package).
 */
import { releaseDawn, requestDawnDevice, type DawnDevice } from '../gpu/testing/dawnDevice.ts';
import { EXIT, type CommandContext } from './commandContext.ts';
import { exampleCommand, EXAMPLE_USAGE } from './exampleCommand.ts';
import { fitCommand, FIT_USAGE } from './fitCommand.ts';
import { gradcheckCommand } from './gradcheckCommand.ts';
import { runCommand, RUN_USAGE } from './runCommand.ts';

const USAGE = `usage: twinbench <command> [args]

commands:
  run MODEL.yaml [--steps N] [--inputs FILE.csv] [--every K] [--json]
      run a model forward on the GPU; print its observables and final state
  fit MODEL.yaml --data FILE.csv [--inputs FILE.csv] [--optimizer lbfgs|adam] [--iterations N]
      [--seed S] [--budget STATES] [--json]
      fit the manifest's parameters to measured data; progress on stderr, result on stdout
  example heat-plate|pid-plant --out DIR [--seed S] [--noise X]
      write an example model with synthetic data to fit (and the hidden truth)
  gradcheck KERNEL.wgsl [--json] [--cpu-only]
      check a kernel's generated adjoint: CPU float64 and GPU float32 against float64 finite
      differences, per differentiable input; settings from // @gradcheck comments (docs/kernels.md)

twinbench <command> --help prints the command's options. Exit codes: 0 done, 1 failed,
2 bad input (arguments, manifest, data), 130 cancelled (Ctrl-C).`;

const HELP: Record<string, string> = { run: RUN_USAGE, fit: FIT_USAGE, example: EXAMPLE_USAGE };

const [command, ...args] = process.argv.slice(2);
const out = (text: string) => process.stdout.write(`${text}\n`);
const err = (text: string) => process.stderr.write(`${text}\n`);

// The first Ctrl-C asks the command to stop and print what it has; a second one exits at once.
const cancel = new AbortController();
process.on('SIGINT', () => {
  if (cancel.signal.aborted) process.exit(EXIT.cancelled);
  err('twinbench: stopping; the result so far follows (Ctrl-C again to quit now)');
  cancel.abort();
});

// The device is requested on first use and destroyed here, its owner, after the command.
let device: Promise<DawnDevice> | undefined;
const ctx: CommandContext = {
  out,
  err,
  signal: cancel.signal,
  gpu: () => (device ??= requestDawnDevice()),
};

let code: number;
if (command !== undefined && HELP[command] && (args.includes('--help') || args.includes('-h'))) {
  out(HELP[command]);
  code = EXIT.ok;
} else {
  switch (command) {
    case 'run':
      code = await runCommand(args, ctx);
      break;
    case 'fit':
      code = await fitCommand(args, ctx);
      break;
    case 'example':
      code = await exampleCommand(args, ctx);
      break;
    case 'gradcheck':
      code = await gradcheckCommand(args, out);
      break;
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      out(USAGE);
      code = command ? EXIT.ok : EXIT.badInput;
      break;
    default:
      err(`twinbench: unknown command "${command}"\n\n${USAGE}`);
      code = EXIT.badInput;
  }
}
const held = await device;
if (held?.ok) held.device.destroy();
releaseDawn();
process.exit(code);
