/**
 * What a script can use: the one list the gate's refusals, the execute_script description and the docs
 * (docs/scripts.md, checked by a test) are made from.
 */

export interface EnvironmentEntry {
  /** What the script writes. */
  readonly names: readonly string[];
  readonly status: 'available' | 'capped' | 'absent';
  /** For available and capped entries what it does (and the limit); for absent ones what to use instead. */
  readonly note: string;
  /** The names are syntax or language features, not globals a script names. */
  readonly syntax?: true;
}

const entry = (status: EnvironmentEntry['status'], names: readonly string[], note: string, syntax = false): EnvironmentEntry =>
  Object.freeze({ names: Object.freeze([...names]), status, note, ...(syntax ? { syntax: true as const } : {}) });

export const SCRIPT_ENVIRONMENT: readonly EnvironmentEntry[] = Object.freeze([
  entry('capped', ['callTool'], "await callTool('source:tool', args, { throwOnError? }): the tool's result, or a ToolError (code, tool, message); limits toolCalls and parallelToolCalls"),
  entry('available', ['ToolError'], 'the class of tool failures, for instanceof and error.code'),
  entry('available', ['context'], "the caller's context object, frozen (tenantId, userId and scopes set by the gateway)"),
  entry('capped', ['progress'], 'progress(fraction, message?) for async jobs; at most 1,000 reports'),
  entry('capped', ['console'], 'log, info, warn, error, debug, table, dir, trace, assert, count, countReset, time, timeEnd, timeLog, group, groupCollapsed, groupEnd, captured into logs; limits consoleLines and consoleBytes'),
  entry('available', ['TypeScript'], 'syntax that only carries types (annotations, interface, type, generics, as, satisfies, !, declare, import type) is removed before the script runs', true),
  entry(
    'capped',
    ['Object', 'Array', 'String', 'Number', 'Boolean', 'Symbol', 'BigInt', 'JSON', 'RegExp', 'Map', 'Set', 'WeakMap', 'WeakSet', 'Promise', 'Proxy', 'Reflect'],
    "standard JavaScript, every syntax included (classes with #private fields, generators, async iteration); built-ins that allocate in one call (`repeat`, `padStart`, `padEnd`, `join`, `fill`, `concat`, `flat`, `flatMap`, `sort`, `toSorted`, `toReversed`, `toSpliced`, `with`, `copyWithin`, `Array.from`) throw a RangeError when the result could not fit the thread's heap (over workerHeapMb/2 characters or workerHeapMb/8 elements)",
  ),
  entry('available', ['Object.groupBy', 'Map.groupBy', 'Array.fromAsync', 'Promise.withResolvers'], 'the newer built-ins, on every Node version the service runs on'),
  entry(
    'available',
    ['Math', 'Date'],
    'Math.random() and the clock (Date.now(), new Date(), Date()) work; each run has its own: random numbers come from a generator seeded per run and clock reads are recorded, so a run resumed after a sandbox crash repeats them exactly',
  ),
  entry('available', ['Error', 'TypeError', 'RangeError', 'SyntaxError', 'ReferenceError', 'EvalError', 'URIError', 'AggregateError'], 'error types; thrown errors keep their name, message and line'),
  entry('available', ['parseInt', 'parseFloat', 'isNaN', 'isFinite', 'encodeURIComponent', 'decodeURIComponent', 'encodeURI', 'decodeURI', 'escape', 'unescape'], 'global functions'),
  entry('available', ['Intl'], 'NumberFormat, DateTimeFormat, Collator, PluralRules, RelativeTimeFormat, ListFormat, Segmenter, DisplayNames, Locale, for every locale ICU ships'),
  entry('available', ['URL', 'URLSearchParams'], 'WHATWG URL parsing and query strings'),
  entry('capped', ['structuredClone'], 'deep copies of data (Date, Map, Set, RegExp, errors, cycles); the copy counts against the sandbox heap (workerHeapMb)'),
  entry('available', ['atob', 'btoa'], 'base64 of Latin-1 strings'),
  entry('capped', ['loops', 'recursion'], 'limits loopIterations and callDepth; the whole run is bounded by timeoutMs', true),
  entry('capped', ['return'], 'the result must be JSON data within resultBytes', true),
  entry('absent', ['fetch', 'XMLHttpRequest', 'WebSocket'], "a tool: await callTool('source:tool', args) (search_tools finds tools that reach the network)"),
  entry('absent', ['require', 'import', 'import()', 'export'], 'scripts have no modules: callTool for I/O, built-ins for the rest', true),
  entry('absent', ['process', 'globalThis', 'global', 'window', 'self'], 'context for values from the caller; built-ins by their names'),
  entry('absent', ['setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'clearImmediate', 'queueMicrotask'], 'await tool calls (Promise.all runs them in parallel); there is no way to sleep'),
  entry('absent', ['eval', 'Function'], 'write the code directly; JSON.parse for data'),
  entry('absent', ['Buffer'], 'strings, with btoa/atob for base64'),
  entry('absent', ['TextEncoder', 'TextDecoder'], 'encodeURIComponent/decodeURIComponent (the UTF-8 byte length of s is unescape(encodeURIComponent(s)).length)'),
  entry('absent', ['ArrayBuffer', 'SharedArrayBuffer', 'DataView', 'Atomics', 'Uint8Array', '(all typed arrays)', 'WebAssembly'], 'plain arrays of numbers (memory outside the heap could not be bounded)'),
  entry('absent', ['crypto'], 'Math.random()'),
  entry('absent', ['performance'], 'Date.now(), or console.time/console.timeEnd'),
  entry('absent', ['WeakRef', 'FinalizationRegistry'], 'a Map or WeakMap'),
  entry('absent', ['module', 'exports', '__dirname', '__filename'], 'return to hand back the result, and callTool for I/O'),
  entry('absent', ['enum', 'namespace', 'decorators', 'parameter properties'], 'TypeScript that needs generated code: a const object (… as const), plain objects and functions, assignments in the constructor', true),
]);

/** What to use instead of each absent global, named in its refusal. */
export const ABSENT_ALTERNATIVES: Readonly<Record<string, string>> = Object.freeze(
  Object.fromEntries(SCRIPT_ENVIRONMENT.filter((e) => e.status === 'absent').flatMap((e) => e.names.map((n) => [n, e.note]))),
);
