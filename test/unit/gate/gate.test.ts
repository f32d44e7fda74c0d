import { parse } from 'acorn';
import { compileUncached, createScriptCompiler, type GateResult } from '../../../src/gate';

const LIMITS = { scriptBytes: 100 * 1024, scriptLines: 5000, lineLength: 4000, nestingDepth: 64 };
/** Declares the names the snippets below use, so the unknown-global rule sees them as locals. */
const DECLS = 'let a = {}, b = {}, c = {}, d = {}, o = {}, i = 0, k = "k", it = [], y, z = {}, f = () => 1;\n';
const compile = (source: string): GateResult => compileUncached(source, LIMITS);
const violation = (source: string) => {
  const r = compile(source);
  if (r.ok) throw new Error(`expected a violation for: ${source}`);
  return r.violations[0]!;
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

  test('top-level await and return are allowed', () => {
    expect(compile('const x = await callTool("a:b", {});\nreturn x;').ok).toBe(true);
  });

  test('modern syntax passes', () => {
    for (const src of ['a?.b ?? c', 'const { x, ...rest } = o', 'for await (const v of it) {}', 'y ??= 1', '10n ** 2n', 'label: for (;;) { break label; }', 'try {} catch {} finally {}', 'class A { constructor() { this.x = 1 } get y() { return 2 } static z() {} }']) {
      expect(compile(`${DECLS}${src}`).ok).toBe(true);
    }
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
    ['({}).constructor', 'no-prototype-access'],
    ['a["constructor"]', 'no-prototype-access'],
    ['a[`__proto__`]', 'no-prototype-access'],
    ['Object.prototype.x = 1', 'no-prototype-access'],
    ['const { constructor: c } = a', 'no-prototype-access'],
    ['const { ["__proto__"]: p } = a', 'no-prototype-access'],
    ['({ __proto__: null })', 'no-prototype-access'],
    ['a.__defineGetter__("x", f)', 'no-prototype-access'],
    ['let __sg_tick = 1', 'reserved-prefix'],
    ['__sg_c = 0', 'reserved-prefix'],
    ['callTool = null', 'no-calltool-reassign'],
    ['const callTool = 1', 'no-calltool-reassign'],
    ['function f(callTool) {}', 'no-calltool-reassign'],
    ['const { callTool } = o', 'no-calltool-reassign'],
    ['class A { x = 1 }', 'unsupported-syntax'],
    ['class A { #x; }', 'unsupported-syntax'],
    ['class A { static { } }', 'unsupported-syntax'],
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
  test('output is a factory expression that parses as a script', () => {
    const out = code('return 1');
    expect(out.startsWith('(function (__sg_callTool, __sg_rt)')).toBe(true);
    expect(() => parse(out, { ecmaVersion: 'latest', sourceType: 'script' })).not.toThrow();
  });

  test('callTool references are renamed, property keys are not', () => {
    const out = code('const f = callTool; const o = { callTool }; return o.callTool === f');
    expect(out).toContain('const f = __sg_callTool;');
    expect(out).toContain('callTool: __sg_callTool');
    expect(out).toContain('o.callTool');
  });

  test('every loop body and function entry gets a guard', () => {
    const out = code('let a = 0, c = 0, y = [], z = {}; const b = () => 0;\nfor (;;) {} while (a) b(); do {} while (c); for (const x of y) {} for (const k in z) {} function f() {} const g = () => 1; async function h() {}');
    expect(out.match(/__sg_tick\(\)/g)?.length).toBe(9);
    // Synchronous functions also count call depth; async ones cannot (they suspend).
    expect(out.match(/__sg_maxDepth\)/g)?.length).toBe(3);
  });

  test('computed keys that are not literals go through the runtime key guard', () => {
    const out = code(`${DECLS}a[k] = b[i + 1]; c[0] = d["x"]; const { [k]: v } = o;`);
    expect(out).toContain('a[__sg_key(k)] = b[__sg_key(i + 1)]');
    expect(out).toContain("c[0] = d['x']");
    expect(out).toContain('[__sg_key(k)]: v');
  });

  test('literals SES would mistake for import( or HTML comments are rewritten to equal values', () => {
    const src = 'return ["<!-- a --> import(b)", `x import(${1}) -->`, /a-->b/.test("xa-->b"), { "import(": 1 }["import("]]';
    const out = code(src);
    expect(out).not.toMatch(/<!--|-->|import\s*\(/);
    const factory = new Function(`return ${out}`)() as (c: unknown, rt: unknown) => () => Promise<unknown>;
    const rt = { budget: 64, maxDepth: 100, tick: () => 64, depth: () => { throw new Error('depth'); }, key: (k: unknown) => k };
    return expect(factory(null, rt)()).resolves.toEqual(['<!-- a --> import(b)', 'x import(1) -->', true, 1]);
  });

  test('`!--x` after `<` does not print an HTML comment opener', () => {
    expect(code('let a = 1, b = 2; return a < !--b')).not.toContain('<!--');
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
