import { createHash, randomUUID } from 'node:crypto';
import { DelayedError, Job, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { GatewayError, toPublicError, type PublicError } from '../errors';
import type { Logger } from '../log';
import type { RetryPolicy } from '../config';
import { JOB_LOCK_MS, JOB_LOCK_RENEW_MS, RunnerLiveness } from './runner-liveness';
import { closeWorker } from './worker-close';
import { ParkJob, SETTLED, TERMINAL, type JobQueue, type JobRunner, type JobSubmission, type JobView, type ParkedSubmission } from './types';

export interface BullJobQueueOptions {
  url: string;
  keyPrefix: string;
  retentionMs: number;
  log: Logger;
  /** A job's policy when its submission names none. */
  retry: RetryPolicy;
  /** Restarts of an 'onCrash' job before it fails with RUNNER_LOST. */
  maxCrashRetries: number;
  /** Longest a submit, read or cancel waits for Redis before it fails with QUEUE_UNAVAILABLE. */
  timeoutMs: number;
}

/** What a finished job stores: the envelope, and whether it ended because it was cancelled. */
interface JobOutcome {
  envelope?: unknown;
  cancelled: boolean;
}

/** Fallback re-read while long-polling; runners announce job ends, so this only covers a missed announcement. */
const POLL_MS = 1_000;
/**
 * The failedReason of a job whose runner stopped answering (process killed, host lost): BullMQ's own
 * ("job stalled more than allowable limit") or ours, for a 'never' job found stalled once.
 */
const STALLED = /stalled/i;
const RUNNER_LOST_REASON = 'runner lost: the job stalled and its retry policy is never';

/**
 * Jobs in Redis through BullMQ, shared by every API instance and job runner. Cancellation is a flag
 * in Redis plus a broadcast: a waiting job is skipped when a runner picks it up (and reads as
 * cancelled meanwhile); the runner holding a running job aborts it. A job whose runner died is failed
 * with RUNNER_LOST rather than run twice, since its tool calls may have had effects.
 */
export class BullJobQueue implements JobQueue {
  readonly kind = 'redis' as const;
  readonly #options: BullJobQueueOptions;
  /** Requests' connection: fails fast while Redis is away, so a client hears QUEUE_UNAVAILABLE instead of waiting. */
  readonly #connection: Redis;
  /** Runners' connection: patient (queues commands while Redis is away), since a running job must report its end. */
  #runnerConnection: Redis | undefined;
  readonly #queue: Queue;
  readonly #prefix: string;
  #worker: Worker | undefined;
  #liveness: RunnerLiveness | undefined;
  #subscriber: Redis | undefined;
  readonly #active = new Map<string, AbortController>();
  #events: Redis | undefined;
  #subscribed: Promise<void> = Promise.resolve();
  #ready: Promise<void> | undefined;
  readonly #waiters = new Map<string, Set<() => void>>();

  constructor(options: BullJobQueueOptions) {
    this.#options = options;
    // No offline queue: a submit sent while Redis is away must fail now, not create a job the client was
    // told had failed once Redis returns.
    this.#connection = new Redis(options.url, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
    this.#connection.on('error', () => undefined);
    this.#prefix = `${options.keyPrefix}bull`;
    this.#queue = new Queue('executions', { connection: this.#connection, prefix: this.#prefix });
    // Connection errors surface as QUEUE_UNAVAILABLE on the requests they affect; BullMQ would print each one.
    this.#queue.on('error', () => undefined);
  }

  get #cancelChannel(): string {
    return `${this.#options.keyPrefix}jobs:cancel`;
  }

  #cancelKey(jobId: string): string {
    return `${this.#options.keyPrefix}jobs:cancelled:${jobId}`;
  }

  /** One shared wait for the connection, however many requests arrive while Redis is away. */
  #whenReady(): Promise<void> {
    this.#ready ??= new Promise<void>((resolve) =>
      this.#connection.once('ready', () => {
        this.#ready = undefined;
        resolve();
      }),
    );
    return this.#ready;
  }

  /** Runs a request's Redis work within the queue timeout; Redis trouble reads as QUEUE_UNAVAILABLE. */
  async #guard<T>(work: () => Promise<T>): Promise<T> {
    const timeoutMs = this.#options.timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new GatewayError('QUEUE_UNAVAILABLE', `the job queue's Redis did not answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      // Between reconnect attempts commands fail at once; a short outage is waited out instead.
      if (this.#connection.status !== 'ready') await Promise.race([this.#whenReady(), expired]);
      return await Promise.race([work(), expired]);
    } catch (err) {
      if (err instanceof GatewayError) throw err;
      throw new GatewayError('QUEUE_UNAVAILABLE', `the job queue's Redis failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      clearTimeout(timer);
    }
  }

  submit(job: JobSubmission, parked?: ParkedSubmission): Promise<JobView> {
    return this.#guard(() => this.#submit(job, parked));
  }

  async #submit(job: JobSubmission, parked: ParkedSubmission | undefined): Promise<JobView> {
    const tenantId = job.caller.tenantId;
    // An idempotent submission gets a deterministic id: BullMQ keeps the first job under it.
    const jobId = parked?.jobId ?? (job.idempotencyKey !== undefined ? `job_${createHash('sha256').update(`${tenantId}\0${job.idempotencyKey}`).digest('hex').slice(0, 32)}` : `job_${randomUUID()}`);
    const existing = await this.#get(tenantId, jobId);
    if (existing) return existing;
    const data: JobSubmission = { ...job, retry: job.retry ?? this.#options.retry };
    // A parked job is a delayed one: it runs when resumed (promoted) or when its approval's time is up.
    const delay = parked ? Math.max(1, parked.until - Date.now()) : undefined;
    const created = await this.#queue.add('execute', data, { jobId, attempts: 1, removeOnComplete: false, removeOnFail: false, ...(delay !== undefined ? { delay } : {}) });
    return { jobId: created.id ?? jobId, state: parked ? 'input_required' : 'queued', createdAt: new Date(created.timestamp).toISOString() };
  }

  resume(jobId: string): Promise<boolean> {
    return this.#guard(async () => {
      const job = await Job.fromId(this.#queue, jobId);
      if (!job || !(await job.isDelayed())) return false;
      // Promoting a job that another pod promoted a moment ago fails: either way it runs once.
      return job.promote().then(
        () => true,
        () => false,
      );
    });
  }

  get(tenantId: string, jobId: string): Promise<JobView | undefined> {
    return this.#guard(() => this.#get(tenantId, jobId));
  }

  async #get(tenantId: string, jobId: string): Promise<JobView | undefined> {
    // State first, then the job: a job read before it finished would pair a later 'completed' state
    // with no return value. Completion writes the value before the state, so this order is consistent.
    const state = await this.#queue.getJobState(jobId);
    const job = await Job.fromId<JobSubmission, JobOutcome>(this.#queue, jobId);
    if (!job || job.data.caller?.tenantId !== tenantId) return undefined;
    return this.#view(job, state);
  }

  async #view(job: Job<JobSubmission, JobOutcome>, state: Awaited<ReturnType<Queue['getJobState']>>): Promise<JobView | undefined> {
    if (job.finishedOn !== undefined && Date.now() - job.finishedOn > this.#options.retentionMs) {
      await job.remove().catch(() => undefined);
      return undefined;
    }
    const view: JobView = { jobId: job.id ?? '', state: 'queued', createdAt: new Date(job.timestamp).toISOString() };
    if (job.processedOn) view.startedAt = new Date(job.processedOn).toISOString();
    if (job.finishedOn) view.finishedAt = new Date(job.finishedOn).toISOString();
    if (job.stalledCounter > 0 && job.data.retry === 'onCrash') view.restarts = job.stalledCounter;
    const progress = job.progress as { fraction?: unknown; message?: unknown } | number;
    if (typeof progress === 'object' && typeof progress.fraction === 'number') view.progress = { fraction: progress.fraction, ...(typeof progress.message === 'string' ? { message: progress.message } : {}) };
    if (state === 'active') view.state = 'running';
    else if (state === 'delayed' && !(await this.#connection.exists(this.#cancelKey(view.jobId)))) view.state = 'input_required';
    else if (state === 'completed') {
      view.state = job.returnvalue?.cancelled ? 'cancelled' : 'completed';
      if (job.returnvalue?.envelope !== undefined) view.result = job.returnvalue.envelope;
      else if (view.state === 'cancelled') view.error = cancelledBeforeStart();
    } else if (state === 'failed') {
      view.state = 'failed';
      view.error = STALLED.test(job.failedReason ?? '')
        ? toPublicError(new GatewayError('RUNNER_LOST', 'the job runner stopped while running this job; it was not run again because its tool calls may have had effects'))
        : parseError(job.failedReason);
    } else if (await this.#connection.exists(this.#cancelKey(view.jobId))) {
      view.state = 'cancelled';
      view.error = cancelledBeforeStart();
    }
    return view;
  }

  get #doneChannel(): string {
    return `${this.#options.keyPrefix}jobs:done`;
  }

  /** Resolves when a runner announces that `jobId` ended (or `ms` passed: announcements can be missed). */
  #ended(jobId: string, ms: number): { promise: Promise<void>; dispose: () => void } {
    if (!this.#events) {
      const events = new Redis(this.#options.url, { maxRetriesPerRequest: null });
      events.on('error', () => undefined);
      events.on('message', (_channel: string, id: string) => {
        for (const wake of this.#waiters.get(id) ?? []) wake();
      });
      // Waiters read the job only once this subscription is live, so an end announced meanwhile is not missed.
      this.#subscribed = events.subscribe(this.#doneChannel).then(
        () => undefined,
        () => undefined,
      );
      this.#events = events;
    }
    let wake: () => void = () => undefined;
    let timer: NodeJS.Timeout | undefined;
    const promise = new Promise<void>((resolve) => {
      wake = resolve;
      timer = setTimeout(resolve, ms);
    });
    const set = this.#waiters.get(jobId) ?? new Set<() => void>();
    set.add(wake);
    this.#waiters.set(jobId, set);
    const dispose = () => {
      clearTimeout(timer);
      set.delete(wake);
      if (set.size === 0) this.#waiters.delete(jobId);
    };
    return { promise, dispose };
  }

  async wait(tenantId: string, jobId: string, waitMs: number): Promise<JobView | undefined> {
    const until = Date.now() + waitMs;
    for (;;) {
      // Listen before reading, so an end announced in between is not missed.
      const ended = waitMs > 0 ? this.#ended(jobId, Math.max(0, Math.min(POLL_MS, until - Date.now()))) : undefined;
      try {
        if (ended) await Promise.race([this.#subscribed, ended.promise]);
        const view = await this.get(tenantId, jobId);
        if (!view || SETTLED.has(view.state) || Date.now() >= until) return view;
        await ended?.promise;
      } finally {
        ended?.dispose();
      }
    }
  }

  cancel(tenantId: string, jobId: string): Promise<JobView | undefined> {
    return this.#guard(() => this.#cancel(tenantId, jobId));
  }

  async #cancel(tenantId: string, jobId: string): Promise<JobView | undefined> {
    const view = await this.#get(tenantId, jobId);
    if (!view || TERMINAL.has(view.state)) return view;
    await this.#connection.set(this.#cancelKey(jobId), '1', 'PX', this.#options.retentionMs);
    await this.#connection.publish(this.#cancelChannel, jobId);
    // A waiting job reads as cancelled from now on: wake its long-polls.
    if (view.state === 'queued' || view.state === 'input_required') await this.#connection.publish(this.#doneChannel, jobId);
    // A parked job is run now, so that its runner records it as cancelled and lets its slot go.
    if (view.state === 'input_required') await Job.fromId(this.#queue, jobId).then((job) => job?.promote()).catch(() => undefined);
    return this.#get(tenantId, jobId);
  }

  counts(): Promise<{ queued: number; running: number }> {
    return this.#guard(async () => {
      // Delayed jobs are parked ones, waiting for a person: not work runners could scale for.
      const c = await this.#queue.getJobCounts('waiting', 'prioritized', 'active');
      return { queued: (c.waiting ?? 0) + (c.prioritized ?? 0), running: c.active ?? 0 };
    });
  }

  consume(runner: JobRunner, concurrency: number): void {
    // BullMQ needs a connection that retries forever instead of failing commands.
    const runnerConnection = new Redis(this.#options.url, { maxRetriesPerRequest: null });
    runnerConnection.on('error', () => undefined);
    this.#runnerConnection = runnerConnection;
    this.#subscriber = new Redis(this.#options.url, { maxRetriesPerRequest: null });
    this.#subscriber.on('error', () => undefined);
    void this.#subscriber.subscribe(this.#cancelChannel).catch((err: unknown) => this.#options.log.warn({ err }, 'job cancel channel unavailable'));
    this.#subscriber.on('message', (_channel: string, jobId: string) => this.#active.get(jobId)?.abort());
    const worker = new Worker<JobSubmission, JobOutcome>(
      'executions',
      async (job, token) => {
        const jobId = job.id ?? '';
        if (await runnerConnection.exists(this.#cancelKey(jobId))) return { cancelled: true };
        // A job back from a dead runner: BullMQ requeues it (maxStalledCount allows the 'onCrash' restarts);
        // one whose policy is 'never' must not run a second time.
        if (job.stalledCounter > 0 && job.data.retry !== 'onCrash') throw new Error(RUNNER_LOST_REASON);
        const abort = new AbortController();
        this.#active.set(jobId, abort);
        // Not awaited: while Redis is away the job runs on, and the record lands when it is back.
        void this.#liveness?.own(jobId).catch(() => undefined);
        try {
          const envelope = await runner(
            job.data,
            abort.signal,
            (fraction, message) => {
              void job.updateProgress({ fraction, ...(message !== undefined ? { message } : {}) }).catch(() => undefined);
            },
            jobId,
          );
          if (envelope instanceof ParkJob) {
            if (!abort.signal.aborted) await this.#park(job, envelope, token);
            return { cancelled: true };
          }
          return { envelope, cancelled: abort.signal.aborted };
        } finally {
          this.#active.delete(jobId);
          void this.#liveness?.release(jobId);
        }
      },
      // A job whose runner died is requeued up to maxCrashRetries times; the processor fails 'never' jobs
      // at once. The lock outlives a Redis outage; a dead runner is found by its heartbeat (RunnerLiveness)
      // within ~8 s of the survivors being connected, and the 5 s stalled check takes it from there.
      {
        connection: runnerConnection,
        prefix: this.#prefix,
        concurrency,
        maxStalledCount: this.#options.maxCrashRetries,
        lockDuration: JOB_LOCK_MS,
        lockRenewTime: JOB_LOCK_RENEW_MS,
        stalledInterval: 5_000,
        // Not before the heartbeat: a job picked up by a runner that has not announced itself looks abandoned.
        autorun: false,
      },
    );
    this.#worker = worker;
    // Made after the worker, and started before it runs: the runner id is the worker's id.
    const liveness = new RunnerLiveness({
      connection: runnerConnection,
      keyPrefix: this.#options.keyPrefix,
      runnerId: worker.id,
      activeKey: this.#queue.toKey('active'),
      lockKeyOf: (jobId) => `${this.#queue.toKey(jobId)}:lock`,
      onReaped: (jobId, runnerId) => this.#options.log.warn({ jobId, runnerId }, 'job runner stopped answering; its job is handed to the stalled-job check'),
    });
    this.#liveness = liveness;
    liveness.start();
    this.#worker.on('error', (err) => this.#options.log.warn({ err: err.message }, 'job runner error'));
    const announce = (job: Job | undefined) => {
      if (job?.id) void runnerConnection.publish(this.#doneChannel, job.id).catch(() => undefined);
    };
    this.#worker.on('completed', announce);
    this.#worker.on('failed', announce);
    worker.run().catch((err: unknown) => this.#options.log.warn({ err }, 'job runner stopped'));
  }

  /**
   * Leaves the job delayed until its approval's time is up, and tells BullMQ (DelayedError) that the job
   * did not end. A decision made while the job was being parked found it still active and could not
   * resume it: asked here, after the move, so one of the two always does.
   */
  async #park(job: Job<JobSubmission, JobOutcome>, park: ParkJob, token: string | undefined): Promise<never> {
    await job.moveToDelayed(Math.max(Date.now() + 1, park.until), token);
    if (job.id) void this.#runnerConnection?.publish(this.#doneChannel, job.id).catch(() => undefined);
    if (!(await park.stillWaiting().catch(() => true))) await job.promote().catch(() => undefined);
    throw new DelayedError();
  }

  /** Takes no new job, lets running ones finish, then lets go of Redis (whether or not it answers). */
  async close(): Promise<void> {
    if (this.#worker) await closeWorker(this.#worker, () => this.#active.size);
    this.#liveness?.stop();
    for (const abort of this.#active.values()) abort.abort();
    await this.#queue.close().catch(() => undefined);
    // BullMQ leaves connections it was given open; they are ours to close.
    this.#subscriber?.disconnect();
    this.#events?.disconnect();
    this.#runnerConnection?.disconnect();
    this.#connection.disconnect();
  }
}

function cancelledBeforeStart(): PublicError {
  return toPublicError(new GatewayError('CANCELLED', 'the job was cancelled before it started'));
}

function parseError(reason: string | undefined): PublicError {
  return toPublicError(new GatewayError('INTERNAL', reason ? `the job failed: ${reason}` : 'the job failed'));
}
