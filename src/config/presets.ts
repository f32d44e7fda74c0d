/**
 * Limit presets (DESIGN §4). Numbers are exactly the documented ones; `limits` in config overrides any of
 * them, and a request may only lower them (or raise `timeoutMs` up to `timeoutMaxMs`).
 */

export interface Limits {
  /** Default wall-clock budget of one execution, in milliseconds. */
  timeoutMs: number;
  /** Largest `timeoutMs` a request may ask for. */
  timeoutMaxMs: number;
  /** Tool calls per execution. */
  toolCalls: number;
  /** Loop iterations per execution, summed over every loop (function entries count too). */
  loopIterations: number;
  /** Nesting of active function calls. */
  callDepth: number;
  /** Old-generation heap of each sandbox worker thread, in MiB (pool-wide, not per request). */
  workerHeapMb: number;
  /** Script source size, in UTF-8 bytes. */
  scriptBytes: number;
  /** Serialised (JSON) result size, in bytes. */
  resultBytes: number;
  /** console.* calls captured per execution. */
  consoleLines: number;
  /** Bytes of captured console output per execution. */
  consoleBytes: number;
  /** Tool calls in flight at once; more wait their turn. */
  parallelToolCalls: number;
  /** Largest serialised result one tool call may hand to the script; larger results become tool errors. */
  toolResultBytes: number;
  /** Lines in a script (pre-scan). */
  scriptLines: number;
  /** Characters on one line (pre-scan): long lines hide payloads past the edge of a reviewer's screen. */
  lineLength: number;
  /** Bracket nesting ((, [, {, ${) outside strings and comments (pre-scan): bounds parser recursion. */
  nestingDepth: number;
}

export const PRESET_NAMES = ['locked_down', 'secure', 'balanced', 'experimental'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

const KIB = 1024;
const MIB = 1024 * KIB;

export const PRESETS: Readonly<Record<PresetName, Readonly<Limits>>> = Object.freeze({
  locked_down: Object.freeze({
    timeoutMs: 2_000, timeoutMaxMs: 5_000, toolCalls: 20, loopIterations: 10_000, callDepth: 64, workerHeapMb: 32,
    scriptBytes: 16 * KIB, resultBytes: 256 * KIB, consoleLines: 100, consoleBytes: 16 * KIB, parallelToolCalls: 2,
    toolResultBytes: 1 * MIB, scriptLines: 1_000, lineLength: 2_000, nestingDepth: 32,
  }),
  secure: Object.freeze({
    timeoutMs: 3_500, timeoutMaxMs: 30_000, toolCalls: 100, loopIterations: 100_000, callDepth: 128, workerHeapMb: 64,
    scriptBytes: 100 * KIB, resultBytes: 1 * MIB, consoleLines: 500, consoleBytes: 64 * KIB, parallelToolCalls: 8,
    toolResultBytes: 4 * MIB, scriptLines: 5_000, lineLength: 4_000, nestingDepth: 64,
  }),
  balanced: Object.freeze({
    timeoutMs: 10_000, timeoutMaxMs: 60_000, toolCalls: 500, loopIterations: 1_000_000, callDepth: 256, workerHeapMb: 128,
    scriptBytes: 256 * KIB, resultBytes: 4 * MIB, consoleLines: 1_000, consoleBytes: 256 * KIB, parallelToolCalls: 16,
    toolResultBytes: 16 * MIB, scriptLines: 10_000, lineLength: 8_000, nestingDepth: 128,
  }),
  experimental: Object.freeze({
    timeoutMs: 30_000, timeoutMaxMs: 300_000, toolCalls: 2_000, loopIterations: 10_000_000, callDepth: 512, workerHeapMb: 256,
    scriptBytes: 1 * MIB, resultBytes: 16 * MIB, consoleLines: 5_000, consoleBytes: 1 * MIB, parallelToolCalls: 32,
    toolResultBytes: 64 * MIB, scriptLines: 50_000, lineLength: 32_000, nestingDepth: 256,
  }),
});

export const LIMIT_KEYS = Object.freeze(Object.keys(PRESETS.secure) as (keyof Limits)[]);

/** Preset numbers with the configured overrides applied. */
export function resolveLimits(preset: PresetName, overrides: Partial<Limits> = {}): Readonly<Limits> {
  const merged: Limits = { ...PRESETS[preset] };
  for (const key of LIMIT_KEYS) {
    const value = overrides[key];
    if (value !== undefined) merged[key] = value;
  }
  if (merged.timeoutMs > merged.timeoutMaxMs) merged.timeoutMaxMs = merged.timeoutMs;
  return Object.freeze(merged);
}

/** Per-request limits a caller may set: only lower, except `timeoutMs` which may rise to `timeoutMaxMs`. */
export type RequestLimits = Partial<Omit<Limits, 'timeoutMaxMs' | 'workerHeapMb'>>;

export interface CappedLimits {
  limits: Readonly<Limits>;
  /** One sentence per requested value that was lowered to the cap. */
  capped: string[];
}

export function capRequestLimits(base: Readonly<Limits>, requested: RequestLimits = {}): CappedLimits {
  const limits: Limits = { ...base };
  const capped: string[] = [];
  for (const key of LIMIT_KEYS) {
    if (key === 'timeoutMaxMs' || key === 'workerHeapMb') continue;
    const want = requested[key];
    if (want === undefined) continue;
    const cap = key === 'timeoutMs' ? base.timeoutMaxMs : base[key];
    if (want > cap) capped.push(`${key} ${want} was capped to ${cap} by the preset`);
    limits[key] = Math.min(want, cap);
  }
  return { limits: Object.freeze(limits), capped };
}
