import { startTestGateway, type TestGateway } from '../helpers/gateway';
import type { ExecutionEnvelope } from '../../src/gateway';

/**
 * The escape table: hostile scripts run through the real gateway (gate, executor process, worker thread,
 * SES Compartment), each with the outcome that proves it was contained.
 *
 * The pool is pinned to ONE worker thread. Scripts that try to leave state behind are followed by a
 * fresh script that looks for that state; with two threads the follow-up could land on the other
 * thread and pass without proving anything.
 */

type Expectation =
  /** Refused by the gate before anything ran. */
  | { kind: 'refused'; status: 'illegal_access' | 'syntax_error'; rule: string }
  /** Ran and threw (status runtime_error) with a message matching the pattern. */
  | { kind: 'throws'; message: RegExp }
  /** Ran to completion and returned exactly this value. */
  | { kind: 'returns'; result: unknown }
  /** Ran; the envelope passes a custom check (used where throwing and a harmless result are both containment). */
  | { kind: 'check'; what: string; check: (envelope: ExecutionEnvelope) => void };

type Row = readonly [label: string, script: string, expectation: Expectation];

const refused = (rule: string, status: 'illegal_access' | 'syntax_error' = 'illegal_access'): Expectation => ({ kind: 'refused', status, rule });
const throws = (message: RegExp): Expectation => ({ kind: 'throws', message });
const returns = (result: unknown): Expectation => ({ kind: 'returns', result });
const check = (what: string, fn: (envelope: ExecutionEnvelope) => void): Expectation => ({ kind: 'check', what, check: fn });

/** Every script gets the same caller context, so scripts can try to reach or change it. */
const CONTEXT = Object.freeze({ user: 'alice', prefs: { theme: 'dark' } });

/** Text that only appears in a stack when host frames (files of the service, node internals) leak. */
const HOST_PATH = /\/work\/|node_modules|[\\/]dist[\\/]|sandbox-worker|executor-host|piscina|node:internal|file:\/\//;

const INERT = /not a valid constructor/;
const NOT_EXTENSIBLE = /TypeError: Cannot (add|define) property \w+, object is not extensible/;
const READ_ONLY = /TypeError: Cannot assign to read only property/;

let gw: TestGateway;
beforeAll(async () => {
  // The type check only warns: every escape goes through it and still reaches the containment under test.
  gw = await startTestGateway({ pool: { minThreads: 1, maxThreads: 1 }, gate: { typecheck: 'warn' } });
});
afterAll(() => gw.close());

async function expectOutcome(script: string, expectation: Expectation): Promise<void> {
  const env = await gw.run(script, { context: { ...CONTEXT, prefs: { ...CONTEXT.prefs } } });
  switch (expectation.kind) {
    case 'refused':
      expect({ status: env.status, rule: env.error?.rule }).toEqual({ status: expectation.status, rule: expectation.rule });
      expect(env.result).toBeUndefined();
      expect(env.stats.toolCalls).toBe(0);
      break;
    case 'throws':
      expect({ status: env.status, code: env.error?.code }).toEqual({ status: 'runtime_error', code: 'RUNTIME_ERROR' });
      expect(env.error?.message).toMatch(expectation.message);
      break;
    case 'returns':
      expect({ status: env.status, error: env.error?.message, result: env.result }).toEqual({
        status: 'ok',
        error: undefined,
        result: expectation.result,
      });
      break;
    case 'check':
      expectation.check(env);
      break;
  }
}

/** Containment for a stack probe: the script may throw, or it returns stack text free of host paths and of a planted marker. */
const cleanStacks = (what: string): Expectation =>
  check(what, (env) => {
    expect(['ok', 'runtime_error']).toContain(env.status);
    if (env.status === 'runtime_error') {
      expect(env.error?.message).not.toMatch(HOST_PATH);
      return;
    }
    const text = JSON.stringify(env.result);
    expect(text).not.toMatch(HOST_PATH);
    expect(text).not.toMatch(/HIJACKED/);
  });

// ---------------------------------------------------------------------------------------------------------
// Constructor chains: every endowed object (and the values a script can make) × every way to name
// 'constructor'. The probe asks the constructor to compile `return typeof process`; containment means
// the constructor is SES's inert one (it throws), or a plain data constructor (Object, Array, RegExp,
// Error) that returns data, never a function. The gate does not refuse prototype names (a dictionary may
// use any key), so every row, literal key or computed, proves the run-time layer alone.
// ---------------------------------------------------------------------------------------------------------

/** What calling the reached constructor with a source string does. */
type Chain = Expectation;
const INERT_FUNCTION: Chain = throws(INERT);
const DATA_CONSTRUCTOR: Chain = returns('data object');

