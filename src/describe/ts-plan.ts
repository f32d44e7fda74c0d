/**
 * How much detail a declaration keeps. Declarations are rendered with the richest plan first and, when
 * the text passes its budget, again with the next: JSDoc goes before structure, the result before the
 * arguments (a script must pass every argument right; it reads only part of what comes back), and far
 * parts of the result before near ones. Only when even the last plan does not fit is the text cut hard.
 */

/** The arguments side (what a script must get right) or the result side (what it reads). */
export type Side = 'args' | 'result';

export interface EmitPlan {
  /**
   * An object with properties and `additionalProperties: true` gets an index signature. Off for what a
   * model reads (the listed properties say what to send); on for the type check, where a closed type
   * would report an extra argument the tool accepts.
   */
  openObjects?: boolean;
  /** Inline nesting levels rendered before a type becomes `unknown`. */
  maxDepth: number;
  /** Longest JSDoc of the tool itself (its description, on the arguments declaration). */
  toolDocChars: number;
  /** Longest JSDoc of argument properties and argument-side named types. */
  argsDocChars: number;
  /** Longest JSDoc of result properties and result-side named types. */
  resultDocChars: number;
  /** Literals of an enum shown before the rest is left out (the type widens to their base type). */
  enumMax: number;
  /** Members of a result-side anyOf/oneOf shown before the rest is left out. */
  unionMax: number;
  /**
   * Properties shown of a result-side object, by its distance from the result in property steps (index
   * 0: the result itself; past the end the last entry holds). The rest become an index signature; at 0
   * the object is a `Record<string, unknown>`, so the named types it would reference are not declared.
   */
  resultProperties: readonly number[];
}

const ALL = Number.POSITIVE_INFINITY;

/** Richest first. Tuned on GitHub's REST API (see docs/performance.md, `npm run bench:tokens`). */
export const PLANS: readonly EmitPlan[] = [
  { maxDepth: 12, toolDocChars: 200, argsDocChars: 200, resultDocChars: 200, enumMax: 50, unionMax: 50, resultProperties: [ALL] },
  { maxDepth: 12, toolDocChars: 200, argsDocChars: 120, resultDocChars: 80, enumMax: 20, unionMax: 20, resultProperties: [ALL] },
  { maxDepth: 10, toolDocChars: 160, argsDocChars: 100, resultDocChars: 0, enumMax: 20, unionMax: 20, resultProperties: [ALL] },
  { maxDepth: 8, toolDocChars: 140, argsDocChars: 80, resultDocChars: 0, enumMax: 12, unionMax: 12, resultProperties: [ALL, 40, 20] },
  { maxDepth: 6, toolDocChars: 120, argsDocChars: 70, resultDocChars: 0, enumMax: 10, unionMax: 8, resultProperties: [ALL, 25, 10] },
  { maxDepth: 6, toolDocChars: 120, argsDocChars: 60, resultDocChars: 0, enumMax: 8, unionMax: 6, resultProperties: [ALL, 15, 6] },
  { maxDepth: 5, toolDocChars: 100, argsDocChars: 40, resultDocChars: 0, enumMax: 6, unionMax: 5, resultProperties: [80, 10, 0] },
  { maxDepth: 4, toolDocChars: 100, argsDocChars: 0, resultDocChars: 0, enumMax: 5, unionMax: 4, resultProperties: [40, 6, 0] },
  { maxDepth: 3, toolDocChars: 80, argsDocChars: 0, resultDocChars: 0, enumMax: 4, unionMax: 3, resultProperties: [20, 0] },
];

/** The caller's caps (`maxDepth`, `docMaxChars`) applied to every plan. */
export function cappedPlans(maxDepth: number, docMaxChars: number): EmitPlan[] {
  return PLANS.map((plan) => ({
    ...plan,
    maxDepth: Math.min(plan.maxDepth, maxDepth),
    toolDocChars: Math.min(plan.toolDocChars, docMaxChars),
    argsDocChars: Math.min(plan.argsDocChars, docMaxChars),
    resultDocChars: Math.min(plan.resultDocChars, docMaxChars),
  }));
}

/** Properties a result-side object at `level` may show. */
export function resultPropertiesAt(plan: EmitPlan, level: number): number {
  const list = plan.resultProperties;
  return list[Math.min(level, list.length - 1)] ?? ALL;
}
