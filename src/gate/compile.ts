import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Comment } from 'acorn';
import { prescan, type PrescanResult, type RegexLiteral } from './prescan';
import { analyzeRegex, warmUpRegexAnalysis } from './redos';
import { parseAs, parseScript, type Language, type ParseResult } from './parse';
import { MAX_REPORTED_VIOLATIONS, analyzeAndTransform, type AnalyzeResult } from './analyze';
import { RT } from './guards';
import { EditList, originalOffset, type SourceEdit } from './edits';
import type { EsNode } from './estree';
import { findHazards, hasSesHazard } from './literals';
import { LruCache } from './lru';
import { RULES, type RuleId } from './rules';
import { createLocator, snippetAt } from './source-location';
import { createTypeStripper } from './typescript';
import type { CompiledScript, GateLimits, GateResult, GateViolation, PositionShift } from './types';

/**
 * Bumped whenever rules or the transform change meaning, so cached compilations from older code are
 * never reused (cache keys include it).
 */
export const GATE_POLICY_VERSION = 4;

/**
 * The sandbox evaluates this expression once per script and calls the factory with the tool bridge and
 * the per-execution runtime. Guard state lives in factory locals so user code cannot name it (the
 * reserved prefix is refused) and a guard costs a local decrement, not a global lookup. The prefix is one
 * line, so line N of the script is line N + 1 of the code.
 */
export const CODE_PREFIX =
  `(function (callTool, __sg_rt) {'use strict';let ${RT.countdown} = __sg_rt.budget, ${RT.depth} = 0;` +
  `const ${RT.tick} = __sg_rt.tick, ${RT.depthExceeded} = __sg_rt.depth, ${RT.maxDepth} = __sg_rt.maxDepth;` +
  'return async function __sg_main() {\n';
const CODE_SUFFIX = '\n};})';

export const hashScript = (source: string): string => createHash('sha256').update(source).digest('hex');

export interface ScriptCompiler {
  compile(source: string, limits: GateLimits): GateResult;
  /** The cached compilation of `source`, or what compiling it elsewhere needs (then `remember` the result). */
  lookup(source: string, limits: GateLimits): { result: GateResult } | { key: string; hash: string };
  remember(key: string, result: GateResult): void;
  readonly stats: { hits: number; misses: number; size: number };
}

interface Transformed {
  language: Language;
  analysis: AnalyzeResult;
  edits: EditList;
}

/** Strips types (TypeScript), checks the rules and records every edit; violations are in the analysis. */
function transform(parsed: ParseResult & { ok: true }, source: string, hazards: boolean): Transformed {
  const program = parsed.ast as unknown as EsNode;
  const edits = new EditList();
  // A `#!` line (a script saved as a file) becomes a comment of the same length.
  if (source.startsWith('#!')) edits.replace(0, 2, '//');
  const types = parsed.language === 'typescript' ? createTypeStripper(source, edits) : undefined;
  const analysis = analyzeAndTransform(program, source, edits, hazards, types);
  const typeProblems = types?.problems ?? [];
  if (typeProblems.length > 0) {
    const locate = createLocator(source);
    analysis.violations.unshift(...typeProblems.map(({ rule, node, detail }) => ruleViolation(rule, detail, source, locate(node.start ?? 0))));
  }
  return { language: parsed.language, analysis, edits };
}

function ruleViolation(ruleId: RuleId, detail: string, source: string, at: { line: number; column: number }): GateViolation {
  const spec = RULES[ruleId];
  return { code: spec.code, rule: ruleId, message: `${spec.message(detail)} (line ${at.line}, column ${at.column})`, line: at.line, column: at.column, snippet: snippetAt(source, at.line), hint: spec.hint };
}