const TARGETS: ReadonlyArray<readonly [name: string, expr: string, chain: Chain]> = [
  ['callTool', 'callTool', INERT_FUNCTION],
  ['console', 'console', DATA_CONSTRUCTOR],
  ['console.log', 'console.log', INERT_FUNCTION],
  ['context', 'context', DATA_CONSTRUCTOR],
  ['ToolError', 'ToolError', INERT_FUNCTION],
  ['Date', 'Date', INERT_FUNCTION],
  ['Math', 'Math', DATA_CONSTRUCTOR],
  ['Promise', 'Promise', INERT_FUNCTION],
  ['JSON', 'JSON', DATA_CONSTRUCTOR],
  ['a pending callTool promise', "callTool('test:echo', {})", throws(/Promise constructor cannot be invoked without 'new'/)],
  ['a tool result object', "(await callTool('test:echo', { a: 1 }))", DATA_CONSTRUCTOR],
  ['a caught ToolError', "(await callTool('test:fail', {}).catch((e) => e))", throws(/Class constructor ToolError cannot be invoked without 'new'/)],
  ['an array', '[1, 2]', DATA_CONSTRUCTOR],
  ['a function', '(function f() {})', INERT_FUNCTION],
  ['an arrow function', '(() => 1)', INERT_FUNCTION],
  ['an async function', '(async function f() {})', INERT_FUNCTION],
  ['a generator function', '(function* g() {})', INERT_FUNCTION],
  ['an async generator function', '(async function* g() {})', INERT_FUNCTION],
  ['a class', '(class K {})', INERT_FUNCTION],
  ['a RegExp', '/a+/g', DATA_CONSTRUCTOR],
  ['an Error', "new Error('e')", DATA_CONSTRUCTOR],
  ['a Date instance', 'new Date(0)', throws(/Calling %SharedDate% constructor as a function throws/)],
];

/** 'constructor' computed at run time, invisible to the gate's literal-key rules. */
const CTOR_KEY = "['constr', 'uctor'].join('')";

/** Calls the constructor `c` as a code compiler and reports whether it produced a function. */
const USE_CTOR =
  "const made = c('return typeof process');\n" +
  "return typeof made === 'function' ? 'ESCAPED: ' + String(made()) : 'data ' + typeof made;";

const constructorRows: Row[] = TARGETS.flatMap(([name, expr, chain]): Row[] => [
  [`${name}: x.constructor`, `const c = (${expr}).constructor;\n${USE_CTOR}`, chain],
  [`${name}: x['constructor']`, `const c = (${expr})['constructor'];\n${USE_CTOR}`, chain],
  [`${name}: x[k], k = 'constr' + 'uctor'`, `const x = ${expr};\nconst k = 'constr' + 'uctor';\nconst c = x[k];\n${USE_CTOR}`, chain],
  [`${name}: Reflect.get(x, 'constructor')`, `const x = ${expr};\nconst c = Reflect.get(x, 'constructor');\n${USE_CTOR}`, chain],
  [`${name}: Reflect.get(x, k), k computed`, `const x = ${expr};\nconst c = Reflect.get(x, ${CTOR_KEY});\n${USE_CTOR}`, chain],
  [
    `${name}: getOwnPropertyDescriptor(getPrototypeOf(x), 'constructor')`,
    // Walks up to the first prototype that owns 'constructor'; SES's override taming turns many of them into accessors.
    `const x = ${expr};\nconst K = ${CTOR_KEY};\nlet p = Object.getPrototypeOf(x);\nlet d = Object.getOwnPropertyDescriptor(p, K);\n` +
      "while (d === undefined) { p = Object.getPrototypeOf(p); d = Object.getOwnPropertyDescriptor(p, K); }\n" +
      `const c = 'value' in d ? d.value : Reflect.apply(d.get, x, []);\n${USE_CTOR}`,
    chain,
  ],
  [`${name}: const { constructor: c } = x`, `const { constructor: c } = ${expr};\n${USE_CTOR}`, chain],
  [`${name}: const { [k]: c } = x`, `const k = 'constr' + 'uctor';\nconst { [k]: c } = ${expr};\n${USE_CTOR}`, chain],
]);

// ---------------------------------------------------------------------------------------------------------
// Stateless escapes: each row stands alone.
// ---------------------------------------------------------------------------------------------------------

