import { randomUUID } from 'node:crypto';
import { GatewayError, toPublicError } from '../errors';
import { ParkJob, SETTLED, type JobQueue, type JobRunner, type JobSubmission, type JobView, type ParkedSubmission } from './types';

interface Entry {
  view: JobView;
  job: JobSubmission;
  tenantId: string;
  abort?: AbortController;
  waiters: (() => void)[];
  expiry?: NodeJS.Timeout;
  /** While parked: runs the job again when its approval's time is up. */
  parkTimer?: NodeJS.Timeout;
}

/**
 * The embedded queue: same behaviour as the Redis one within one process, and nothing survives a
 * restart (docs/api.md says so). Finished jobs are kept for `retentionMs`, then forgotten.
 */
export class MemoryJobQueue implements JobQueue {
  readonly kind = 'memory' as const;
  readonly #entries = new Map<string, Entry>();
  readonly #byKey = new Map<string, string>();
  readonly #pending: string[] = [];
  readonly #retentionMs: number;
  #runner: JobRunner | undefined;
  #concurrency = 0;
  #running = 0;
  #closed = false;

  constructor(retentionMs: number) {
    this.#retentionMs = retentionMs;
  }

  async submit(job: JobSubmission, parked?: ParkedSubmission): Promise<JobView> {
    const tenantId = job.caller.tenantId;
    const key = job.idempotencyKey !== undefined ? `${tenantId}\0${job.idempotencyKey}` : undefined;
    const existing = key !== undefined ? this.#entries.get(this.#byKey.get(key) ?? '') : undefined;
    if (existing) return { ...existing.view };
    const jobId = parked?.jobId ?? `job_${randomUUID()}`;
    const entry: Entry = { view: { jobId, state: 'queued', createdAt: new Date().toISOString() }, job, tenantId, waiters: [] };
    this.#entries.set(jobId, entry);
    if (key !== undefined) this.#byKey.set(key, jobId);
    if (parked) this.#park(entry, parked.until);
    else {
      this.#pending.push(jobId);
      this.#pump();
    }
    return { ...entry.view };
  }

  #park(entry: Entry, until: number): void {
    entry.view.state = 'input_required';
    clearTimeout(entry.parkTimer);
    entry.parkTimer = setTimeout(() => void this.resume(entry.view.jobId), Math.max(0, until - Date.now()));
    entry.parkTimer.unref();
    for (const wake of entry.waiters.splice(0)) wake();
  }

  async resume(jobId: string): Promise<boolean> {
    const entry = this.#entries.get(jobId);
    if (!entry || entry.view.state !== 'input_required') return false;
    clearTimeout(entry.parkTimer);
    entry.view.state = 'queued';
    this.#pending.push(jobId);
    this.#pump();
    return true;
  }

  #entry(tenantId: string, jobId: string): Entry | undefined {
    const entry = this.#entries.get(jobId);
    return entry && entry.tenantId === tenantId ? entry : undefined;
  }

  async get(tenantId: string, jobId: string): Promise<JobView | undefined> {
    const entry = this.#entry(tenantId, jobId);
    return entry ? { ...entry.view } : undefined;
  }

  async wait(tenantId: string, jobId: string, waitMs: number): Promise<JobView | undefined> {
    const entry = this.#entry(tenantId, jobId);
    if (!entry) return undefined;
    if (!SETTLED.has(entry.view.state) && waitMs > 0) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          const i = entry.waiters.indexOf(done);
          if (i >= 0) entry.waiters.splice(i, 1);
          resolve();
        };
        const timer = setTimeout(done, waitMs);
        entry.waiters.push(done);
      });
    }
    return { ...entry.view };
  }

  async cancel(tenantId: string, jobId: string): Promise<JobView | undefined> {
    const entry = this.#entry(tenantId, jobId);
    if (!entry) return undefined;
    if (entry.view.state === 'queued' || entry.view.state === 'input_required') {
      clearTimeout(entry.parkTimer);
      const i = this.#pending.indexOf(jobId);
      if (i >= 0) this.#pending.splice(i, 1);
      this.#finish(entry, { state: 'cancelled', error: toPublicError(new GatewayError('CANCELLED', 'the job was cancelled before it started')) });
    } else if (entry.view.state === 'running') {
      // The execution ends through its deadline machinery and comes back as a CANCELLED envelope.
      entry.abort?.abort();
    }
    return { ...entry.view };
  }

  async counts(): Promise<{ queued: number; running: number }> {
    return { queued: this.#pending.length, running: this.#running };
  }

  consume(runner: JobRunner, concurrency: number): void {
    this.#runner = runner;
    this.#concurrency = concurrency;
    this.#pump();
  }

  #pump(): void {
    const runner = this.#runner;
    while (runner && !this.#closed && this.#running < this.#concurrency && this.#pending.length > 0) {
      const entry = this.#entries.get(this.#pending.shift() as string);
      if (!entry || entry.view.state !== 'queued') continue;
      this.#running++;
      void this.#run(entry, runner).finally(() => {
        this.#running--;
        this.#pump();
      });
    }
  }

  async #run(entry: Entry, runner: JobRunner): Promise<void> {
    entry.abort = new AbortController();
    entry.view.state = 'running';
    entry.view.startedAt = new Date().toISOString();
    try {
      const envelope = await runner(
        entry.job,
        entry.abort.signal,
        (fraction, message) => {
          entry.view.progress = { fraction, ...(message !== undefined ? { message } : {}) };
        },
        entry.view.jobId,
      );
      if (envelope instanceof ParkJob) {
        if (entry.abort.signal.aborted) {
          this.#finish(entry, { state: 'cancelled', error: toPublicError(new GatewayError('CANCELLED', 'the job was cancelled while it waited for an approval')) });
          return;
        }
        this.#park(entry, envelope.until);
        if (!(await envelope.stillWaiting().catch(() => true))) await this.resume(entry.view.jobId);
        return;
      }
      const cancelled = entry.abort.signal.aborted;
      this.#finish(entry, cancelled ? { state: 'cancelled', result: envelope } : { state: 'completed', result: envelope });
    } catch (err) {
      const error = err instanceof GatewayError ? err : new GatewayError('INTERNAL', 'the job failed unexpectedly');
      this.#finish(entry, { state: 'failed', error: toPublicError(error) });
    }
  }

  #finish(entry: Entry, outcome: Pick<JobView, 'state' | 'result' | 'error'>): void {
    Object.assign(entry.view, outcome, { finishedAt: new Date().toISOString() });
    for (const wake of entry.waiters.splice(0)) wake();
    entry.expiry = setTimeout(() => this.#forget(entry), this.#retentionMs);
    entry.expiry.unref();
  }

  #forget(entry: Entry): void {
    this.#entries.delete(entry.view.jobId);
    if (entry.job.idempotencyKey !== undefined) this.#byKey.delete(`${entry.tenantId}\0${entry.job.idempotencyKey}`);
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const entry of this.#entries.values()) {
      clearTimeout(entry.expiry);
      clearTimeout(entry.parkTimer);
      entry.abort?.abort();
    }
  }
}
