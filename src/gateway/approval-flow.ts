import { randomUUID } from 'node:crypto';
import { ApprovalPolicy, pendingOf, type Approval, type ApprovalDecision, type ApprovalStore, type PausedExecution, type PendingApprovalView, type RecordedReply } from '../approvals';
import type { Caller } from '../auth';
import type { Catalog } from '../catalog';
import type { LoadedConfig } from '../config';
import { GatewayError, toPublicError } from '../errors';
import type { ExecuteRequest, InvokeRequest } from './execute-request';
import type { ExecutionEnvelope, InvokeResponse } from './response-schemas';
import { PAUSE_RUN, type RunResult, type ToolReply } from '../executor';
import { ParkJob, type JobQueue, type JobSubmission, type JobView } from '../jobs';
import type { Logger } from '../log';
import type { GatewayMetrics } from '../metrics';

export interface ApprovalFlowParts {
  config: Pick<LoadedConfig, 'approvals' | 'tenants'>;
  catalog: Catalog;
  jobs: JobQueue;
  store: ApprovalStore;
  metrics: GatewayMetrics;
  log: Logger;
}

/** What an execution that paused tells its caller: the job it became and the call waiting for a person. */
export interface PausedAnswer {
  jobId: string;
  approval: PendingApprovalView;
}

const seconds = (from: string, to: number) => Math.max(0, (to - Date.parse(from)) / 1000);

const refusal = (code: string, message: string, details: Record<string, unknown>): ToolReply => ({ ok: false, error: { code, message, details } });

/**
 * Tool calls that wait for a person. A call the policy says `approve` pauses its execution: the run
 * stops without making it (no thread is held meanwhile), and the execution is kept (script, replay log,
 * approvals) in the store under a job that waits in state input_required. A decision resumes the job on
 * whichever runner takes it: the script runs again from the start, its earlier calls answered from the
 * log, and the approved call is made once (claimed in the store, its reply recorded, so a run lost after
 * making it does not make it again). A denied or expired call answers the script with a ToolError.
 */
export class ApprovalFlow {
  readonly policy: ApprovalPolicy;
  readonly #parts: ApprovalFlowParts;

  constructor(parts: ApprovalFlowParts) {
    this.#parts = parts;
    this.policy = new ApprovalPolicy(parts.config);
  }

  /** No rule can pause or block a call: runs skip the check. */
  get inert(): boolean {
    return this.policy.inert;
  }

  get store(): ApprovalStore {
    return this.#parts.store;
  }

