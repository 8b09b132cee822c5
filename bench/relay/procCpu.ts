/**
 * CPU time of other processes (relay, broker, publisher) from /proc/PID/stat, so each step can
 * say where the machine's two cores went. Linux only; elsewhere every reading is null.
 */
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

/** Clock ticks per second of utime/stime (USER_HZ, 100 on Linux). */
const TICKS_PER_S = 100;

/** utime + stime of `pid` in ms, or null when it cannot be read. */
export function processCpuMs(pid: number | null): number | null {
  if (pid === null || pid <= 0) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may hold spaces and ends with the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_S;
  } catch {
    return null;
  }
}

/**
 * The process listening on TCP `port` (any address), or null: the socket's inode from
 * /proc/net/tcp{,6}, then the process holding it among /proc/PID/fd. Only processes this user
 * may inspect are found.
 */
export function pidListeningOn(port: number): number | null {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const row of text.split('\n').slice(1)) {
      const cols = row.trim().split(/\s+/);
      // local_address is ADDR:PORT in hex; state 0A is LISTEN; inode is the tenth column.
      if (cols[1]?.endsWith(`:${hexPort}`) && cols[3] === '0A' && cols[9] !== undefined)
        inodes.add(`socket:[${cols[9]}]`);
    }
  }
  if (inodes.size === 0) return null;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        if (inodes.has(readlinkSync(`/proc/${entry}/fd/${fd}`))) return Number(entry);
      } catch {
        // The fd closed meanwhile.
      }
    }
  }
  return null;
}

/** Readings of several named processes, to turn into cores used over an interval. */
export function cpuSnapshot(
  pids: Readonly<Record<string, number | null>>,
): Record<string, number | null> {
  return Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, processCpuMs(pid)]));
}

/** Cores used by each process between two snapshots `ms` apart (null where unreadable). */
export function coresBetween(
  before: Readonly<Record<string, number | null>>,
  after: Readonly<Record<string, number | null>>,
  ms: number,
): Record<string, number | null> {
  return Object.fromEntries(
    Object.entries(after).map(([name, end]) => {
      const start = before[name];
      return [
        name,
        end === null || start === null || start === undefined ? null : (end - start) / ms,
      ];
    }),
  );
}
