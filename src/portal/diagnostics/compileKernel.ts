/**
 * Live WGSL diagnostics for one kernel file on an injected device: the kernel is compiled as the
 * sandbox will run it — with its loop guards (`src/sandbox/loopGuard.ts`), which keep the
 * author's lines and map columns back — and the compiler's messages are placed on the author's
 * text.
 */
import { KernelError } from '../../gpu/autodiff/errors.ts';
import { guardLoops, scanLoops } from '../../sandbox/loopGuard.ts';
import { SandboxError } from '../../sandbox/sandboxError.ts';
import { DEFAULT_SANDBOX_LIMITS } from '../../sandbox/sandboxLimits.ts';
import { tokenEnd, type Diagnostic } from './diagnostic.ts';
import { compilationDiagnostics, identityCode, type CompiledCode } from './wgslDiagnostics.ts';

/** `file.wgsl:12:7: problem` → line 12, column 7. */
const PLACE = /^[^:\n]*:(\d+):(\d+): ([\s\S]*)$/;

/**
 * @example
 * const diagnostics = await compileKernelDiagnostics(device, 'pidPlant.wgsl', source);
 */
export async function compileKernelDiagnostics(
  device: GPUDevice,
  file: string,
  source: string,
): Promise<Diagnostic[]> {
  const diagnostics: Diagnostic[] = [];
  let compiled: CompiledCode;
  try {
    const scan = scanLoops(source, file);
    compiled = guardLoops(
      source,
      {
        group: scan.maxDeclaredGroup + 1,
        maxIterations: DEFAULT_SANDBOX_LIMITS.maxLoopIterations,
        firstSiteId: 0,
        file,
      },
      scan,
    );
  } catch (error) {
    // The compiler below reports what the lexer could not read; a kernel the guards cannot take
    // is a problem of its own (the sandbox will refuse it).
    if (error instanceof SandboxError) {
      const [, line, column, problem] = PLACE.exec(error.message.replace(/^sandbox: /, '')) ?? [];
      const at = { line: Number(line ?? 1), column: Number(column ?? 1) };
      diagnostics.push({
        file,
        source: 'wgsl',
        severity: 'error',
        message: `the sandbox cannot guard this kernel's loops: ${problem ?? error.message}`,
        ...at,
        endLine: at.line,
        endColumn: tokenEnd(source, at.line, at.column),
      });
    } else if (!(error instanceof KernelError)) {
      throw error;
    }
    compiled = identityCode(source);
  }
  device.pushErrorScope('validation');
  const module = device.createShaderModule({ label: file, code: compiled.code });
  const info = await module.getCompilationInfo();
  // The scope takes the validation error an invalid module raises, which the messages describe.
  await device.popErrorScope();
  return [...diagnostics, ...compilationDiagnostics(file, source, compiled, info.messages)];
}