  /** The policy's verdict for a canonical tool name and a tenant. */
  decisionFor(tool: string, tenantId: string): 'allow' | 'approve' | 'block' {
    return this.policy.decide(tool, tenantId, this.#parts.catalog.get(tool)?.annotations?.destructiveHint === true);
  }

  /** The paused execution a job resumes, if it is one of the tenant's. */
  async resumable(jobId: string, tenantId: string): Promise<PausedExecution | undefined> {
    const paused = await this.#parts.store.load(jobId);
    return paused && paused.tenantId === tenantId ? paused : undefined;
  }

  /**
   * The gate each of a run's tool calls passes: undefined (run it as usual), a reply (refused, denied,
   * expired, or an approved call made once), or PAUSE_RUN. `allowed` is the caller's access decision: a
   * tool the caller may not see is left to the usual path, which answers it as unknown.
   */
  forRun(caller: Caller, paused: PausedExecution | undefined, allowed: (canonical: string) => boolean) {
    if (this.inert) return undefined;
    return (tool: string, args: unknown, callId: number, run: () => Promise<ToolReply>): Promise<ToolReply> | typeof PAUSE_RUN | undefined => {
      const canonical = this.#parts.catalog.resolve(tool);
      if (canonical === undefined || !allowed(canonical)) return undefined;
      const verdict = this.decisionFor(canonical, caller.tenantId);
      if (verdict === 'allow') return undefined;
      if (verdict === 'block') return Promise.resolve(refusal('TOOL_BLOCKED', `${canonical} is blocked by the approval policy for this tenant`, { tool: canonical }));
      const approval = paused?.approvals.find((a) => a.callId === callId && a.tool === canonical && JSON.stringify(a.args) === JSON.stringify(args));
      if (!paused || !approval) return PAUSE_RUN;
      if (!approval.decision && Date.parse(approval.expiresAt) > Date.now()) return PAUSE_RUN;
      return this.#decided(paused, approval, run);
    };
  }

  /** Answers a call whose approval was decided (or has just expired: recorded so, unless a decision won the race). */
  async #decided(paused: PausedExecution, approval: Approval, run: () => Promise<ToolReply>): Promise<ToolReply> {
    const { store } = this.#parts;
    const decision = approval.decision ?? (await this.#settle(paused, approval, { outcome: 'expired', at: new Date().toISOString() }));
    const details = { tool: approval.tool, approvalId: approval.approvalId };
    if (decision.outcome === 'denied') {
      const by = decision.by ? (decision.by.userId !== undefined ? ` by ${decision.by.userId}` : ` by a caller of tenant '${decision.by.tenantId}'`) : '';
      const data = { approvalId: approval.approvalId, ...(decision.reason ? { reason: decision.reason } : {}) };
      // `data` is what the script's ToolError carries.
      return refusal('APPROVAL_DENIED', `${approval.tool}: the call was denied${by}${decision.reason ? `: ${decision.reason}` : ''}`, { ...details, data });
    }
    if (decision.outcome === 'expired') return refusal('APPROVAL_EXPIRED', `${approval.tool}: nobody decided on the call before ${approval.expiresAt}`, { ...details, data: { approvalId: approval.approvalId } });
    // Approved: made by the one run that claims it; any other (a replay after a lost run) gets its reply.
    if (await store.claim(paused.jobId, approval.approvalId)) {
      const reply = await run();
      await store.recordReply(paused.jobId, approval.approvalId, reply as RecordedReply);
      return reply;
    }
    const recorded = await store.reply(paused.jobId, approval.approvalId);
    if (recorded) return recorded as ToolReply;
    return refusal('TOOL_ERROR', `${approval.tool}: the approved call was started by a run that was lost before it answered; it is not made twice, and whether it took effect is unknown`, details);
  }

  /** Records a decision unless one exists; the one that holds is returned, counted and audited once. */
  async #settle(paused: PausedExecution, approval: Approval, decision: ApprovalDecision): Promise<ApprovalDecision> {
    const held = await this.#parts.store.decide(paused.jobId, approval.approvalId, decision);
    if (held === decision) {
      const { metrics, log } = this.#parts;
      metrics.approvalsDecided.inc({ tool: approval.tool, outcome: held.outcome });
      metrics.approvalDecisionSeconds.observe({ outcome: held.outcome }, seconds(approval.requestedAt, Date.parse(held.at)));
      log.info({ audit: 'approval.decided', jobId: paused.jobId, tenantId: paused.tenantId, approvalId: approval.approvalId, tool: approval.tool, outcome: held.outcome, ...(held.by ? { by: held.by } : {}), ...(held.reason ? { reason: held.reason } : {}) }, 'approval.decided');
    }
    return held;
  }

  /**
   * Keeps a run that paused and parks its job: the job the run was (a job's own run), or a new one (an
   * execute or invoke that paused). `previous` is the execution it resumed, whose approvals it carries on.
   */
  async pause(input: {
    caller: Caller;
    jobId: string | undefined;
    script: string;
    scriptHash: string;
    submission: JobSubmission;
    paused: NonNullable<RunResult['paused']>;
    previous: PausedExecution | undefined;
  }): Promise<PausedAnswer> {
    const { catalog, config, store, jobs, metrics, log } = this.#parts;
    const { caller, paused, previous } = input;
    const tool = catalog.resolve(paused.tool) ?? paused.tool;
    const now = Date.now();
    const approval: Approval = {
      approvalId: `apr_${randomUUID()}`,
      tool,
      args: paused.args,
      callId: paused.callId,
      requestedAt: new Date(now).toISOString(),
      expiresAt: new Date(now + config.approvals.ttlSeconds * 1000).toISOString(),
    };
    // A job resumed without a decision (its pending approval is the same call) keeps waiting on it.
    const kept = previous?.approvals.filter((a) => a.decision || a.callId !== paused.callId) ?? [];
    const waiting = previous?.approvals.find((a) => !a.decision && a.callId === paused.callId && a.tool === tool);
    const jobId = input.jobId ?? `job_${randomUUID()}`;
    const record: PausedExecution = { jobId, tenantId: caller.tenantId, script: input.script, scriptHash: input.scriptHash, snapshot: paused.snapshot, approvals: [...kept, waiting ?? approval] };
    await store.save(record);
    const pending = pendingOf(record) as PendingApprovalView;
    if (input.jobId === undefined) await jobs.submit(input.submission, { jobId, until: Date.parse(pending.expiresAt) });
    if (!waiting) {
      metrics.approvalsRequested.inc({ tool });
      log.info({ audit: 'approval.requested', jobId, tenantId: caller.tenantId, approvalId: pending.approvalId, tool, scriptHash: input.scriptHash, expiresAt: pending.expiresAt }, 'approval.requested');
    }
    return { jobId, approval: pending };
  }

