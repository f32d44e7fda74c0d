import type { Redis } from '../redis';
import { GatewayError } from '../errors';
import type { ApprovalDecision, ApprovalStore, PausedExecution, RecordedReply } from './types';

/**
 * Paused executions in Redis, readable by every pod: the execution (script, replay log, approvals) as one
 * JSON value, and beside it three hashes written field by field, each with HSETNX where only the first
 * writer may win: decisions, claims of approved calls, and the replies those calls got. Every key expires
 * `keepMs` after the execution's last save.
 */
export class RedisApprovalStore implements ApprovalStore {
  readonly kind = 'redis' as const;

  constructor(
    readonly redis: Redis,
    readonly keyPrefix: string,
    readonly keepMs: number,
  ) {}

  #key(jobId: string, part = ''): string {
    return `${this.keyPrefix}approvals:${jobId}${part}`;
  }

  async #do<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      throw new GatewayError('QUEUE_UNAVAILABLE', `the approvals' Redis failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** The tenant's jobs waiting on an undecided approval, scored by when it expires. */
  #pendingKey(tenantId: string): string {
    return `${this.keyPrefix}approvals:pending:${tenantId}`;
  }

  save(paused: PausedExecution): Promise<void> {
    return this.#do(async () => {
      const ms = this.keepMs;
      const last = paused.approvals[paused.approvals.length - 1];
      const index = this.#pendingKey(paused.tenantId);
      const tx = this.redis.multi();
      if (last && !last.decision) tx.zadd(index, Date.parse(last.expiresAt), paused.jobId).pexpire(index, ms);
      else tx.zrem(index, paused.jobId);
      await tx
        .set(this.#key(paused.jobId), JSON.stringify(paused), 'PX', ms)
        .pexpire(this.#key(paused.jobId, ':decisions'), ms)
        .pexpire(this.#key(paused.jobId, ':claims'), ms)
        .pexpire(this.#key(paused.jobId, ':replies'), ms)
        .exec();
    });
  }

  load(jobId: string): Promise<PausedExecution | undefined> {
    return this.#do(async () => {
      const [raw, decisions] = await Promise.all([this.redis.get(this.#key(jobId)), this.redis.hgetall(this.#key(jobId, ':decisions'))]);
      if (raw === null) return undefined;
      const paused = JSON.parse(raw) as PausedExecution;
      for (const approval of paused.approvals) {
        const decided = decisions[approval.approvalId];
        if (decided !== undefined) approval.decision = JSON.parse(decided) as ApprovalDecision;
      }
      return paused;
    });
  }

  decide(jobId: string, approvalId: string, decision: ApprovalDecision): Promise<ApprovalDecision> {
    return this.#do(async () => {
      const key = this.#key(jobId, ':decisions');
      const [[, set], [, held]] = (await this.redis.multi().hsetnx(key, approvalId, JSON.stringify(decision)).hget(key, approvalId).pexpire(key, this.keepMs).exec()) as [[unknown, number], [unknown, string | null]];
      if (set !== 1 && held !== null) return JSON.parse(held) as ApprovalDecision;
      // Decided: off the tenant's pending list (the record names the tenant).
      const raw = await this.redis.get(this.#key(jobId));
      if (raw !== null) await this.redis.zrem(this.#pendingKey((JSON.parse(raw) as PausedExecution).tenantId), jobId);
      return decision;
    });
  }

  claim(jobId: string, approvalId: string): Promise<boolean> {
    return this.#do(async () => {
      const key = this.#key(jobId, ':claims');
      const [[, set]] = (await this.redis.multi().hsetnx(key, approvalId, String(Date.now())).pexpire(key, this.keepMs).exec()) as [[unknown, number]];
      return set === 1;
    });
  }

  recordReply(jobId: string, approvalId: string, reply: RecordedReply): Promise<void> {
    return this.#do(async () => {
      const key = this.#key(jobId, ':replies');
      await this.redis.multi().hset(key, approvalId, JSON.stringify(reply)).pexpire(key, this.keepMs).exec();
    });
  }

  reply(jobId: string, approvalId: string): Promise<RecordedReply | undefined> {
    return this.#do(async () => {
      const raw = await this.redis.hget(this.#key(jobId, ':replies'), approvalId);
      return raw === null ? undefined : (JSON.parse(raw) as RecordedReply);
    });
  }

  pending(tenantId: string, limit: number): Promise<string[]> {
    return this.#do(() => this.redis.zrange(this.#pendingKey(tenantId), '0', String(limit - 1)));
  }

  async close(): Promise<void> {
    // The client is the gateway's shared one; it closes it.
  }
}
