import type { Caller, CredentialHeaders } from '../auth';
import type { CancelHook } from '../executor';
import type { ToolDefinition } from '../catalog';
import { TERMINAL, type JobView } from '../jobs';
import type { SearchResponse } from '../search';
import type { ExecuteRequest, Gateway } from './gateway';
import type { DescribeResponse, ExecutionEnvelope, InvokeResponse } from './response-schemas';
import { jobSubmission, rejectJobFields, type DecideApprovalBodyValue, type DescribeBodyValue, type ExecuteBodyValue, type InvokeBodyValue, type SearchBodyValue } from './request-schemas';
import { GatewayError } from '../errors';

/**
 * What the transports (REST, MCP over HTTP and stdio) are given instead of the Gateway: the requests they
 * serve, each taking a validated body and the request's meta, and the few settings they read. A transport
 * parses its own wire format and maps errors to it; everything between is here, once, so the transports
 * cannot drift apart (one execute mapping, one cancellation path, one request id).
 */

/** Who sent a request, and what travels with it on every transport. */
export interface RequestMeta {
  caller: Caller;
  /** Correlates audit records with the transport's request (X-Request-Id). */
  requestId?: string;
  /** Aborted when the client cancels: a running script is stopped. */
  signal?: AbortSignal;
  /** The same from a cheaper source (the HTTP response closing early). */
  cancel?: CancelHook;
}

/** The fields of an execution however it arrived: a request body, or a job taken from the queue. */
export type ExecutionFields = Pick<ExecuteBodyValue, 'script' | 'context' | 'timeoutMs' | 'limits' | 'trace' | 'typecheck'>;

/** The one mapping from an execution's fields to the gateway's request (REST, MCP and the job runner). */
export function executeRequestOf(fields: ExecutionFields, meta: RequestMeta, extra: Omit<Partial<ExecuteRequest>, keyof ExecutionFields | keyof RequestMeta> = {}): ExecuteRequest {
  return {
    script: fields.script,
    caller: meta.caller,
    ...(meta.requestId !== undefined ? { requestId: meta.requestId } : {}),
    ...(meta.signal ? { signal: meta.signal } : {}),
    ...(meta.cancel ? { cancel: meta.cancel } : {}),
    ...(fields.context ? { context: fields.context } : {}),
    ...(fields.timeoutMs !== undefined ? { timeoutMs: fields.timeoutMs } : {}),
    ...(fields.limits ? { limits: fields.limits } : {}),
    ...(fields.trace === true ? { trace: true } : {}),
    ...(fields.typecheck !== undefined ? { typecheck: fields.typecheck } : {}),
    ...extra,
  };
}

/** An execute answers with its envelope, or, sent with `async: true`, with the job it queued. */
export type ExecuteAnswer = { queued: JobView } | { envelope: ExecutionEnvelope };

/** Capacity codes: the execution never started, which REST answers with 429/503 and Retry-After. */
export const CAPACITY_CODES: ReadonlySet<string> = new Set(['SATURATED', 'NOT_READY', 'SHUTTING_DOWN', 'TOO_MANY_EXECUTIONS']);

/** Settings a transport reads; nothing else of the configuration reaches it. */
export interface ApiSettings {
  /** Host and Origin values accepted besides loopback ones (DNS-rebinding protection, see src/http/host-guard.ts). */
  readonly allowedHosts: readonly string[];
  readonly allowedOrigins: readonly string[];
  /** codecall_only lists and serves no raw tools over MCP. */
  readonly rawToolsListed: boolean;
  readonly jobMaxWaitMs: number;
  readonly jobRetentionMs: number;
  readonly playground: boolean;
  /** The effective limits, which the meta-tools' descriptions quote. */
  readonly limits: Gateway['config']['effectiveLimits'];
  /** gate.typecheck, which execute_script's description states. */
  readonly typecheck: Gateway['config']['gate']['typecheck'];
}

export class GatewayApi {
  readonly settings: ApiSettings;
  readonly #g: Gateway;

  constructor(gateway: Gateway) {
    this.#g = gateway;
    const { config } = gateway;
    this.settings = Object.freeze({
      allowedHosts: config.server.allowedHosts,
      allowedOrigins: config.server.allowedOrigins,
      rawToolsListed: config.access.mode !== 'codecall_only',
      jobMaxWaitMs: config.jobs.maxWaitMs,
      jobRetentionMs: config.jobs.retentionSeconds * 1000,
      playground: config.playground.enabled,
      limits: config.effectiveLimits,
      typecheck: config.gate.typecheck,
    });
  }

