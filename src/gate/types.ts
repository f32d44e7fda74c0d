import type { ErrorCode } from '../errors';
import type { PositionShift } from './edits';
import type { ScriptFacts } from './facts';

export type { PositionShift } from './edits';

/** One reason a script was refused, located in the user's own source. */
export interface GateViolation {
  code: ErrorCode;
  /** Stable rule id, e.g. `no-eval`, `no-prototype-access`. */
  rule: string;
  message: string;
  /** 1-based line and 0-based column in the script as the caller sent it. */
  line?: number;
  column?: number;
  /** The offending source line, trimmed. */
  snippet?: string;
  /** Advice that is valid inside this sandbox. */
  hint: string;
}

export interface CompiledScript {
  /** sha256 of the script text (hex): audit and cache key; never the script itself. */
  hash: string;
  /** Code for the sandbox: evaluates to a factory `(callTool, runtime) => async main()`. */
  code: string;
  /** What the script was read as: JavaScript, or TypeScript whose types were stripped. */
  language: 'javascript' | 'typescript';
  /** Edits that moved text, to map a position in `code` back to the script (see positions.ts). */
  shifts: PositionShift[];
  /** Standard-library globals the script names; the sandbox endows only these. */
  library: string[];
  /** Whether this result came from the compiled-script cache. */
  cached: boolean;
  /** What the risk scorer needs; scored per request (annotations and thresholds may differ). */
  facts: ScriptFacts;
  /** Advice that does not block, e.g. a regex with polynomial backtracking. */
  warnings: string[];
  /** Regexes the ReDoS analysis could not finish in its time budget (left to the run-time deadline). */
  uncheckedRegexes: number;
  /** A regex analysis ran out of time: the verdict may differ on a less busy machine, so it is never cached. */
  verdictDependsOnTime: boolean;
  /** Time spent in each stage, in milliseconds (zero on a cache hit). */
  timings: { prescanMs: number; parseMs: number; rulesAndTransformMs: number; generateMs: number };
}

export type GateResult =
  | { ok: true; script: CompiledScript }
  | { ok: false; hash: string; violations: GateViolation[]; /** Refusals counted but not described. */ omitted?: number };

/** What the gate needs from the limits; a subset so the gate stays independent of config. */
export interface GateLimits {
  scriptBytes: number;
  scriptLines: number;
  lineLength: number;
  nestingDepth: number;
}
