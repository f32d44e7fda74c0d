/**
 * Built-ins that allocate in proportion to a number in one native call, refused (RangeError) when the
 * result could not fit the thread's heap anyway. Without this, `new Array(2e8).fill(0)` aborts the whole
 * executor process (V8's fatal "invalid size"), and `'z'.repeat(4e8)` parks 400 MB outside the heap
 * limit; every script co-resident with them paid. Installed before lockdown, so every compartment sees
 * the capped methods as the intrinsics.
 *
 * This is a first line only: gradual growth (a loop pushing) is bounded by the loop budget and the heap
 * limit, and what still kills a thread is contained by the pool (resume the others, isolate the cause).
 */

type Check = (self: unknown, args: unknown[]) => { self: unknown; args: unknown[] };

function cap(proto: object, name: string, check: Check): void {
  const descriptor = Object.getOwnPropertyDescriptor(proto, name);
  const original = descriptor?.value as ((...args: unknown[]) => unknown) | undefined;
  if (typeof original !== 'function') return;
  // A concise method: not a constructor, like the built-in it replaces.
  const capped = {
    [name](this: unknown, ...args: unknown[]): unknown {
      const checked = check(this, args);
      return Reflect.apply(original, checked.self, checked.args);
    },
  }[name]!;
  Object.defineProperty(capped, 'length', { value: original.length });
  Object.defineProperty(proto, name, { ...descriptor, value: capped });
}

const lengthOf = (self: unknown): number => {
  if (Array.isArray(self)) return self.length;
  const n = Number((self as { length?: unknown } | null | undefined)?.length);
  return Number.isFinite(n) ? n : 0;
};

export function capAllocations(heapMb: number): void {
  // A string of more characters than this, or an array of more elements, cannot fit the heap.
  const maxChars = Math.max(1 << 20, Math.floor((heapMb * 1024 * 1024) / 2));
  const maxElements = Math.max(1 << 16, Math.floor((heapMb * 1024 * 1024) / 8));
  const tooLong = (what: string, n: number, max: number, unit: string): RangeError =>
    new RangeError(`${what} would make ${n} ${unit}, more than this sandbox can hold (${max}); work in smaller pieces`);

  const stringCount = (method: string, measure: (text: string, n: number) => number): Check => (self, args) => {
    // Converted once here, so a toString or valueOf with side effects runs once, as with the built-in.
    const text = String(self);
    const n = Number(args[0]);
    const size = measure(text, n);
    if (size > maxChars) throw tooLong(`String.prototype.${method}`, size, maxChars, 'characters');
    return { self: text, args: [n, ...args.slice(1)] };
  };
  cap(String.prototype, 'repeat', stringCount('repeat', (text, n) => text.length * (Number.isFinite(n) ? Math.max(0, n) : 0)));
  cap(String.prototype, 'padStart', stringCount('padStart', (_text, n) => (Number.isFinite(n) ? n : 0)));
  cap(String.prototype, 'padEnd', stringCount('padEnd', (_text, n) => (Number.isFinite(n) ? n : 0)));

  const arrayLength = (method: string): Check => (self, args) => {
    const n = lengthOf(self);
    if (n > maxElements) throw tooLong(`Array.prototype.${method} on an array of length ${n}`, n, maxElements, 'elements');
    return { self, args };
  };
  // Not map, forEach and the like: they are hot in ordinary scripts and do not allocate past
  // what the array already holds (a holey array stays holey).
  for (const method of ['fill', 'flat', 'flatMap', 'concat', 'sort', 'toSorted', 'toReversed', 'toSpliced', 'with', 'copyWithin']) {
    cap(Array.prototype, method, arrayLength(method));
  }
  cap(Array.prototype, 'join', (self, args) => {
    const n = lengthOf(self);
    const separator = args[0] === undefined ? ',' : String(args[0]);
    if (n > maxElements) throw tooLong(`Array.prototype.join on an array of length ${n}`, n, maxElements, 'elements');
    if (n * separator.length > maxChars) throw tooLong('Array.prototype.join', n * separator.length, maxChars, 'characters');
    return { self, args: [separator] };
  });
  cap(Array, 'from', (self, args) => {
    const n = lengthOf(args[0]);
    if (n > maxElements) throw tooLong(`Array.from of length ${n}`, n, maxElements, 'elements');
    return { self, args };
  });
}
