import type { ErrorCode } from '../errors';

/**
 * The rule table: stable ids, what each refuses, and advice that is valid in this sandbox. The walker
 * in analyze.ts decides where a rule applies; this file only names and explains.
 */
export interface RuleSpec {
  readonly code: ErrorCode;
  readonly message: (detail: string) => string;
  readonly hint: string;
  /** A rewrite that passes the gate: quoted in the hint's spirit, and compiled by a test. */
  readonly example: string;
}

const rule = (code: ErrorCode, message: (detail: string) => string, hint: string, example: string): RuleSpec =>
  Object.freeze({ code, message, hint: `${hint} Example: ${example}`, example });

export const RULES = Object.freeze({
  'no-eval': rule('ILLEGAL_ACCESS', () => 'eval is not available', 'Write the logic directly; parse data with JSON.parse.', 'const data = JSON.parse(\'{"a":1}\');'),
  'no-function-constructor': rule(
    'ILLEGAL_ACCESS',
    () => 'the Function constructor is not available',
    'Declare functions with `function name() {}` or arrow functions instead of building them from strings.',
    'const double = (x) => x * 2;',
  ),
  'no-dynamic-import': rule('ILLEGAL_ACCESS', () => 'import() is not available', 'Call tools instead of loading modules.', "const users = await callTool('users:list', { limit: 10 });"),
  'no-module-syntax': rule('ILLEGAL_ACCESS', (d) => `${d} is not available in scripts`, 'Remove import/export; callTool, console and context are already in scope, and `return` hands back the result.', 'return { done: true };'),
  'no-with': rule('ILLEGAL_ACCESS', () => 'the with statement is not available', 'Use explicit property access or destructuring.', 'const { a, b } = { a: 1, b: 2 };'),
  'no-require': rule('ILLEGAL_ACCESS', () => 'require is not available', 'There are no modules in the sandbox: use callTool for I/O and built-ins for the rest.', "const page = await callTool('users:list', { limit: 5 });"),
  'no-process': rule('ILLEGAL_ACCESS', () => 'process is not available', 'Read caller-supplied values from `context`; the host process is out of reach.', 'const tenant = context.tenantId;'),
  'no-global-object': rule('ILLEGAL_ACCESS', (d) => `${d} is not available`, 'Refer to built-ins by name and keep your own values in local variables.', 'const max = Math.max(1, 2);'),
  'no-timers': rule('ILLEGAL_ACCESS', (d) => `${d} is not available: the sandbox has no timers`, 'Await tool calls directly; to run calls in parallel use Promise.all.', "const [a, b] = await Promise.all([callTool('users:get', { id: 'u_0001' }), callTool('users:get', { id: 'u_0002' })]);"),
  'no-host-api': rule('ILLEGAL_ACCESS', (d) => `${d} is not available in the sandbox`, 'Use tools for I/O and plain JavaScript values (arrays, strings, JSON) for data.', 'const text = JSON.stringify({ ok: true });'),
  'no-unknown-global': rule('ILLEGAL_ACCESS', (d) => `'${d}' is not defined`, 'Declare the variable with const or let before using it; available globals are callTool, console, context, ToolError and standard JavaScript built-ins.', 'const total = 0;'),
  'no-arguments-callee': rule('ILLEGAL_ACCESS', (d) => `arguments.${d} is not available`, 'Give the function a name and call it by that name.', 'function fact(n) { return n <= 1 ? 1 : n * fact(n - 1); }'),
  'reserved-prefix': rule('ILLEGAL_ACCESS', (d) => `the name '${d}' uses the reserved prefix __sg_`, 'Rename the variable; names starting with __sg_ are reserved.', 'const sgCount = 1;'),
  'no-calltool-reassign': rule(
    'ILLEGAL_ACCESS',
    () => 'callTool cannot be reassigned or redeclared',
    'Keep callTool as it is; wrap it in a helper with another name.',
    'const call = (name, args) => callTool(name, args);',
  ),
  'no-self-reference': rule(
    'ILLEGAL_ACCESS',
    (d) => `a script cannot call the gateway's own ${d} tool`,
    'Call the underlying tools directly; the script already runs inside execute_script.',
    "const found = await callTool('users:search', { query: 'me' });",
  ),
  'ts-enum': rule(
    'UNSUPPORTED_SYNTAX',
    (d) => `${d} needs generated code; TypeScript in scripts may only carry types`,
    'Use a const object instead of an enum (and `typeof Obj[keyof typeof Obj]` if you need its type).',
    "const Status = { Open: 'open', Closed: 'closed' } as const;",
  ),
  'ts-namespace': rule(
    'UNSUPPORTED_SYNTAX',
    (d) => `${d} needs generated code; TypeScript in scripts may only carry types`,
    'Use a plain object or separate functions instead of a namespace.',
    'const Geometry = { area: (w: number, h: number) => w * h };',
  ),
  'ts-parameter-property': rule(
    'UNSUPPORTED_SYNTAX',
    (d) => `${d} needs generated code; TypeScript in scripts may only carry types`,
    'Declare the field in the class body and assign it in the constructor.',
    'class Point { x: number; constructor(x: number) { this.x = x; } }',
  ),
  'ts-decorator': rule(
    'UNSUPPORTED_SYNTAX',
    (d) => `${d} is not supported`,
    'Call the function on the class or method instead of decorating it.',
    'const logged = <T>(f: T): T => f;\nconst run = logged(() => 1);',
  ),
  'ts-angle-assertion': rule('UNSUPPORTED_SYNTAX', (d) => `${d} is not supported`, 'Write `value as Type` instead of `<Type>value`.', "const n = JSON.parse('1') as number;"),
  'ts-module-syntax': rule('ILLEGAL_ACCESS', (d) => `${d} is not available in scripts`, 'Scripts have no modules: callTool, console and context are already in scope.', 'return { done: true };'),
  'unsupported-regex': rule(
    'SYNTAX_ERROR',
    (d) => `the regular expression ${d} is not supported by this runtime`,
    'Write it with the syntax this runtime has: give each named group its own name, and use flags instead of inline modifiers like (?i:…).',
    "const year = /(?<year>\\d{4})/.exec('2026')?.groups?.year;",
  ),
  'unsupported-syntax': rule(
    'UNSUPPORTED_SYNTAX',
    (d) => `${d} is not supported by this runtime`,
    'Use const with try/finally instead of using, and a field or a get/set pair instead of accessor.',
    'let total = 0; try { total = 1; } finally { total += 1; }',
  ),
  'unsafe-literal': rule(
    'UNSUPPORTED_SYNTAX',
    (d) => `${d} cannot be used here`,
    'Build the text from parts instead of a tagged template or a regex character class.',
    "const marker = '<' + '!--';",
  ),
  'unsafe-regex': rule('UNSAFE_REGEX', (d) => `regular expression ${d} can backtrack exponentially`, 'Remove nested or overlapping quantifiers.', 'const ok = /^a+$/.test("aaa");'),
} satisfies Record<string, RuleSpec>);

export type RuleId = keyof typeof RULES;

export const RESERVED_PREFIX = '__sg_';
