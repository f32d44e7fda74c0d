import { performance } from 'node:perf_hooks';
import { LruCache, createLocator, snippetAt } from '../gate';
import type { Logger } from '../log';
import { compilerSuggestion, missingPropertyAdvice, possiblyEmptyAdvice, type Advice } from './advice';
import { NativeSession, type RawDiagnostic, type ScriptLanguage } from './native-session';
import type { TypeDiagnostic, TypecheckOutcome } from './types';

export interface TypeCheckerOptions {
  /**
   * A check runs at most this long (then it is stopped) and waits for its turn at most twice as long: a
   * type that takes the compiler forever costs its own script the check, and the checks queued behind
   * it a wait, not theirs.
   */
  timeoutMs: number;
  cacheEntries: number;
  log: Logger;
}

export interface CheckInput {
  source: string;
  /** sha256 of the source (the gate's hash). */
  hash: string;
  language: ScriptLanguage;
  /** The `ScriptgateTools` entries of the tools the script names (tool-declarations.ts). */
  declarations: string;
  /** A digest of `declarations`, computed once by whoever caches them. */
  declarationsKey: string;
  /** Offsets (start, end) of the script's tool calls: the only places a type mismatch is reported. */
  callSpans: readonly (readonly [number, number])[];
}

/** Checks waiting for the compiler past this are not queued: the script runs unchecked, with a warning. */
const MAX_WAITING = 64;
/** After the compiler fails to start, it is not tried again for this long (each request would pay for it). */
const RESTART_BACKOFF_MS = 30_000;
/** Reported at most per check; the rest are counted in the last one's message. */
const MAX_DIAGNOSTICS = 20;

/** Findings of no use to a script's author here: implicit any (allowed), top-level return (allowed). */
const IGNORED = (code: number): boolean => (code >= 7000 && code < 8000) || code === 1108;
/** "Possibly null or undefined": reported only for a field read (`page.nextOffset`), as a warning. */
const POSSIBLY_EMPTY: ReadonlySet<number> = new Set([2531, 2532, 2533, 18047, 18048, 18049]);
const MISSING_PROPERTY: ReadonlySet<number> = new Set([2339, 2551]);
/**
 * "Not assignable" and argument-count findings. Reported inside a tool call only: elsewhere the target
 * is a type the script declared or the compiler inferred for a variable (`let offset = 0`, then
 * `offset = page.nextOffset`), which says nothing about how the script runs.
 */
const ASSIGNABILITY: ReadonlySet<number> = new Set([2322, 2345, 2353, 2554, 2555, 2556, 2559, 2561, 2739, 2740, 2741, 2769, 2820, 2375, 2379]);
/**
 * A value whose type the compiler widened (`const base = { category: 'bug' }` is `string` by the time it
 * is spread into arguments): it may well be one of the literals, so it is not reported.
 */
const WIDENED_MISMATCH = /^\s*Type '(?:string|number|boolean)' is not assignable to type '[^']*(?:"|\b\d|\btrue\b|\bfalse\b)[^']*'\.?$/;
/**
 * Outside tool calls one "not assignable" is reported: a type the script declares for a tool's result
 * with a field the result does not have (`const users: { name: string }[] = page.items`), the same
 * mistake as reading `u.name`.
 */
const MISSING_FIELD = /Property '[^']+' is missing in type|is missing the following properties from type/;
/** A value that may be null or undefined where an argument must be a value: a warning, unless written as such. */
const NULLABLE_MISMATCH = /^\s*Type '(?:null|undefined)' is not assignable to type /;

type Cached = { diagnostics: TypeDiagnostic[] } | { gaveUp: string };

/**
 * The pre-flight type check: one native compiler process, one check at a time, each bounded in time;
 * verdicts cached by script and declarations. It never stands in a script's way when it cannot answer
 * (not installed, busy, too slow): the outcome says why and the script runs as it would without it.
 */
export class TypeChecker {
  readonly #options: TypeCheckerOptions;
  readonly #cache: LruCache<string, Cached>;
  #session: Promise<NativeSession> | undefined;
  #tail: Promise<unknown> = Promise.resolve();
  #waiting = 0;
  #unavailable: { until: number; reason: string } | undefined;
  #closed = false;

  constructor(options: TypeCheckerOptions) {
    this.#options = options;
    this.#cache = new LruCache(options.cacheEntries);
  }

  /** Starts the compiler and has each of its projects load the lib, so the first request does not wait for that. */
  async start(): Promise<void> {
    const warm = this.#tail.then(() => this.#warm());
    this.#tail = warm;
    await warm;
  }

  async #warm(): Promise<void> {
    try {
      const session = await (this.#session ??= NativeSession.start());
      for (const language of ['typescript', 'javascript'] as const) {
        await session.load(language, 'export {};', '');
        for (const world of ['typed', 'untyped'] as const) await session.diagnose(world, language, 'export {};');
      }
    } catch (err) {
      this.#couldNotStart(err);
    }
  }

