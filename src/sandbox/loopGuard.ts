/**
 * Loop guards: the WGSL a sandboxed run sends to the GPU, with every `loop`, `while` and `for`
 * made to stop. A shader with an infinite loop otherwise keeps the GPU busy until the driver's
 * watchdog resets it (taking the tab's other GPU work with it) or, on a software adapter, for
 * ever.
 *
 * Token-level, with the autodiff lexer: each loop body starts with
 * `if (tb_sandbox_guard(<site>u)) { break; }`, and the module gets a per-invocation iteration
 * counter (`var<private>`) and a trap record in a storage buffer of its own bind group. When an
 * invocation's loops together pass `maxIterations`, the guard records the site in the trap and
 * breaks; every loop checks the trap at its first iteration and every 1024th, so once one loop
 * has run away the rest of the dispatch, and every later dispatch, stop at once too.
 *
 * Insertions stay on the line they are made on and the guard's own code follows the source, so
 * line numbers of the source are unchanged and `originalPosition` maps a column back.
 */
import { tokenize, type Token } from '../gpu/autodiff/lexer.ts';
import { SandboxError } from './sandboxError.ts';

/** Identifiers the guards add start with this; sources may not use it. */
export const GUARD_PREFIX = 'tb_sandbox_';
/** The trap record: [0] invocations that ran out of iterations, [1] the first one's site id. */
export const TRAP_VARIABLE = `${GUARD_PREFIX}trap`;
export const TRAP_WORDS = 4;
/** A running loop looks at the trap record every this many iterations of its invocation. */
export const TRAP_POLL_ITERATIONS = 1024;

export type LoopKind = 'loop' | 'while' | 'for';

/** A guarded loop: where it is in the source as given. */
export interface LoopSite {
  /** The id the guard writes into the trap record. */
  readonly id: number;
  readonly kind: LoopKind;
  /** 1-based line and column of the loop keyword. */
  readonly line: number;
  readonly column: number;
  /** The header's tokens joined by single spaces, e.g. `for ( var i = 0u ; i < n ; i ++ )`. */
  readonly header: string;
  /** The function the loop is in. */
  readonly fn: string | null;
}

export interface GuardOptions {
  /** Bind group of the trap record; must be free in the source (see `maxDeclaredGroup`). */
  readonly group: number;
  readonly maxIterations: number;
  /** Id of the first loop; the others follow in source order. */
  readonly firstSiteId: number;
  /** For messages. */
  readonly file?: string;
}

export interface GuardedSource {
  /** The source with guards, or the source itself when it has no loops. */
  readonly code: string;
  readonly sites: readonly LoopSite[];
  /**
   * Maps a 1-based line and column of `code` back to the source; null inside the code the
   * guards appended.
   */
  originalPosition(line: number, column: number): { line: number; column: number } | null;
}

interface Insertion {
  readonly offset: number;
  readonly line: number;
  /** Column (1-based) of the source character the text goes before. */
  readonly column: number;
  readonly text: string;
}

/** The loops, @group numbers and entry points of a WGSL source, found once per source. */
export interface LoopScan {
  readonly loops: readonly (Omit<LoopSite, 'id'> & { readonly body: BodyStart })[];
  /** The greatest `@group(n)` the source declares, or -1. */
  readonly maxDeclaredGroup: number;
  /** Where each @compute function's body starts (just after its `{`). */
  readonly entryBodies: readonly BodyStart[];
  /** Lines of the source, as the lexer counts them. */
  readonly lines: number;
}