const namedConstructorRows: Row[] = [
  ["callTool.constructor('return process')()", "return callTool.constructor('return process')();", throws(INERT)],
  ['(async function(){}).constructor', "return (async function () {}).constructor('return 1');", throws(INERT)],
  ['x.__proto__ reaches a frozen prototype', "const o = {};\no.__proto__.polluted = 1;\nreturn 1;", throws(NOT_EXTENSIBLE)],
  ['{ __proto__: ... } literal only shapes the script\'s own object', 'const o = { __proto__: { inherited: 1 } };\nreturn [o.inherited, Object.keys(o)];', returns([1, []])],
  ['x.prototype of an endowed class is frozen', "ToolError.prototype.sgLeak = 1;\nreturn 1;", throws(NOT_EXTENSIBLE)],
  ['__defineGetter__ on a shared prototype', "Object.getPrototypeOf({}).__defineGetter__('sgLeak', () => 1);\nreturn 1;", throws(NOT_EXTENSIBLE)],
  ['__lookupGetter__ hands out only the standard __proto__ getter', "const k = '__lookup' + 'Getter__';\nconst g = ({})[k]('__proto__');\nreturn typeof g.call(callTool) === 'function' && g.call([]) === Object.getPrototypeOf([]);", returns(true)],
  ['x[`constructor`] template literal key', `const c = console[\`constructor\`];\n${USE_CTOR}`, DATA_CONSTRUCTOR],
  ['x[`constr${a}`] template with a substitution', `const a = 'uctor';\nconst c = callTool[\`constr\${a}\`];\n${USE_CTOR}`, INERT_FUNCTION],
  ['key object whose toString() says constructor', `const o = {};\nconst c = o[{ toString() { return 'constructor'; } }];\n${USE_CTOR}`, DATA_CONSTRUCTOR],
  ['key object whose Symbol.toPrimitive says __proto__', "const o = {};\nconst p = o[{ [Symbol.toPrimitive]() { return '__proto__'; } }];\np.sgLeak = 1;\nreturn 1;", throws(NOT_EXTENSIBLE)],
  [
    'key object that says something safe first and constructor second',
    "let n = 0;\nconst k = { toString() { n++; return n === 1 ? 'safe' : 'constructor'; } };\nreturn [typeof callTool[k], n];",
    returns(['undefined', 1]),
  ],
  ['optional chaining x?.[k]', `const k = 'constr' + 'uctor';\nconst c = callTool?.[k];\n${USE_CTOR}`, INERT_FUNCTION],
  ['super[k] in an object method', `const o = { m() { const k = 'constr' + 'uctor'; return super[k]; } };\nconst c = o.m();\n${USE_CTOR}`, DATA_CONSTRUCTOR],
  ['super.constructor in a class method', `class A { m() { return super.constructor; } }\nconst c = new A().m();\n${USE_CTOR}`, DATA_CONSTRUCTOR],
  [
    'AsyncFunction via getPrototypeOf + Reflect.get, called',
    "const AsyncFunction = Reflect.get(Object.getPrototypeOf(async function () {}), ['constr', 'uctor'].join(''));\nreturn await AsyncFunction('return typeof process')();",
    throws(INERT),
  ],
  [
    'AsyncFunction via getPrototypeOf + Reflect.get, with new',
    "const AsyncFunction = Reflect.get(Object.getPrototypeOf(async function () {}), ['constr', 'uctor'].join(''));\nreturn await new AsyncFunction('return typeof process')();",
    throws(INERT),
  ],
  [
    'GeneratorFunction via getPrototypeOf + Reflect.get, called',
    "const GeneratorFunction = Reflect.get(Object.getPrototypeOf(function* () {}), ['constr', 'uctor'].join(''));\nreturn GeneratorFunction('yield typeof process')().next().value;",
    throws(INERT),
  ],
  [
    'AsyncGeneratorFunction via getPrototypeOf + Reflect.get, called',
    "const AsyncGeneratorFunction = Reflect.get(Object.getPrototypeOf(async function* () {}), ['constr', 'uctor'].join(''));\nreturn (await AsyncGeneratorFunction('yield typeof process')().next()).value;",
    throws(INERT),
  ],
  [
    'Function via getPrototypeOf(getPrototypeOf(async fn)) + Reflect.get, called',
    "const F = Reflect.get(Object.getPrototypeOf(Object.getPrototypeOf(async function () {})), ['constr', 'uctor'].join(''));\nreturn F('return typeof process')();",
    throws(INERT),
  ],
  [
    'callTool.call.call(F, null, src)',
    "const F = Reflect.get(callTool, ['constr', 'uctor'].join(''));\nreturn callTool.call.call(F, null, 'return typeof process')();",
    throws(INERT),
  ],
  [
    'console.log.apply.call(F, null, [src])',
    "const F = Reflect.get(console.log, ['constr', 'uctor'].join(''));\nreturn console.log.apply.call(F, null, ['return typeof process'])();",
    throws(INERT),
  ],
  ['Reflect.apply(F, null, [src])', "const F = Reflect.get(ToolError, ['constr', 'uctor'].join(''));\nreturn Reflect.apply(F, null, ['return typeof process'])();", throws(INERT)],
  ['Reflect.construct(F, [src])', "const F = Reflect.get(Date, ['constr', 'uctor'].join(''));\nreturn Reflect.construct(F, ['return typeof process'])();", throws(INERT)],
  ['F.bind(null, src)()', "const F = Reflect.get(Promise, ['constr', 'uctor'].join(''));\nreturn F.bind(null, 'return typeof process')()();", throws(INERT)],
];

// Literal keys in reflective calls: the gate does not refuse them; what they reach is inert or frozen.
const reflectiveLiteralRows: Row[] = [
  ["Reflect.get(f, 'constructor') literal", `const c = Reflect.get(callTool, 'constructor');\n${USE_CTOR}`, INERT_FUNCTION],
  ["Object.getOwnPropertyDescriptor(o, '__proto__') literal", "return [Object.getOwnPropertyDescriptor({}, '__proto__'), typeof Object.getOwnPropertyDescriptor(Object.getPrototypeOf({}), '__proto__').get];", returns([null, 'function'])],
  ["Reflect.defineProperty(shared prototype, 'constructor', …) literal", "return Reflect.defineProperty(Object.getPrototypeOf([]), 'constructor', { value: 1 });", returns(false)],
];

