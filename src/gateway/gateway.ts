import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Redis } from '../redis';
import type { Embedder, ToolSearch } from '../search';
import { ANONYMOUS, type Authenticator, type TenantGuard, type Caller } from '../auth';
import type { Discovery } from './discovery';
import type { JobQueue } from '../jobs';
import type { Observer, ExecutionRef } from './observe';
import { executeRequestOf } from './api';
import type { ExecuteRequest, InvokeRequest } from './execute-request';
import { abortRace, executionContext, inScript, registerLocalSources, replyOf, riskOf, runShutdownSteps, startWithinBudget, unloadedSource } from './gateway-support';
import { ToolTrace } from './tool-trace';
import type { GatePool } from './gate-pool';
import { SpecSource, Upstream, type AccessControl, type Catalog, type TenantToolPolicy, type ToolCallContext, type ToolDefinition } from '../catalog';
import { capRequestLimits, type LoadedConfig, type RiskPresetName } from '../config';
import { GatewayError, toPublicError } from '../errors';
import { PAUSE_RUN, SANDBOX_LIMIT_KEYS, cancelHookOf, type ExecutorPool, type RunScope, type SandboxLimits, type ToolReply } from '../executor';
import { type CompiledScript, describeRisk, metaToolNamed, type RiskAssessment, type ScriptCompiler } from '../gate';
import type { Logger } from '../log';
import type { GatewayMetrics } from '../metrics';
import { envelopeBlocked, envelopeFromError, envelopeFromOutcome, envelopeFromPause, envelopeFromTypeErrors, envelopeFromViolations } from './envelope';
import type { ApprovalFlow } from './approval-flow';
import { findingsOf, preflightWarnings, refuses, type Preflight } from './preflight';
import { PluginRunner } from '../plugins';
import type { ExecutionEnvelope, InvokeResponse } from './response-schemas';
import { MAX_CONTEXT_DEPTH, jobSubmission, jsonNesting } from './request-schemas';

export type { ExecuteRequest, InvokeRequest } from './execute-request';

/** Everything a gateway is made of, built and wired by createGateway. */
export interface GatewayParts {
  config: LoadedConfig;
  log: Logger;
  catalog: Catalog;
  compiler: ScriptCompiler;
  gate: GatePool;
  preflight: Preflight;
  /** Operator plugins around tool calls (hooked into the catalog when a chain is configured). */
  plugins: PluginRunner;
  /** Tool calls that wait for a person (approvals.*). */
  approvals: ApprovalFlow;
  access: AccessControl;
  metrics: GatewayMetrics;
  observe: Observer;
  jobs: JobQueue;
  auth: Authenticator;
  redis: Redis | undefined;
  search: ToolSearch;
  tenants: TenantGuard;
  discovery: Discovery;
  pool: ExecutorPool;
  upstreams: Upstream[];
  specs: SpecSource[];
}

export interface GatewayOptions {
  config: LoadedConfig;
  log: Logger;
  /** Tools registered next to the configured sources (embedding, tests). */
  extraTools?: readonly ToolDefinition[];
  /** Include Node process metrics (CPU, heap, event loop) in the registry; default true. */
  processMetrics?: boolean;
  /**
   * False runs scripts with no deadline at all. For measuring what enforcement costs (load-tests
   * compare both); not a configuration option, since an unbounded script can hold a thread forever.
   */
  enforceDeadlines?: boolean;
  /** The model behind `search.strategy: ml`; default the bundled one in a worker thread. */
  embedder?: Embedder;
}

const UNKNOWN_TOOL_LABEL = '(unknown)';
/** Unknown tool names per execution that get "did you mean" (each costs a scan of the catalog). */
const SUGGESTED_UNKNOWN_TOOLS_PER_RUN = 3;

/**
 * The execution core: gate → executor → envelope, and direct tool invocation. Transport-free so REST,
 * MCP and job runners share it.
 */
