// Monaco ships its Monarch compiler and lexer without declarations; these are the parts
// wgslLanguage.test.ts uses to tokenize with Monaco's own lexer in Node.
declare module 'monaco-editor/editor/standalone/common/monarch/monarchCompile.js' {
  import type { languages } from 'monaco-editor/editor/editor.api.js';
  export function compile(languageId: string, json: languages.IMonarchLanguage): unknown;
}
declare module 'monaco-editor/editor/standalone/common/monarch/monarchLexer.js' {
  export interface MonarchLineState {
    readonly __brand: 'MonarchLineState';
  }
  export class MonarchTokenizer {
    constructor(
      languageService: unknown,
      themeService: unknown,
      languageId: string,
      lexer: unknown,
      configurationService: unknown,
    );
    getInitialState(): MonarchLineState;
    tokenize(
      line: string,
      hasEOL: boolean,
      state: MonarchLineState,
    ): {
      readonly tokens: readonly { readonly offset: number; readonly type: string }[];
      readonly endState: MonarchLineState;
    };
  }
}
