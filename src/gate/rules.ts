import type { ErrorCode } from '../errors';

/**
 * The rule table: stable ids, what each refuses, and advice that is valid in this sandbox. The walker
 * in analyze.ts decides where a rule applies; this file only names and explains.
 */
export interface RuleSpec {
  readonly code: ErrorCode;
  readonly message: (detail: string) => string;
  readonly hint: string;
}

const rule = (code: ErrorCode, message: (detail: string) => string, hint: string): RuleSpec =>
  Object.freeze({ code, message, hint });

export const RULES = Object.freeze({
  'no-eval': rule('ILLEGAL_ACCESS', () => 'eval is not available', 'Write the logic directly; parse data with JSON.parse.'),
  'no-function-constructor': rule(
    'ILLEGAL_ACCESS',
    () => 'the Function constructor is not available',
    'Declare functions with `function name() {}` or arrow functions instead of building them from strings.',
  ),
  'no-dynamic-import': rule('ILLEGAL_ACCESS', () => 'import() is not available', 'Call tools with `await callTool(name, args)`; modules cannot be loaded.'),
  'no-module-syntax': rule('ILLEGAL_ACCESS', (d) => `${d} is not available in scripts`, 'Remove import/export statements; use callTool, console and context, which are already in scope.'),
  'no-with': rule('ILLEGAL_ACCESS', () => 'the with statement is not available', 'Use explicit property access (`obj.x`) or destructuring (`const { x } = obj`).'),
  'no-require': rule('ILLEGAL_ACCESS', () => 'require is not available', 'There are no modules in the sandbox; use callTool for I/O and standard built-ins for the rest.'),
  'no-process': rule('ILLEGAL_ACCESS', () => 'process is not available', 'Read caller-supplied values from `context` and ask tools for data; the host process is out of reach.'),
  'no-global-object': rule('ILLEGAL_ACCESS', (d) => `${d} is not available`, 'Refer to built-ins by name (JSON, Math, Date) and keep your own values in local variables.'),
  'no-prototype-access': rule(
    'ILLEGAL_ACCESS',
    (d) => `access to '${d}' is not allowed`,
    'Work with plain data: use Object.keys/Object.entries, spread ({ ...obj }) and Array.isArray instead of prototypes or constructors.',
  ),
  'reserved-prefix': rule('ILLEGAL_ACCESS', (d) => `the name '${d}' uses the reserved prefix __sg_`, 'Rename the variable; names starting with __sg_ are reserved.'),
  'no-calltool-reassign': rule(
    'ILLEGAL_ACCESS',
    () => 'callTool cannot be reassigned or redeclared',
    'Keep callTool as it is; wrap it in a helper with another name, e.g. `const call = (n, a) => callTool(n, a);`.',
  ),
  'unsupported-syntax': rule('UNSUPPORTED_SYNTAX', (d) => `${d} is not supported`, 'Assign properties in the constructor (`this.x = 1`) instead of class fields, private #names or static blocks.'),
  'unsafe-literal': rule(
    'UNSUPPORTED_SYNTAX',
    (d) => `${d} cannot be used here`,
    'Build the text from parts, e.g. "<" + "!--", or use a plain string instead of a tagged template or character class.',
  ),
} satisfies Record<string, RuleSpec>);

export type RuleId = keyof typeof RULES;

/** Property names that reach prototypes or redefine accessors: refused statically and at run time. */
export const FORBIDDEN_PROPERTIES: ReadonlySet<string> = Object.freeze(
  new Set(['constructor', '__proto__', 'prototype', '__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__']),
);

/** Free identifiers that name host capabilities. */
export const FORBIDDEN_IDENTIFIERS: Readonly<Record<string, RuleId>> = Object.freeze({
  eval: 'no-eval',
  Function: 'no-function-constructor',
  require: 'no-require',
  process: 'no-process',
  globalThis: 'no-global-object',
});

export const RESERVED_PREFIX = '__sg_';
