/**
 * CPU time of every thread of this process's descendants (Chromium's browser, renderer and
 * utility processes), from /proc: where the machine's cores went during a phase — the page, the
 * worker, or IndexedDB's backend in the browser process. Linux only; elsewhere it reports nothing.
 */
import { readFileSync, readdirSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

/** Seconds of CPU per "process-type/thread-name". */
export type ThreadCpu = Map<string, number>;

function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** `comm` is in parentheses and may hold spaces; the numeric fields follow the last ')'. */
function parseStat(stat: string): { comm: string; ppid: number; cpu: number } {
  const open = stat.indexOf('(');
  const close = stat.lastIndexOf(')');
  const fields = stat.slice(close + 2).split(' ');
  // After comm: state(0) ppid(1) … utime(11) stime(12).
  return {
    comm: stat.slice(open + 1, close),
    ppid: Number(fields[1]),
    cpu: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND,
  };
}

function processType(pid: number): string {
  // Chromium rewrites its children's argv into one space-separated string.
  const args = (read(`/proc/${pid}/cmdline`) ?? '').split(/[\0 ]/);
  const type = args.find((a) => a.startsWith('--type='))?.slice('--type='.length);
  const sub = args
    .find((a) => a.startsWith('--utility-sub-type='))
    ?.split('.')
    .pop();
  if (type === undefined) return args[0]?.includes('chrom') === true ? 'browser' : 'node';
  return sub === undefined ? type : `${type}:${sub}`;
}

export function threadCpu(root = process.pid): ThreadCpu {
  const out: ThreadCpu = new Map();
  let pids: number[];
  try {
    pids = readdirSync('/proc')
      .filter((n) => /^\d+$/.test(n))
      .map(Number);
  } catch {
    return out;
  }
  const parent = new Map<number, number>();
  for (const pid of pids) {
    const stat = read(`/proc/${pid}/stat`);
    if (stat !== null) parent.set(pid, parseStat(stat).ppid);
  }
  const descends = (pid: number): boolean => {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p))
      if (p === root) return true;
    return false;
  };
  for (const pid of pids) {
    if (!descends(pid)) continue;
    const type = processType(pid);
    let tids: string[];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      const stat = read(`/proc/${pid}/task/${tid}/stat`);
      if (stat === null) continue;
      const { comm, cpu } = parseStat(stat);
      const key = `${type}/${comm}`;
      out.set(key, (out.get(key) ?? 0) + cpu);
    }
  }
  return out;
}

/** CPU seconds per thread group between two snapshots, largest first. */
export function cpuSince(before: ThreadCpu, after: ThreadCpu): [string, number][] {
  return [...after]
    .map(([key, s]): [string, number] => [key, s - (before.get(key) ?? 0)])
    .filter(([, s]) => s > 0.005)
    .sort((a, b) => b[1] - a[1]);
}
