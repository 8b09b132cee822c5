/** The relay bench's command line. */
import type { BenchPath, RelayProtocol } from './protocol.ts';

export interface RelayBenchOptions {
  readonly paths: readonly BenchPath[];
  /** Offered load steps, samples/s, rising. */
  readonly rates: readonly number[];
  readonly samplesPerMsg: readonly number[];
  readonly warmupMs: number;
  readonly measureMs: number;
  /** After the window, how long samples published inside it may still arrive. */
  readonly graceMs: number;
  /**
   * Fan-out steps: clients (0: none), offered samples/s (rising; a path stops at the first it
   * does not hold), samples per message, client processes.
   */
  readonly fanoutClients: number;
  readonly fanoutRates: readonly number[];
  readonly fanoutSamplesPerMsg: number;
  readonly fanoutProcs: number;
  readonly protocol: RelayProtocol | 'auto';
  /** Write a relay .cpuprofile per relay step here, and print its top functions. */
  readonly profileDir: string | null;
  /** Runs per step; its line gives the medians. */
  readonly repeats: number;
  readonly quick: boolean;
}

const PATHS: readonly BenchPath[] = ['mqtt', 'kafka', 'mosquitto-ws'];

/** `100k`, `1M`, `20_000`. */
function count(text: string): number {
  const match = /^([\d._e+]+)([kKmM]?)$/.exec(text.trim());
  const scale = { '': 1, k: 1e3, m: 1e6 }[match?.[2]?.toLowerCase() ?? ''];
  const value = Number(match?.[1]?.replaceAll('_', '')) * (scale ?? NaN);
  if (!(value > 0)) throw new Error(`relay bench: "${text}" is not a positive number (try 100k)`);
  return Math.round(value);
}

export const USAGE =
  'npm run bench -- relay [--quick] [--paths mqtt,kafka,mosquitto-ws] [--rates 10k,25k,50k,75k,100k,150k,200k,300k,500k,1M] ' +
  '[--samples-per-msg 1,10] [--warmup-s 1] [--measure-s 5] [--grace-s 1] [--clients 200] ' +
  '[--fanout-rates 2k,5k,20k] [--fanout-samples-per-msg 10] [--fanout-procs 2] [--protocol foxglove|json|auto] ' +
  '[--repeats 1] [--profile DIR]';

export function parseOptions(argv: readonly string[]): RelayBenchOptions {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.info(`usage: ${USAGE}`);
    process.exit(0);
  }
  const quick = argv.includes('--quick');
  const options = {
    paths: PATHS,
    rates: quick
      ? [10_000, 100_000]
      : [10_000, 25_000, 50_000, 75_000, 100_000, 150_000, 200_000, 300_000, 500_000, 1_000_000],
    samplesPerMsg: [1, 10],
    warmupMs: quick ? 500 : 1000,
    measureMs: quick ? 2000 : 5000,
    graceMs: quick ? 500 : 1000,
    fanoutClients: quick ? 50 : 200,
    fanoutRates: quick ? [10_000] : [2_000, 5_000, 20_000],
    fanoutSamplesPerMsg: 10,
    fanoutProcs: 2,
    protocol: 'foxglove' as RelayProtocol | 'auto',
    profileDir: null as string | null,
    repeats: 1,
    quick,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === '--quick') continue;
    const value = argv[++i];
    if (value === undefined) throw new Error(`relay bench: ${flag} needs a value\nusage: ${USAGE}`);
    const list = value.split(',').map((item) => item.trim());
    switch (flag) {
      case '--paths':
        for (const path of list)
          if (!(PATHS as readonly string[]).includes(path))
            throw new Error(`relay bench: unknown path "${path}": use ${PATHS.join(', ')}`);
        options.paths = list as BenchPath[];
        break;
      case '--rates':
        options.rates = list.map(count).sort((a, b) => a - b);
        break;
      case '--samples-per-msg':
        options.samplesPerMsg = list.map(count);
        break;
      case '--warmup-s':
        options.warmupMs = Number(value) * 1000;
        break;
      case '--measure-s':
        options.measureMs = Number(value) * 1000;
        break;
      case '--grace-s':
        options.graceMs = Number(value) * 1000;
        break;
      case '--clients':
        options.fanoutClients = value === '0' ? 0 : count(value);
        break;
      case '--fanout-rates':
        options.fanoutRates = list.map(count).sort((a, b) => a - b);
        break;
      case '--fanout-samples-per-msg':
        options.fanoutSamplesPerMsg = count(value);
        break;
      case '--fanout-procs':
        options.fanoutProcs = count(value);
        break;
      case '--protocol':
        if (value !== 'auto' && value !== 'foxglove' && value !== 'json')
          throw new Error('relay bench: --protocol takes auto, foxglove or json');
        options.protocol = value;
        break;
      case '--repeats':
        options.repeats = count(value);
        break;
      case '--profile':
        options.profileDir = value;
        break;
      default:
        throw new Error(`relay bench: unknown flag ${flag}\nusage: ${USAGE}`);
    }
  }
  for (const ms of [options.warmupMs, options.measureMs, options.graceMs])
    if (!(ms >= 0))
      throw new Error('relay bench: --warmup-s, --measure-s and --grace-s take seconds');
  return options;
}
