import type { Caller } from '../auth';
import type { PublicError } from '../errors';
import type { RequestLimits, RetryPolicy, TypecheckLevel } from '../config';
import type { Approval, PendingApprovalView } from '../approvals';

/** `input_required`: the job's script waits for a person to decide on a tool call (see `approval`). */
export type JobState = 'queued' | 'running' | 'input_required' | 'completed' | 'failed' | 'cancelled';
export const TERMINAL: ReadonlySet<JobState> = new Set(['completed', 'failed', 'cancelled']);
/** States a long-poll returns at: the job ended, or it waits for a person. */
export const SETTLED: ReadonlySet<JobState> = new Set([...TERMINAL, 'input_required']);

/** What a client reads about a job. `result` is the ordinary execution envelope once the script ran. */
export interface JobView {
  jobId: string;
  state: JobState;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  progress?: { fraction: number; message?: string };
  /** The execution envelope (any script outcome, timeouts included) when the job completed. */
  result?: unknown;
  /** Why the job failed or was cancelled, when it did not complete. */
  error?: PublicError;
  /** Times the job was started again after its runner died (retry: 'onCrash'). */
  restarts?: number;
  /** The call waiting for a person, while the job is input_required. */
  approval?: PendingApprovalView;
  /** Every approval the job asked for, with its decision once made. */
  approvals?: Approval[];
}

/**
 * What a runner returns for a job whose script waits for a person: the job leaves its runner (no slot is
 * held) until `resume` is called for it or `until` (ms since the epoch) passes, then runs again.
 * `stillWaiting` is asked once the job is parked: a decision that came in meanwhile resumes it at once.
 */
export class ParkJob {
  constructor(
    readonly until: number,
    readonly stillWaiting: () => Promise<boolean>,
  ) {}
}

/** A job created already parked: an execution that paused outside any job (a synchronous execute). */
export interface ParkedSubmission {
  jobId: string;
  until: number;
}

export interface JobSubmission {
  script: string;
  context?: Record<string, unknown>;
  timeoutMs?: number;
  limits?: RequestLimits;
  caller: Caller;
  /** Same key from the same tenant within the retention time: the same job. */
  idempotencyKey?: string;
  /** Overrides jobs.retry for this job. */
  retry?: RetryPolicy;
  /** The job's envelope carries a tool-call trace. */
  trace?: boolean;
  /** Lowers the server's type check for this job. */
  typecheck?: TypecheckLevel;
}

/** Runs one job to its envelope (or parks it); honours `signal` (cancellation) and may report progress. */
export type JobRunner = (job: JobSubmission, signal: AbortSignal, progress: (fraction: number, message?: string) => void, jobId: string) => Promise<unknown>;

/**
 * The queue behind async executions. Every lookup is scoped by tenant: another tenant's job id
 * reads as unknown, exactly like an id that never existed.
 */
export interface JobQueue {
  readonly kind: 'memory' | 'redis';
  submit(job: JobSubmission, parked?: ParkedSubmission): Promise<JobView>;
  /** Runs a parked job now (its approval was decided, or it was cancelled); false when it is not parked. */
  resume(jobId: string): Promise<boolean>;
  get(tenantId: string, jobId: string): Promise<JobView | undefined>;
  /** Long-poll: resolves when the job is terminal or waits for input (SETTLED), or `waitMs` passed, whichever is first. */
  wait(tenantId: string, jobId: string, waitMs: number): Promise<JobView | undefined>;
  /** Cancels a waiting or running job; a finished job is returned unchanged. */
  cancel(tenantId: string, jobId: string): Promise<JobView | undefined>;
  /** Jobs waiting and running right now (all tenants): the queue depth job runners scale on. */
  counts(): Promise<{ queued: number; running: number }>;
  /** Starts consuming with `concurrency` jobs at once. */
  consume(runner: JobRunner, concurrency: number): void;
  close(): Promise<void>;
}
