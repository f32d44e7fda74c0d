import type { RuleId } from './rules';
import { closestNames } from '../text';
import { ABSENT_ALTERNATIVES } from './environment';

/**
 * What a script may name as a global: the sandbox's endowments and standard JavaScript. Anything else
 * is refused before the script runs, with advice, instead of failing later with a ReferenceError.
 */
/**
 * Standard-library globals the sandbox endows only to scripts that name them (workers/stdlib.ts builds
 * them; a test runs each one in a real sandbox).
 */
export const SANDBOX_LIBRARY: ReadonlySet<string> = new Set(['Intl', 'URL', 'URLSearchParams', 'structuredClone', 'atob', 'btoa', 'Math', 'Date']);

export const ALLOWED_GLOBALS: ReadonlySet<string> = new Set([
  // Endowed by the sandbox (docs/scripts.md).
  'callTool', 'console', 'context', 'progress', 'ToolError', ...SANDBOX_LIBRARY,
  // Standard built-ins present in every compartment.
  'Object', 'Array', 'String', 'Number', 'Boolean', 'Symbol', 'BigInt', 'Promise', 'Map', 'Set', 'WeakMap', 'WeakSet',
  'RegExp', 'JSON', 'Math', 'Date', 'Error', 'TypeError', 'RangeError', 'SyntaxError', 'ReferenceError', 'EvalError',
  'URIError', 'AggregateError', 'Proxy', 'Reflect', 'parseInt', 'parseFloat', 'isNaN', 'isFinite', 'NaN', 'Infinity',
  'undefined', 'encodeURIComponent', 'decodeURIComponent', 'encodeURI', 'decodeURI', 'escape', 'unescape',
]);

/** Host capabilities a script might reach for, each with the rule that names the refusal. */
export const HOST_GLOBALS: Readonly<Record<string, RuleId>> = Object.freeze({
  eval: 'no-eval',
  Function: 'no-function-constructor',
  require: 'no-require',
  process: 'no-process',
  globalThis: 'no-global-object',
  global: 'no-global-object',
  window: 'no-global-object',
  self: 'no-global-object',
  setTimeout: 'no-timers',
  setInterval: 'no-timers',
  setImmediate: 'no-timers',
  clearTimeout: 'no-timers',
  clearInterval: 'no-timers',
  clearImmediate: 'no-timers',
  queueMicrotask: 'no-timers',
  fetch: 'no-host-api',
  XMLHttpRequest: 'no-host-api',
  WebSocket: 'no-host-api',
  Buffer: 'no-host-api',
  module: 'no-host-api',
  exports: 'no-host-api',
  __dirname: 'no-host-api',
  __filename: 'no-host-api',
  WebAssembly: 'no-host-api',
  SharedArrayBuffer: 'no-host-api',
  Atomics: 'no-host-api',
  ArrayBuffer: 'no-host-api',
  DataView: 'no-host-api',
  Int8Array: 'no-host-api',
  Uint8Array: 'no-host-api',
  Uint8ClampedArray: 'no-host-api',
  Int16Array: 'no-host-api',
  Uint16Array: 'no-host-api',
  Int32Array: 'no-host-api',
  Uint32Array: 'no-host-api',
  Float32Array: 'no-host-api',
  Float64Array: 'no-host-api',
  BigInt64Array: 'no-host-api',
  BigUint64Array: 'no-host-api',
  TextEncoder: 'no-host-api',
  TextDecoder: 'no-host-api',
  performance: 'no-host-api',
  crypto: 'no-host-api',
  Compartment: 'no-host-api',
  lockdown: 'no-host-api',
  harden: 'no-host-api',
  WeakRef: 'no-host-api',
  FinalizationRegistry: 'no-host-api',
});

const TYPED_ARRAY = /^(?:Big)?(?:Int|Uint|Float)(?:8|16|32|64)(?:Clamped)?Array$/;

/** What to use instead of a host capability, named in its refusal (from the environment list). */
export const HOST_ALTERNATIVES: Readonly<Record<string, string>> = Object.freeze(
  Object.fromEntries(
    Object.keys(HOST_GLOBALS)
      .map((name) => [name, ABSENT_ALTERNATIVES[name] ?? (TYPED_ARRAY.test(name) ? ABSENT_ALTERNATIVES.Uint8Array : undefined)] as const)
      .filter((pair): pair is readonly [string, string] => pair[1] !== undefined),
  ),
);

/** Refused even as the operand of `typeof`, where other unknown names are allowed for feature tests. */
export const ALWAYS_REFUSED: ReadonlySet<string> = new Set(['eval', 'Function', 'require', 'process', 'globalThis']);

/** The meta-tools of this gateway: a script calling them would recurse into the gateway itself. */
export const META_TOOLS: ReadonlySet<string> = new Set(['search_tools', 'describe_tools', 'execute_script', 'invoke_tool', 'get_job']);

/** Normalises a tool name to catch aliases of the meta-tools (`scriptgate:execute_script`, `Execute-Script`…). */
export function metaToolNamed(name: string): string | undefined {
  const bare = name.replace(/^(?:scriptgate|gateway|meta)(?::|__|\.)/i, '');
  const key = bare.replace(/[-.\s]/g, '_').replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
  return META_TOOLS.has(key) ? key : undefined;
}

/** A close allowed name for a typo, for "did you mean". */
export function suggestGlobal(name: string): string | undefined {
  return closestNames(name, ALLOWED_GLOBALS, 1, 2)[0];
}
