import { Script, createContext, type Context } from 'node:vm';
import { analyse, type AnalysisResult, type Report } from 'scslre';
import { LruCache } from './lru';

/**
 * ReDoS verdicts for regex literals, from scslre (the analyser behind eslint-plugin-regexp's
 * super-linear rules). It was chosen over recheck, redos-detector and safe-regex2 by measurement:
 * it is the only one that tells exponential from polynomial backtracking within a fraction of a
 * millisecond; recheck is more complete but, in pure JS, needs 5–100 ms per ordinary pattern
 * (about 1 s with lookaheads) and rejects the d and v flags.
 *
 * scslre only models attacks that repeat one character, so exponential cases that need an
 * overlapping alternation (`(a|aa)+$`) come back as polynomial (a warning, not a block), and
 * multi-character pumps (`((ab)*)+$`) are missed. Blocking is reserved for what it proves.
 */

export type RegexVerdict =
  | { kind: 'safe' }
  | { kind: 'polynomial'; detail: string }
  | { kind: 'exponential'; detail: string }
  | { kind: 'unknown'; detail: string; /** The analysis ran out of time: a verdict that may differ on a less busy machine. */ timedOut?: true };

/**
 * scslre has no timeout option and is unbounded on hostile shapes (30 nested `*` take seconds,
 * `\w*` repeated 2,000 times took over ten minutes), so the call runs under a vm timeout: V8
 * interrupts it wherever it is, which bounds the gate's time per pattern even for code that is not
 * ours. Its module-level memo tables are filled only once a value is complete, so an interrupted
 * run leaves nothing half-built for the next call.
 */
const ANALYSIS_TIMEOUT_MS = 20;
/** Longer patterns are not analysed at all: no LLM-written literal needs it, and cache keys stay small. */
const MAX_PATTERN_LENGTH = 2_000;
const CACHE_ENTRIES = 2_000;

const verdicts = new LruCache<string, RegexVerdict>(CACHE_ENTRIES);

const SAFE: RegexVerdict = Object.freeze({ kind: 'safe' });

/** Pure and synchronous; caches by flags+pattern (bounded LRU, e.g. 2,000 entries). */
export function analyzeRegex(pattern: string, flags: string): RegexVerdict {
  if (pattern.length > MAX_PATTERN_LENGTH) {
    return { kind: 'unknown', detail: `pattern is ${pattern.length} characters long; only patterns up to ${MAX_PATTERN_LENGTH} are checked for ReDoS` };
  }
  // Flags never contain '/', so the key cannot collide across different flag/pattern splits.
  const key = `${flags}/${pattern}`;
  const cached = verdicts.get(key);
  if (cached) return cached;

  let outcome = runBounded(() => analyse({ source: pattern, flags }));
  // Once more before giving up: a miss can come from a GC pause or a busy core rather than the pattern.
  if (outcome.status === 'timeout') outcome = runBounded(() => analyse({ source: pattern, flags }));
  if (outcome.status === 'timeout') {
    // Not cached, and the script it came from is not cached either (compile.ts): the next sighting gets
    // a fair run. A pattern that really is too hard costs two budgets per sighting, within the script's.
    return { kind: 'unknown', detail: `ReDoS analysis gave up after ${ANALYSIS_TIMEOUT_MS} ms; the pattern is too complex to check quickly`, timedOut: true };
  }
  const verdict = outcome.status === 'error' ? { kind: 'unknown' as const, detail: `ReDoS analyser cannot read this pattern: ${raw(outcome.message, 80)}` } : toVerdict(outcome.value);
  const frozen = verdict.kind === 'safe' ? SAFE : Object.freeze(verdict);
  verdicts.set(key, frozen);
  return frozen;
}

function toVerdict(result: AnalysisResult): RegexVerdict {
  const { reports } = result;
  if (reports.length === 0) return SAFE;
  const exponential = reports.find((r) => r.exponential);
  if (exponential) return { kind: 'exponential', detail: describe(exponential, true) };
  // A Move report says the engine retries a quantifier from each start position. For a plain repeat
  // (`-+`, `\s*`, `[^>]+`, `(\d{3})+`) that is true of nearly every unanchored search, quadratic at worst
  // and bounded by the deadline: warning on it would flag everyday idioms. Keep it when the repeated part
  // can match one text in several ways (alternation, nested unbounded quantifiers), and always keep
  // real backtracking between quantifiers (Self, Trade).
  const worst = reports.find((r) => r.type !== 'Move' || !isPlainRepeat(r.quant.element));
  return worst ? { kind: 'polynomial', detail: describe(worst, false) } : SAFE;
}

// The AST types, taken from scslre's own report type rather than from its parser package.
type QuantNode = Extract<Report, { type: 'Move' }>['quant'];
type GroupNode = Extract<QuantNode['element'], { type: 'Group' | 'CapturingGroup' }>;
type RegexNode = QuantNode['element'] | GroupNode['alternatives'][number]['elements'][number];

