import { TYPECHECK_LEVELS, type TypecheckLevel } from '../config';

/** The lower of two levels: a request may lower the server's level, never raise it. */
export function lowerLevel(a: TypecheckLevel, b: TypecheckLevel): TypecheckLevel {
  return TYPECHECK_LEVELS.indexOf(a) <= TYPECHECK_LEVELS.indexOf(b) ? a : b;
}

/** One finding of the type check, located in the script as the caller sent it. */
export interface TypeDiagnostic {
  /** `TS2339` for the compiler's own findings, `unknown-tool` for a tool name the catalog does not have. */
  code: string;
  /**
   * `error`: the script reads or passes something the tool's types rule out (refused in `block` mode);
   * `warning`: a field the tool may leave out (optional or nullable) is used without a check.
   */
  severity: 'error' | 'warning';
  message: string;
  /** 1-based line and 0-based column, as everywhere else in the envelope. */
  line: number;
  column: number;
  /** The script's line, trimmed. */
  snippet?: string;
  /** What to write instead, when the compiler or the catalog knows. */
  suggestion?: string;
}

/** What the check found, or why it could not run (it never blocks a script then). */
export type TypecheckOutcome =
  | { checked: true; diagnostics: TypeDiagnostic[]; cached: boolean; ms: number }
  | { checked: false; reason: string };
