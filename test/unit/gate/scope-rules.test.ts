import { compileUncached, RULES, type GateResult } from '../../../src/gate';
import { PRESETS } from '../../../src/config';

const compile = (source: string): GateResult => compileUncached(source, PRESETS.secure);
const outcome = (source: string): string => {
  const r = compile(source);
  return r.ok ? 'ok' : r.violations.map((v) => v.rule).join(',');
};

describe('unknown globals (allow-list with real scopes)', () => {
  test.each([
    ['a declared const', 'const total = 1; return total'],
    ['hoisted var used before its declaration', 'x = 1; var x; return x'],
    ['hoisted function declaration', 'return f(); function f() { return 1 }'],
    ['parameters and destructuring', 'const f = ({ a, b: [c] }, ...rest) => a + c + rest.length; return f({ a: 1, b: [2] })'],
    ['catch parameter', 'try { throw 1 } catch (e) { return e }'],
    ['block-scoped let in a loop head', 'let s = 0; for (let i = 0; i < 3; i++) s += i; return s'],
    ['class name inside its methods', 'class A { static make() { return new A() } } return A.make()'],
    ['named function expression refers to itself', 'const f = function fact(n) { return n < 2 ? 1 : n * fact(n - 1) }; return f(4)'],
    ['arguments inside a function', 'function f() { return arguments.length } return f(1, 2)'],
    ['arguments at top level', 'return arguments.length'],
    ['a local shadows a refused host name', 'const setTimeout = (f) => f(); return setTimeout(() => 1)'],
    ['standard built-ins', 'return [JSON, Math, Date, Map, Set, Promise, Reflect, Proxy, Symbol, BigInt, parseInt, isNaN, encodeURIComponent, undefined, NaN, Infinity].length'],
    ['endowments', 'console.log(context); return [callTool, ToolError].length'],
    ['typeof feature tests on absent names', "return [typeof fetch, typeof setTimeout, typeof window, typeof somethingElse]"],
    ['switch-case lexical declarations', 'switch (1) { case 1: { const y = 2; return y } }'],
  ])('%s is allowed', (_label, source) => {
    expect(outcome(source)).toBe('ok');
  });

  test.each([
    ['an undeclared variable', 'return total + 1', 'no-unknown-global'],
    ['assignment to an undeclared variable', 'count = 1', 'no-unknown-global'],
    ['a name declared only in another function', 'function f() { const secret = 1 } return secret', 'no-unknown-global'],
    ['a block-scoped name used outside its block', '{ const inner = 1 } return inner', 'no-unknown-global'],
    ['setTimeout', 'setTimeout(() => 1, 10)', 'no-timers'],
    ['queueMicrotask', 'queueMicrotask(() => 1)', 'no-timers'],
    ['fetch', "await fetch('http://x')", 'no-host-api'],
    ['Buffer', "Buffer.from('x')", 'no-host-api'],
    ['module.exports', 'module.exports = 1', 'no-host-api'],
    ['global', 'global.x = 1', 'no-global-object'],
    ['window', 'window.x = 1', 'no-global-object'],
    ['SharedArrayBuffer', 'new SharedArrayBuffer(8)', 'no-host-api'],
    ['WebAssembly', 'WebAssembly.compile', 'no-host-api'],
    ['Compartment', 'new Compartment()', 'no-host-api'],
    ['harden', 'harden({})', 'no-host-api'],
    ['typeof process is still refused', 'return typeof process', 'no-process'],
    ['typeof eval is still refused', 'return typeof eval', 'no-eval'],
  ])('%s is refused', (_label, source, rule) => {
    expect(outcome(source)).toBe(rule);
  });

  test('a typo gets a suggestion', () => {
    const r = compile('consol.log(1)');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.violations[0]!.message).toBe("'consol' is not defined; did you mean 'console'? (line 1, column 0)");
  });
});

describe('other rules', () => {
  test.each([
    ["callTool('execute_script', {})", 'no-self-reference'],
    ["callTool('search_tools', { query: 'x' })", 'no-self-reference'],
    ['callTool(`describe_tools`, {})', 'no-self-reference'],
    ["callTool('scriptgate:invoke_tool', {})", 'no-self-reference'],
    ["callTool('getJob', {})", 'no-self-reference'],
    ['function f() { return arguments.callee }', 'no-arguments-callee'],
  ])('%s → %s', (body, rule) => {
    expect(outcome(`const o = {};\n${body}`)).toBe(rule);
  });

  test('ordinary reflection and tools named like meta-tools in other sources are fine', () => {
    expect(outcome("const o = { a: 1 }; return [Reflect.get(o, 'a'), Object.getOwnPropertyDescriptor(o, 'a').value, Reflect.ownKeys(o)]")).toBe('ok');
    // Prototype names are data keys like any other; the sandbox (frozen intrinsics, inert constructors) contains them.
    for (const body of ["Reflect.get(o, 'constructor')", "Object.getOwnPropertyDescriptor(o, 'prototype')", 'Object.setPrototypeOf(o, null)', "o['__proto__'] = 1"]) {
      expect(outcome(`const o = {};\n${body}`)).toBe('ok');
    }
    expect(outcome("return callTool('github:search_issues', { q: 'x' })")).toBe('ok');
  });
});

describe('errors for the model', () => {
  test.each(Object.entries(RULES))('rule %s: its example passes the gate and its hint quotes it', (_id, spec) => {
    expect(compile(spec.example).ok).toBe(true);
    expect(spec.hint).toContain(spec.example);
  });

  test('violations carry code, rule, exact user line and column, snippet and hint', () => {
    const r = compile('const a = 1;\n\nconst b = a +\n  process.env.HOME;');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.violations[0]).toEqual({
        code: 'ILLEGAL_ACCESS',
        rule: 'no-process',
        message: "process is not available; use context for values from the caller; built-ins by their names (line 4, column 2)",
        line: 4,
        column: 2,
        snippet: 'process.env.HOME;',
        hint: RULES['no-process'].hint,
      });
    }
  });
});