const gateRows: Row[] = [
  ["import('fs')", "const fs = await import('fs');\nreturn typeof fs;", refused('no-dynamic-import')],
  ['import.meta', 'return import.meta.url;', refused('no-module-syntax')],
  ['import declaration', "import fs from 'fs';\nreturn typeof fs;", refused('no-module-syntax')],
  ['export declaration', 'export const x = 1;', refused('no-module-syntax')],
  ["require('fs')", "return require('fs').readFileSync('/etc/passwd', 'utf8');", refused('no-require')],
  ['typeof require', 'return typeof require;', refused('no-require')],
  ['process.exit()', 'process.exit(1);', refused('no-process')],
  ['typeof process', 'return typeof process;', refused('no-process')],
  ['globalThis', 'return Object.keys(globalThis);', refused('no-global-object')],
  ['typeof globalThis', 'return typeof globalThis;', refused('no-global-object')],
  ['globalThis spelled with a unicode escape', 'return typeof glob\\u0061lThis;', refused('no-global-object')],
  ["eval('1')", "return eval('1');", refused('no-eval')],
  ['indirect (0, eval)', "return (0, eval)('this');", refused('no-eval')],
  ['eval spelled with a unicode escape', "return \\u0065val('1');", refused('no-eval')],
  ["new Function('return this')", "return new Function('return this')();", refused('no-function-constructor')],
  ['typeof Function', 'return typeof Function;', refused('no-function-constructor')],
  ['with statement', 'with ({ a: 1 }) { return a; }', refused('no-with')],
  ['reserved prefix: __sg_tick = () => 64', '__sg_tick = () => 64;\nreturn 1;', refused('reserved-prefix')],
  ['reserved prefix: reading __sg_rt', 'return typeof __sg_rt;', refused('reserved-prefix')],
  ['reserved prefix: declaring __sg_key', 'const __sg_key = (k) => k;\nreturn 1;', refused('reserved-prefix')],
  ["callTool = async () => 'fake'", "callTool = async () => 'fake';\nreturn 1;", refused('no-calltool-reassign')],
  ['let callTool', 'let callTool = 1;\nreturn callTool;', refused('no-calltool-reassign')],
  ['function callTool() {}', 'function callTool() {}\nreturn 1;', refused('no-calltool-reassign')],
  ['callTool as a parameter name', 'const f = (callTool) => callTool;\nreturn f(1);', refused('no-calltool-reassign')],
  ['callTool as a destructuring target', '({ callTool } = { callTool: 1 });\nreturn 1;', refused('no-calltool-reassign')],
  ['Object.prototype.polluted = 1', 'Object.prototype.polluted = 1;\nreturn 1;', throws(NOT_EXTENSIBLE)],
  ['HTML comment in a tagged template', 'const t = (s) => s.raw[0];\nreturn t`<!-- x`;', refused('unsafe-literal', 'syntax_error')],
  ['NUL byte in the source', 'return "a\u0000";', refused('no-nul-byte')],
];

/** Host capabilities that must simply not exist inside the compartment. */
const ABSENT_GLOBALS = [
  'Compartment', 'harden', 'lockdown', 'assert', 'HandledPromise', 'ModuleSource', 'StaticModuleRecord',
  'SharedArrayBuffer', 'ArrayBuffer', 'DataView', 'Atomics', 'WebAssembly', 'TextEncoder', 'TextDecoder',
  'Uint8Array', 'Int32Array', 'Float64Array', 'BigInt64Array',
  'setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask', 'MessageChannel',
  'fetch', 'Buffer', 'global', 'module', 'exports', '__dirname', '__filename', 'performance',
] as const;

const absentRows: Row[] = ABSENT_GLOBALS.map((name): Row => [`typeof ${name}`, `return typeof ${name};`, returns('undefined')]);

const scopeRows: Row[] = [
  ['this at top level', 'return typeof this;', returns('undefined')],
  ['arguments at top level', 'return [arguments.length, Array.from(arguments)];', returns([0, []])],
  ['arguments.callee', 'return typeof arguments.callee;', refused('no-arguments-callee')],
  ['arguments[k] with k = callee (computed)', "const k = 'cal' + 'lee';\nreturn typeof arguments[k];", throws(/'caller', 'callee', and 'arguments' properties may not be accessed/)],
  ['a function called with no receiver gets undefined this', 'function f() { return typeof this; }\nreturn f();', returns('undefined')],
  ['assigning an undeclared name (implicit global)', "leakedGlobal = 'secret';\nreturn 1;", refused('no-unknown-global')],
  ['HTML comment and import( inside a string are plain text', "return '<!-- x --> import(y)';", returns('<!-- x --> import(y)')],
  ["import('fs') inside a string is plain text", 'return "await import(\'fs\')";', returns("await import('fs')")],
];

