import { LIMIT_ARG, type ArgValue, type ScriptFacts, type ToolCallFact } from './facts';

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
  /** Signals that block a script whatever its score (the `strict` preset's exfiltration signals). */
  blockSignals?: ReadonlySet<string>;
}

/** Risk presets: `standard` scores; `strict` also blocks every script that moves data out in bulk or sensitive form, or aims a tool at an internal address or the gateway itself. */
export const RISK_PRESETS = {
  standard: { blockSignals: new Set<string>() },
  strict: { blockSignals: new Set(['bulk-exfiltration', 'sensitive-exfiltration', 'internal-address', 'gateway-endpoint']) },
} as const;


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
// An argument naming where a request goes: a tool taking one sends whatever else it is given there.
const URL_ARG = /^(url|uri|href|endpoint|webhook|webhookUrl|webhook_url|callbackUrl|callback_url|destination|target|link)$/i;
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

// The gateway's own API: a script reaching it through an HTTP tool escapes its own limits and policy.
const GATEWAY_PATH = /\/(?:v1\/(?:execute|invoke|jobs|tools)|mcp)(?:[/?#]|$)/i;

/** Loopback, private, link-local (cloud metadata) and cluster-internal hosts. */
export function isInternalHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || host === '0.0.0.0' || host === '::' || host === '::1') return true;
  if (/\.(?:internal|local|svc|cluster\.local)$/.test(host) || host === 'metadata' || host === 'kubernetes') return true;
  const v4 = /^(\d+)\.(\d+)\.\d+\.\d+$/.exec(host.replace(/^::ffff:/, ''));
  if (v4) {
    const a = Number(v4[1]);
    const b = Number(v4[2]);
    return a === 127 || a === 10 || a === 0 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127);
  }
  return /^(?:fc|fd|fe[89ab])[0-9a-f]{0,2}:/.test(host);
}

function addressSignals(call: ToolCallFact, add: ReturnType<typeof adder>): void {
  const where = { line: call.line, ...(call.tool ? { tool: call.tool } : {}) };
  for (const text of call.urls ?? []) {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      continue;
    }
    if (isInternalHost(url.hostname)) add({ id: 'internal-address', points: 40, message: `${call.tool ?? 'a tool'} is aimed at the internal address ${url.hostname}`, ...where }, 40);
    if (GATEWAY_PATH.test(url.pathname)) add({ id: 'gateway-endpoint', points: 40, message: `${call.tool ?? 'a tool'} is aimed at a gateway API path (${url.pathname.slice(0, 40)}): scripts call tools with callTool, not through the gateway`, ...where }, 40);
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
    addressSignals(call, add);
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
    // A tool not annotated as closed-world that takes a URL sends what it is given wherever that points
    // (asked only when tool data reaches it: the rest of the scoring never needs it).
    const sendsToUrl = call.argsFromToolData && !traits.openWorld && lookup(call.tool)?.openWorld !== false && Object.keys(call.args).some((k) => URL_ARG.test(k));
    if (traits.openWorld || sendsToUrl) {
      if (call.inLoop && traits.openWorld) add({ id: 'fan-out-send', points: 30, message: `${call.tool} sends outside the system inside a loop`, ...where }, 30);
      if (call.argsFromToolData) {
        add({ id: 'read-then-send', points: 30, message: `${call.tool} sends data that came from other tools`, ...where }, 30);
        if (call.dataFrom?.bulk) {
          const from = call.dataFrom.tools.length > 0 ? ` (from ${call.dataFrom.tools.join(', ')})` : '';
          add({ id: 'bulk-exfiltration', points: 25, message: `${call.tool} sends whole collections of records${from}, not single items`, ...where }, 25);
        }
        if (sensitive.length > 0) add({ id: 'sensitive-exfiltration', points: 30, message: `${call.tool} may send sensitive fields (${sensitive.join(', ')})`, ...where }, 30);
      }
    }
    if (call.inLoop && !traits.destructive && !traits.openWorld) {
      add({ id: 'fan-out', points: 5, message: `${call.tool} is called inside a loop`, ...where }, 10);
    }
  }

  const score = Math.min(100, signals.reduce((sum, s) => sum + s.points, 0));
  const forced = policy.blockSignals !== undefined && signals.some((s) => policy.blockSignals!.has(s.id));
  const verdict = forced || score >= policy.blockAt ? 'block' : score >= policy.warnAt ? 'warn' : 'allow';
  return { score, verdict, signals };
}

/** One line for a warning or an error message. */
export function describeRisk(risk: RiskAssessment): string {
  return `risk score ${risk.score}: ${risk.signals.map((s) => `${s.message}${s.line ? ` (line ${s.line})` : ''} [+${s.points}]`).join('; ')}`;
}
