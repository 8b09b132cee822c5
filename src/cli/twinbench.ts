/**
 * The `twinbench` command line. Runs in Node; GPU work goes through Dawn (the `webgpu` package).
 */
import { releaseDawn } from '../gpu/testing/dawnDevice.ts';
import { gradcheckCommand } from './gradcheckCommand.ts';

const USAGE = `usage: twinbench <command> [args]

commands:
  gradcheck KERNEL.wgsl [--json] [--cpu-only]
      check a kernel's generated adjoint: CPU float64 and GPU float32 against float64 finite
      differences, per differentiable input; settings from // @gradcheck comments (docs/kernels.md)`;

const [command, ...args] = process.argv.slice(2);
const print = (line: string) => console.info(line);
let code: number;
switch (command) {
  case 'gradcheck':
    code = await gradcheckCommand(args, print);
    break;
  case undefined:
  case '--help':
  case 'help':
    print(USAGE);
    code = command ? 0 : 2;
    break;
  default:
    print(`twinbench: unknown command "${command}"\n\n${USAGE}`);
    code = 2;
}
releaseDawn();
process.exit(code);
