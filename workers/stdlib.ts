/**
 * The standard library a script may use beyond what SES gives every compartment. Two kinds:
 *
 * - Intrinsics changed before lockdown, which then freezes them with the rest: a bounded Symbol.for.
 * - Globals endowed per script, and only to scripts that name them (the gate lists the names, so a plain
 *   script pays nothing): Intl, URL and URLSearchParams are the host's own, hardened after lockdown
 *   together with the prototypes only their instances reach; structuredClone, atob and btoa are written
 *   here, so nothing they return or throw belongs to the host.
 *
 * Every value is shared by all scripts of the thread, so everything reachable from it is frozen. Memory:
 * what these build lives on the thread's heap, under the same heap limit as the script's own values.
 */
import { freeze } from './primordials';

/** Bounds the realm's Symbol.for before lockdown, which then freezes it with the other intrinsics. */
export function installBeforeLockdown(): void {
  boundSymbolRegistry();
}

/** Longest key and most keys of the thread's Symbol.for registry, which no run can empty again. */
export const SYMBOL_KEY_MAX_CHARS = 1_024;
export const SYMBOL_REGISTRY_MAX_KEYS = 10_000;

/**
 * Symbol.for registers its key for the life of the thread, across every script that runs there: a run
 * could otherwise park megabytes in it and push later runs over the heap limit. Keys are bounded in length
 * and number (at most about 10 MB per thread).
 */
function boundSymbolRegistry(): void {
  const registered = Symbol.for;
  const keys = new Set<string>();
  const bounded = {
    for(key: unknown): symbol {
      const text = String(key);
      if (text.length > SYMBOL_KEY_MAX_CHARS) throw new RangeError(`Symbol.for: the key is longer than ${SYMBOL_KEY_MAX_CHARS} characters; use Symbol(description) for a private symbol`);
      if (!keys.has(text)) {
        if (keys.size >= SYMBOL_REGISTRY_MAX_KEYS) throw new RangeError('Symbol.for: the registry of this sandbox is full; use Symbol(description) for a private symbol');
        keys.add(text);
      }
      return registered(text);
    },
  }.for;
  Object.defineProperty(Symbol, 'for', { value: bounded, writable: true, configurable: true, enumerable: false });
}

/** The names the gate may ask for (src/gate/globals.ts SANDBOX_LIBRARY lists the same; a test runs each). */
export type LibraryName = 'Intl' | 'URL' | 'URLSearchParams' | 'structuredClone' | 'atob' | 'btoa';

/**
 * Builds the endowable library once per thread, after lockdown. `SharedError` is the Error compartments
 * see, so the errors thrown here are theirs.
 */
export function createLibrary(SharedError: ErrorConstructor): Readonly<Record<LibraryName, unknown>> {
  // Host classes, frozen with the prototypes that only their instances reach (not reachable as properties).
  const hostIntl = globalThis.Intl;
  harden(hostIntl);
  if (typeof hostIntl.Segmenter === 'function') {
    const segments = new hostIntl.Segmenter('en').segment('a');
    harden(Object.getPrototypeOf(segments));
    harden(Object.getPrototypeOf(segments[Symbol.iterator]()));
  }
  harden(globalThis.URL);
  harden(globalThis.URLSearchParams);
  const params = new globalThis.URLSearchParams('a=1');
  for (const iterator of [params.entries(), params.keys(), params.values(), params[Symbol.iterator]()]) harden(Object.getPrototypeOf(iterator));

  /** Errors named as the web platform names them (DataCloneError, InvalidCharacterError). */
  class PlatformError extends SharedError {
    constructor(message: string, name: string) {
      super(message);
      Object.defineProperty(this, 'name', { value: name, writable: true, configurable: true, enumerable: false });
    }
  }
  harden(PlatformError);

  return freeze({
    Intl: hostIntl,
    URL: globalThis.URL,
    URLSearchParams: globalThis.URLSearchParams,
    structuredClone: harden(makeStructuredClone(PlatformError, SharedError)),
    atob: harden(makeAtob(PlatformError)),
    btoa: harden(makeBtoa(PlatformError)),
  });
}

type PlatformErrorClass = new (message: string, name: string) => Error;

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const ASCII_WHITESPACE = /[\t\n\f\r ]+/g;

