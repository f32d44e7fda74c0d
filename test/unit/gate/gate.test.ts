import { Script } from 'node:vm';
import { parse } from 'acorn';
import { compileUncached, createScriptCompiler, type GateResult } from '../../../src/gate';
import { EditList } from '../../../src/gate/edits';
import type { EsNode } from '../../../src/gate/estree';
import { parseAs } from '../../../src/gate/parse';
import { analyzeAndTransform } from '../../../src/gate/analyze';
import { createTypeStripper } from '../../../src/gate/typescript';

const LIMITS = { scriptBytes: 100 * 1024, scriptLines: 5000, lineLength: 4000, nestingDepth: 64 };
/** Declares the names the snippets below use, so the unknown-global rule sees them as locals. */
const DECLS = 'let a = {}, b = {}, c = {}, d = {}, o = {}, i = 0, k = "k", it = [], y, z = {}, f = () => 1;\n';
const compile = (source: string): GateResult => compileUncached(source, LIMITS);
const violation = (source: string) => {
  const r = compile(source);
  if (r.ok) throw new Error(`expected a violation for: ${source}`);
  return r.violations[0]!;
};
/** Runs compiled code outside the sandbox with a permissive runtime (for checking values, not limits). */
const run = (out: string): Promise<unknown> => {
  const factory = new Function(`return ${out}`)() as (c: unknown, rt: unknown) => () => Promise<unknown>;
  return factory(null, { budget: 64, maxDepth: 100, tick: () => 64, depth: () => { throw new Error('depth'); } })();
};
const code = (source: string): string => {
  const r = compile(source);
  if (!r.ok) throw new Error(`expected success, got ${JSON.stringify(r.violations)}`);
  return r.script.code;
};

describe('pre-scan', () => {
  test('size cap names the limit', () => {
    const v = compileUncached('x'.repeat(101), { ...LIMITS, scriptBytes: 100 });
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.violations[0]).toMatchObject({ code: 'SCRIPT_TOO_LARGE', rule: 'max-script-bytes' });
  });

  test('the size cap counts UTF-8 bytes, not characters', () => {
    expect(compileUncached(`'${'é'.repeat(40)}'`, { ...LIMITS, scriptBytes: 50 }).ok).toBe(false);
    expect(compileUncached(`'${'e'.repeat(40)}'`, { ...LIMITS, scriptBytes: 50 }).ok).toBe(true);
  });

  test('NUL is refused with its location', () => {
    expect(violation('let a = 1;\nlet b\u0000 = 2;')).toMatchObject({ code: 'ILLEGAL_CHARACTER', rule: 'no-nul-byte', line: 2, column: 5 });
  });
});

