import { createHash } from 'node:crypto';
import type { Caller } from '../auth';
import type { AccessControl, Catalog, TenantToolPolicy, ToolDefinition } from '../catalog';
import type { TypecheckLevel } from '../config';
import { LruCache, metaToolNamed, snippetAt, type CompiledScript } from '../gate';
import { lowerLevel, toolDeclarations, type NamedTool, type TypeChecker, type TypeDiagnostic } from '../typecheck';

/** Quoted text shaped like a tool name (`'source:tool'`), anywhere in the script: a name held in a variable is typed too. */
const QUOTED_TOOL_NAME = /(['"`])([A-Za-z0-9_.-]{1,64}:[A-Za-z0-9_./{}-]{1,200})\1/g;
/** Tool names looked at per script (a script naming more is checked against the first ones). */
const MAX_NAMES = 64;
/** Declaration texts kept, by catalog version, tenant policy and tool names. */
const DECLARATION_ENTRIES = 256;
const PREPARED_ENTRIES = 1_000;

interface Prepared {
  unknown: TypeDiagnostic[];
  declarations: { text: string; key: string };
  verdicts: Partial<Record<Exclude<TypecheckLevel, 'off'>, PreflightResult>>;
}

const OFF: PreflightResult = Object.freeze({ level: 'off' });

export interface PreflightDeps {
  catalog: Catalog;
  access: AccessControl;
  /** Close names a caller may use, for an unknown tool (Discovery.suggest). */
  suggest: (name: string, caller: Caller, usable: (canonical: string) => boolean) => string[];
  /** Whether a name belongs to a source that has not loaded yet (then it is not reported unknown). */
  sourcePending: (name: string) => boolean;
  /**
   * Which phases of a tool's calls operator plugins may change: their arguments (request) or result
   * (response) are then left untyped, since a plugin may reshape them.
   */
  pluginPhases?: (tool: string) => { request: boolean; response: boolean };
  /** Changes when the plugin chains do (SIGHUP). */
  pluginGeneration?: () => number;
}

export type PreflightResult =
  | { level: 'off' }
  | { level: Exclude<TypecheckLevel, 'off'>; diagnostics: TypeDiagnostic[]; ms: number; cached: boolean }
  | { level: Exclude<TypecheckLevel, 'off'>; skipped: string };

/**
 * The type check as the execute path runs it: which tools the script names and which of them the caller
 * may use, their declarations (cached), the compiler's findings, and a finding of its own for each
 * literal tool name the caller has no tool for (the runtime would fail there with TOOL_NOT_FOUND, after
 * the calls before it).
 */
export class Preflight {
  readonly #checker: TypeChecker | undefined;
  readonly #deps: PreflightDeps;
  readonly #declarations = new LruCache<string, { text: string; key: string }>(DECLARATION_ENTRIES);
  /** Per script, catalog version and tenant policy: what #prepare found, so a repeated script costs a lookup. */
  readonly #prepared = new LruCache<string, Prepared>(PREPARED_ENTRIES);
  readonly #policyKeys = new WeakMap<TenantToolPolicy, string>();

  constructor(readonly level: TypecheckLevel, checker: TypeChecker | undefined, deps: PreflightDeps) {
    this.#checker = checker;
    this.#deps = deps;
  }

  /** The level a request gets: the server's, or lower when the request asks. */
  levelFor(requested: TypecheckLevel | undefined): TypecheckLevel {
    return requested === undefined ? this.level : lowerLevel(this.level, requested);
  }

  /**
   * The check of one script for one caller. A script checked before (same catalog, tenant and level) is
   * answered at once, without a promise: the execute path then goes on in the same turn.
   */
  check(script: CompiledScript, source: string, caller: Caller, policy: TenantToolPolicy | undefined, level: TypecheckLevel): PreflightResult | Promise<PreflightResult> {
    if (level === 'off' || !this.#checker) return OFF;
    // The tenant is part of the key: what one tenant's suggestions name is never shown to another.
    const key = `${script.hash}\0${this.#deps.catalog.version}\0${this.#deps.pluginGeneration?.() ?? 0}\0${caller.tenantId}\0${this.#policyKey(policy)}`;
    let prepared = this.#prepared.get(key);
    if (!prepared) {
      prepared = this.#prepare(script, source, caller, policy);
      this.#prepared.set(key, prepared);
    }
    return prepared.verdicts[level] ?? this.#check(prepared, script, source, level, this.#checker);
  }

  async #check(prepared: Prepared, script: CompiledScript, source: string, level: Exclude<TypecheckLevel, 'off'>, checker: TypeChecker): Promise<PreflightResult> {
    const { unknown, declarations } = prepared;
    const callSpans = script.facts.toolCalls.map((c) => c.span);
    const outcome = await checker.check({ source, hash: script.hash, language: script.language, declarations: declarations.text, declarationsKey: declarations.key, callSpans });
    if (!outcome.checked) return unknown.length > 0 ? { level, diagnostics: unknown, ms: 0, cached: false } : { level, skipped: outcome.reason };
    const diagnostics = unknown.length === 0 ? outcome.diagnostics : [...unknown, ...outcome.diagnostics].sort((a, b) => a.line - b.line || a.column - b.column);
    // A verdict (not a skip, which may go another way next time) is kept for the next run of the script.
    prepared.verdicts[level] = { level, diagnostics, ms: 0, cached: true };
    return { level, diagnostics, ms: outcome.ms, cached: outcome.cached };
  }

  /** A tenant's tool policy as part of a cache key (computed once per policy object). */
  #policyKey(policy: TenantToolPolicy | undefined): string {
    if (!policy) return '';
    let key = this.#policyKeys.get(policy);
    if (key === undefined) this.#policyKeys.set(policy, (key = JSON.stringify(policy)));
    return key;
  }

  /** Which tools the script names, their declarations, and the names the caller has no tool for. */
  #prepare(script: CompiledScript, source: string, caller: Caller, policy: TenantToolPolicy | undefined): Prepared {
    const { catalog, access } = this.#deps;
    const usable = (canonical: string): boolean => access.decide(canonical, policy).codeCall;
    const named: NamedTool[] = [];
    const written = new Set<string>();
    for (const call of script.facts.toolCalls) if (call.tool !== null) written.add(call.tool);
    for (const m of source.matchAll(QUOTED_TOOL_NAME)) if (written.size < MAX_NAMES) written.add(m[2]!);
    for (const name of written) {
      const canonical = catalog.resolve(name);
      const tool = canonical !== undefined && usable(canonical) ? catalog.get(canonical) : undefined;
      if (tool) named.push({ written: name, tool: this.#asPluginsLeaveIt(tool) });
    }
    const unknown = this.#unknownTools(script, source, caller, usable, new Set(named.map((n) => n.written)));
    const key = `${catalog.version}\0${this.#deps.pluginGeneration?.() ?? 0}\0${this.#policyKey(policy)}\0${named.map((n) => n.written).sort().join('\0')}`;
    let declarations = this.#declarations.get(key);
    if (declarations === undefined) {
      const text = toolDeclarations(named);
      declarations = { text, key: createHash('sha256').update(text).digest('base64url') };
      this.#declarations.set(key, declarations);
    }
    return { unknown, declarations, verdicts: {} };
  }

  /** A tool as the script sees it through the plugins around it: what they may change is untyped. */
  #asPluginsLeaveIt(tool: ToolDefinition): ToolDefinition {
    const phases = this.#deps.pluginPhases?.(tool.name);
    if (!phases || (!phases.request && !phases.response)) return tool;
    return { ...tool, ...(phases.request ? { inputSchema: {} } : {}), ...(phases.response ? { outputSchema: undefined } : {}) };
  }

  /** Literal names in `callTool('…')` the caller has no tool for, each with the names it may have meant. */
  #unknownTools(script: CompiledScript, source: string, caller: Caller, usable: (canonical: string) => boolean, known: ReadonlySet<string>): TypeDiagnostic[] {
    const out: TypeDiagnostic[] = [];
    const reported = new Set<string>();
    for (const call of script.facts.toolCalls) {
      const name = call.tool;
      if (name === null || call.settles || known.has(name) || reported.has(name) || this.#deps.sourcePending(name)) continue;
      reported.add(name);
      const meta = metaToolNamed(name);
      const didYouMean = meta ? [] : this.#deps.suggest(name, caller, usable);
      const message = meta
        ? `unknown tool '${name}': a script cannot call the gateway's own ${meta}; call the tools it would reach directly`
        : `unknown tool '${name}'${didYouMean.length > 0 ? `; did you mean ${didYouMean.map((n) => `'${n}'`).join(', ')}?` : ''} (search_tools finds tools by what they do)`;
      const { line, column } = call;
      out.push({ code: 'unknown-tool', severity: 'error', message, line, column, snippet: snippetAt(source, line), ...(didYouMean[0] !== undefined ? { suggestion: didYouMean[0] } : {}) });
    }
    return out;
  }

  /** Starts the compiler when the check is on, so the first script does not wait for it. */
  async start(): Promise<void> {
    await this.#checker?.start();
  }

  async close(): Promise<void> {
    await this.#checker?.close();
  }
}

/** The findings of a check that ran (none when it was off or skipped). */
export const findingsOf = (result: PreflightResult): TypeDiagnostic[] => ('diagnostics' in result ? result.diagnostics : []);

/** A check in block mode that found errors refuses the script. */
export const refuses = (result: PreflightResult): boolean => result.level === 'block' && findingsOf(result).some((d) => d.severity === 'error');

/** What rides along as warnings when the script runs: each finding, or why the check was skipped. */
export function preflightWarnings(result: PreflightResult): string[] {
  if ('skipped' in result) return [`type check skipped: ${result.skipped}`];
  return findingsOf(result).map((d) => `type check (${d.code}, line ${d.line}, column ${d.column}): ${d.message}`);
}
