import type { ReplaySnapshot } from '../executor';

export type ApprovalOutcome = 'approved' | 'denied' | 'expired';

/** How an approval was decided, and by whom (the deciding caller's tenant and user, when known). */
export interface ApprovalDecision {
  outcome: ApprovalOutcome;
  at: string;
  by?: { tenantId: string; userId?: string };
  reason?: string;
}

/** One call that waited for a person. `callId` is its place among the script's calls (from 1). */
export interface Approval {
  approvalId: string;
  tool: string;
  args: unknown;
  callId: number;
  requestedAt: string;
  expiresAt: string;
  decision?: ApprovalDecision;
}

/**
 * An execution stopped at a call that waits for a person: everything needed to resume it on any
 * process, later. Kept in Redis (or memory on the embedded default) under its job's id.
 */
export interface PausedExecution {
  jobId: string;
  tenantId: string;
  script: string;
  scriptHash: string;
  snapshot: ReplaySnapshot;
  /** Every approval the execution asked for, in order; the last is the one it waits on. */
  approvals: Approval[];
}

/** The pending approval as a client reads it (GET /v1/jobs/:id, the playground, an execute that paused). */
export interface PendingApprovalView {
  approvalId: string;
  tool: string;
  args: unknown;
  script: string;
  scriptHash: string;
  requestedAt: string;
  expiresAt: string;
}

export function pendingOf(paused: PausedExecution): PendingApprovalView | undefined {
  const last = paused.approvals[paused.approvals.length - 1];
  if (!last || last.decision) return undefined;
  return { approvalId: last.approvalId, tool: last.tool, args: last.args, script: paused.script, scriptHash: paused.scriptHash, requestedAt: last.requestedAt, expiresAt: last.expiresAt };
}

/** A recorded reply of an approved call (the tool's answer, as the script got it). */
export type RecordedReply = { ok: true; value: unknown } | { ok: false; error: { code: string; message: string; details?: Record<string, unknown> } };

/**
 * Where paused executions live. `decide` is first-writer-wins, so two approvers (or an approver and the
 * expiry) racing on one approval agree on one outcome; `claim` lets exactly one run make an approved call.
 */
export interface ApprovalStore {
  readonly kind: 'memory' | 'redis';
  save(paused: PausedExecution): Promise<void>;
  /** The execution with every decision made so far merged in. */
  load(jobId: string): Promise<PausedExecution | undefined>;
  /** Records the decision unless one exists; returns the decision that holds. */
  decide(jobId: string, approvalId: string, decision: ApprovalDecision): Promise<ApprovalDecision>;
  /** True for the first caller only: that run makes the approved call. */
  claim(jobId: string, approvalId: string): Promise<boolean>;
  recordReply(jobId: string, approvalId: string, reply: RecordedReply): Promise<void>;
  reply(jobId: string, approvalId: string): Promise<RecordedReply | undefined>;
  /** Jobs of the tenant waiting on an undecided approval, soonest to expire first (at most `limit`). */
  pending(tenantId: string, limit: number): Promise<string[]>;
  close(): Promise<void>;
}