const stackRows: Row[] = [
  ['new Error().stack', "return String(new Error('x').stack);", cleanStacks('an error made by the script has no host frames')],
  ['stack of a TypeError thrown by the engine', 'try { null.x; } catch (e) { return String(e.stack); }\nreturn null;', cleanStacks('an engine error has no host frames')],
  ['stack of an error thrown by the callTool bridge', 'try { await callTool(42); } catch (e) { return [String(e.message), String(e.stack)]; }\nreturn null;', cleanStacks('a bridge error has no host frames')],
  [
    'Error.prepareStackTrace = ... has no effect',
    "const f = (e, frames) => 'HIJACKED ' + frames.map((fr) => String(fr.getFileName())).join(' ');\nError.prepareStackTrace = f;\n" +
      "let thrown = '';\ntry { null.x; } catch (e) { thrown = String(e.stack); }\n" +
      "return { installed: Error.prepareStackTrace === f, made: String(new Error('x').stack), thrown };",
    check('the formatter is not installed and stacks stay clean', (env) => {
      expect(['ok', 'runtime_error']).toContain(env.status);
      if (env.status === 'ok') {
        expect((env.result as { installed: boolean }).installed).toBe(false);
        expect(JSON.stringify(env.result)).not.toMatch(/HIJACKED/);
        expect(JSON.stringify(env.result)).not.toMatch(HOST_PATH);
      }
    }),
  ],
  [
    'Error.captureStackTrace(obj) is harmless',
    "const o = {};\nif (typeof Error.captureStackTrace === 'function') Error.captureStackTrace(o);\nreturn typeof o.stack === 'string' ? o.stack : 'no stack';",
    cleanStacks('captureStackTrace records no host frames'),
  ],
  ['stack of an error thrown by the standard library', "const out = [];\nfor (const f of [() => new URL('not a url'), () => atob('*'), () => structuredClone(Symbol('s')), () => new Intl.NumberFormat('en', { style: 'nope' })]) { try { f(); } catch (e) { out.push(String(e.stack), String(e.message)); } }\nreturn out;", cleanStacks('library errors carry no host frames')],
  ['a cloned Error carries no stack of the host', "return String(structuredClone(new Error('x')).stack);", cleanStacks('a clone has no host frames')],
  ['Error.stackTraceLimit = 1000 does not stick', 'Error.stackTraceLimit = 1000;\nreturn Error.stackTraceLimit === 1000;', returns(false)],
];

const ESCAPES: Row[] = [...constructorRows, ...namedConstructorRows, ...reflectiveLiteralRows, ...gateRows, ...absentRows, ...scopeRows, ...stackRows];

// ---------------------------------------------------------------------------------------------------------
// State that must not outlive a script. ORDER MATTERS: each group ends with a fresh script that looks for
// what the rows before it tried to leave behind. This block runs last so a real leak cannot disturb the
// other blocks.
// ---------------------------------------------------------------------------------------------------------

