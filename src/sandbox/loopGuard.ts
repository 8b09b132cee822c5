/**
 * Loop guards: the WGSL a sandboxed run sends to the GPU, with every `loop`, `while` and `for`
 * made to stop. A shader with an infinite loop otherwise keeps the GPU busy until the driver's
 * watchdog resets it (taking the tab's other GPU work with it) or, on a software adapter, for
 * ever — and a dispatch already running cannot be interrupted, not even by terminating the
 * worker that submitted it.
 *
 * Token-level, with the autodiff lexer: each loop body starts with
 * `if (tb_sandbox_guard(<site>u)) { break; }`, and the module gets a per-invocation iteration
 * counter (`var<private>`), a trap record and the dispatch's work counter in storage buffers of
 * its own bind group. Two limits:
 * - per invocation: when an invocation's loops together pass `maxIterations`, the guard records
 *   the site in the trap (reason `iterations`) and breaks;
 * - per dispatch: every invocation adds its iterations to the dispatch's shared count at its
 *   first iteration, every 1024th and when it ends (before each `return` of the entry point and
 *   at its end), and breaks, recording reason `dispatch budget`, once the count is past
 *   `maxDispatchIterations`. That bounds a dispatch's time however many invocations loop, and
 *   however high `maxIterations` is.
 * Every loop checks the trap at its first iteration and every 1024th, so once one loop has run
 * away the rest of the dispatch, and every later dispatch, stop at once too.
 *
 * Insertions stay on the line they are made on and the guard's own code follows the source, so
 * line numbers of the source are unchanged and `originalPosition` maps a column back.
 */
import { tokenize, type Token } from '../gpu/autodiff/lexer.ts';
import { SandboxError } from './sandboxError.ts';
import { DEFAULT_SANDBOX_LIMITS } from './sandboxLimits.ts';

/** Identifiers the guards add start with this; sources may not use it. */
export const GUARD_PREFIX = 'tb_sandbox_';
/**
 * The trap record: [0] invocations that stopped a loop, [1] the first one's site id, [2] its
 * reason (`TRAP_REASONS`), [3] the largest dispatch work count seen since it was cleared.
 */
export const TRAP_VARIABLE = `${GUARD_PREFIX}trap`;
export const TRAP_WORDS = 4;
/** This dispatch's loop iterations over all its invocations (binding 1 of the trap's group). */
export const WORK_VARIABLE = `${GUARD_PREFIX}work`;
/** What word [2] of the trap record holds: why the first loop stopped. */
export const TRAP_REASONS = ['iterations', 'dispatch_budget'] as const;
export type TrapReason = (typeof TRAP_REASONS)[number];
/**
 * A running loop looks at the trap record, and adds its invocation's iterations to the
 * dispatch's count, every this many iterations of its invocation.
 */
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
  /** Loop iterations of one dispatch, all invocations together (default: the sandbox's). */
  readonly maxDispatchIterations?: number;
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
  /**
   * Where an invocation ends: each `return` of a @compute function and its closing `}` (unless
   * a `return;` comes just before it), for the dispatch count's last addition.
   */
  readonly entryExits: readonly BodyStart[];
  /** Lines of the source, as the lexer counts them. */
  readonly lines: number;
}

/** A place in the source: just after the `{` that opens a body, or at a token. */
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
  const entryExits: BodyStart[] = [];
  let maxDeclaredGroup = -1;
  let fn: string | null = null;
  const after = (brace: Token): BodyStart => ({
    offset: brace.span.offset + 1,
    line: brace.span.line,
    column: brace.span.column + 1,
  });
  const before = (token: Token): BodyStart => ({
    offset: token.span.offset,
    line: token.span.line,
    column: token.span.column,
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
      let depth = 0;
      let end = k;
      for (; at(end).kind !== 'eof'; end++) {
        if (is(end, '{')) depth++;
        else if (is(end, '}') && --depth === 0) break;
        else if (is(end, 'return')) entryExits.push(before(at(end)));
      }
      if (!is(end, '}')) unguardable(t, 'cannot find the end of this entry point');
      // A statement after a last `return;` would be unreachable code, which compilers warn of.
      if (!(is(end - 1, ';') && is(end - 2, 'return'))) entryExits.push(before(at(end)));
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
  return {
    loops,
    maxDeclaredGroup,
    entryBodies,
    entryExits,
    lines: at(tokens.length - 1).span.line,
  };
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
  const maxDispatchIterations =
    options.maxDispatchIterations ?? DEFAULT_SANDBOX_LIMITS.maxDispatchIterations;
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
    ...scan.entryExits.map((exit) => ({ ...exit, text: `${GUARD_PREFIX}flush(); ` })),
  ].sort((a, b) => a.offset - b.offset);

  let code = '';
  let from = 0;
  for (const insertion of insertions) {
    code += source.slice(from, insertion.offset) + insertion.text;
    from = insertion.offset;
  }
  code += source.slice(from) + guardModule(group, maxIterations, maxDispatchIterations);

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
function guardModule(group: number, maxIterations: number, maxDispatchIterations: number): string {
  const max = `${maxIterations}u`;
  const trap = TRAP_VARIABLE;
  const work = WORK_VARIABLE;
  const iterations = `${GUARD_PREFIX}iterations`;
  const pending = `${GUARD_PREFIX}pending`;
  const reason = (r: TrapReason) => `${TRAP_REASONS.indexOf(r)}u`;
  return `

// ---- Twinbench sandbox: loop guards (src/sandbox/loopGuard.ts) ----
@group(${group}) @binding(0) var<storage, read_write> ${trap}: array<atomic<u32>, ${TRAP_WORDS}>;
@group(${group}) @binding(1) var<storage, read_write> ${work}: atomic<u32>;
var<private> ${iterations}: u32;
// Iterations of this invocation not yet added to the dispatch's count.
var<private> ${pending}: u32;
// Adds the pending iterations to the dispatch's count; the count after.
fn ${GUARD_PREFIX}count() -> u32 {
  let total = atomicAdd(&${work}, ${pending}) + ${pending};
  ${pending} = 0u;
  atomicMax(&${trap}[3], total);
  return total;
}
fn ${GUARD_PREFIX}stop(site: u32, reason: u32) -> bool {
  ${iterations} = ${max};
  if (atomicAdd(&${trap}[0], 1u) == 0u) {
    atomicStore(&${trap}[1], site);
    atomicStore(&${trap}[2], reason);
  }
  return true;
}
// True when the loop at \`site\` must stop: this invocation's loops have run ${maxIterations}
// iterations, or the dispatch's invocations together more than ${maxDispatchIterations} (the
// first invocation to find either records its site and reason), or another loop has stopped.
fn ${GUARD_PREFIX}guard(site: u32) -> bool {
  if (${iterations} >= ${max}) { return true; }
  if ((${iterations} & ${TRAP_POLL_ITERATIONS - 1}u) == 0u) {
    if (atomicLoad(&${trap}[0]) != 0u) {
      ${iterations} = ${max};
      return true;
    }
    if (${GUARD_PREFIX}count() > ${maxDispatchIterations}u) { return ${GUARD_PREFIX}stop(site, ${reason('dispatch_budget')}); }
  }
  ${iterations} += 1u;
  ${pending} += 1u;
  if (${iterations} < ${max}) { return false; }
  return ${GUARD_PREFIX}stop(site, ${reason('iterations')});
}
// Where the invocation ends: its last iterations count too.
fn ${GUARD_PREFIX}flush() {
  if (${pending} != 0u) { _ = ${GUARD_PREFIX}count(); }
}
`;
}
