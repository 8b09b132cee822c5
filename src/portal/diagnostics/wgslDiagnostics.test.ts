import { describe, expect, it } from 'vitest';
import { guardLoops } from '../../sandbox/loopGuard.ts';
import { positionAt } from './diagnostic.ts';
import {
  compilationDiagnostics,
  identityCode,
  type CompilationMessage,
} from './wgslDiagnostics.ts';

const source = [
  'fn relax(n: u32) -> f32 {',
  '  var v = 0.0;',
  '  for (var k = 0u; k < n; k++) { v = v + undefinedName; }',
  '  return v;',
  '}',
].join('\n');
/** Where `undefinedName` starts on line 3. */
const COLUMN = source.split('\n')[2]!.indexOf('undefinedName') + 1;

/** A compiler message at `needle` in `code`, as the GPU reports one. */
function messageAt(code: string, needle: string, text = 'unresolved value'): CompilationMessage {
  const offset = code.indexOf(needle);
  if (offset < 0) throw new Error(`no "${needle}" in the code`);
  const { line, column } = positionAt(code, offset);
  return {
    type: 'error',
    message: text,
    lineNum: line,
    linePos: column,
    offset,
    length: needle.length,
  };
}

describe('compilationDiagnostics', () => {
  it("maps a message after a loop guard on the same line back to the author's column", () => {
    const guarded = guardLoops(source, { group: 0, maxIterations: 100, firstSiteId: 0 });
    const message = messageAt(guarded.code, 'undefinedName');
    // The guard's text sits before the name on that line, so the compiled column is further right.
    expect(message.linePos).toBeGreaterThan(COLUMN);
    expect(compilationDiagnostics('relax.wgsl', source, guarded, [message])).toEqual([
      {
        file: 'relax.wgsl',
        source: 'wgsl',
        severity: 'error',
        message: 'unresolved value',
        line: 3,
        column: COLUMN,
        endLine: 3,
        endColumn: COLUMN + 'undefinedName'.length,
      },
    ]);
  });

  it('places a message inside the code the sandbox adds at the top and says so', () => {
    const guarded = guardLoops(source, { group: 0, maxIterations: 100, firstSiteId: 0 });
    const [d] = compilationDiagnostics('relax.wgsl', source, guarded, [
      messageAt(guarded.code, 'var<private>', 'redeclared'),
    ]);
    expect(d).toMatchObject({ line: 1, column: 1, endColumn: 2 });
    expect(d!.message).toMatch(/^redeclared \(in the code the sandbox adds after your kernel/);
  });

  it('keeps warnings as warnings and puts messages without a position on line 1', () => {
    const code = identityCode(source);
    const diagnostics = compilationDiagnostics('relax.wgsl', source, code, [
      { ...messageAt(source, 'v = 0.0', 'unused'), type: 'warning' },
      { type: 'info', message: 'no place', lineNum: 0, linePos: 0, offset: 0, length: 0 },
    ]);
    expect(diagnostics.map((d) => [d.severity, d.line, d.column, d.endColumn])).toEqual([
      ['warning', 2, 7, 14],
      ['info', 1, 1, 2],
    ]);
  });

  it('marks the token at the position when the message has no length', () => {
    const message = { ...messageAt(source, 'undefinedName'), length: 0 };
    const [d] = compilationDiagnostics('relax.wgsl', source, identityCode(source), [message]);
    expect(d).toMatchObject({
      line: 3,
      column: COLUMN,
      endColumn: COLUMN + 'undefinedName'.length,
    });
  });
});