export class Gateway {
  readonly catalog: Catalog;
  readonly compiler: ScriptCompiler;
  readonly #gate: GatePool;
  readonly #preflight: Preflight;
  readonly #plugins: PluginRunner;
  #pluginsHooked: boolean;
  readonly approvals: ApprovalFlow;
  readonly pool: ExecutorPool;
  readonly config: LoadedConfig;
  readonly metrics: GatewayMetrics;
  readonly access: AccessControl;
  /** Filled as the sources load (start()). */
  readonly upstreams: Upstream[];
  readonly specs: SpecSource[];
  readonly search: ToolSearch;
  readonly discovery: Discovery;
  /** The shared Redis client when `redis.url` is set. */
  readonly redis: Redis | undefined;
  readonly auth: Authenticator;
  readonly tenants: TenantGuard;
  readonly jobs: JobQueue;
  readonly #log: Logger;
  readonly #observe: Observer;
  #inFlight = 0;
  #idleWaiters: (() => void)[] = [];

  /** Takes subsystems already built and wired; createGateway(options) is how one is made. */
  constructor(parts: GatewayParts) {
    this.config = parts.config;
    this.#log = parts.log;
    this.catalog = parts.catalog;
    this.compiler = parts.compiler;
    this.#gate = parts.gate;
    this.#preflight = parts.preflight;
    this.#plugins = parts.plugins;
    this.#pluginsHooked = PluginRunner.configured(parts.config.plugins);
    this.approvals = parts.approvals;
    this.access = parts.access;
    this.metrics = parts.metrics;
    this.#observe = parts.observe;
    this.jobs = parts.jobs;
    this.auth = parts.auth;
    this.redis = parts.redis;
    this.search = parts.search;
    this.tenants = parts.tenants;
    this.discovery = parts.discovery;
    this.pool = parts.pool;
    this.upstreams = parts.upstreams;
    this.specs = parts.specs;
  }

  #sourcesLoaded: Promise<void> | undefined;