/** Just after the `{` that opens a body. */
interface BodyStart {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

/** Finds what `guardLoops` needs; throws a SandboxError when the source cannot take guards. */
export function scanLoops(source: string, file = 'kernel.wgsl'): LoopScan {
  const tokens = tokenize(source, file).tokens;
  const at = (i: number) => tokens[i] ?? tokens[tokens.length - 1]!;
  const is = (i: number, text: string) => at(i).kind !== 'eof' && at(i).text === text;
  const place = (t: Token) => `${file}:${t.span.line}:${t.span.column}`;
  const closing = (open: number) => {
    let depth = 0;
    for (let i = open; at(i).kind !== 'eof'; i++) {
      if (is(i, '(')) depth++;
      else if (is(i, ')') && --depth === 0) return i;
    }
    return -1;
  };
  /** The index after the attributes (`@name` or `@name(…)`) starting at i. */
  const skipAttributes = (i: number) => {
    while (is(i, '@') && at(i + 1).kind === 'ident') {
      i += 2;
      if (is(i, '(')) {
        const end = closing(i);
        if (end < 0) return i;
        i = end + 1;
      }
    }
    return i;
  };
  const unguardable = (t: Token, problem: string): never => {
    throw new SandboxError('unguardable', `${place(t)}: ${problem}`);
  };

  const loops: (Omit<LoopSite, 'id'> & { body: BodyStart })[] = [];
  const entryBodies: BodyStart[] = [];
  let maxDeclaredGroup = -1;
  let fn: string | null = null;
  const after = (brace: Token): BodyStart => ({
    offset: brace.span.offset + 1,
    line: brace.span.line,
    column: brace.span.column + 1,
  });

  for (let i = 0; at(i).kind !== 'eof'; i++) {
    const t = at(i);
    if (t.kind === 'ident' && t.text.startsWith(GUARD_PREFIX))
      unguardable(
        t,
        `\`${t.text}\`: names starting with ${GUARD_PREFIX} are reserved for the sandbox's loop guards — rename it`,
      );
    if (is(i, '@') && is(i + 1, 'group')) {
      const n = at(i + 3);
      if (!is(i + 2, '(') || n.kind !== 'number' || !is(i + 4, ')'))
        unguardable(
          t,
          'the sandbox needs @group numbers written as literals, to find a free group for its loop guard — write @group(0), @group(1), …',
        );
      maxDeclaredGroup = Math.max(
        maxDeclaredGroup,
        (n as Extract<Token, { kind: 'number' }>).value,
      );
    }
    if (is(i, 'fn') && at(i + 1).kind === 'ident') fn = at(i + 1).text;
    if (is(i, '@') && is(i + 1, 'compute')) {
      let j = i + 2;
      while (at(j).kind !== 'eof' && !is(j, 'fn')) j++;
      const open = closing(j + 2) < 0 ? -1 : closing(j + 2);
      let k = open + 1;
      while (open >= 0 && at(k).kind !== 'eof' && !is(k, '{')) k++;
      if (open < 0 || !is(k, '{')) unguardable(t, 'cannot find the body of this entry point');
      entryBodies.push(after(at(k)));
    }
    if (t.kind !== 'ident' || (t.text !== 'loop' && t.text !== 'while' && t.text !== 'for'))
      continue;
    const kind: LoopKind = t.text;
    let j = i + 1;
    if (kind === 'for') {
      j = is(j, '(') ? closing(j) + 1 : 0;
      if (j > 0) j = skipAttributes(j);
    } else if (kind === 'loop') {
      j = skipAttributes(j);
    } else {
      // A while condition holds no braces: its body is the first `{` outside parentheses.
      let depth = 0;
      for (; at(j).kind !== 'eof'; j++) {
        if (is(j, '(') || is(j, '[')) depth++;
        else if (is(j, ')') || is(j, ']')) depth--;
        else if (depth === 0 && is(j, '{')) break;
      }
    }
    if (j <= 0 || !is(j, '{')) unguardable(t, `cannot find the body of this ${kind} statement`);
    loops.push({
      kind,
      line: t.span.line,
      column: t.span.column,
      header: tokens
        .slice(i, j)
        .map((x) => x.text)
        .join(' '),
      fn,
      body: after(at(j)),
    });
  }
  return { loops, maxDeclaredGroup, entryBodies, lines: at(tokens.length - 1).span.line };
}

/**
 * `source` with every loop guarded (see the file comment), or unchanged when it has no loop.
 *
 * @example
 * const { code, sites } = guardLoops(source, { group: 1, maxIterations: 2 ** 20, firstSiteId: 0 });
 */
export function guardLoops(
  source: string,
  options: GuardOptions,
  scan: LoopScan = scanLoops(source, options.file),
): GuardedSource {
  const { group, maxIterations, firstSiteId } = options;
  if (scan.loops.length === 0)
    return { code: source, sites: [], originalPosition: (line, column) => ({ line, column }) };
  if (group <= scan.maxDeclaredGroup)
    throw new SandboxError(
      'unguardable',
      `${options.file ?? 'kernel.wgsl'}: the loop guard's bind group ${group} is one the source declares (up to @group(${scan.maxDeclaredGroup}))`,
    );
  const sites: LoopSite[] = scan.loops.map(({ body: _, ...loop }, i) => ({
    id: firstSiteId + i,
    ...loop,
  }));
  const insertions: Insertion[] = [
    ...scan.loops.map((loop, i) => ({
      ...loop.body,
      text: ` if (${GUARD_PREFIX}guard(${firstSiteId + i}u)) { break; }`,
    })),
    // A static use in every entry point, so a `layout: 'auto'` pipeline has the trap's group.
    ...scan.entryBodies.map((body) => ({ ...body, text: ` _ = &${TRAP_VARIABLE};` })),
  ].sort((a, b) => a.offset - b.offset);

  let code = '';
  let from = 0;
  for (const insertion of insertions) {
    code += source.slice(from, insertion.offset) + insertion.text;
    from = insertion.offset;
  }
  code += source.slice(from) + guardModule(group, maxIterations);

  const sourceLines = scan.lines;
  return {
    code,
    sites,
    originalPosition(line, column) {
      if (line > sourceLines) return null;
      let shift = 0;
      for (const insertion of insertions) {
        if (insertion.line !== line) continue;
        const start = insertion.column + shift;
        if (column < start) break;
        if (column < start + insertion.text.length) return { line, column: insertion.column };
        shift += insertion.text.length;
      }
      return { line, column: column - shift };
    },
  };
}

/** The declarations every guarded module gets, after the source. */
function guardModule(group: number, maxIterations: number): string {
  const max = `${maxIterations}u`;
  return `

// ---- Twinbench sandbox: loop guards (src/sandbox/loopGuard.ts) ----
@group(${group}) @binding(0) var<storage, read_write> ${TRAP_VARIABLE}: array<atomic<u32>, ${TRAP_WORDS}>;
var<private> ${GUARD_PREFIX}iterations: u32;
// True when the loop at \`site\` must stop: this invocation's loops have run ${maxIterations}
// iterations (the first invocation to get there records its site), or another one's have.
fn ${GUARD_PREFIX}guard(site: u32) -> bool {
  if (${GUARD_PREFIX}iterations >= ${max}) { return true; }
  if ((${GUARD_PREFIX}iterations & ${TRAP_POLL_ITERATIONS - 1}u) == 0u && atomicLoad(&${TRAP_VARIABLE}[0]) != 0u) {
    ${GUARD_PREFIX}iterations = ${max};
    return true;
  }
  ${GUARD_PREFIX}iterations += 1u;
  if (${GUARD_PREFIX}iterations < ${max}) { return false; }
  if (atomicAdd(&${TRAP_VARIABLE}[0], 1u) == 0u) { atomicStore(&${TRAP_VARIABLE}[1], site); }
  return true;
}
`;
}