  // Identity and admission.

  get authEnabled(): boolean {
    return this.#g.auth.enabled;
  }

  get jwtEnabled(): boolean {
    return this.#g.auth.jwtEnabled;
  }

  authenticate(credentials: CredentialHeaders): Promise<Caller> {
    return this.#g.auth.authenticate(credentials);
  }

  protectedResourceMetadata(origin: string): Record<string, unknown> {
    return this.#g.auth.protectedResourceMetadata(origin);
  }

  /** Charges `messages` requests to the caller's tenant (rate limit); throws RATE_LIMITED past it. */
  admit(caller: Caller, messages = 1): Promise<void> {
    return this.#g.tenants.admit(caller.tenantId, messages);
  }

  // Requests.

  async execute(body: ExecuteBodyValue, meta: RequestMeta & { idempotencyKey?: string; onToolCall?: (tool: string, count: number) => void }): Promise<ExecuteAnswer> {
    if (body.async === true) return { queued: await this.submitJob(body, meta.caller, meta.idempotencyKey ?? body.idempotencyKey) };
    rejectJobFields(body);
    return { envelope: await this.#g.execute(executeRequestOf(body, meta, meta.onToolCall ? { onToolCall: meta.onToolCall } : {})) };
  }

  /** `listed`: an MCP client calling a raw tool from its list, allowed only when the tool is listed for it. */
  invoke(body: InvokeBodyValue, meta: RequestMeta, listed = false): Promise<InvokeResponse> {
    const request = { name: body.name, input: body.input ?? {}, caller: meta.caller };
    return listed ? this.#g.invokeListed(request) : this.#g.invoke(request);
  }

  search(body: SearchBodyValue, meta: RequestMeta): Promise<SearchResponse> {
    return this.#g.discovery.search({
      tenant: this.#g.discoveryTenant(meta.caller),
      queries: body.queries ?? [body.query as string],
      ...(body.topK !== undefined ? { topK: body.topK } : {}),
      ...(body.minScore !== undefined ? { minScore: body.minScore } : {}),
    });
  }

  describe(body: DescribeBodyValue, meta: RequestMeta): Promise<DescribeResponse> {
    return this.#g.discovery.describe(body.names, this.#g.discoveryTenant(meta.caller), body.format);
  }

  // Jobs, always within the caller's tenant: another tenant's job id is "not found".

  submitJob(body: ExecuteBodyValue, caller: Caller, idempotencyKey?: string): Promise<JobView> {
    return this.#g.jobs.submit(jobSubmission(body, caller, idempotencyKey ?? body.idempotencyKey));
  }

  job(caller: Caller, jobId: string): Promise<JobView | undefined> {
    return this.#withApprovals(this.#g.jobs.get(caller.tenantId, jobId));
  }

  /** Waits up to `waitMs` (capped at jobs.maxWaitMs) for the job to end or to wait for a person. */
  waitJob(caller: Caller, jobId: string, waitMs: number): Promise<JobView | undefined> {
    return this.#withApprovals(this.#g.jobs.wait(caller.tenantId, jobId, Math.min(waitMs, this.settings.jobMaxWaitMs)));
  }

  cancelJob(caller: Caller, jobId: string): Promise<JobView | undefined> {
    return this.#withApprovals(this.#g.jobs.cancel(caller.tenantId, jobId));
  }

  async #withApprovals(reading: Promise<JobView | undefined>): Promise<JobView | undefined> {
    const view = await reading;
    return view && this.#g.approvals.withApprovals(view);
  }

  /** Whether the caller may decide approvals (approvals.approverScope): MCP asks only a client whose caller may. */
  mayDecide(caller: Caller): boolean {
    return this.#g.approvals.mayDecide(caller);
  }

  /** Calls of the caller's tenant waiting for a person, soonest to expire first, whose jobs still wait. */
  async pendingApprovals(caller: Caller): Promise<{ approvals: { jobId: string; approval: NonNullable<JobView['approval']> }[] }> {
    const listed = await this.#g.approvals.pendingFor(caller.tenantId);
    const waiting = await Promise.all(listed.map(async (p) => ((await this.#g.jobs.get(caller.tenantId, p.jobId))?.state === 'input_required' ? p : undefined)));
    return { approvals: waiting.filter((p) => p !== undefined) };
  }

  /**
   * A person's decision on the call a job waits on; the job resumes on whichever runner takes it. Needs
   * the same tenant, and the approvals.approverScope scope when one is set.
   */
  async decideApproval(caller: Caller, jobId: string, approvalId: string, body: DecideApprovalBodyValue): Promise<JobView> {
    const job = await this.#g.jobs.get(caller.tenantId, jobId);
    if (!job) throw new GatewayError('JOB_NOT_FOUND', `no job '${jobId}'`);
    if (TERMINAL.has(job.state)) throw new GatewayError('APPROVAL_DECIDED', `job ${jobId} has ended (${job.state}); its approvals can no longer be decided`, { state: job.state });
    await this.#g.approvals.decide(caller, jobId, approvalId, body.decision, body.reason);
    const view = await this.job(caller, jobId);
    if (!view) throw new GatewayError('JOB_NOT_FOUND', `no job '${jobId}'`);
    return view;
  }

  // Raw tools, for MCP's opt-in listing.

  /** Tools the caller's tenant sees listed, each with the alias MCP names it by. */
  listedTools(caller: Caller): { alias: string; tool: ToolDefinition }[] {
    if (!this.settings.rawToolsListed) return [];
    const { catalog, access } = this.#g;
    const policy = this.#g.tenants.view(caller.tenantId).policy;
    const listed: { alias: string; tool: ToolDefinition }[] = [];
    for (const tool of catalog.list()) {
      if (!access.decide(tool.name, policy).listed) continue;
      const alias = catalog.aliasOf(tool.name);
      if (alias) listed.push({ alias, tool });
    }
    return listed;
  }

  /** The canonical name behind a listed tool's alias, or undefined when raw tools are not served. */
  canonicalTool(name: string): string | undefined {
    return this.settings.rawToolsListed ? this.#g.catalog.resolve(name) : undefined;
  }

  /** Called when the catalog changes in a way that may change the listed tools. */
  onToolListChange(listener: () => void): void {
    this.#g.search.onSwap((_version, _previous, catalogChanged) => {
      // The catalog's embeddings arriving changes the ranking, not the tool list.
      if (catalogChanged) listener();
    });
  }

  // Operations.

  /**
   * What /ready answers; `draining` is the server's own state. Ready means the pod can serve: warm
   * executors and not draining. Redis and remote sources degrade what is served, not readiness: without
   * Redis, scripts, search and invoke go on (caches compute, rate limits count per instance) and only
   * async jobs wait for it; a source that is down has its tools fail clearly (or missing) until it is back.
   * Taking every pod out of the Service for a Redis blip would turn a degradation into an outage.
   */
  readiness(draining: boolean): { ready: boolean; body: Record<string, unknown> } {
    const g = this.#g;
    const stats = g.pool.stats();
    const ready = g.ready && !draining;
    const degraded = !g.redisReady;
    return {
      ready,
      body: {
        status: ready ? (degraded ? 'degraded' : 'ready') : draining ? 'draining' : 'starting',
        executors: { total: stats.executors, ready: stats.ready, restarts: stats.restarts, threads: stats.threads },
        tools: g.catalog.size,
        search: g.search.status(),
        ...(g.redis ? { redis: { status: g.redis.status, ...(degraded ? { effect: REDIS_DOWN_EFFECT } : {}) } } : {}),
        upstreams: [...g.upstreams, ...g.specs].map((u) => u.health()),
      },
    };
  }

  async metrics(): Promise<{ contentType: string; text: string }> {
    const { registry } = this.#g.metrics;
    return { contentType: registry.contentType, text: await registry.metrics() };
  }

  close(): Promise<void> {
    return this.#g.close();
  }
}

/** What a pod without Redis still does, as /ready says it. */
const REDIS_DOWN_EFFECT = 'scripts, search, describe and invoke are served; caches compute, rate limits count per instance; async jobs cannot be queued or read until Redis is back';

const apis = new WeakMap<Gateway, GatewayApi>();

/** The API over a gateway, one per gateway. */
export function apiOf(gateway: Gateway): GatewayApi {
  let api = apis.get(gateway);
  if (!api) apis.set(gateway, (api = new GatewayApi(gateway)));
  return api;
}
