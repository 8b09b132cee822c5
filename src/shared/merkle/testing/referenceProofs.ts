/**
 * RFC 6962 §2.1.1 PATH and §2.1.2 PROOF/SUBPROOF written as the RFC writes them (recursion on
 * slices), returning leaf ranges: an independent statement of the definitions that the loop
 * versions in treeMath.ts are compared with. Modelled on the reference implementations in
 * google/certificate-transparency cpp/merkletree/merkle_tree_test.cc.
 */
import type { LeafRange } from '../treeMath.ts';

function k(n: number): number {
  // "the largest power of two smaller than n"
  return 2 ** Math.ceil(Math.log2(n) - 1);
}

export function referencePath(m: number, start: number, end: number): LeafRange[] {
  const n = end - start;
  if (n <= 1) return [];
  const split = k(n);
  return m < split
    ? [...referencePath(m, start, start + split), { start: start + split, end }]
    : [...referencePath(m - split, start + split, end), { start, end: start + split }];
}

function subproof(m: number, start: number, end: number, b: boolean): LeafRange[] {
  const n = end - start;
  if (m === n) return b ? [] : [{ start, end }];
  const split = k(n);
  return m <= split
    ? [...subproof(m, start, start + split, b), { start: start + split, end }]
    : [...subproof(m - split, start + split, end, false), { start, end: start + split }];
}

export function referenceConsistency(m: number, n: number): LeafRange[] {
  return m === 0 || m === n ? [] : subproof(m, 0, n, true);
}
