import type { Span } from './ast.ts';

export type KernelErrorReason =
  | 'syntax'
  | 'unknown_identifier'
  | 'type_mismatch'
  | 'unsupported_construct'
  | 'unsupported_builtin'
  | 'unbounded_loop'
  | 'write_after_read'
  | 'in_place_update'
  | 'forward_scatter'
  | 'bad_marking'
  | 'invalid_kernel';

/**
 * An error in a kernel's source, with where and what to do. `message` reads
 * `kernel.wgsl:12:7: <problem>. <fix>` so editors and terminals can jump to it.
 */
export class KernelError extends Error {
  override readonly name = 'KernelError';
  constructor(
    readonly reason: KernelErrorReason,
    readonly problem: string,
    readonly fix: string,
    readonly span: Span,
    readonly file = 'kernel.wgsl',
  ) {
    super(`${file}:${span.line}:${span.column}: ${problem}. ${fix}`);
  }
}