const PERSISTENCE: Row[] = [
  // Shared intrinsics.
  ['Object.getPrototypeOf({}).polluted = 1', 'Object.getPrototypeOf({}).polluted = 1;\nreturn 1;', throws(NOT_EXTENSIBLE)],
  ["Reflect.set(Object.getPrototypeOf([]), 'x', 1)", "return [Reflect.set(Object.getPrototypeOf([]), 'x', 1), [].x === undefined];", returns([false, true])],
  ['Object.defineProperty(Object.getPrototypeOf([]), ...)', "Object.defineProperty(Object.getPrototypeOf([]), 'y', { value: 1, enumerable: true });\nreturn 1;", throws(NOT_EXTENSIBLE)],
  ['Object.getPrototypeOf([]).push = null', 'Object.getPrototypeOf([]).push = null;\nreturn 1;', throws(/TypeError: Cannot assign to read only property 'push'/)],
  ['Object.getPrototypeOf({}).toString = ...', "Object.getPrototypeOf({}).toString = () => 'pwned';\nreturn 1;", throws(/TypeError: Cannot assign to read only property 'toString'/)],
  ['delete Object.getPrototypeOf([]).map', 'delete Object.getPrototypeOf([]).map;\nreturn 1;', throws(/TypeError: Cannot delete property 'map'/)],
  ["Object.assign(Object.getPrototypeOf(''), { trim: null })", "Object.assign(Object.getPrototypeOf(''), { trim: null });\nreturn 1;", throws(READ_ONLY)],
  ['Promise.prototype.then replaced', 'Object.getPrototypeOf(Promise.resolve()).then = () => 1;\nreturn 1;', throws(READ_ONLY)],
  ['Object.setPrototypeOf(Function.prototype, null)', 'Object.setPrototypeOf(Object.getPrototypeOf(callTool), null);\nreturn 1;', throws(/not extensible/)],
  ['setPrototypeOf reached by a computed name', "const m = 'setProto' + 'typeOf';\nObject[m](Object.getPrototypeOf(callTool), null);\nreturn 1;", throws(/not extensible/)],
  ['Math.random = () => 0.5', 'Math.random = () => 0.5;\nreturn 1;', throws(READ_ONLY)],
  ['JSON.parse = () => 1', 'JSON.parse = () => 1;\nreturn 1;', throws(READ_ONLY)],
  ['ToolError.extra = 1', 'ToolError.extra = 1;\nreturn 1;', throws(NOT_EXTENSIBLE)],
  ["Reflect.set(ToolError's parent, 'x', 1)", "return Reflect.set(Object.getPrototypeOf(ToolError), 'x', 1);", returns(false)],
  [
    'follow-up: nothing above persisted in the shared intrinsics',
    'const a = [];\na.push(1, 2);\nreturn {\n' +
      '  polluted: ({}).polluted === undefined, x: [].x === undefined, y: [].y === undefined, push: a.length,\n' +
      "  toString: String({}), map: typeof [].map, trim: ' a '.trim(), then: typeof Promise.resolve().then,\n" +
      "  random: typeof Math.random(), json: JSON.parse('{\"a\":1}').a, toolError: Object.keys(ToolError),\n" +
      "  parentX: Reflect.has(Object.getPrototypeOf(ToolError), 'x'),\n};",
    returns({
      polluted: true, x: true, y: true, push: 2, toString: '[object Object]', map: 'function', trim: 'a', then: 'function',
      random: 'number', json: 1, toolError: [], parentX: false,
    }),
  ],

  // Script-level state: variables, the context, the per-execution bridge objects, global bindings.
  ['a top-level var', "var leakedVar = 'secret';\nreturn typeof leakedVar;", returns('string')],
  ['a top-level function declaration', "function leakedFn() { return 'secret'; }\nreturn typeof leakedFn;", returns('function')],
  ['context.leak = ... (context is frozen)', "context.leak = 'secret';\nreturn 1;", throws(NOT_EXTENSIBLE)],
  ['context.prefs.theme = ... (frozen deeply)', "context.prefs.theme = 'hacked';\nreturn 1;", throws(READ_ONLY)],
  [
    'properties on callTool and console.log',
    "callTool.leak = 'secret';\nconsole.log.leak = 'secret';\nreturn 'set';",
    check('allowed or refused, but only for this execution (see the follow-up)', (env) => {
      expect(['ok', 'runtime_error']).toContain(env.status);
      if (env.status === 'ok') expect(env.result).toBe('set');
      else expect(env.error?.message).toMatch(/not extensible|read only/);
    }),
  ],
  [
    'rebinding the Date and console globals',
    'Date = null;\nconsole = null;\nreturn [Date, console];',
    check('allowed or refused, but only for this execution (see the follow-up)', (env) => {
      expect(['ok', 'runtime_error']).toContain(env.status);
      if (env.status === 'ok') expect(env.result).toEqual([null, null]);
      else expect(env.error?.message).toMatch(/read only|Assignment to constant/);
    }),
  ],
  [
    'follow-up: no variable, context change or bridge property reached this script',
    'return {\n  leakedVar: typeof leakedVar, leakedFn: typeof leakedFn, leakedGlobal: typeof leakedGlobal,\n' +
      "  context: context, callTool: Reflect.has(callTool, 'leak'), log: Reflect.has(console.log, 'leak'),\n" +
      '  date: typeof Date, console: typeof console,\n};',
    returns({
      leakedVar: 'undefined', leakedFn: 'undefined', leakedGlobal: 'undefined', context: { user: 'alice', prefs: { theme: 'dark' }, tenantId: 'default', scopes: [] },
      callTool: false, log: false, date: 'function', console: 'object',
    }),
  ],

  // The endowed Date constructor is shared by every script on the thread, and the worker reads its clock.
  ['Date.now = () => 1', 'Date.now = () => 1;\nreturn Date.now();', throws(/read only|not extensible/)],
  ["Date.sgLeak = 'left by an earlier script'", "Date.sgLeak = 'left by an earlier script';\nreturn Date.sgLeak;", throws(NOT_EXTENSIBLE)],
  [
    'follow-up: Date is untouched',
    "return { realClock: Date.now() > 1e12, leak: Reflect.has(Date, 'sgLeak') };",
    returns({ realClock: true, leak: false }),
  ],

  // The standard library is shared by every script of the thread: everything reachable from it is frozen.
  ['Intl.NumberFormat.prototype.format replaced', "Object.defineProperty(Intl.NumberFormat.prototype, 'format', { get: () => () => 'pwned' });\nreturn 1;", throws(/Cannot redefine property|not extensible/)],
  ['Intl.sgLeak = 1', "Intl.sgLeak = 1;\nreturn 1;", throws(NOT_EXTENSIBLE)],
  ['Intl.Collator.prototype.compare replaced', "Intl.Collator.prototype.sgLeak = 1;\nreturn 1;", throws(NOT_EXTENSIBLE)],
  ['the Segmenter iterator prototype (reached only through an instance)', "const segments = new Intl.Segmenter('en').segment('a b');\nObject.getPrototypeOf(segments[Symbol.iterator]()).next = () => ({ done: true });\nreturn 1;", throws(READ_ONLY)],
  ['the Segments prototype (reached only through an instance)', "Object.getPrototypeOf(new Intl.Segmenter('en').segment('a')).sgLeak = 1;\nreturn 1;", throws(NOT_EXTENSIBLE)],
  ['URL.prototype.toString replaced', "URL.prototype.toString = () => 'pwned';\nreturn 1;", throws(READ_ONLY)],
  ['URLSearchParams iterator prototype (reached only through an instance)', "Object.getPrototypeOf(new URLSearchParams('a=1').entries()).next = () => ({ done: true });\nreturn 1;", throws(READ_ONLY)],
  ['properties on structuredClone, atob and btoa', "structuredClone.sgLeak = 1;\nreturn 1;", throws(NOT_EXTENSIBLE)],
  ["DataCloneError's prototype (reached only through a thrown error)", "let e;\ntry { structuredClone(() => 1); } catch (err) { e = err; }\nObject.getPrototypeOf(e).sgLeak = 1;\nreturn 1;", throws(NOT_EXTENSIBLE)],
  ['Object.groupBy replaced', "Object.groupBy = () => 'pwned';\nreturn 1;", throws(READ_ONLY)],
  [
    'follow-up: the standard library is as it was',
    "const segments = [...new Intl.Segmenter('en', { granularity: 'word' }).segment('a b')].map((s) => s.segment);\n" +
      "let cloneError = '';\ntry { structuredClone(() => 1); } catch (e) { cloneError = e.name + ':' + Reflect.has(Object.getPrototypeOf(e), 'sgLeak'); }\n" +
      "return { money: new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(2), intl: Reflect.has(Intl, 'sgLeak'), collator: Reflect.has(Intl.Collator.prototype, 'sgLeak'), segments, url: String(new URL('https://x.test/a')), params: [...new URLSearchParams('a=1&b=2').entries()], clone: Reflect.has(structuredClone, 'sgLeak'), cloneError, groups: Object.keys(Object.groupBy([1, 2], (n) => (n % 2 ? 'odd' : 'even'))) };",
    returns({ money: '$2.00', intl: false, collator: false, segments: ['a', ' ', 'b'], url: 'https://x.test/a', params: [['a', '1'], ['b', '2']], clone: false, cloneError: 'DataCloneError:false', groups: ['odd', 'even'] }),
  ],

  // ToolError's parent class: must not hand out the start compartment's stack machinery.
  [
    "prepareStackTrace on ToolError's parent Error, then captureStackTrace",
    'const BaseError = Object.getPrototypeOf(ToolError);\n' +
      "BaseError.prepareStackTrace = (e, frames) => 'HIJACKED ' + frames.map((f) => String(f.getFileName()) + ':' + String(f.getFunctionName())).join(' ');\n" +
      'const probe = {};\nBaseError.captureStackTrace(probe);\nreturn String(probe.stack);',
    cleanStacks('no formatter of the script runs and no host frames show'),
  ],
  [
    "stackTraceLimit on ToolError's parent Error",
    "const BaseError = Object.getPrototypeOf(ToolError);\nBaseError.stackTraceLimit = 1234;\nreturn Reflect.get(BaseError, 'stackTraceLimit') === 1234;",
    check('the limit is not changed (or the write throws)', (env) => {
      expect(['ok', 'runtime_error']).toContain(env.status);
      if (env.status === 'ok') expect(env.result).toBe(false);
    }),
  ],
  [
    'follow-up: a later script is not formatted by an earlier one, nor sees its stack limit',
    "let thrown = '';\ntry { null.x; } catch (e) { thrown = String(e.stack); }\n" +
      "const probe = {};\nObject.getPrototypeOf(ToolError).captureStackTrace(probe);\n" +
      "return { made: String(new Error('x').stack), thrown, captured: String(probe.stack), limit: Reflect.get(Object.getPrototypeOf(ToolError), 'stackTraceLimit') === 1234 };",
    check('clean stacks and an untouched limit', (env) => {
      expect(env.status).toBe('ok');
      expect(JSON.stringify(env.result)).not.toMatch(/HIJACKED/);
      expect(JSON.stringify(env.result)).not.toMatch(HOST_PATH);
      expect((env.result as { limit: boolean }).limit).toBe(false);
    }),
  ],
];

