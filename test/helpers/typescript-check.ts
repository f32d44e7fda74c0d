/**
 * Type-checks generated TypeScript in memory with the real compiler (strict, no emit). Transpiling alone
 * would accept type errors, so this builds a program and collects its pre-emit diagnostics. Parsed lib
 * files are cached across calls because parsing them costs far more than checking a snippet.
 */
import ts from 'typescript';

const OPTIONS: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  // The DOM lib is included on purpose: its many globals (Node, Element, Text…) are the names a
  // generated declaration is most likely to collide with.
  lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
  types: [],
  skipLibCheck: true,
};

const ROOT = '/__snippets__';
const libCache = new Map<string, ts.SourceFile | undefined>();
const baseHost = ts.createCompilerHost(OPTIONS, true);
let previous: ts.Program | undefined;

export interface CheckOptions {
  /**
   * Give each snippet its own module scope (an `export {}` is appended), so snippets that declare the
   * same names can be checked in one program. Off by default: a snippet is then checked as a global
   * script, which also catches collisions with lib globals.
   */
  modules?: boolean;
}

/** Diagnostics per snippet, as `file:line:col message` lines with the offending line; empty lists when they compile. */
export function checkSnippets(snippets: readonly string[], options: CheckOptions = {}): string[][] {
  const files = new Map<string, string>();
  snippets.forEach((text, i) => files.set(`${ROOT}/snippet${i}.ts`, options.modules ? `${text}\nexport {};\n` : `${text}\n`));
  const host: ts.CompilerHost = {
    ...baseHost,
    getSourceFile(fileName, languageVersion) {
      const text = files.get(fileName);
      if (text !== undefined) return ts.createSourceFile(fileName, text, languageVersion, true);
      if (!libCache.has(fileName)) libCache.set(fileName, baseHost.getSourceFile(fileName, languageVersion));
      return libCache.get(fileName);
    },
    fileExists: (fileName) => files.has(fileName) || baseHost.fileExists(fileName),
    readFile: (fileName) => files.get(fileName) ?? baseHost.readFile(fileName),
    writeFile: () => undefined,
  };
  const program = ts.createProgram({ rootNames: [...files.keys()], options: OPTIONS, host, oldProgram: previous });
  previous = program;
  const bySnippet = snippets.map((): string[] => []);
  const global: string[] = [];
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    const index = d.file ? Number(/snippet(\d+)\.ts$/.exec(d.file.fileName)?.[1] ?? NaN) : NaN;
    const list = bySnippet[index];
    if (!d.file || d.start === undefined || !list) {
      global.push(message);
      continue;
    }
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    const source = d.file.text.split('\n')[line] ?? '';
    list.push(`${d.file.fileName.slice(ROOT.length + 1)}:${line + 1}:${character + 1} ${message}\n    ${source.trim()}`);
  }
  // A diagnostic outside any snippet (options, lib) means none of them can be trusted.
  return global.length > 0 ? bySnippet.map((list) => [...global, ...list]) : bySnippet;
}

/** All diagnostics of the snippets; [] when they all compile. */
export function typeCheck(snippets: readonly string[], options: CheckOptions = {}): string[] {
  const perSnippet = checkSnippets(snippets, options);
  return [...new Set(perSnippet.flat())];
}

/** Throws with every diagnostic (and the snippet) when `text` does not compile as a strict global script. */
export function expectCompiles(text: string): void {
  const errors = typeCheck([text]);
  if (errors.length > 0) throw new Error(`generated TypeScript does not compile:\n${errors.join('\n')}\n--- source ---\n${text}`);
}