  /** The compiler did not start: scripts run unchecked, and it is not tried again for RESTART_BACKOFF_MS. */
  #couldNotStart(err: unknown): string {
    this.#session = undefined;
    const reason = `the type checker could not start: ${(err as Error)?.message ?? String(err)}`;
    this.#unavailable = { until: Date.now() + RESTART_BACKOFF_MS, reason };
    this.#options.log.error({ err }, 'the type checker could not start; scripts run unchecked until it does');
    return reason;
  }

  async check(input: CheckInput): Promise<TypecheckOutcome> {
    const key = `${input.language}\0${input.declarationsKey}\0${input.hash}`;
    const hit = this.#cache.get(key);
    if (hit) return 'gaveUp' in hit ? { checked: false, reason: hit.gaveUp } : { checked: true, diagnostics: hit.diagnostics, cached: true, ms: 0 };
    if (this.#closed) return { checked: false, reason: 'the type checker is shutting down' };
    if (this.#unavailable && Date.now() < this.#unavailable.until) return { checked: false, reason: this.#unavailable.reason };
    if (this.#waiting >= MAX_WAITING) return { checked: false, reason: `the type checker is busy (${MAX_WAITING} checks waiting)` };
    const asked = performance.now();
    this.#waiting++;
    const turn = this.#tail.then(async (): Promise<TypecheckOutcome> => {
      this.#waiting--;
      const now = performance.now();
      if (now - asked >= 2 * this.#options.timeoutMs) return { checked: false, reason: `the type checker is busy (no turn within ${2 * this.#options.timeoutMs} ms)` };
      return this.#runBounded(input, key, now + this.#options.timeoutMs, asked);
    });
    // A process stopped for overrunning is replaced (and warmed) before the next check's turn: the
    // restart is spent waiting, not out of that check's own time.
    this.#tail = turn.then(() => (this.#session === undefined && !this.#closed && !this.#unavailable ? this.#warm() : undefined)).catch(() => undefined);
    return turn;
  }

  async #runBounded(input: CheckInput, key: string, deadline: number, asked: number): Promise<TypecheckOutcome> {
    let session: NativeSession;
    try {
      session = await (this.#session ??= NativeSession.start());
      this.#unavailable = undefined;
    } catch (err) {
      return { checked: false, reason: this.#couldNotStart(err) };
    }
    let timer: NodeJS.Timeout | undefined;
    const overran = new Promise<'overran'>((resolve) => (timer = setTimeout(() => resolve('overran'), Math.max(0, deadline - performance.now()))));
    try {
      const work = diagnose(session, input);
      // Past the race, its requests fail on the stopped process: nobody is waiting for them then.
      work.catch(() => undefined);
      const result = await Promise.race([work, overran, session.exited.then(() => 'exited' as const)]);
      if (result === 'overran' || result === 'exited') {
        // The process may be computing still (a type that takes forever to check): a new one serves the rest.
        session.kill();
        this.#session = undefined;
        const reason = result === 'overran' ? `the type check took longer than ${this.#options.timeoutMs} ms` : 'the type checker stopped during the check';
        if (result === 'overran') this.#cache.set(key, { gaveUp: reason });
        this.#options.log.warn({ reason }, 'type check given up; the script runs unchecked');
        return { checked: false, reason };
      }
      this.#cache.set(key, { diagnostics: result });
      return { checked: true, diagnostics: result, cached: false, ms: performance.now() - asked };
    } catch (err) {
      session.kill();
      this.#session = undefined;
      this.#options.log.warn({ err }, 'type check failed; the script runs unchecked');
      return { checked: false, reason: `the type check failed: ${(err as Error)?.message ?? String(err)}` };
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    const session = this.#session;
    this.#session = undefined;
    await session?.then((s) => s.close(), () => undefined);
  }
}

/**
 * The typed world's findings less those the untyped world shares (the script's own code, not a tool),
 * each with advice. The untyped run is needed only when the typed one found something.
 */
async function diagnose(session: NativeSession, input: CheckInput): Promise<TypeDiagnostic[]> {
  const inCall = (at: number): boolean => input.callSpans.some(([start, end]) => at >= start && at < end);
  await session.load(input.language, input.source, input.declarations);
  const typed = (await session.diagnose('typed', input.language, input.source))
    .filter((d) => !IGNORED(d.code) && (!ASSIGNABILITY.has(d.code) || inCall(d.start) || MISSING_FIELD.test(d.message)))
    .map((d) => ({ d, severity: severityOf(d, input.source) }))
    .filter((k): k is { d: RawDiagnostic; severity: TypeDiagnostic['severity'] } => k.severity !== undefined)
    .slice(0, MAX_DIAGNOSTICS);
  if (typed.length === 0) return [];
  // The untyped world and the advice are asked side by side; the compiler answers them in parallel.
  const [untyped, advised] = await Promise.all([session.diagnose('untyped', input.language, input.source), Promise.all(typed.map(({ d }) => adviceFor(session, input, d)))]);
  // Same finding, same words: the tools' types had no part in it. A missing await is found in both
  // worlds, but on 'Promise<UsersGetResult>' in one and 'Promise<any>' in the other, so it stays. A
  // value from an untyped tool is assignable to anything: a "not assignable" in the same place is the
  // script's own, whatever its words.
  const own = new Set(untyped.flatMap((d) => [`${d.code}:${d.start}:${d.message}`, ...(ASSIGNABILITY.has(d.code) ? [`${d.code}:${d.start}`] : [])]));
  const ownOf = (d: RawDiagnostic): boolean => own.has(`${d.code}:${d.start}:${d.message}`) || (ASSIGNABILITY.has(d.code) && own.has(`${d.code}:${d.start}`));
  const locate = createLocator(input.source);
  const out: TypeDiagnostic[] = [];
  for (const [i, { d, severity }] of typed.entries()) {
    const advice = advised[i];
    if (!advice || ownOf(d)) continue;
    const at = locate(d.start);
    out.push({
      code: `TS${d.code}`,
      severity,
      message: advice.message,
      line: at.line,
      column: at.column,
      snippet: snippetAt(input.source, at.line),
      ...(advice.suggestion !== undefined ? { suggestion: advice.suggestion } : {}),
    });
  }
  return out;
}

/**
 * A property the type does not have, written to (`draft.tags = […]`: JavaScript adds it) or read with a
 * fallback (`u.address?.city ?? 'n/a'`, `x.note || ''`, `x.note === undefined`): the script expects it
 * may be missing, and runs as written.
 */
const WRITTEN_OR_PROBED = /^\s*(?:(?:\?\?|\|\||&&|\+|-|\*|\/|%|\*\*|<<|>>>?|&|\||\^)?=(?!=)|\?\.|\?\?|\|\||[!=]==?\s*(?:undefined|null)\b)/;

/** Error, warning, or not reported (see WIDENED_MISMATCH, NULLABLE_MISMATCH, POSSIBLY_EMPTY, WRITTEN_OR_PROBED). */
function severityOf(d: RawDiagnostic, source: string): TypeDiagnostic['severity'] | undefined {
  if (POSSIBLY_EMPTY.has(d.code)) return 'warning';
  if (MISSING_PROPERTY.has(d.code)) return WRITTEN_OR_PROBED.test(source.slice(d.end, d.end + 40)) ? undefined : 'error';
  if (!ASSIGNABILITY.has(d.code)) return 'error';
  const innermost = d.message.split('\n').at(-1) ?? '';
  if (WIDENED_MISMATCH.test(innermost)) return undefined;
  if (NULLABLE_MISMATCH.test(innermost)) return /^\s*:\s*(?:null|undefined)\b/.test(source.slice(d.end)) ? 'error' : 'warning';
  return 'error';
}

async function adviceFor(session: NativeSession, input: CheckInput, d: RawDiagnostic): Promise<Advice | undefined> {
  if (POSSIBLY_EMPTY.has(d.code)) return possiblyEmptyAdvice(d.message);
  // 'X is declared here' points into the declarations, and a missing await gets advice of its own.
  const forgotAwait = d.related.some((r) => /Did you forget to use 'await'/.test(r));
  const related = d.related.filter((r) => !/ is declared here\.?$|Did you forget to use 'await'/.test(r)).map((r) => r.replace(/ which is declared here on type /, ' of type '));
  const message = related.length > 0 ? `${d.message} (${related.join('; ')})` : d.message;
  if (forgotAwait && !MISSING_PROPERTY.has(d.code)) return { message: `${message} Did you forget to use 'await'? callTool returns a Promise.`, suggestion: 'await' };
  if (MISSING_PROPERTY.has(d.code)) {
    const typeName = /on type '(.+?)'\./.exec(d.message)?.[1] ?? '';
    const properties = await session.propertiesOf(input.language, typeName, lastCharBefore(input.source, d.start)).catch(() => undefined);
    // A field some members of a union have (`r.email` of a user-or-bot result) reads as undefined for the
    // others, as JavaScript allows: not reported.
    const name = /^Property '(.+?)'/.exec(d.message)?.[1];
    if (name !== undefined && properties?.ofSome.includes(name)) return undefined;
    return missingPropertyAdvice(message, properties && [...new Set([...properties.all, ...properties.ofSome])]);
  }
  const suggestion = compilerSuggestion(d.message);
  return { message, ...(suggestion !== undefined ? { suggestion } : {}) };
}

/** The last character of the object in `object.property` / `object?.property`, given the property's start. */
function lastCharBefore(source: string, start: number): number | undefined {
  let i = start - 1;
  while (i >= 0 && /[\s.?]/.test(source[i]!)) i--;
  return i >= 0 ? i : undefined;
}