/** Whether a repeated element matches any given text in only one way (no alternation, no unbounded inner repeat). */
function isPlainRepeat(node: RegexNode): boolean {
  switch (node.type) {
    case 'Character':
    case 'CharacterSet':
    case 'CharacterClass':
    case 'ExpressionCharacterClass':
    case 'Backreference':
      return true;
    case 'Quantifier':
      return node.min === node.max && isPlainRepeat(node.element);
    case 'Group':
    case 'CapturingGroup':
      return node.alternatives.length === 1 && (node.alternatives[0]?.elements ?? []).every(isPlainRepeat);
    default:
      return false;
  }
}

/** Runs the analyser's slow first calls now, so the first script a process sees is not charged for them. */
export function warmUpRegexAnalysis(): void {
  analyzeRegex('^(a+)+$', '');
}

function describe(report: Report, exponential: boolean): string {
  const pick = report.character.pick;
  // Any character outside the attacked set ends the run and forces the engine to fail and backtrack.
  const stop = ['!', '#', '~', '\0'].find((c) => !report.character.set.has(c.charCodeAt(0))) ?? '';
  const witness = exponential ? quote(pick.repeat(24) + stop) : `${quote(pick)}.repeat(20000)${stop ? ` + ${quote(stop)}` : ''}`;
  switch (report.type) {
    case 'Self':
      return exponential
        ? `nested quantifier ${raw(report.parentQuant.raw, 40)} can backtrack exponentially on input like ${witness}`
        : `quantifier ${raw(report.quant.raw, 30)} repeated by ${raw(report.parentQuant.raw, 30)} backtracks polynomially on input like ${witness}`;
    case 'Trade': {
      const pair = `quantifiers ${raw(report.startQuant.raw, 25)} and ${raw(report.endQuant.raw, 25)}`;
      return exponential
        ? `${pair} inside a repeated group can backtrack exponentially on input like ${witness}`
        : `${pair} can both match ${quote(pick)}, so input like ${witness} backtracks polynomially`;
    }
    case 'Move':
      return `${raw(report.quant.raw, 40)} is retried from every start position, so input like ${witness} takes quadratic time`;
  }
}

/** Single-quoted like a JS string, so the attack string can be pasted into a test. */
function quote(text: string): string {
  return `'${clip(visible(text.replace(/['\\]/g, '\\$&'), false), 58)}'`;
}

/** Pattern text as written, except that characters which would not show (or would reorder the line) are escaped. */
function raw(text: string, max: number): string {
  return clip(visible(text, true), max);
}

function visible(text: string, keepSpace: boolean): string {
  let out = '';
  for (const ch of text) {
    if ((ch === ' ' && keepSpace) || /^[\p{L}\p{N}\p{P}\p{S}]$/u.test(ch)) out += ch;
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else {
      const cp = ch.codePointAt(0) ?? 0;
      out += cp <= 0xff ? `\\x${cp.toString(16).padStart(2, '0')}` : `\\u{${cp.toString(16)}}`;
    }
  }
  return out;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

type Bounded<T> = { status: 'ok'; value: T } | { status: 'timeout' } | { status: 'error'; message: string };

/**
 * Cold, the analyser's first calls run 2–5x slower than warm ones (lazy Unicode tables, unoptimised
 * code), enough for `(a+)+$` to miss the budget in a fresh worker and only warn. One pass over these
 * shapes (about 30 ms, once per process) covers the code paths that LLM-written patterns reach.
 */
const WARM_UP: ReadonlyArray<readonly [string, string]> = [
  ['^(\\w+\\s?)*$', ''],
  ['(x+x+)+y', ''],
  ['\\s*#?\\s*$', ''],
  ['^[\\w.+-]+@[\\w-]+\\.[\\w.]+$', 'i'],
  ['^(?=.*[A-Z])(\\d+)-\\1(?<!x)$', 'm'],
  ['[\\p{L}\\p{N}]+\\s*,', 'u'],
];
const WARM_UP_TIMEOUT_MS = 250;

/** One context and script for the process: the vm only supplies the interruptible frame around `task`. */
let runner: { context: Context; script: Script } | undefined;
let task: () => void = () => undefined;

function runBounded<T>(fn: () => T): Bounded<T> {
  if (!runner) {
    runner = { context: createContext({ run: () => task() }), script: new Script('run()') };
    for (const [source, flags] of WARM_UP) runIn(runner, () => analyse({ source, flags }), WARM_UP_TIMEOUT_MS);
  }
  return runIn(runner, fn, ANALYSIS_TIMEOUT_MS);
}

function runIn<T>(target: { context: Context; script: Script }, fn: () => T, timeout: number): Bounded<T> {
  let value: { v: T } | undefined;
  task = () => {
    value = { v: fn() };
  };
  try {
    target.script.runInContext(target.context, { timeout });
  } catch (error) {
    if (isTimeout(error)) return { status: 'timeout' };
    return { status: 'error', message: error instanceof Error ? error.message : String(error) };
  } finally {
    task = () => undefined;
  }
  return value ? { status: 'ok', value: value.v } : { status: 'error', message: 'analysis did not run' };
}

function isTimeout(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT';
}