  /** What a job's runner returns for a run that paused: the job waits until a decision or the expiry. */
  park(answer: PausedAnswer): ParkJob {
    return new ParkJob(Date.parse(answer.approval.expiresAt), async () => {
      const paused = await this.#parts.store.load(answer.jobId);
      return paused?.approvals.find((a) => a.approvalId === answer.approval.approvalId)?.decision === undefined;
    });
  }

  /** A person's decision on a pending approval of one of the caller's tenant's jobs; the job resumes. */
  /** Whether the caller may decide approvals: any caller of the tenant, or with approvals.approverScope set, one holding it. */
  mayDecide(caller: Caller): boolean {
    const scope = this.#parts.config.approvals.approverScope;
    return scope === '' || caller.scopes.includes(scope);
  }

  async decide(caller: Caller, jobId: string, approvalId: string, decision: 'approve' | 'deny', reason: string | undefined): Promise<void> {
    if (!this.mayDecide(caller)) throw new GatewayError('NOT_APPROVER', `deciding approvals needs the '${this.#parts.config.approvals.approverScope}' scope`);
    const paused = await this.resumable(jobId, caller.tenantId);
    const approval = paused?.approvals.find((a) => a.approvalId === approvalId);
    if (!paused || !approval) throw new GatewayError('APPROVAL_NOT_FOUND', `job ${jobId} has no approval ${approvalId}`);
    if (approval.decision) throw new GatewayError('APPROVAL_DECIDED', `approval ${approvalId} was already ${approval.decision.outcome} at ${approval.decision.at}`, { outcome: approval.decision.outcome });
    if (Date.parse(approval.expiresAt) <= Date.now()) {
      await this.#settle(paused, approval, { outcome: 'expired', at: new Date().toISOString() });
      await this.#parts.jobs.resume(jobId);
      throw new GatewayError('APPROVAL_DECIDED', `approval ${approvalId} expired at ${approval.expiresAt}`, { outcome: 'expired' });
    }
    const wanted: ApprovalDecision = {
      outcome: decision === 'approve' ? 'approved' : 'denied',
      at: new Date().toISOString(),
      by: { tenantId: caller.tenantId, ...(caller.userId !== undefined ? { userId: caller.userId } : {}) },
      ...(reason ? { reason } : {}),
    };
    const held = await this.#settle(paused, approval, wanted);
    if (held !== wanted) throw new GatewayError('APPROVAL_DECIDED', `approval ${approvalId} was already ${held.outcome} at ${held.at}`, { outcome: held.outcome });
    await this.#parts.jobs.resume(jobId);
  }

  /** The tenant's calls waiting for a decision (the approver's list), soonest to expire first. */
  async pendingFor(tenantId: string, limit = 100): Promise<PausedAnswer[]> {
    const { store } = this.#parts;
    const out: PausedAnswer[] = [];
    for (const jobId of await store.pending(tenantId, limit)) {
      const paused = await store.load(jobId);
      const approval = paused && paused.tenantId === tenantId ? pendingOf(paused) : undefined;
      if (approval) out.push({ jobId, approval });
    }
    return out;
  }

  /**
   * A direct call (invoke, an MCP raw tool) of a tool that needs approval becomes a job like a script's
   * call: a one-call script that pauses at once, and makes the call when a person approves it.
   */
  async invokeLater(tool: string, request: InvokeRequest, caller: Caller, execute: (request: ExecuteRequest) => Promise<ExecutionEnvelope>): Promise<InvokeResponse> {
    // Nobody is asked to approve a call that could not run: invalid arguments are the caller's 400 now.
    const invalid = this.#parts.catalog.invalid(tool, request.input ?? {});
    if (invalid) throw invalid;
    const script = `return await callTool(${JSON.stringify(tool)}, ${JSON.stringify(request.input ?? {})});`;
    const envelope = await execute({ script, caller, typecheck: 'off', ...(request.context ? { context: request.context } : {}) });
    if (envelope.status === 'input_required' && envelope.jobId !== undefined && envelope.approval) return { status: 'input_required', jobId: envelope.jobId, approval: envelope.approval };
    return { status: 'tool_error', error: envelope.error ?? toPublicError(new GatewayError('INTERNAL', `${tool} needs approval and the call could not be kept for it`)) };
  }

  /** A job view with its approvals: the pending one while it waits, every one with its decision. */
  async withApprovals(view: JobView): Promise<JobView> {
    if (this.inert && view.state !== 'input_required') return view;
    const paused = await this.#parts.store.load(view.jobId).catch(() => undefined);
    if (!paused) return view;
    const pending = view.state === 'input_required' ? pendingOf(paused) : undefined;
    return { ...view, ...(pending ? { approval: pending } : {}), approvals: paused.approvals };
  }
}
