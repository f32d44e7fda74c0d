import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { generate } from 'escodegen';
import type { Node } from 'acorn';
import { prescan, type RegexLiteral } from './prescan';
import { analyzeRegex, warmUpRegexAnalysis } from './redos';
import { parseScript } from './parse';
import { analyzeAndTransform } from './analyze';
import { RT } from './guards';
import type { EsNode } from './estree';
import { LruCache } from './lru';
import { RULES } from './rules';
import { snippetAt } from './source-location';
import type { CompiledScript, GateLimits, GateResult, GateViolation } from './types';

/**
 * Bumped whenever rules or the transform change meaning, so cached compilations from older code are
 * never reused (cache keys include it).
 */
export const GATE_POLICY_VERSION = 2;

const GENERATE_OPTIONS = Object.freeze({ format: { indent: { style: '' }, quotes: 'auto' as const } });

/**
 * The sandbox evaluates this expression once per script and calls the factory with the tool bridge and
 * the per-execution runtime. Guard state lives in factory locals so user code cannot name it (the
 * reserved prefix is refused) and a guard costs a local decrement, not a global lookup.
 */
function wrap(body: string): string {
  return (
    `(function (${RT.callTool}, __sg_rt) {\n'use strict';\n` +
    `let ${RT.countdown} = __sg_rt.budget, ${RT.depth} = 0;\n` +
    `const ${RT.tick} = __sg_rt.tick, ${RT.depthExceeded} = __sg_rt.depth, ${RT.key} = __sg_rt.key, ${RT.maxDepth} = __sg_rt.maxDepth;\n` +
    `return async function __sg_main() {\n${body}\n};\n})`
  );
}

export const hashScript = (source: string): string => createHash('sha256').update(source).digest('hex');

export interface ScriptCompiler {
  compile(source: string, limits: GateLimits): GateResult;
  readonly stats: { hits: number; misses: number; size: number };
}

/** Runs every gate stage; pure apart from the cache. */
export function compileUncached(source: string, limits: GateLimits, hash = hashScript(source)): GateResult {
  const t0 = performance.now();
  const scanned = prescan(source, limits);
  if (scanned.violation) return { ok: false, hash, violations: [scanned.violation] };
  const t1 = performance.now();
  const parsed = parseScript(source);
  if (!parsed.ok) return { ok: false, hash, violations: [withRuleHint(parsed.violation)] };
  const t2 = performance.now();
  let analysis: ReturnType<typeof analyzeAndTransform>;
  try {
    analysis = analyzeAndTransform(parsed.ast as unknown as EsNode, source);
  } catch (err) {
    // A stack overflow despite the depth bound (deep structures inside one node): refuse, never crash.
    if (err instanceof RangeError) return { ok: false, hash, violations: [tooDeep()] };
    throw err;
  }
  const { violations, facts, regexes } = analysis;
  const warnings: string[] = [];
  const uncheckedRegexes = checkRegexes([...scanned.regexes, ...regexes], source, violations, warnings);
  if (violations.length > 0) return { ok: false, hash, violations };
  const t3 = performance.now();
  const program = parsed.ast as Node & { body: unknown[] };
  let body: string;
  try {
    body = generate({ ...program, body: program.body } as unknown as Parameters<typeof generate>[0], GENERATE_OPTIONS);
  } catch (err) {
    if (err instanceof RangeError) return { ok: false, hash, violations: [tooDeep()] };
    throw err;
  }
  const t4 = performance.now();
  const script: CompiledScript = {
    hash,
    code: wrap(body),
    cached: false,
    facts,
    warnings,
    uncheckedRegexes,
    timings: { prescanMs: t1 - t0, parseMs: t2 - t1, rulesAndTransformMs: t3 - t2, generateMs: t4 - t3 },
  };
  return { ok: true, script };
}

/**
 * Total ReDoS analysis time per script. Each pattern is bounded (redos.ts), but a script could carry
 * hundreds of distinct hostile ones; past this budget the rest are left to the run-time deadline.
 */
export const REGEX_ANALYSIS_BUDGET_MS = 50;

/**
 * Exponential backtracking is refused; polynomial patterns warn. Returns how many patterns were left
 * unchecked (budget spent, or the analyser gave up): nothing the script's author can act on, so it is
 * reported to operators, not in the envelope; the run-time deadline bounds those patterns.
 */
function checkRegexes(list: RegexLiteral[], source: string, violations: GateViolation[], warnings: string[]): number {
  const stopAt = performance.now() + REGEX_ANALYSIS_BUDGET_MS;
  let unchecked = 0;
  for (const [index, re] of list.entries()) {
    if (performance.now() > stopAt) return unchecked + list.length - index;
    const verdict = analyzeRegex(re.pattern, re.flags);
    if (verdict.kind === 'unknown') unchecked++;
    const shown = `/${re.pattern.length > 60 ? `${re.pattern.slice(0, 59)}…` : re.pattern}/${re.flags}`;
    if (verdict.kind === 'exponential') {
      const spec = RULES['unsafe-regex'];
      violations.push({
        code: spec.code,
        rule: 'unsafe-regex',
        message: `${spec.message(shown)}: ${verdict.detail} (line ${re.line}, column ${re.column})`,
        line: re.line,
        column: re.column,
        snippet: snippetAt(source, re.line),
        hint: spec.hint,
      });
    } else if (verdict.kind === 'polynomial') {
      warnings.push(`regex ${shown} at line ${re.line} can backtrack polynomially on long input (${verdict.detail}); anchor it or bound its quantifiers`);
    }
  }
  return unchecked;
}

function tooDeep(): GateViolation {
  return {
    code: 'TOO_DEEP',
    rule: 'max-nesting',
    message: 'the script nests too deeply to analyse',
    hint: 'Split long chains into several statements with intermediate variables.',
  };
}

/** acorn reports strict-mode `with` as a syntax error; name the rule so the model gets the right advice. */
function withRuleHint(v: GateViolation): GateViolation {
  if (/'with' in strict mode/.test(v.message)) {
    const where = v.line !== undefined ? ` (line ${v.line}, column ${v.column})` : '';
    return { ...v, code: RULES['no-with'].code, rule: 'no-with', message: RULES['no-with'].message('with') + where, hint: RULES['no-with'].hint };
  }
  return v;
}

const ZERO_TIMINGS = Object.freeze({ prescanMs: 0, parseMs: 0, rulesAndTransformMs: 0, generateMs: 0 });

/** Compiled scripts are cached by sha256(script) + policy version + the limits the gate applied. */
export function createScriptCompiler(cacheEntries: number): ScriptCompiler {
  warmUpRegexAnalysis();
  const cache = new LruCache<string, CompiledScript>(cacheEntries);
  const stats = { hits: 0, misses: 0, size: 0 };
  return {
    stats,
    compile(source, limits) {
      const hash = hashScript(source);
      const key = `${GATE_POLICY_VERSION}:${limits.scriptBytes}:${limits.scriptLines}:${limits.lineLength}:${limits.nestingDepth}:${hash}`;
      const hit = cache.get(key);
      if (hit) {
        stats.hits++;
        return { ok: true, script: { ...hit, cached: true, timings: ZERO_TIMINGS } };
      }
      stats.misses++;
      const result = compileUncached(source, limits, hash);
      if (result.ok) {
        cache.set(key, result.script);
        stats.size = cache.size;
      }
      return result;
    },
  };
}
