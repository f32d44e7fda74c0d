/**
 * Each run's own Date and Math, so that a run can be replayed exactly: Math.random() draws from a
 * generator seeded by the front (the same seed on a replay gives the same numbers), and every clock read
 * (Date.now(), new Date(), Date()) is recorded and reported with the run's next tool call, so a replay
 * reads the same times up to the point where the lost attempt stopped, then the real clock.
 *
 * Both are built per run from the thread's tamed intrinsics: `Date.prototype` stays the shared one, so
 * `instanceof Date`, JSON and every method behave as before.
 */
import { MAX_RECORDED_CLOCK_READS } from '../src/executor/protocol';

export interface RunClock {
  Date: DateConstructor;
  Math: Math;
  /** Clock values read since the last call, or `false` once more were read than a replay can keep. */
  drain(): number[] | false | undefined;
}

/** splitmix32: spreads one seed word over the generator's state. */
function splitmix32(x: number): () => number {
  let s = x >>> 0;
  return () => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** sfc32 (Chris Doty-Humphrey's Small Fast Counter), seeded from a 53-bit integer: fast, and good enough for scripts. */
function sfc32(seed: number): () => number {
  const high = splitmix32(Math.floor(seed / 2 ** 32));
  const low = splitmix32(seed >>> 0);
  let a = high();
  let b = low();
  let c = high() ^ low();
  let d = low() | 1;
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  // Mix the seed in before the first draw, as the generator's authors advise.
  for (let i = 0; i < 12; i++) next();
  // 53 random bits, like V8's own Math.random.
  return () => (next() * 2 ** 21 + (next() >>> 11)) / 2 ** 53;
}

export function createRunClockFactory(InitialDate: DateConstructor, InitialMath: Math): (seed: number, replay: readonly number[] | undefined) => RunClock {
  const mathProto = Object.getPrototypeOf(InitialMath) as object;
  const mathDescriptors = Object.getOwnPropertyDescriptors(InitialMath);
  const realNow = InitialDate.now;
  const { parse, UTC } = InitialDate;

  return (seed, replay) => {
    let replayed = 0;
    let recorded: number[] = [];
    let overflow = false;
    let reads = 0;
    const read = (): number => {
      if (replay && replayed < replay.length) return replay[replayed++]!;
      const value = realNow();
      if (++reads > MAX_RECORDED_CLOCK_READS) overflow = true;
      else recorded.push(value);
      return value;
    };

    // `function`, not a class: Date() without `new` must return a string, as the real one does.
    const RunDate = function Date(this: unknown, ...args: unknown[]): unknown {
      if (new.target === undefined) return new InitialDate(read()).toString();
      return Reflect.construct(InitialDate, args.length === 0 ? [read()] : args, new.target) as unknown;
    } as unknown as DateConstructor;
    Object.defineProperties(RunDate, {
      prototype: { value: InitialDate.prototype, writable: false, enumerable: false, configurable: false },
      now: { value: function now() { return read(); }, writable: true, enumerable: false, configurable: true },
      parse: { value: parse, writable: true, enumerable: false, configurable: true },
      UTC: { value: UTC, writable: true, enumerable: false, configurable: true },
      length: { value: 7 },
    });

    const draw = sfc32(seed);
    const RunMath = Object.create(mathProto, { ...mathDescriptors, random: { value: function random() { return draw(); }, writable: true, enumerable: false, configurable: true } }) as Math;

    return {
      Date: harden(RunDate),
      Math: harden(RunMath),
      drain() {
        if (overflow) return false;
        if (recorded.length === 0) return undefined;
        const out = recorded;
        recorded = [];
        return out;
      },
    };
  };
}