describe('escape table: hostile scripts are refused or contained', () => {
  test('the table is large and every label is unique', () => {
    const labels = [...ESCAPES, ...PERSISTENCE].map(([label]) => label);
    expect(labels.length).toBeGreaterThanOrEqual(45);
    expect(new Set(labels).size).toBe(labels.length);
  });

  test.each(ESCAPES)('%s', async (_label, script, expectation) => {
    await expectOutcome(script, expectation);
  });
});

describe('ordinary scripts still work', () => {
  const BENIGN: Row[] = [
    [
      'Map and Set',
      "const m = new Map([['a', 1]]);\nm.set('b', 2);\nconst s = new Set([1, 2, 2, 3]);\nreturn { keys: [...m.keys()], sum: [...m.values()].reduce((x, y) => x + y, 0), size: s.size, has: s.has(3) };",
      returns({ keys: ['a', 'b'], sum: 3, size: 3, has: true }),
    ],
    [
      'regular expressions',
      "const re = /(\\w+)@(\\w+)\\.com/g;\nconst text = 'ann@x.com, bob@y.com';\nreturn { all: [...text.matchAll(re)].map((m) => m[1] + '/' + m[2]), replaced: 'a-b-c'.replace(/-/g, '+'), test: /^\\d{3}$/.test('123') };",
      returns({ all: ['ann/x', 'bob/y'], replaced: 'a+b+c', test: true }),
    ],
    ['JSON round trip', "const o = JSON.parse('{\"a\":[1,2,{\"b\":null}]}');\nreturn JSON.stringify(o) + '|' + JSON.stringify({ x: 1 }, null, 0);", returns('{"a":[1,2,{"b":null}]}|{"x":1}')],
    ['Date', "return [Date.now() > 0, new Date(0).toISOString(), typeof new Date().getTime()];", returns([true, '1970-01-01T00:00:00.000Z', 'number'])],
    ['Math.random() in [0, 1)', 'let ok = true;\nfor (let i = 0; i < 100; i++) { const r = Math.random(); if (!(r >= 0 && r < 1)) ok = false; }\nreturn [ok, Math.max(1, 5, 3), Math.floor(2.7)];', returns([true, 5, 2])],
    [
      'class with constructor, methods, getter and inheritance',
      'class Animal {\n  constructor(name) { this.name = name; }\n  speak() { return this.name + " makes a sound"; }\n  get upper() { return this.name.toUpperCase(); }\n}\n' +
        'class Dog extends Animal {\n  constructor(name) { super(name); this.kind = "dog"; }\n  speak() { return super.speak() + " (woof)"; }\n  static create(n) { return new Dog(n); }\n}\n' +
        'const d = Dog.create("rex");\nreturn [d.speak(), d.upper, d.kind, d instanceof Animal];',
      returns(['rex makes a sound (woof)', 'REX', 'dog', true]),
    ],
    [
      'try / catch / finally',
      "const log = [];\ntry { log.push('try'); throw new TypeError('bad'); } catch (e) { log.push(e.name + ':' + e.message); } finally { log.push('finally'); }\n" +
        "function f() { try { return 'from try'; } finally { log.push('f-finally'); } }\nreturn [f(), log];",
      returns(['from try', ['try', 'TypeError:bad', 'finally', 'f-finally']]),
    ],
    [
      'labels with break and continue',
      'const out = [];\nouter: for (let i = 0; i < 3; i++) {\n  for (let j = 0; j < 3; j++) {\n    if (j === 1) continue outer;\n    if (i === 2) break outer;\n    out.push(i + "" + j);\n  }\n}\nreturn out;',
      returns(['00', '10']),
    ],
    ['optional chaining and nullish coalescing', "const o = { a: { b: null } };\nreturn [o.a?.b?.c, o.x?.y ?? 'dflt', o.a?.['b'] ?? 0, typeof o.f?.()];", returns([null, 'dflt', 0, 'undefined'])],
    [
      'spread, rest and destructuring',
      "const [first, ...rest] = [1, 2, 3];\nconst { a, ...others } = { a: 1, b: 2, c: 3 };\nconst merged = { ...others, d: 4 };\nconst max = Math.max(...rest);\nreturn { first, rest, a, merged, max };",
      returns({ first: 1, rest: [2, 3], a: 1, merged: { b: 2, c: 3, d: 4 }, max: 3 }),
    ],
    ['template literals', "const who = 'world';\nconst n = 3;\nreturn `hello ${who}, ${n * 2} times\\nline2`;", returns('hello world, 6 times\nline2')],
    [
      'computed keys with ordinary names, and an own toString',
      "const o = {};\nconst k = 'na' + 'me';\no[k] = 'x';\no['a' + 1] = 2;\nconst own = { toString() { return 'mine'; } };\nreturn [o.name, o.a1, String(own), Object.keys(o)];",
      returns(['x', 2, 'mine', ['name', 'a1']]),
    ],
    ['callTool test:echo', "const r = await callTool('test:echo', { n: 1, list: ['a'] });\nreturn r;", returns({ echo: { n: 1, list: ['a'] } })],
    [
      'callTool failure caught as ToolError',
      "try { await callTool('test:fail', {}); return 'no error'; } catch (e) { return [e instanceof ToolError, e.code, e.tool]; }",
      returns([true, 'BROKEN', 'test:fail']),
    ],
    ['generators and async iteration', 'function* g() { yield 1; yield 2; }\nasync function* ag() { yield 3; }\nconst out = [...g()];\nfor await (const v of ag()) out.push(v);\nreturn out;', returns([1, 2, 3])],
    ['reading the context', 'return [context.user, context.prefs.theme, Object.keys(context)];', returns(['alice', 'dark', ['user', 'prefs', 'tenantId', 'scopes']])],
  ];

  test.each(BENIGN)('%s', async (_label, script, expectation) => {
    await expectOutcome(script, expectation);
  });
});

describe('state does not outlive a script (ordered: attempts, then a fresh script that looks for them)', () => {
  test.each(PERSISTENCE)('%s', async (_label, script, expectation) => {
    await expectOutcome(script, expectation);
  });
});
