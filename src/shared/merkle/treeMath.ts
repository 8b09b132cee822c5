/**
 * Which subtrees make up an RFC 6962 proof, as leaf ranges, independent of how their hashes are
 * found. Sizes and indices are plain numbers up to Number.MAX_SAFE_INTEGER, so the arithmetic
 * avoids the 32-bit bitwise operators.
 */

/** Leaves `start` (inclusive) to `end` (exclusive); its hash is MTH(D[start:end]). */
export interface LeafRange {
  readonly start: number;
  readonly end: number;
}

export function isPowerOfTwo(n: number): boolean {
  let k = 1;
  while (k < n) k *= 2;
  return k === n;
}

/** The largest power of two strictly below `n` (n ≥ 2): where RFC 6962 splits a tree of n leaves. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * The audit path PATH(index, D[0:size]) of RFC 6962 §2.1.1, from the leaf's sibling up to the
 * root's child. Requires 0 ≤ index < size.
 *
 * @example inclusionRanges(1, 5) // leaf 0, then leaves 2–3, then leaf 4:
 *   // [{ start: 0, end: 1 }, { start: 2, end: 4 }, { start: 4, end: 5 }]
 */
export function inclusionRanges(index: number, size: number): LeafRange[] {
  const out: LeafRange[] = [];
  let start = 0;
  let end = size;
  let m = index;
  // PATH recurses into the half holding the leaf and appends the other half's hash after the
  // subpath, so the ranges are collected top-down and reversed at the end.
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (m < k) {
      out.push({ start: start + k, end });
      end = start + k;
    } else {
      out.push({ start, end: start + k });
      start += k;
      m -= k;
    }
  }
  return out.reverse();
}

/**
 * The consistency proof PROOF(older, D[0:newer]) of RFC 6962 §2.1.2: empty when older is 0 or
 * equals newer. Requires 0 ≤ older ≤ newer.
 */
export function consistencyRanges(older: number, newer: number): LeafRange[] {
  if (older === 0 || older === newer) return [];
  const out: LeafRange[] = [];
  let start = 0;
  let end = newer;
  let m = older;
  // SUBPROOF(m, D[start:end], b): b turns false once the recursion leaves the left edge, and
  // only then does the subtree equal to the old tree's remaining part go into the proof.
  let onLeftEdge = true;
  while (m !== end - start) {
    const k = splitPoint(end - start);
    if (m <= k) {
      out.push({ start: start + k, end });
      end = start + k;
    } else {
      out.push({ start, end: start + k });
      start += k;
      m -= k;
      onLeftEdge = false;
    }
  }
  if (!onLeftEdge) out.push({ start, end });
  return out.reverse();
}
