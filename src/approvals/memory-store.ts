import type { ApprovalDecision, ApprovalStore, PausedExecution, RecordedReply } from './types';

interface Entry {
  paused: PausedExecution;
  decisions: Map<string, ApprovalDecision>;
  claims: Set<string>;
  replies: Map<string, RecordedReply>;
  expiry: NodeJS.Timeout;
}

/** The embedded default's store: the same contract within one process; nothing survives a restart. */
export class MemoryApprovalStore implements ApprovalStore {
  readonly kind = 'memory' as const;
  readonly #entries = new Map<string, Entry>();
  /** Undecided approvals' jobs per tenant, with when each expires. */
  readonly #pending = new Map<string, Map<string, number>>();

  /** `keepMs`: how long an execution is kept after its last save (its approval's TTL plus job retention). */
  constructor(readonly keepMs: number) {}

  async save(paused: PausedExecution): Promise<void> {
    const entry = this.#entries.get(paused.jobId);
    if (entry) clearTimeout(entry.expiry);
    const expiry = setTimeout(() => {
      this.#entries.delete(paused.jobId);
      this.#pending.get(paused.tenantId)?.delete(paused.jobId);
    }, this.keepMs);
    expiry.unref();
    this.#entries.set(paused.jobId, {
      paused: structuredClone(paused),
      decisions: entry?.decisions ?? new Map(),
      claims: entry?.claims ?? new Set(),
      replies: entry?.replies ?? new Map(),
      expiry,
    });
    const last = paused.approvals[paused.approvals.length - 1];
    const pending = this.#pending.get(paused.tenantId) ?? new Map<string, number>();
    this.#pending.set(paused.tenantId, pending);
    if (last && !last.decision) pending.set(paused.jobId, Date.parse(last.expiresAt));
    else pending.delete(paused.jobId);
  }

  async pending(tenantId: string, limit: number): Promise<string[]> {
    return [...(this.#pending.get(tenantId) ?? new Map<string, number>())].sort((a, b) => a[1] - b[1]).slice(0, limit).map(([jobId]) => jobId);
  }

  async load(jobId: string): Promise<PausedExecution | undefined> {
    const entry = this.#entries.get(jobId);
    if (!entry) return undefined;
    const paused = structuredClone(entry.paused);
    for (const approval of paused.approvals) {
      const decision = entry.decisions.get(approval.approvalId);
      if (decision) approval.decision = { ...decision };
    }
    return paused;
  }

  async decide(jobId: string, approvalId: string, decision: ApprovalDecision): Promise<ApprovalDecision> {
    const entry = this.#entries.get(jobId);
    if (!entry) return decision;
    const held = entry.decisions.get(approvalId);
    if (held) return { ...held };
    entry.decisions.set(approvalId, { ...decision });
    this.#pending.get(entry.paused.tenantId)?.delete(jobId);
    return decision;
  }

  async claim(jobId: string, approvalId: string): Promise<boolean> {
    const entry = this.#entries.get(jobId);
    if (!entry || entry.claims.has(approvalId)) return false;
    entry.claims.add(approvalId);
    return true;
  }

  async recordReply(jobId: string, approvalId: string, reply: RecordedReply): Promise<void> {
    this.#entries.get(jobId)?.replies.set(approvalId, structuredClone(reply));
  }

  async reply(jobId: string, approvalId: string): Promise<RecordedReply | undefined> {
    const reply = this.#entries.get(jobId)?.replies.get(approvalId);
    return reply === undefined ? undefined : structuredClone(reply);
  }

  async close(): Promise<void> {
    for (const entry of this.#entries.values()) clearTimeout(entry.expiry);
    this.#entries.clear();
    this.#pending.clear();
  }
}
