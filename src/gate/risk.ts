import type { ArgValue, ScriptFacts, ToolCallFact } from './facts';

/**
 * Rule-based risk score over the facts the walk collected. Pure: the caller supplies what it knows about
 * tools (MCP annotations, then config overrides) and the thresholds. Points are tuned so ordinary CRUD
 * (list then update, read then email one user, pagination, a Promise.all over a few reads) stays well
 * under the warning line, while bulk destruction, fan-out sending and moving sensitive fields to a sink
 * add up to a warning or a block.
 */

/** What a tool does, as far as risk is concerned. */
export interface ToolTraits {
  readOnly?: boolean;
  destructive?: boolean;
  openWorld?: boolean;
  /** Extra points every call to this tool adds (config override). */
  points?: number;
}

export type ToolTraitsLookup = (tool: string) => ToolTraits | undefined;

export interface RiskPolicy {
  warnAt: number;
  blockAt: number;
}

export interface RiskSignal {
  id: string;
  points: number;
  message: string;
  line?: number;
  tool?: string;
}

export interface RiskAssessment {
  score: number;
  verdict: 'allow' | 'warn' | 'block';
  signals: RiskSignal[];
}

// Used only when a tool carries no annotation for the trait in question.
const DESTRUCTIVE_NAME = /(?:^|[:_.-]|[a-z])(delete|remove|destroy|purge|drop|void|refund|cancel|revoke|wipe|truncate|erase)/i;
const SINK_NAME = /(?:^|[:_.-]|[a-z])(send|email|sms|notify|webhook|publish|post|upload|share|export|broadcast)/i;
const LIMIT_ARG = /^(limit|pageSize|page_size|perPage|per_page|count|max|top|size|batchSize|first|last)$/i;
const QUERY_ARG = /^(query|q|filter|search|where|match|pattern|email|name|selector)$/i;
const WILDCARDS = new Set(['*', '%', '.*', '*.*', '**', '%%']);
const EXCESSIVE_LIMIT = 1_000;
const EXTREME_VALUE = 1_000_000;

export interface ResolvedTraits {
  readOnly: boolean;
  destructive: boolean;
  openWorld: boolean;
  points: number;
}

export function resolveTraits(tool: string, lookup: ToolTraitsLookup): ResolvedTraits {
  const known = lookup(tool) ?? {};
  const destructive = known.destructive ?? (known.readOnly === true ? false : DESTRUCTIVE_NAME.test(tool));
  const openWorld = known.openWorld ?? (known.readOnly === true ? false : SINK_NAME.test(tool));
  return { readOnly: known.readOnly ?? (!destructive && !openWorld), destructive, openWorld, points: known.points ?? 0 };
}

const isDynamic = (v: ArgValue): boolean => typeof v === 'object' && v !== null;

/** Adds a signal, keeping at most `cap` points for its id. */
function adder(signals: RiskSignal[]) {
  const totals = new Map<string, number>();
  return (signal: RiskSignal, cap: number): void => {
    const used = totals.get(signal.id) ?? 0;
    const points = Math.min(signal.points, cap - used);
    if (points <= 0) return;
    totals.set(signal.id, used + points);
    signals.push({ ...signal, points });
  };
}

function argSignals(call: ToolCallFact, add: ReturnType<typeof adder>): void {
  for (const [key, value] of Object.entries(call.args)) {
    if (isDynamic(value)) continue;
    const where = { line: call.line, ...(call.tool ? { tool: call.tool } : {}) };
    if (typeof value === 'number' && LIMIT_ARG.test(key) && value > EXCESSIVE_LIMIT) {
      add({ id: 'excessive-limit', points: 10, message: `${key}: ${value} asks for more than ${EXCESSIVE_LIMIT} items at once`, ...where }, 20);
    } else if (typeof value === 'number' && Math.abs(value) >= EXTREME_VALUE) {
      add({ id: 'extreme-value', points: 10, message: `${key}: ${value} is an extreme value`, ...where }, 20);
    }
    if (typeof value === 'string' && QUERY_ARG.test(key) && WILDCARDS.has(value.trim())) {
      add({ id: 'wildcard-query', points: 15, message: `${key}: '${value}' matches everything`, ...where }, 30);
    }
  }
}

export function assessRisk(facts: ScriptFacts, lookup: ToolTraitsLookup, policy: RiskPolicy): RiskAssessment {
  const signals: RiskSignal[] = [];
  const add = adder(signals);

  const sensitive = [...new Set(facts.sensitiveFields.map((f) => f.name))];
  for (const field of sensitive) {
    const first = facts.sensitiveFields.find((f) => f.name === field);
    add({ id: 'sensitive-field', points: 15, message: `reads the sensitive field '${field}'`, ...(first ? { line: first.line } : {}) }, 30);
  }

  for (const call of facts.toolCalls) {
    const where = { line: call.line, ...(call.tool ? { tool: call.tool } : {}) };
    argSignals(call, add);
    if (call.tool === null) {
      add({ id: 'dynamic-tool-name', points: call.inLoop ? 40 : 20, message: `calls a tool whose name is computed at run time${call.inLoop ? ', inside a loop' : ''}`, ...where }, 40);
      continue;
    }
    const traits = resolveTraits(call.tool, lookup);
    if (traits.points > 0) add({ id: `tool-weight:${call.tool}`, points: traits.points, message: `${call.tool} carries extra weight in config`, ...where }, traits.points);
    if (traits.destructive) {
      if (call.inLoop) add({ id: 'bulk-operation', points: 50, message: `${call.tool} changes or deletes data inside a loop`, ...where }, 50);
      else add({ id: 'destructive-call', points: 5, message: `${call.tool} changes or deletes data`, ...where }, 15);
    }
    if (traits.openWorld) {
      if (call.inLoop) add({ id: 'fan-out-send', points: 30, message: `${call.tool} sends outside the system inside a loop`, ...where }, 30);
      if (call.argsFromToolData) {
        add({ id: 'read-then-send', points: 30, message: `${call.tool} sends data that came from other tools`, ...where }, 30);
        if (sensitive.length > 0) add({ id: 'sensitive-exfiltration', points: 30, message: `${call.tool} may send sensitive fields (${sensitive.join(', ')})`, ...where }, 30);
      }
    }
    if (call.inLoop && !traits.destructive && !traits.openWorld) {
      add({ id: 'fan-out', points: 5, message: `${call.tool} is called inside a loop`, ...where }, 10);
    }
  }

  const score = Math.min(100, signals.reduce((sum, s) => sum + s.points, 0));
  const verdict = score >= policy.blockAt ? 'block' : score >= policy.warnAt ? 'warn' : 'allow';
  return { score, verdict, signals };
}

/** One line for a warning or an error message. */
export function describeRisk(risk: RiskAssessment): string {
  return `risk score ${risk.score}: ${risk.signals.map((s) => `${s.message}${s.line ? ` (line ${s.line})` : ''} [+${s.points}]`).join('; ')}`;
}
