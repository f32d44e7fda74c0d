import type { Redis } from 'ioredis';

/**
 * How job runners tell "the runner died" from "Redis was away". BullMQ alone reads an expired job lock
 * as a dead runner, and a lock expires during any Redis outage longer than its duration, so a live
 * runner lost its jobs (RUNNER_LOST, or a second run) after ~10 s without Redis. Here the lock is long
 * (minutes), and each runner keeps a short heartbeat key; a runner that has itself been connected for
 * longer than a heartbeat's lifetime, and finds a running job whose runner's heartbeat is gone, deletes
 * that job's lock, so BullMQ's own stalled check handles it as before (policy 'never' → RUNNER_LOST,
 * 'onCrash' → run again). After an outage every runner re-announces itself before anyone judges it.
 */

/** Lock BullMQ holds per running job: long enough to outlive a Redis outage of a few minutes. */
export const JOB_LOCK_MS = 300_000;
/** Renewed this often, so a lock never has much less than JOB_LOCK_MS left while its runner lives. */
export const JOB_LOCK_RENEW_MS = 15_000;
const HEARTBEAT_EVERY_MS = 1_000;
const HEARTBEAT_TTL_MS = 5_000;
const REAP_EVERY_MS = 2_000;

export interface RunnerLivenessOptions {
  /** A connection that retries forever (the runners' own). */
  connection: Redis;
  keyPrefix: string;
  /** The BullMQ worker's id, so a job's lock token names its runner. */
  runnerId: string;
  /** BullMQ's list of running job ids. */
  activeKey: string;
  /** BullMQ's lock key of a job. */
  lockKeyOf: (jobId: string) => string;
  onReaped: (jobId: string, runnerId: string) => void;
}

/** BullMQ takes each job with the token `${worker.id}:${n}` and stores it as the lock's value. */
export function runnerOfLockToken(token: string | null): string | undefined {
  if (token === null) return undefined;
  const colon = token.lastIndexOf(':');
  return colon > 0 ? token.slice(0, colon) : undefined;
}

export class RunnerLiveness {
  readonly #o: RunnerLivenessOptions;
  #connectedSince: number | undefined;
  readonly #timers: NodeJS.Timeout[] = [];
  #reaping = false;

  constructor(options: RunnerLivenessOptions) {
    this.#o = options;
  }

  #aliveKey(runnerId: string): string {
    return `${this.#o.keyPrefix}jobs:runner:${runnerId}`;
  }

  #ownerKey(jobId: string): string {
    return `${this.#o.keyPrefix}jobs:owner:${jobId}`;
  }

  start(): void {
    const c = this.#o.connection;
    if (c.status === 'ready') this.#connectedSince = Date.now();
    c.on('ready', () => {
      this.#connectedSince = Date.now();
      void this.#beat();
    });
    for (const lost of ['close', 'reconnecting', 'end']) c.on(lost, () => (this.#connectedSince = undefined));
    this.#timers.push(setInterval(() => void this.#beat(), HEARTBEAT_EVERY_MS), setInterval(() => void this.#reap(), REAP_EVERY_MS));
    for (const t of this.#timers) t.unref();
    void this.#beat();
  }

  /** Only while connected: commands queued during an outage would be stale when they run. */
  async #beat(): Promise<void> {
    if (this.#connectedSince === undefined) return;
    await this.#o.connection.set(this.#aliveKey(this.#o.runnerId), '1', 'PX', HEARTBEAT_TTL_MS).catch(() => undefined);
  }

  /** Records that this runner runs `jobId`; the key outlives the job's lock. */
  async own(jobId: string): Promise<void> {
    await this.#o.connection.set(this.#ownerKey(jobId), this.#o.runnerId, 'PX', JOB_LOCK_MS * 2);
  }

  async release(jobId: string): Promise<void> {
    await this.#o.connection.del(this.#ownerKey(jobId)).catch(() => undefined);
  }

  async #reap(): Promise<void> {
    const since = this.#connectedSince;
    // Judge others only after they have had a full heartbeat lifetime of connected time to re-announce.
    if (this.#reaping || since === undefined || Date.now() - since < HEARTBEAT_TTL_MS + HEARTBEAT_EVERY_MS) return;
    this.#reaping = true;
    try {
      const c = this.#o.connection;
      const running = await c.lrange(this.#o.activeKey, 0, -1);
      for (const jobId of running) {
        // The owner record lands just after pick-up; a runner killed in between left none, but BullMQ's lock
        // holds the token it was taken with, which starts with the worker's id (our runner id).
        const owner = (await c.get(this.#ownerKey(jobId))) ?? runnerOfLockToken(await c.get(this.#o.lockKeyOf(jobId)));
        // Neither: the lock is already gone (BullMQ's stalled check has it) or was written by another scheme.
        if (owner === undefined || owner === this.#o.runnerId) continue;
        if ((await c.exists(this.#aliveKey(owner))) === 1) continue;
        await c.del(this.#o.lockKeyOf(jobId), this.#ownerKey(jobId));
        this.#o.onReaped(jobId, owner);
      }
    } catch {
      // Redis went away mid-pass: the next pass starts over once it is back.
    } finally {
      this.#reaping = false;
    }
  }

  stop(): void {
    for (const t of this.#timers) clearInterval(t);
    void this.#o.connection.del(this.#aliveKey(this.#o.runnerId)).catch(() => undefined);
  }
}