describe('parse', () => {
  test('syntax errors carry the user line, column and snippet', () => {
    expect(violation('const a = 1;\nconst b = ;\n')).toMatchObject({ code: 'SYNTAX_ERROR', line: 2, column: 10, snippet: 'const b = ;' });
  });

  test('a syntax error says what it found, or that the script ended with something open, and which bracket', () => {
    expect(violation('for (const x of [1]) {\n  x;\n').message).toMatch(/^Unexpected end of the script.*; the \{ opened at line 1, column 21 is never closed/);
    expect(violation('const a = [1].map(i => ({ v: i });').message).toMatch(/^Unexpected token ";" at line 1, column 33; the \( opened at line 1, column 17 is never closed/);
    expect(violation('return [1, 2);').message).toMatch(/the \[ opened at line 1, column 7 is closed by a \) at line 1, column 12/);
  });

  test('a #! first line becomes a comment', () => {
    expect(code('#!/usr/bin/env node\nreturn 1;').split('\n')[1]).toBe('///usr/bin/env node');
  });

  test('syntax this Node cannot compile is refused at its line, not left to fail in the sandbox', () => {
    const usingWorks = (() => {
      try {
        new Script('{ using r = null; }');
        return true;
      } catch {
        return false;
      }
    })();
    const regexWorks = (pattern: string): boolean => {
      try {
        new RegExp(pattern);
        return true;
      } catch {
        return false;
      }
    };
    for (const [src, works, rule] of [
      ['return /(?<y>a)|(?<y>b)/;', regexWorks('(?<y>a)|(?<y>b)'), 'unsupported-regex'],
      ['return /^(?i:inv)$/;', regexWorks('^(?i:inv)$'), 'unsupported-regex'],
      ['{ using r = null; }', usingWorks, 'unsupported-syntax'],
      ['class A { accessor x = 1 }', false, 'unsupported-syntax'],
    ] as const) {
      const r = compile(src);
      expect({ src, ok: r.ok, rule: r.ok ? undefined : r.violations[0]!.rule }).toEqual({ src, ok: works, rule: works ? undefined : rule });
    }
  });

  test('top-level await and return are allowed', () => {
    expect(compile('const x = await callTool("a:b", {});\nreturn x;').ok).toBe(true);
  });

  test('modern syntax passes', () => {
    for (const src of [
      'a?.b ?? c', 'const { x, ...rest } = o', 'for await (const v of it) {}', 'y ??= 1', '10n ** 2n', 'label: for (;;) { break label; }',
      'try {} catch {} finally {}', 'class A { constructor() { this.x = 1 } get y() { return 2 } static z() {} }',
      'class B { x = 1; #y = 2; static z = 3; static { B.w = 4 } #m() { return this.#y } get v() { return #y in this } }',
      'const re = /(?<year>\\d{4})/dv', 'const t = String.raw`a${1}b`', 'function* g() { yield* [1] }', 'a ||= b; c &&= d',
    ]) {
      expect(compile(`${DECLS}${src}`)).toMatchObject({ ok: true });
    }
  });

  test('a script that does not parse as JavaScript is read as TypeScript; one that does stays JavaScript', () => {
    const ts = compile('const n: number = 1;\nreturn n;');
    const js = compile('const n = 1;\nreturn n;');
    expect(ts.ok && ts.script.language).toBe('typescript');
    expect(js.ok && js.script.language).toBe('javascript');
  });

  test('a syntax error in TypeScript-only syntax says the script was read as TypeScript', () => {
    expect(violation('const n: number = 1;\nconst m: = 2;')).toMatchObject({ code: 'SYNTAX_ERROR', line: 2, message: expect.stringContaining('TypeScript') });
  });
});

describe('rules', () => {
  test.each([
    ['eval("1")', 'no-eval'],
    ['new Function("return 1")', 'no-function-constructor'],
    ['await import("fs")', 'no-dynamic-import'],
    ['import fs from "fs"', 'no-module-syntax'],
    ['export const a = 1', 'no-module-syntax'],
    ['import.meta.url', 'no-module-syntax'],
    ['with (a) {}', 'no-with'],
    ['require("fs")', 'no-require'],
    ['process.exit(1)', 'no-process'],
    ['globalThis.x = 1', 'no-global-object'],
    ['let __sg_tick = 1', 'reserved-prefix'],
    ['__sg_c = 0', 'reserved-prefix'],
    ['callTool = null', 'no-calltool-reassign'],
    ['const callTool = 1', 'no-calltool-reassign'],
    ['function f(callTool) {}', 'no-calltool-reassign'],
    ['const { callTool } = o', 'no-calltool-reassign'],
    ['tag`<!--`', 'unsafe-literal'],
  ])('%s → %s', (source, rule) => {
    const v = violation(source);
    expect(v.rule).toBe(rule);
    expect(v.line).toBe(1);
    expect(typeof v.column).toBe('number');
    expect(v.hint.length).toBeGreaterThan(10);
  });

  test('names in property and label positions are not references', () => {
    for (const src of ['o.process', 'o.eval', '({ process: 1, eval: 2, require: 3 })', 'o.callTool', '({ callTool: 1 })', 'class A { constructor() {} }', '({ constructor: 1, prototype: 2 })']) {
      expect(compile(`${DECLS}${src}`).ok).toBe(true);
    }
  });

  test('every violation is reported, not only the first', () => {
    const r = compile('eval(1);\nprocess.exit();');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.violations.map((v) => [v.rule, v.line])).toEqual([['no-eval', 1], ['no-process', 2]]);
  });
});

describe('transform', () => {
  /** The script's own lines in the output (the factory wrapper takes the first and last line). */
  const body = (out: string): string => out.split('\n').slice(1, -1).join('\n');

  test('output is a factory expression that parses as a script', () => {
    const out = code('return 1');
    expect(out.startsWith('(function (callTool, __sg_rt)')).toBe(true);
    expect(() => parse(out, { ecmaVersion: 'latest', sourceType: 'script' })).not.toThrow();
  });

  test('the script is edited in place, not printed again: comments, layout and lines stay', () => {
    const src = '// count\nconst a = [1, 2];   /* two */\nreturn a.length;';
    expect(body(code(src))).toBe(src);
  });

  test('every loop body and function entry gets a guard', () => {
    const out = code('let a = 0, c = 0, y = [], z = {}; const b = () => 0;\nfor (;;) {} while (a) b(); do {} while (c); for (const x of y) {} for (const k in z) {} function f() {} const g = () => 1; async function h() {}');
    expect(out.match(/__sg_tick\(\)/g)?.length).toBe(9);
    // Synchronous functions also count call depth; async ones cannot (they suspend).
    expect(out.match(/__sg_maxDepth\)/g)?.length).toBe(3);
    expect(out.split('\n')).toHaveLength(4);
  });

  test('an expression-bodied arrow keeps its value, even on the next line or in parentheses', async () => {
    const src = 'const f = (x) =>\n  x * 2;\nconst g = (x) => /* obj */ ({ v: x });\nconst h = async (x) =>\n  (\n    x + 1\n  );\nreturn [f(2), g(3), await h(4)];';
    await expect(run(code(src))).resolves.toEqual([4, { v: 3 }, 5]);
  });

  test('literals SES would mistake for import( or HTML comments keep their values', async () => {
    const src = 'return ["<!-- a --> import(b)", `x import(${1}) -->`, /a-->b/.test("xa-->b"), { "import(": 1 }["import("], \'it\\\'s <!--\']';
    const out = code(src);
    expect(out).not.toMatch(/<!--|-->|import\s*\(/);
    await expect(run(out)).resolves.toEqual(['<!-- a --> import(b)', 'x import(1) -->', true, 1, "it's <!--"]);
  });

  test('comments and operators that look like HTML comments are neutralised without changing meaning', async () => {
    const src = '// see import(x) and <!-- this -->\nlet a = 3, b = 1, n = 3, steps = 0;\nwhile (n-->0) steps++;\nreturn [a<!--b, steps];';
    const out = code(src);
    expect(out).not.toMatch(/<!--|-->|import\s*\(/);
    expect(out.split('\n')).toHaveLength(6);
    await expect(run(out)).resolves.toEqual([false, 3]);
  });
});

describe('source edits', () => {
  test('inserts at one offset keep their order; an edit overlapping an earlier one is reported, not applied', () => {
    const edits = new EditList();
    edits.insert(2, 'A');
    edits.replace(2, 4, 'xy');
    edits.insert(2, 'B');
    edits.blank('0123456789', 3, 6);
    const out = edits.apply('0123456789');
    expect(out.text).toBe('01ABxy456789');
    expect(out.dropped).toEqual([{ start: 3, end: 6, text: '   ' }]);
  });
});

describe('TypeScript', () => {
  /** The types blanked in place, with the offsets of everything else unchanged. */
  const stripped = (src: string): string => {
    const parsed = parseAs(src, 'typescript');
    if (!parsed.ok) throw new Error(parsed.violation.message);
    const edits = new EditList();
    const types = createTypeStripper(src, edits);
    // Only the stripper's edits: the analyzer adds guards, which would change lengths.
    analyzeAndTransform(parsed.ast as unknown as EsNode, src, new EditList(), false, types);
    expect(types.problems).toEqual([]);
    const out = edits.apply(src).text;
    expect(out.length).toBe(src.length);
    expect(out.split('\n').length).toBe(src.split('\n').length);
    return out;
  };
  const squash = (text: string): string => text.replace(/\s+/g, ' ').trim();

  test.each([
    ['annotations, as, satisfies, !', 'let a: number = 1; const b = a as unknown as string; const c = {} satisfies object; return b!;', 'let a = 1; const b = a ; const c = {} ; return b ;'],
    ['parenthesised casts keep their parentheses', 'const d = (a as A) as B; f((x) as T);', 'const d = (a ) ; f((x) );'],
    ['interface and type alias become empty statements', 'foo()\ninterface X { a: 1 }\n(bar)\ntype Y = X;', 'foo() ; (bar) ;'],
    ['generics on functions, calls, new and arrows', 'function id<T>(x: T): T { return x; }\nreturn [id<number>(1), new Map<string, number>(), <U,>(u: U) => u];', 'function id (x ) { return x; } return [id (1), new Map (), (u ) => u];'],
    ['optional and this parameters', 'function f(this: Window, a?: number) { return a; }', 'function f( a ) { return a; }'],
    ['definite assignment and declare', 'let a!: number;\ndeclare const q: number;\ndeclare function g(): void;', 'let a ; ; ;'],
    ['overload signatures', 'function over(a: string): string;\nfunction over(a: any) { return a; }', '; function over(a ) { return a; }'],
    [
      'class members',
      'abstract class B<T> extends A<T> implements I, J<T> { private readonly z = 1; declare w: string; abstract m(): void; [k: string]: unknown; x?: number; y!: string; protected static async *g() {} n?(): void {} }',
      'class B extends A { z = 1; ; ; ; x ; y ; static async *g() {} n () {} }',
    ],
    ['catch parameter type and import type', 'import type { U } from "./u";\nexport type { V } from "./v";\ntry { } catch (e: unknown) { }', '; ; try { } catch (e ) { }'],
    ['typed destructuring and a typed loop iterable', 'const { a, b }: { a: number; b: string } = o;\nfor (const [k, v] of Object.entries(m) as [string, number][]) {}', 'const { a, b } = o; for (const [k, v] of Object.entries(m) ) {}'],
    ['an arrow return type across lines keeps the arrow valid', 'const g = (a: string):\n  string => a;', 'const g = (a ) => a;'],
  ])('%s', (_label, src, expected) => {
    expect(squash(stripped(src))).toBe(expected);
  });

  test.each([
    ['enum E { A, B }', 'ts-enum', /as const/],
    ['namespace N { export const a = 1 }', 'ts-namespace', /namespace/],
    ['class P { constructor(private x: number) {} }', 'ts-parameter-property', /constructor/],
    ['@sealed class C {}', 'ts-decorator', /decorat/],
    ['class D { m(@inject() x: number) { return x; } }', 'ts-decorator', /decorat/],
    ['const n = <number>JSON.parse("1");', 'ts-angle-assertion', / as /],
    ['import fs = require("fs");', 'ts-module-syntax', /modules/],
  ])('%s is refused with advice (%s)', (src, rule, advice) => {
    const v = violation(`let x: number = 1;\n${src}`);
    expect(v).toMatchObject({ rule, line: 2 });
    expect(`${v.message} ${v.hint}`).toMatch(advice);
  });

  test('`export {}` (it only makes a file a module) and type-only imports are removed, not refused', () => {
    for (const src of ['export {};\nreturn 1;', 'export {};\nconst n: number = 1;\nreturn n;', 'import { type A, type B } from "./types";\nreturn 1;', 'import type X from "./x";\nreturn 1;']) {
      expect({ src, r: compile(src) }).toMatchObject({ src, r: { ok: true } });
    }
    expect(violation('import { type A, b } from "./x";\nreturn b;').rule).toBe('no-module-syntax');
    expect(violation('export const a = 1;').rule).toBe('no-module-syntax');
  });

  test('type-only namespaces and declare enums are removed, not refused', () => {
    expect(compile('namespace API { export interface User { id: string } }\ndeclare enum E { A }\nconst u: API.User = { id: "1" };\nreturn u;').ok).toBe(true);
  });

  test('callTool<T>(…) reads as a comparison in JavaScript, so a script like that is read as TypeScript', () => {
    const r = compile('const p = await callTool<Page>("users:list", {});\nreturn p;');
    expect(r.ok && r.script.language).toBe('typescript');
    // A real comparison whose names are declared stays JavaScript.
    const js = compile('const a = 1, b = 2, c = 3;\nreturn a < b > (c);');
    expect(js.ok && js.script.language).toBe('javascript');
  });
});

describe('compiled-script cache', () => {
  test('a repeated script is a hit; a different limit is a different key', () => {
    const compiler = createScriptCompiler(10);
    const first = compiler.compile('return 1', LIMITS);
    const second = compiler.compile('return 1', LIMITS);
    expect(first.ok && !first.script.cached).toBe(true);
    expect(second.ok && second.script.cached).toBe(true);
    compiler.compile('return 1', { ...LIMITS, scriptBytes: 10 });
    expect(compiler.stats).toMatchObject({ hits: 1, misses: 2 });
  });

  test('refused scripts are not cached and keep failing', () => {
    const compiler = createScriptCompiler(10);
    expect(compiler.compile('eval(1)', LIMITS).ok).toBe(false);
    expect(compiler.compile('eval(1)', LIMITS).ok).toBe(false);
    expect(compiler.stats.hits).toBe(0);
  });

  test('a script whose ReDoS verdict a clock decided is not cached; one whose every pattern was judged is', () => {
    const compiler = createScriptCompiler(10);
    // Minutes of analysis unbounded: it always runs out of time, as any pattern may on a busy machine.
    const hard = `return /${'(a+)+'.repeat(300)}/.test('a');`;
    for (let i = 0; i < 2; i++) {
      const r = compiler.compile(hard, LIMITS);
      expect(r.ok && [r.script.cached, r.script.verdictDependsOnTime, r.script.uncheckedRegexes]).toEqual([false, true, 1]);
    }
    const judged = "return /^[a-z]+$/.test('a');";
    compiler.compile(judged, LIMITS);
    const again = compiler.compile(judged, LIMITS);
    expect(again.ok && [again.script.cached, again.script.verdictDependsOnTime]).toEqual([true, false]);
  });

  test('capacity evicts the least recently used entry', () => {
    const compiler = createScriptCompiler(2);
    compiler.compile('return 1', LIMITS);
    compiler.compile('return 2', LIMITS);
    compiler.compile('return 1', LIMITS);
    compiler.compile('return 3', LIMITS);
    const again2 = compiler.compile('return 2', LIMITS);
    const again1 = compiler.compile('return 1', LIMITS);
    expect(again2.ok && again2.script.cached).toBe(false);
    expect(again1.ok && again1.script.cached).toBe(false);
  });
});

describe('pre-scanner', () => {
  const scan = (source: string, over: Partial<typeof LIMITS> = {}) => compileUncached(source, { ...LIMITS, ...over });
  const rule = (source: string, over: Partial<typeof LIMITS> = {}) => {
    const r = scan(source, over);
    return r.ok ? 'ok' : `${r.violations[0]!.code}/${r.violations[0]!.rule}@${r.violations[0]!.line}:${r.violations[0]!.column}`;
  };

  test('line count and line length come from the limits', () => {
    expect(rule('1\n2\n3', { scriptLines: 2 })).toBe('SCRIPT_TOO_LARGE/max-lines@2:1');
    expect(rule('1\r\n2\r\n3', { scriptLines: 3 })).toBe('ok');
    expect(rule(`const a = 1;\nconst s = '${'x'.repeat(50)}';`, { lineLength: 40 })).toBe('SCRIPT_TOO_LARGE/max-line-length@2:0');
  });

  test('nesting depth counts brackets in code, not in strings, comments or regexes', () => {
    expect(rule('const f = (x) => x; f(((((1)))))', { nestingDepth: 4 })).toBe('TOO_DEEP/max-nesting@1:25');
    expect(rule('const f = (x) => x; f(((((1)))))', { nestingDepth: 5 })).toBe('ok');
    expect(rule(`const s = '((((((((('; // ((((((((\n/* [[[[[[[[ */ const r = /\\(\\(\\(\\(\\(\\(\\(/;`, { nestingDepth: 2 })).toBe('ok');
    expect(rule('const t = `${`${`${1}`}`}`', { nestingDepth: 2 })).toBe('TOO_DEEP/max-nesting@1:17');
  });

  test('a parser-crashing depth is refused before parsing', () => {
    expect(rule(`${'['.repeat(20_000)}${']'.repeat(20_000)}`, { lineLength: 100_000 })).toMatch(/^TOO_DEEP/);
  });

  test.each([
    ['\u202E in code', 'const a = 1;\u202E const b = 2;', 'ILLEGAL_CHARACTER/no-bidi-control@1:12'],
    ['\u2066 isolate', 'if (x\u2066) {}', 'ILLEGAL_CHARACTER/no-bidi-control@1:5'],
    ['zero-width space between tokens', 'const a\u200B = 1;', 'ILLEGAL_CHARACTER/no-invisible-character@1:7'],
    ['zero-width joiner inside an identifier', 'const ad\u200Dmin = 1;', 'ILLEGAL_CHARACTER/no-invisible-character@1:8'],
    ['Hangul filler as an identifier', 'const \u3164 = 1;', 'ILLEGAL_CHARACTER/no-invisible-character@1:6'],
    ['tag character', 'const a = 1; \u{E0041}', 'ILLEGAL_CHARACTER/no-invisible-character@1:13'],
    ['soft hyphen', 'cons\u00ADt a = 1', 'ILLEGAL_CHARACTER/no-invisible-character@1:4'],
  ])('%s is refused', (_label, source, expected) => {
    expect(rule(source)).toBe(expected);
  });

  test.each([
    ['BiDi inside a string', "return 'abc\u202Edef'"],
    ['invisible characters inside a template', 'return `a\u200Bb${1}c\u200Dd`'],
    ['BiDi inside comments', '// \u202E reversed\n/* \u2066 */ return 1'],
    ['Cyrillic, CJK and emoji in strings', "return ['Привет', '你好', '👋🏽', 'Zoë']"],
    ['Cyrillic identifiers', 'const привет = 1; return привет'],
    ['a BOM at the start', '\uFEFFreturn 1'],
    ['division after a value', 'const a = 4, b = 2; return (a) / b / 1'],
    ['regex after return', "return /\u202E/.test('x')"],
  ])('%s is fine', (_label, source) => {
    expect(rule(source)).toBe('ok');
  });

  test('the snippet shows hidden characters as escapes', () => {
    const r = scan('const a\u200B = 1;');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.violations[0]!.snippet).toBe('const a\\u{200b} = 1;');
  });
});