/** Runs every gate stage; pure apart from the cache. */
export function compileUncached(source: string, limits: GateLimits, hash = hashScript(source)): GateResult {
  const t0 = performance.now();
  const scanned = prescan(source, limits);
  if (scanned.violation) return { ok: false, hash, violations: [scanned.violation] };
  const t1 = performance.now();
  // Text SES would refuse is rare; only then are comments collected, to blank the ones that hold it.
  const hazards = hasSesHazard(source);
  const comments: Comment[] | undefined = hazards ? [] : undefined;
  const parsed = parseScript(source, comments);
  if (!parsed.ok) return { ok: false, hash, violations: [withBrackets(withRuleHint(parsed.violation), scanned.unpaired, source)] };
  const t2 = performance.now();
  let result: Transformed;
  try {
    result = transform(parsed, source, hazards);
    // `callTool<Page>(…)` is a comparison in JavaScript: names it cannot resolve may be TypeScript's. Only
    // worth a second reading when a `<` follows a name and the refusals are few (a flood is not a type).
    if (
      parsed.language === 'javascript' &&
      result.analysis.omitted === 0 &&
      result.analysis.violations.some((v) => v.rule === 'no-unknown-global') &&
      /[\w$]\s*</.test(source)
    ) {
      const tsComments: Comment[] | undefined = hazards ? [] : undefined;
      const asTs = parseAs(source, 'typescript', tsComments);
      if (asTs.ok) {
        const alternative = transform(asTs, source, hazards);
        if (alternative.analysis.violations.length === 0) {
          result = alternative;
          if (comments && tsComments) comments.splice(0, comments.length, ...tsComments);
        }
      }
    }
  } catch (err) {
    // A stack overflow despite the depth bound (deep structures inside one node): refuse, never crash.
    if (err instanceof RangeError) return { ok: false, hash, violations: [tooDeep()] };
    throw err;
  }
  const { violations, facts, regexes, library, omitted } = result.analysis;
  const warnings: string[] = [];
  const { unchecked: uncheckedRegexes, timedOut } = checkRegexes([...scanned.regexes, ...regexes], source, violations, warnings);
  if (violations.length > 0) return { ok: false, hash, violations: violations.slice(0, MAX_REPORTED_VIOLATIONS), ...(omitted + Math.max(0, violations.length - MAX_REPORTED_VIOLATIONS) > 0 ? { omitted: omitted + Math.max(0, violations.length - MAX_REPORTED_VIOLATIONS) } : {}) };
  const t3 = performance.now();
  let built = result.edits.apply(source);
  if (hazards) {
    const fixed = fixRemainingHazards(source, built, comments ?? [], result.edits);
    if ('violation' in fixed) return { ok: false, hash, violations: [fixed.violation] };
    built = fixed;
  }
  if (built.dropped.some((e) => e.text.trim() !== '')) return { ok: false, hash, violations: [editConflict(source, built.dropped)] };
  const t4 = performance.now();
  const script: CompiledScript = {
    hash,
    code: CODE_PREFIX + built.text + CODE_SUFFIX,
    language: result.language,
    shifts: positionShifts(built.applied),
    library,
    cached: false,
    facts,
    warnings,
    uncheckedRegexes,
    verdictDependsOnTime: timedOut,
    timings: { prescanMs: t1 - t0, parseMs: t2 - t1, rulesAndTransformMs: t3 - t2, generateMs: t4 - t3 },
  };
  return { ok: true, script };
}

/** Only edits that change length move later positions; blanked types keep them. */
function positionShifts(applied: SourceEdit[]): PositionShift[] {
  const out: PositionShift[] = [];
  for (const e of applied) if (e.text.length !== e.end - e.start) out.push(e.anchor === undefined ? [e.start, e.end, e.text.length] : [e.start, e.end, e.text.length, e.anchor]);
  return out;
}

/**
 * Hazards left after the literal rewrites sit in comments (blanked) or between operators (`a<!--b`,
 * `x-->0`: a space keeps the meaning), or were made by blanking types next to `import`; the last are
 * refused. Runs only for scripts that hold such text.
 */
type Built = ReturnType<EditList['apply']>;

function fixRemainingHazards(source: string, built: Built, comments: Comment[], edits: EditList): Built | { violation: GateViolation } {
  const left = findHazards(built.text);
  if (left.length === 0) return built;
  const inComment = (at: number): Comment | undefined => comments.find((c) => c.start <= at && at < c.end);
  for (const hazard of left) {
    const at = originalOffset(built.applied, hazard.at);
    const comment = inComment(at);
    if (comment) edits.blank(source, comment.start, comment.end);
    else if (hazard.kind === 'html-open' && source.startsWith('<!--', at)) edits.insert(at + 1, ' ');
    else if (hazard.kind === 'html-close' && source.startsWith('-->', at)) edits.insert(at + 2, ' ');
  }
  const again = edits.apply(source);
  const still = findHazards(again.text)[0];
  if (still === undefined) return again;
  const where = createLocator(source)(originalOffset(again.applied, still.at));
  return { violation: ruleViolation('unsafe-literal', 'the word import followed by ( or a comment, outside a string', source, where) };
}

