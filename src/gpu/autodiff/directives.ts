import type { GradcheckOptions } from './gradcheck.ts';

/**
 * Reads gradient-check settings from `// @gradcheck …` comments in a kernel, so
 * `twinbench gradcheck KERNEL.wgsl` needs no other file:
 *
 * ```wgsl
 * // @gradcheck workgroups=2 length=16 seed=3
 * // @gradcheck int params=6        every integer slot of `params` is 6
 * // @gradcheck int edges<16        integer slots of `edges` drawn from 0…15
 * // @gradcheck range radius=0.5..2 floats of `radius` drawn from [0.5, 2]
 * ```
 */
export function gradcheckDirectives(source: string): GradcheckOptions {
  let workgroups: [number, number, number] = [1, 1, 1];
  let arrayLength = 8;
  let seed = 1;
  const integers: Record<string, (slot: number) => number> = {};
  const ranges: Record<string, readonly [number, number]> = {};
  const lines = source.split('\n');
  lines.forEach((line, index) => {
    const match = /\/\/\s*@gradcheck\s+(.*)$/.exec(line);
    if (!match) return;
    const where = `line ${index + 1}`;
    const words = match[1]!.trim().split(/\s+/);
    const bad = (why: string) => new Error(`@gradcheck on ${where}: ${why}`);
    if (words[0] === 'int') {
      const m = /^(\w+)(=|<)(\d+)$/.exec(words[1] ?? '');
      if (!m) throw bad('write `int NAME=VALUE` or `int NAME<MAX`');
      const n = Number(m[3]);
      // Integer slots drawn from 0…MAX−1 with a fixed pattern (reproducible, every value used).
      integers[m[1]!] = m[2] === '=' ? () => n : (slot) => (slot * 7 + 3) % n;
      return;
    }
    if (words[0] === 'range') {
      const m = /^(\w+)=(-?[\d.e+-]+)\.\.(-?[\d.e+-]+)$/.exec(words[1] ?? '');
      if (!m) throw bad('write `range NAME=LOW..HIGH`');
      ranges[m[1]!] = [Number(m[2]), Number(m[3])];
      return;
    }
    for (const word of words) {
      const [key, value] = word.split('=');
      if (!value) throw bad(`expected KEY=VALUE, found "${word}"`);
      if (key === 'workgroups') {
        const dims = value.split(',').map(Number);
        if (dims.some((d) => !Number.isInteger(d) || d < 1))
          throw bad('workgroups must be positive integers, e.g. workgroups=4 or workgroups=2,2,1');
        workgroups = [dims[0] ?? 1, dims[1] ?? 1, dims[2] ?? 1];
      } else if (key === 'length') {
        arrayLength = Number(value);
        if (!Number.isInteger(arrayLength) || arrayLength < 1)
          throw bad('length must be a positive integer');
      } else if (key === 'seed') {
        seed = Number(value);
      } else {
        throw bad(`unknown setting "${key}": use workgroups, length, seed, int or range`);
      }
    }
  });
  return { workgroups, arrayLength, seed, integers, ranges };
}