function makeAtob(PlatformError: PlatformErrorClass) {
  return {
    atob(data: unknown): string {
      if (arguments.length === 0) throw new TypeError("atob: 1 argument required, but only 0 present");
      let text = String(data).replace(ASCII_WHITESPACE, '');
      if (text.length % 4 === 0 && text.endsWith('=')) text = text.replace(/==?$/, '');
      if (text.length % 4 === 1 || !BASE64.test(text)) throw new PlatformError('atob: the string to be decoded is not correctly encoded', 'InvalidCharacterError');
      return Buffer.from(text, 'base64').toString('latin1');
    },
  }.atob;
}

function makeBtoa(PlatformError: PlatformErrorClass) {
  return {
    btoa(data: unknown): string {
      if (arguments.length === 0) throw new TypeError("btoa: 1 argument required, but only 0 present");
      const text = String(data);
      for (let i = 0; i < text.length; i++) {
        if (text.charCodeAt(i) > 0xff) throw new PlatformError('btoa: the string to be encoded contains characters outside of the Latin1 range', 'InvalidCharacterError');
      }
      return Buffer.from(text, 'latin1').toString('base64');
    },
  }.btoa;
}

const ERROR_NAMES = new Set(['Error', 'EvalError', 'RangeError', 'ReferenceError', 'SyntaxError', 'TypeError', 'URIError']);

/**
 * The HTML structured clone, for what scripts can hold: primitives, wrappers, Date, RegExp, Map, Set,
 * arrays (holes kept), plain and class-instance objects (own enumerable string keys, as plain objects),
 * errors (name, message, cause), shared references and cycles. Functions, symbols, promises, weak
 * collections and host objects (Intl, URL) throw DataCloneError, as in browsers and Node.
 */
function makeStructuredClone(PlatformError: PlatformErrorClass, SharedError: ErrorConstructor) {
  const refuse = (what: string): never => {
    throw new PlatformError(`structuredClone: ${what} could not be cloned`, 'DataCloneError');
  };
  const hostTypes: unknown[] = [globalThis.URL, globalThis.URLSearchParams, ...Object.values(globalThis.Intl).filter((v) => typeof v === 'function')];
  return {
    structuredClone(value: unknown): unknown {
      if (arguments.length === 0) throw new TypeError("structuredClone: 1 argument required, but only 0 present");
      const seen = new Map<object, unknown>();
      const clone = (v: unknown): unknown => {
        if (typeof v === 'function') return refuse(`function ${(v as { name?: unknown }).name ? String((v as { name: unknown }).name) : 'anonymous'}`);
        if (typeof v === 'symbol') return refuse(String(v));
        if (v === null || typeof v !== 'object') return v;
        const known = seen.get(v);
        if (known !== undefined) return known;
        if (Array.isArray(v)) {
          const out: unknown[] = new Array(v.length);
          seen.set(v, out);
          for (const key of Object.keys(v)) (out as unknown as Record<string, unknown>)[key] = clone((v as unknown as Record<string, unknown>)[key]);
          return out;
        }
        if (v instanceof Date) return remember(v, new Date(v.getTime()));
        if (v instanceof RegExp) return remember(v, new RegExp(v.source, v.flags));
        if (v instanceof Map) {
          const out = new Map();
          seen.set(v, out);
          for (const [k, item] of v) out.set(clone(k), clone(item));
          return out;
        }
        if (v instanceof Set) {
          const out = new Set();
          seen.set(v, out);
          for (const item of v) out.add(clone(item));
          return out;
        }
        if (v instanceof Error) {
          const name = ERROR_NAMES.has(String(v.name)) ? String(v.name) : 'Error';
          // Error itself is the compartments' one: the start compartment's own Error is privileged.
          const Ctor = name === 'Error' ? SharedError : ((globalThis as unknown as Record<string, ErrorConstructor>)[name] ?? SharedError);
          const out = new Ctor(String(v.message));
          seen.set(v, out);
          if ('cause' in v) Object.defineProperty(out, 'cause', { value: clone((v as { cause: unknown }).cause), writable: true, configurable: true });
          return out;
        }
        if (v instanceof Boolean || v instanceof Number || v instanceof String || v instanceof BigInt) return remember(v, Object(v.valueOf()));
        if (v instanceof Promise || v instanceof WeakMap || v instanceof WeakSet || v instanceof WeakRef) return refuse(Object.prototype.toString.call(v));
        if (hostTypes.some((type) => v instanceof (type as new () => object))) return refuse(Object.prototype.toString.call(v));
        const out: Record<string, unknown> = {};
        seen.set(v, out);
        for (const key of Object.keys(v)) out[key] = clone((v as Record<string, unknown>)[key]);
        return out;
      };
      const remember = (from: object, to: unknown): unknown => {
        seen.set(from, to);
        return to;
      };
      return clone(value);
    },
  }.structuredClone;
}