/**
 * Total ReDoS analysis time per script. Each pattern is bounded (redos.ts), but a script could carry
 * hundreds of distinct hostile ones; past this budget the rest are left to the run-time deadline.
 */
export const REGEX_ANALYSIS_BUDGET_MS = 50;

/**
 * Exponential backtracking is refused; polynomial patterns warn. Returns how many patterns were left
 * unchecked (budget spent, or the analyser gave up): nothing the script's author can act on, so it is
 * reported to operators, not in the envelope; the run-time deadline bounds those patterns. `timedOut`:
 * whether a clock decided any of it, so the verdict may be different on a less busy machine.
 */
function checkRegexes(list: RegexLiteral[], source: string, violations: GateViolation[], warnings: string[]): { unchecked: number; timedOut: boolean } {
  const stopAt = performance.now() + REGEX_ANALYSIS_BUDGET_MS;
  let unchecked = 0;
  let timedOut = false;
  for (const [index, re] of list.entries()) {
    if (performance.now() > stopAt) return { unchecked: unchecked + list.length - index, timedOut: true };
    const verdict = analyzeRegex(re.pattern, re.flags);
    if (verdict.kind === 'unknown') {
      unchecked++;
      timedOut ||= verdict.timedOut === true;
    }
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
      warnings.push(`regex ${shown} at line ${re.line} can backtrack polynomially on long input (${verdict.detail}); bound its quantifiers (e.g. {1,64}) or keep neighbouring parts from matching the same characters`);
    }
  }
  return { unchecked, timedOut };
}

/** Two edits claimed the same text: never expected, and a lost guard must not run, so the script is refused. */
function editConflict(source: string, dropped: SourceEdit[]): GateViolation {
  const at = createLocator(source)(dropped[0]!.start);
  return {
    code: 'UNSUPPORTED_SYNTAX',
    rule: 'syntax',
    message: `the gate could not rewrite the code at line ${at.line}, column ${at.column}`,
    line: at.line,
    column: at.column,
    snippet: snippetAt(source, at.line),
    hint: 'Rewrite that statement more plainly (split it, or drop type syntax there) and send the script again.',
  };
}

function tooDeep(): GateViolation {
  return {
    code: 'TOO_DEEP',
    rule: 'max-nesting',
    message: 'the script nests too deeply to analyse',
    hint: 'Split long chains into several statements with intermediate variables.',
  };
}

/** A syntax error near a bracket that does not pair up says which one. */
function withBrackets(v: GateViolation, unpaired: PrescanResult['unpaired'], source: string): GateViolation {
  if (!unpaired || v.code !== 'SYNTAX_ERROR') return v;
  const locate = createLocator(source);
  const at = locate(unpaired.offset);
  const what = unpaired.closedBy
    ? `the ${unpaired.bracket} opened at line ${at.line}, column ${at.column} is closed by a ${unpaired.closedBy.bracket} at line ${locate(unpaired.closedBy.offset).line}, column ${locate(unpaired.closedBy.offset).column}`
    : source[unpaired.offset] === ')' || source[unpaired.offset] === ']' || source[unpaired.offset] === '}'
      ? `the ${unpaired.bracket} at line ${at.line}, column ${at.column} closes nothing`
      : `the ${unpaired.bracket} opened at line ${at.line}, column ${at.column} is never closed`;
  return { ...v, message: `${v.message}; ${what}` };
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
  const compiler: ScriptCompiler = {
    stats,
    lookup(source, limits) {
      const hash = hashScript(source);
      const key = `${GATE_POLICY_VERSION}:${limits.scriptBytes}:${limits.scriptLines}:${limits.lineLength}:${limits.nestingDepth}:${hash}`;
      const hit = cache.get(key);
      if (hit) {
        stats.hits++;
        return { result: { ok: true, script: { ...hit, cached: true, timings: ZERO_TIMINGS } } };
      }
      stats.misses++;
      return { key, hash };
    },
    remember(key, result) {
      // A verdict a clock decided is not kept: under load a pattern it would refuse can come back unchecked.
      if (!result.ok || result.script.verdictDependsOnTime) return;
      cache.set(key, result.script);
      stats.size = cache.size;
    },
    compile(source, limits) {
      const found = compiler.lookup(source, limits);
      if ('result' in found) return found.result;
      const result = compileUncached(source, limits, found.hash);
      compiler.remember(found.key, result);
      return result;
    },
  };
  return compiler;
}
