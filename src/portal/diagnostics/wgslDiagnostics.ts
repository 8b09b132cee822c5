/**
 * WGSL compiler messages (`GPUShaderModule.getCompilationInfo()`) as diagnostics on the author's
 * text. What the GPU compiled may be the author's text with code added (the sandbox's loop
 * guards, `loopGuard.ts`); `originalPosition` maps a position in the compiled code back to the
 * author's text, and messages about added code are placed at the start of the file and say so.
 */
import { positionAt, tokenEnd, type Diagnostic } from './diagnostic.ts';

/** The parts of a GPUCompilationMessage used here (plain data, as tests build them). */
export interface CompilationMessage {
  readonly type: GPUCompilationMessageType;
  readonly message: string;
  /** 1-based; 0 when the message has no position. */
  readonly lineNum: number;
  readonly linePos: number;
  /** UTF-16 offset and length in the compiled code. */
  readonly offset: number;
  readonly length: number;
}

/** The code the GPU compiled, and how its positions map back to the author's text. */
export interface CompiledCode {
  readonly code: string;
  /** 1-based line and column in `code` → in the author's text; null inside added code. */
  originalPosition(line: number, column: number): { line: number; column: number } | null;
}

/** The author's text compiled as it is. */
export function identityCode(source: string): CompiledCode {
  return { code: source, originalPosition: (line, column) => ({ line, column }) };
}

/**
 * @example
 * const info = await device.createShaderModule({ code: guarded.code }).getCompilationInfo();
 * setMarkers(compilationDiagnostics('pid.wgsl', source, guarded, info.messages));
 */
export function compilationDiagnostics(
  file: string,
  source: string,
  compiled: CompiledCode,
  messages: readonly CompilationMessage[],
): Diagnostic[] {
  return messages.map((m): Diagnostic => {
    const severity: Diagnostic['severity'] =
      m.type === 'error' ? 'error' : m.type === 'warning' ? 'warning' : 'info';
    const base = { file, source: 'wgsl' as const, severity };
    if (m.lineNum < 1)
      return { ...base, message: m.message, line: 1, column: 1, endLine: 1, endColumn: 2 };
    const start = compiled.originalPosition(m.lineNum, m.linePos);
    if (start === null)
      return {
        ...base,
        message: `${m.message} (in the code the sandbox adds after your kernel — check names and @group numbers your kernel declares)`,
        line: 1,
        column: 1,
        endLine: 1,
        endColumn: 2,
      };
    const endInCode = positionAt(compiled.code, m.offset + Math.max(m.length, 0));
    const end = m.length > 0 ? compiled.originalPosition(endInCode.line, endInCode.column) : null;
    const sameToken = end !== null && end.line === start.line && end.column > start.column;
    return {
      ...base,
      message: m.message,
      line: start.line,
      column: start.column,
      endLine: start.line,
      endColumn: sameToken ? end.column : tokenEnd(source, start.line, start.column),
    };
  });
}