  /**
   * Loads the sources; idempotent, and part of start(). Local modules must load; each remote source (MCP
   * server, OpenAPI spec) gets `sources.startupBudgetMs`, then the service starts without it and it joins
   * the catalog when it is ready.
   */
  loadSources(): Promise<void> {
    return (this.#sourcesLoaded ??= (async () => {
      await registerLocalSources(this.catalog, this.config.sources);
      if (this.config.sources.demo) this.#log.warn({ catalogTools: this.catalog.size }, 'the demo catalog is on: made-up tools and data from demo/ are served; sources.demo=false (SCRIPTGATE_SOURCES_DEMO=false) turns it off');
      for (const source of this.config.sources.mcp) this.upstreams.push(new Upstream(source, this.#log, (tools) => this.catalog.replaceSource(source.name, tools)));
      for (const source of this.config.sources.openapi) this.specs.push(new SpecSource(source, this.#log, (tools) => this.catalog.replaceSource(source.name, tools)));
      await startWithinBudget([...this.upstreams.map((u) => ({ name: u.config.name, start: () => u.connect() })), ...this.specs.map((s) => ({ name: s.config.name, start: () => s.start() }))], this.config.sources.startupBudgetMs, this.#log);
      await this.search.start();
    })());
  }

  async start(readyTimeoutMs = 30_000): Promise<void> {
    // Executors warm up while the sources load: startup takes the longer of the two, not their sum.
    this.#plugins.start();
    await Promise.all([this.loadSources(), this.pool.start().then(() => this.pool.waitReady(readyTimeoutMs)), this.#preflight.start()]);
    if (this.config.jobs.consume) {
      this.jobs.consume(async (job, signal, progress, jobId) => {
        const envelope = await this.execute(executeRequestOf(job, { caller: job.caller, signal }, { longRunning: true, onProgress: progress, jobId }));
        // A script that paused leaves its runner: the job waits for the decision without holding a slot.
        return envelope.status === 'input_required' && envelope.approval ? this.approvals.park({ jobId, approval: envelope.approval }) : envelope;
      }, this.config.jobs.concurrency);
    }
  }

  get ready(): boolean {
    return this.pool.ready;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /** Resolves when no execution or invocation is running. */
  whenIdle(): Promise<void> {
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #enter(): void {
    this.#inFlight++;
  }

  #leave(): void {
    if (--this.#inFlight === 0) for (const wake of this.#idleWaiters.splice(0)) wake();
  }

  async execute(request: ExecuteRequest): Promise<ExecutionEnvelope> {
    const caller = request.caller ?? ANONYMOUS;
    const ref: ExecutionRef = { executionId: `exec_${randomUUID()}`, tenantId: caller.tenantId, ...(request.requestId ? { requestId: request.requestId } : {}) };
    const trace = request.trace ? new ToolTrace(performance.now(), this.config.trace.includeArguments) : undefined;
    const envelope = await this.#execute(request, caller, ref, trace);
    if (trace) envelope.trace = trace.snapshot();
    this.#observe.completed(ref, envelope);
    return envelope;
  }

  async #execute(request: ExecuteRequest, caller: Caller, ref: ExecutionRef, trace: ToolTrace | undefined): Promise<ExecutionEnvelope> {
    const startedAt = performance.now();
    const { executionId } = ref;
    const observe = this.#observe;
    const tenant = this.tenants.view(caller.tenantId);
    const { limits, capped } = capRequestLimits(request.longRunning ? tenant.jobLimits : tenant.limits, {
      ...request.limits,
      ...(request.timeoutMs !== undefined ? { timeoutMs: request.timeoutMs } : {}),
    });
    const warnings = capped;
    // In-process callers (jobs, tests) skip the request schema: a context the executor could not take is
    // refused here too, before anything is dispatched.
    if (request.context !== undefined && jsonNesting(request.context, MAX_CONTEXT_DEPTH) > MAX_CONTEXT_DEPTH) {
      return envelopeFromError(new GatewayError('BAD_REQUEST', `context nests deeper than ${MAX_CONTEXT_DEPTH} levels; flatten it`), executionId, 0, warnings);
    }
    let release: (() => void) | undefined;
    this.#enter();
    try {
      // Held until the end; expires by itself past the deadline plus the stop machinery's grace.
      release = await this.tenants.startExecution(caller.tenantId, limits.timeoutMs + this.config.executor.terminateGraceMs + this.config.executor.watchdogMs + 1_000);
      // A job that paused for an approval resumes from where it stopped.
      const resumed = request.jobId !== undefined ? await this.approvals.resumable(request.jobId, caller.tenantId) : undefined;
      const compiled = await this.#gate.compile(request.script, limits);
      this.metrics.gateCache.inc({ result: compiled.ok && compiled.script.cached ? 'hit' : 'miss' });
      ref.scriptHash = compiled.ok ? compiled.script.hash : compiled.hash;
      if (!compiled.ok) return envelopeFromViolations(compiled.violations, executionId, performance.now() - startedAt, warnings, compiled.omitted);
      if (!compiled.script.cached) {
        const t = compiled.script.timings;
        observe.stage('prescan', t.prescanMs);
        observe.stage('parse', t.parseMs);
        observe.stage('rules_transform', t.rulesAndTransformMs);
        observe.stage('generate', t.generateMs);
      }
      observe.started(ref, request.script.length);
      warnings.push(...compiled.script.warnings);
      const scoring = performance.now();
      const risk = this.assessRisk(compiled.script.facts, tenant.risk);
      observe.stage('score', performance.now() - scoring);
      if (risk.verdict === 'block') return envelopeBlocked(risk, executionId, performance.now() - startedAt, warnings);
      if (risk.verdict === 'warn') warnings.push(describeRisk(risk));
      // A resumed script passed its checks before it paused; tools changed since must not strand it now.
      const checking = this.#preflight.check(compiled.script, request.script, caller, tenant.policy, resumed ? 'off' : this.#preflight.levelFor(request.typecheck));
      const typed = checking instanceof Promise ? await checking : checking;
      observe.typecheck(typed);
      if (refuses(typed)) return envelopeFromTypeErrors(findingsOf(typed), executionId, performance.now() - startedAt, warnings);
      warnings.push(...preflightWarnings(typed));
      // Cancelled while it was being checked: the executor would not learn it (it listens from dispatch on).
      if (request.cancel?.cancelled ?? request.signal?.aborted) return envelopeFromError(new GatewayError('CANCELLED', 'the execution was cancelled before it started'), executionId, performance.now() - startedAt, warnings);
      const context = executionContext(request.context, caller);
      const sandboxLimits = {} as SandboxLimits;
      for (const key of SANDBOX_LIMIT_KEYS) sandboxLimits[key] = limits[key];
      const deadlineAt = Date.now() + limits.timeoutMs;
      let toolCalls = 0;
      // "Did you mean" costs a catalog scan: a script that invents names gets it for its first few only.
      const suggestions = { left: SUGGESTED_UNKNOWN_TOOLS_PER_RUN };
      const approvalGate = this.approvals.forRun(caller, resumed, (c) => this.access.decide(c, tenant.policy).codeCall);
      const dispatched = performance.now();
      const { outcome, paused } = await this.pool.run({
        code: compiled.script.code,
        library: compiled.script.library,
        limits: sandboxLimits,
        context,
        timeoutMs: limits.timeoutMs,
        deadlineAt,
        scriptHash: compiled.script.hash,
        ...(request.cancel ? { cancel: request.cancel } : request.signal ? { cancel: cancelHookOf(request.signal) } : {}),
        ...(request.onProgress ? { onProgress: request.onProgress } : {}),
        ...(resumed ? { resume: resumed.snapshot } : {}),
        onToolCall: (tool, args, scope, callId) => {
          const call = () => this.#toolCall(tool, args, scope, { caller, policy: tenant.policy, context, deadlineAt, ref, suggestions });
          const gated = approvalGate?.(tool, args, callId, call);
          if (gated === PAUSE_RUN) return gated;
          request.onToolCall?.(tool, ++toolCalls);
          const reply = gated ?? call();
          return trace ? trace.track(tool, args, reply) : reply;
        },
      });
      if (paused) {
        const answer = await this.approvals.pause({ caller, jobId: request.jobId, script: request.script, scriptHash: compiled.script.hash, submission: jobSubmission(request, caller), paused, previous: resumed });
        return envelopeFromPause(outcome, answer, paused.snapshot.calls.length, executionId, performance.now() - startedAt, warnings);
      }
      const ranMs = outcome.stats.runMs;
      observe.stage('run', ranMs);
      observe.stage('queue_wait', Math.max(0, performance.now() - dispatched - ranMs));
      const sanitizing = performance.now();
      const located = outcome.ok ? outcome : { ...outcome, error: inScript(outcome.error, compiled.script, request.script) };
      const envelope = envelopeFromOutcome(located, executionId, performance.now() - startedAt, warnings);
      // A run that failed carries what the type check found: the cause is often among it.
      if (envelope.error && findingsOf(typed).length > 0) envelope.error.typeDiagnostics = findingsOf(typed);
      if (risk.signals.length > 0) envelope.risk = { score: risk.score, signals: risk.signals };
      observe.stage('sanitize', performance.now() - sanitizing);
      return envelope;
    } catch (err) {
      if (err instanceof GatewayError) return envelopeFromError(err, executionId, performance.now() - startedAt, warnings);
      this.#log.error({ err, executionId }, 'execution failed unexpectedly');
      return envelopeFromError(new GatewayError('INTERNAL', 'internal error while executing the script'), executionId, performance.now() - startedAt, warnings);
    } finally {
      release?.();
      this.#leave();
    }
  }

  /**
   * The canonical name of a tool the caller may use, or a TOOL_NOT_FOUND identical to an unknown tool's,
   * so hidden tools cannot be told apart from missing ones. Suggestions come only from tools the caller
   * may use (`suggest: false` once a run has had its share).
   */
  #callable(name: string, allowed: (canonical: string) => boolean, caller: Caller, suggestions = { left: 1 }): string {
    const canonical = this.catalog.resolve(name);
    if (canonical === undefined || !allowed(canonical)) {
      const meta = metaToolNamed(name);
      if (meta) throw new GatewayError('TOOL_NOT_FOUND', `unknown tool '${name}': a script cannot call the gateway's own ${meta}; call the tools it would reach directly`, { tool: name });
      const didYouMean = suggestions.left-- > 0 ? this.discovery.suggest(name, this.discoveryTenant(caller), allowed) : [];
      const named = didYouMean.length > 0 ? `; did you mean ${didYouMean.join(', ')}?` : '';
      // A source that has not loaded yet is worth naming, to a caller who could use its tools.
      const down = allowed(name) ? unloadedSource(name, [...this.upstreams, ...this.specs]) : undefined;
      const why = down ? `; source '${down.name}' has not loaded yet (${down.lastError ?? down.state}), its tools appear when it does` : '';
      throw new GatewayError('TOOL_NOT_FOUND', `unknown tool '${name}'${why}${named} (search_tools finds tools by what they do)`, { tool: name, didYouMean });
    }
    return canonical;
  }

  /** Risk of a compiled script for this catalog and config: annotations first, then config overrides. */
  assessRisk(facts: CompiledScript['facts'], policy: { preset: RiskPresetName; warnAt: number; blockAt: number } = this.config.risk): RiskAssessment {
    return riskOf(facts, this.catalog, this.config.risk, policy);
  }

  async #toolCall(
    tool: string,
    args: unknown,
    scope: RunScope,
    base: { caller: Caller; policy: TenantToolPolicy | undefined; context: Record<string, unknown>; deadlineAt: number; ref: ExecutionRef; suggestions: { left: number } },
  ): Promise<ToolReply> {
    const { caller, policy, context, deadlineAt, ref, suggestions } = base;
    const { executionId } = ref;
    const started = performance.now();
    // The signal getter defers the AbortController and its timer to the tools that actually watch it.
    const ctx: ToolCallContext = {
      tenantId: caller.tenantId,
      ...(caller.userId !== undefined ? { userId: caller.userId } : {}),
      scopes: caller.scopes,
      context,
      deadlineAt,
      executionId,
      get signal() {
        return scope.signal;
      },
    };
    // The metric label is the canonical name once the access check passed, else one shared value:
    // scripts can invent names without end.
    let label = UNKNOWN_TOOL_LABEL;
    const reply = await replyOf(tool, this.#log, () => {
      label = this.#callable(tool, (c) => this.access.decide(c, policy).codeCall, caller, suggestions);
      return scope.race(this.catalog.call(label, args, ctx));
    });
    this.#observe.toolCall(ref, label, reply.ok ? undefined : reply.error.code, performance.now() - started);
    return reply;
  }

  /**
   * Direct invocation. Unknown tools and invalid arguments throw (they are request errors: 404/400);
   * a tool that ran and failed answers `{ status: 'tool_error' }`.
   */
  async invoke(request: InvokeRequest): Promise<InvokeResponse> {
    const policy = this.tenants.view((request.caller ?? ANONYMOUS).tenantId).policy;
    return this.#invoke(request, (c) => this.access.decide(c, policy).codeCall);
  }

  /** A raw tool called by an MCP client from its tool list: allowed when the access decision lists it. */
  async invokeListed(request: InvokeRequest): Promise<InvokeResponse> {
    const policy = this.tenants.view((request.caller ?? ANONYMOUS).tenantId).policy;
    return this.#invoke(request, (c) => this.access.decide(c, policy).listed);
  }

  async #invoke(request: InvokeRequest, allowed: (canonical: string) => boolean): Promise<InvokeResponse> {
    this.#enter();
    const started = performance.now();
    const abort = new AbortController();
    const timeoutMs = this.config.effectiveLimits.timeoutMs;
    const timer = setTimeout(() => abort.abort(new GatewayError('TOOL_TIMEOUT', `${request.name}: no answer within ${timeoutMs} ms`, { tool: request.name })), timeoutMs);
    const caller = request.caller ?? ANONYMOUS;
    let label = UNKNOWN_TOOL_LABEL;
    try {
      const ctx: ToolCallContext = {
        tenantId: caller.tenantId,
        ...(caller.userId !== undefined ? { userId: caller.userId } : {}),
        scopes: caller.scopes,
        context: request.context ?? {},
        signal: abort.signal,
        deadlineAt: Date.now() + timeoutMs,
      };
      label = this.#callable(request.name, allowed, caller);
      const verdict = this.approvals.inert ? 'allow' : this.approvals.decisionFor(label, caller.tenantId);
      if (verdict === 'block') throw new GatewayError('TOOL_BLOCKED', `${label} is blocked by the approval policy for this tenant`, { tool: label });
      if (verdict === 'approve') return await this.approvals.invokeLater(label, request, caller, (r) => this.execute(r));
      const result = await abortRace(this.catalog.call(label, request.input, ctx), abort.signal);
      this.#observe.toolCall({ tenantId: caller.tenantId }, label, undefined, performance.now() - started);
      return { status: 'ok', result };
    } catch (err) {
      if (err instanceof GatewayError) this.#observe.toolCall({ tenantId: caller.tenantId }, label, err.code, performance.now() - started);
      // A tool that ran and failed (TOOL_ERROR, TOOL_TIMEOUT, a source's credential failures) is an answer, not a request error.
      if (err instanceof GatewayError && err.status === 'tool_error' && err.httpStatus === 200) {
        return { status: 'tool_error', error: toPublicError(err) };
      }
      throw err;
    } finally {
      clearTimeout(timer);
      this.#leave();
    }
  }

  /** Applies a new plugins configuration (SIGHUP): a chain turned on, changed or off, without a restart. */
  reloadPlugins(plugins: LoadedConfig['plugins']): void {
    this.#plugins.reconfigure(plugins);
    if (!this.#pluginsHooked && PluginRunner.configured(plugins)) {
      this.catalog.useHooks(this.#plugins);
      this.#pluginsHooked = true;
    }
  }

  /** The caller's tenant as search and describe need it. */
  discoveryTenant(caller: Caller = ANONYMOUS): { id: string; policy: TenantToolPolicy | undefined } {
    return { id: caller.tenantId, policy: this.tenants.view(caller.tenantId).policy };
  }

  /** Executors warm, and Redis reachable when one is configured. */
  get redisReady(): boolean {
    return this.redis === undefined || this.redis.status === 'ready';
  }

  #closing: Promise<void> | undefined;

  /**
   * Stops everything, each step even when an earlier one failed (a stuck upstream must not leave the
   * executors running). Idempotent: a second call returns the first one's promise. Rejects, once every
   * step ran, naming the steps that failed.
   */
  close(): Promise<void> {
    return (this.#closing ??= this.#closeAll());
  }

  #closeAll(): Promise<void> {
    return runShutdownSteps(this.#log, [
      ['search', () => this.search.close()],
      ['jobs', () => this.jobs.close()],
      ['upstreams', () => Promise.all(this.upstreams.map((u) => u.close()))],
      ['specs', async () => this.specs.forEach((s) => s.close())],
      ['executors', () => this.pool.close()],
      ['gate', () => this.#gate.close()],
      ['typecheck', () => this.#preflight.close()],
      ['plugins', () => this.#plugins.close()],
      ['redis', () => this.redis?.disconnect()],
    ]);
  }
}
