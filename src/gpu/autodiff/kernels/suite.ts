import { readdirSync, readFileSync } from 'node:fs';
import { gradcheckDirectives } from '../directives.ts';
import type { GradcheckOptions } from '../gradcheck.ts';

const DIR = new URL('./', import.meta.url);

/**
 * The gradient suite: every `*.wgsl` kernel in this folder, with the check settings its own
 * `// @gradcheck` comments give — the same ones `npx twinbench gradcheck` reads.
 */
export const SUITE: Readonly<Record<string, GradcheckOptions>> = Object.fromEntries(
  readdirSync(DIR)
    .filter((f) => f.endsWith('.wgsl'))
    .sort()
    .map((f) => [
      f.replace(/\.wgsl$/, ''),
      gradcheckDirectives(readFileSync(new URL(f, DIR), 'utf8')),
    ]),
);

export function kernelSource(name: string): string {
  return readFileSync(new URL(`${name}.wgsl`, DIR), 'utf8');
}
