/** Self time per function of a V8 .cpuprofile, busiest first, idle left out. */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
  };
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples?: readonly number[];
  readonly timeDeltas?: readonly number[];
}

export interface SelfTime {
  readonly name: string;
  readonly ms: number;
  /** Of the busy (non-idle) time. */
  readonly share: number;
}

const where = (url: string, line: number) => {
  if (url === '') return '';
  const file = url.startsWith('file:') ? relative(process.cwd(), fileURLToPath(url)) : url;
  return ` ${file}:${line + 1}`;
};

/** Where a function lives, coarsely: an npm package, a file of ours, node's internals, V8's. */
function groupOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node internals';
  const path = url.startsWith('file:') ? relative(process.cwd(), fileURLToPath(url)) : url;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  return pkg ? `npm ${pkg[1]}` : path;
}

export function topSelfTimes(
  path: string,
  limit = 15,
): { busyMs: number; top: SelfTime[]; groups: SelfTime[] } {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map<string, number>();
  const groups = new Map<string, number>();
  let busy = 0;
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  samples.forEach((id, i) => {
    const frame = byId.get(id)?.callFrame;
    // A sample's delta is the time since the previous sample: charge it to the previous one.
    const us = deltas[i + 1] ?? 0;
    if (frame === undefined || frame.functionName === '(idle)') return;
    const name = `${frame.functionName || '(anonymous)'}${where(frame.url, frame.lineNumber)}`;
    totals.set(name, (totals.get(name) ?? 0) + us);
    const group = groupOf(frame.url, frame.functionName);
    groups.set(group, (groups.get(group) ?? 0) + us);
    busy += us;
  });
  const ranked = (map: Map<string, number>) =>
    [...map]
      .map(([name, us]) => ({ name, ms: us / 1000, share: busy > 0 ? us / busy : 0 }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, limit);
  return { busyMs: busy / 1000, top: ranked(totals), groups: ranked(groups) };
}

/** Prints a profile's busiest functions and packages to stderr. */
export function reportProfile(
  file: string,
  label: string,
  windowMs: number,
  log: (message: string) => void,
): void {
  const { busyMs, top, groups } = topSelfTimes(file);
  const show = (entry: SelfTime) =>
    console.error(
      `  ${(entry.share * 100).toFixed(1).padStart(5)}%  ${entry.ms.toFixed(0).padStart(6)} ms  ${entry.name}`,
    );
  log(`profile ${label} (${file}): relay busy ${busyMs.toFixed(0)} of ${windowMs} ms; self time:`);
  top.forEach(show);
  log(`profile ${label}: self time by package or file:`);
  groups.slice(0, 10).forEach(show);
}
