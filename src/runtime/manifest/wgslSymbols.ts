/** What a manifest can check against a WGSL module without compiling it. */
export interface WgslSymbols {
  /** Functions marked `@compute`. */
  readonly entries: readonly string[];
  /** Module-scope `var<storage, …>` names. */
  readonly storage: readonly string[];
  /** Module-scope `var<uniform>` names. */
  readonly uniform: readonly string[];
}

/**
 * Entry points and resource variables of a WGSL module, found by pattern after stripping comments.
 * A lightweight scan, not a parser: it is there so a manifest typo is reported with its line
 * in the YAML, before the GPU compiles anything.
 */
export function wgslSymbols(source: string): WgslSymbols {
  const code = stripComments(source);
  const entries = [...code.matchAll(/@compute\b[^{};]*?\bfn\s+([A-Za-z_]\w*)/g)].map(
    (m) => m[1] ?? '',
  );
  const storage: string[] = [];
  const uniform: string[] = [];
  for (const match of code.matchAll(/\bvar\s*<\s*(storage|uniform)\b[^>]*>\s*([A-Za-z_]\w*)/g)) {
    (match[1] === 'storage' ? storage : uniform).push(match[2] ?? '');
  }
  return { entries, storage, uniform };
}

function stripComments(source: string): string {
  let out = source.replace(/\/\/[^\n]*/g, '');
  // WGSL block comments nest: remove innermost ones until none are left.
  for (let previous = ''; previous !== out;) {
    previous = out;
    out = out.replace(/\/\*(?:(?!\/\*|\*\/)[\s\S])*\*\//g, ' ');
  }
  return out;
}
