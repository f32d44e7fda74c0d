/**
 * The standard library a script may use beyond what SES gives every compartment. Two kinds:
 *
 * - Built-ins newer than Node 20 (Object.groupBy, Map.groupBy, Array.fromAsync, Promise.withResolvers)
 *   are installed on the realm's intrinsics before lockdown, which then freezes them with the rest (SES
 *   permits them). On a Node that has them natively nothing is installed.
 * - Globals endowed per script, and only to scripts that name them (the gate lists the names, so a plain
 *   script pays nothing): Intl, URL and URLSearchParams are the host's own, hardened after lockdown
 *   together with the prototypes only their instances reach; structuredClone, atob and btoa are written
 *   here, so nothing they return or throw belongs to the host.
 *
 * Every value is shared by all scripts of the thread, so everything reachable from it is frozen. Memory:
 * what these build lives on the thread's heap, under the same heap limit as the script's own values.
 */
import { freeze } from './primordials';

type Callback = (value: unknown, index: number) => unknown;

/** Installs the missing built-ins (method shorthand: no `prototype`, as built-ins have none). */
export function installPolyfills(): void {
  const iterate = (items: unknown, what: string): Iterable<unknown> => {
    if (items === null || items === undefined) throw new TypeError(`${what} called on null or undefined`);
    return items as Iterable<unknown>;
  };
  const callable = (callback: unknown, what: string): Callback => {
    if (typeof callback !== 'function') throw new TypeError(`${what}: ${String(callback)} is not a function`);
    return callback as Callback;
  };
  const methods = {
    groupBy(items: unknown, callback: unknown): Record<PropertyKey, unknown[]> {
      const keyOf = callable(callback, 'Object.groupBy');
      const groups = Object.create(null) as Record<PropertyKey, unknown[]>;
      let index = 0;
      for (const value of iterate(items, 'Object.groupBy')) {
        const raw = keyOf(value, index++);
        const key = typeof raw === 'symbol' ? raw : String(raw);
        (groups[key] ??= []).push(value);
      }
      return groups;
    },
    mapGroupBy(items: unknown, callback: unknown): Map<unknown, unknown[]> {
      const keyOf = callable(callback, 'Map.groupBy');
      const groups = new Map<unknown, unknown[]>();
      let index = 0;
      for (const value of iterate(items, 'Map.groupBy')) {
        let key = keyOf(value, index++);
        if (Object.is(key, -0)) key = 0;
        const group = groups.get(key);
        if (group) group.push(value);
        else groups.set(key, [value]);
      }
      return groups;
    },
    // Not an async method: SES checks that a permitted built-in's prototype is Function.prototype.
    fromAsync(items: unknown, mapper?: unknown, thisArg?: unknown): Promise<unknown[]> {
      return fromAsyncImpl(items, mapper, thisArg);
    },
    withResolvers<T>(this: PromiseConstructor): { promise: Promise<T>; resolve: (value: T) => void; reject: (reason?: unknown) => void } {
      let resolve!: (value: T) => void;
      let reject!: (reason?: unknown) => void;
      const promise = new this<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  };
  const fromAsyncImpl = async (items: unknown, mapper: unknown, thisArg: unknown): Promise<unknown[]> => {
    const map = mapper === undefined ? undefined : callable(mapper, 'Array.fromAsync');
    if (items === null || items === undefined) throw new TypeError('Array.fromAsync requires an iterable or array-like object');
    const out: unknown[] = [];
    const add = async (value: unknown): Promise<void> => {
      out.push(map ? await map.call(thisArg, value, out.length) : value);
    };
    const source = items as { [Symbol.asyncIterator]?: unknown; [Symbol.iterator]?: unknown; length?: unknown };
    if (source[Symbol.asyncIterator] != null) {
      for await (const value of items as AsyncIterable<unknown>) await add(value);
    } else if (source[Symbol.iterator] != null) {
      for (const value of items as Iterable<unknown>) await add(await value);
    } else {
      const length = Math.min(Number(source.length) || 0, Number.MAX_SAFE_INTEGER);
      for (let i = 0; i < length; i++) await add(await (items as Record<number, unknown>)[i]);
    }
    return out;
  };
  const define = (target: object, name: string, value: (...args: never[]) => unknown): void => {
    if (name in target) return;
    Object.defineProperty(value, 'name', { value: name });
    Object.defineProperty(target, name, { value, writable: true, configurable: true, enumerable: false });
  };
  installSetMethods(define);
  boundSymbolRegistry();
  define(Object, 'groupBy', methods.groupBy);
  define(Map, 'groupBy', methods.mapGroupBy);
  define(Array, 'fromAsync', methods.fromAsync);
  define(Promise, 'withResolvers', methods.withResolvers);
}

/** ES2025 set methods (union, intersection…), which Node 20 lacks: "other" is any set-like (size, has, keys). */
function installSetMethods(define: (target: object, name: string, value: (...args: never[]) => unknown) => void): void {
  const { has, add, values } = Set.prototype;
  const own = (self: unknown, method: string): Set<unknown> => {
    if (!(self instanceof Set)) throw new TypeError(`Set.prototype.${method} called on a non-Set`);
    return self;
  };
  const setLike = (other: unknown, method: string): { size: number; has: (v: unknown) => boolean; keys: () => Iterator<unknown> } => {
    const o = other as { size?: unknown; has?: unknown; keys?: unknown } | null;
    const size = Number(o?.size);
    if (o === null || typeof o !== 'object' || Number.isNaN(size)) throw new TypeError(`Set.prototype.${method}: the argument must be set-like (size, has, keys)`);
    if (typeof o.has !== 'function' || typeof o.keys !== 'function') throw new TypeError(`Set.prototype.${method}: the argument must have has() and keys() methods`);
    return { size, has: (v) => Boolean((o.has as (v: unknown) => unknown).call(o, v)), keys: () => (o.keys as () => Iterator<unknown>).call(o) };
  };
  const each = function* (iterator: Iterator<unknown>): Generator<unknown> {
    for (let step = iterator.next(); step.done !== true; step = iterator.next()) yield step.value;
  };
  const copy = (self: Set<unknown>): Set<unknown> => {
    const out = new Set<unknown>();
    for (const v of each(values.call(self))) add.call(out, v);
    return out;
  };
  const methods = {
    union(this: unknown, other: unknown): Set<unknown> {
      const self = own(this, 'union');
      const o = setLike(other, 'union');
      const out = copy(self);
      for (const v of each(o.keys())) out.add(v);
      return out;
    },
    intersection(this: unknown, other: unknown): Set<unknown> {
      const self = own(this, 'intersection');
      const o = setLike(other, 'intersection');
      const out = new Set<unknown>();
      if (self.size <= o.size) for (const v of each(values.call(self))) { if (o.has(v)) out.add(v); }
      else for (const v of each(o.keys())) { if (has.call(self, v)) out.add(v); }
      return out;
    },
    difference(this: unknown, other: unknown): Set<unknown> {
      const self = own(this, 'difference');
      const o = setLike(other, 'difference');
      const out = copy(self);
      if (self.size <= o.size) for (const v of each(values.call(self))) { if (o.has(v)) out.delete(v); }
      else for (const v of each(o.keys())) out.delete(v);
      return out;
    },
    symmetricDifference(this: unknown, other: unknown): Set<unknown> {
      const self = own(this, 'symmetricDifference');
      const o = setLike(other, 'symmetricDifference');
      const out = copy(self);
      for (const v of each(o.keys())) {
        if (has.call(self, v)) out.delete(v);
        else out.add(v);
      }
      return out;
    },
    isSubsetOf(this: unknown, other: unknown): boolean {
      const self = own(this, 'isSubsetOf');
      const o = setLike(other, 'isSubsetOf');
      if (self.size > o.size) return false;
      for (const v of each(values.call(self))) if (!o.has(v)) return false;
      return true;
    },
    isSupersetOf(this: unknown, other: unknown): boolean {
      const self = own(this, 'isSupersetOf');
      const o = setLike(other, 'isSupersetOf');
      if (self.size < o.size) return false;
      for (const v of each(o.keys())) if (!has.call(self, v)) return false;
      return true;
    },
    isDisjointFrom(this: unknown, other: unknown): boolean {
      const self = own(this, 'isDisjointFrom');
      const o = setLike(other, 'isDisjointFrom');
      if (self.size <= o.size) {
        for (const v of each(values.call(self))) if (o.has(v)) return false;
      } else {
        for (const v of each(o.keys())) if (has.call(self, v)) return false;
      }
      return true;
    },
  };
  for (const [name, fn] of Object.entries(methods)) define(Set.prototype, name, fn);
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
