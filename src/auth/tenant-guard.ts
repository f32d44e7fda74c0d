import { randomUUID } from 'node:crypto';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { TenantToolPolicy } from '../catalog';
import { resolveLimits, type Limits, type LoadedConfig, type RiskPresetName, type TenantSettings } from '../config';
import { GatewayError } from '../errors';
import type { Redis } from '../redis';

/** What a tenant's requests run with. */
export interface TenantView {
  tenantId: string;
  /** Narrows the server's access decision (undefined: the server's decision alone). */
  policy: TenantToolPolicy | undefined;
  limits: Readonly<Limits>;
  /** Limits of async executions: the jobs preset, unless the tenant has a preset of its own. */
  jobLimits: Readonly<Limits>;
  risk: { preset: RiskPresetName; warnAt: number; blockAt: number };
}

/**
 * Per-tenant settings, quotas and concurrency. Rate limits count in Redis when it is configured, so
 * every instance draws from the same budget; if Redis fails, a per-instance limiter with the same
 * budget stands in rather than letting everything through or refusing everything.
 */
export class TenantGuard {
  readonly #config: LoadedConfig;
  readonly #redis: Redis | undefined;
  readonly #views = new Map<string, TenantView>();
  readonly #limiters = new Map<string, RateLimiterAbstract>();
  readonly #running = new Map<string, number>();
  readonly #onReject: (tenantId: string, reason: 'rate' | 'concurrency') => void;

  constructor(config: LoadedConfig, redis: Redis | undefined, onReject: (tenantId: string, reason: 'rate' | 'concurrency') => void = () => undefined) {
    this.#config = config;
    this.#redis = redis;
    this.#onReject = onReject;
  }

  #settings(tenantId: string): TenantSettings {
    return this.#config.tenants[tenantId] ?? {};
  }

  view(tenantId: string): TenantView {
    let view = this.#views.get(tenantId);
    if (!view) {
      const t = this.#settings(tenantId);
      const limits = t.preset || t.limits ? resolveLimits(t.preset ?? this.#config.preset, { ...this.#config.limits, ...t.limits }) : this.#config.effectiveLimits;
      const jobLimits = resolveLimits(t.preset ?? this.#config.jobs.preset, { ...this.#config.limits, ...t.limits });
      view = {
        tenantId,
        jobLimits,
        policy: t.tools ? { ...(t.tools.include ? { include: t.tools.include } : {}), ...(t.tools.exclude ? { exclude: t.tools.exclude } : {}) } : undefined,
        limits,
        risk: { preset: t.risk?.preset ?? this.#config.risk.preset, warnAt: t.risk?.warnAt ?? this.#config.risk.warnAt, blockAt: t.risk?.blockAt ?? this.#config.risk.blockAt },
      };
      this.#views.set(tenantId, view);
    }
    return view;
  }

  #limiter(tenantId: string): RateLimiterAbstract | undefined {
    const rate = this.#settings(tenantId).rateLimit;
    if (!rate) return undefined;
    let limiter = this.#limiters.get(tenantId);
    if (!limiter) {
      const options = { points: rate.points, duration: rate.durationSeconds, keyPrefix: `${this.#config.redis.keyPrefix}rate` };
      limiter = this.#redis
        ? new RateLimiterRedis({ ...options, storeClient: this.#redis, insuranceLimiter: new RateLimiterMemory(options) })
        : new RateLimiterMemory(options);
      this.#limiters.set(tenantId, limiter);
    }
    return limiter;
  }

  /** Spends `requests` (one by default) of the tenant's rate limit, or throws RATE_LIMITED with the wait. */
  async admit(tenantId: string, requests = 1): Promise<void> {
    const limiter = this.#limiter(tenantId);
    if (!limiter) return;
    try {
      await limiter.consume(tenantId, requests);
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      this.#onReject(tenantId, 'rate');
      const retryAfterMs = Math.max(1, err.msBeforeNext);
      throw new GatewayError('RATE_LIMITED', `tenant '${tenantId}' is over its rate limit; retry in ${Math.ceil(retryAfterMs / 1000)} s`, { retryAfterMs });
    }
  }

  /**
   * Counts one running execution for the tenant, across instances when Redis is configured; the
   * returned function releases it. A slot also expires by itself `holdMs` after it was taken, so an
   * instance that died mid-execution cannot hold it forever.
   */
  async startExecution(tenantId: string, holdMs: number): Promise<() => void> {
    const max = this.#settings(tenantId).maxConcurrentExecutions;
    if (max === undefined) return () => undefined;
    if (this.#redis) {
      const shared = await this.#startShared(tenantId, max, holdMs).catch(() => undefined);
      if (shared === 'full') this.#refuse(tenantId, undefined);
      if (shared) return shared;
    }
    return this.#startLocal(tenantId, max);
  }

  #refuse(tenantId: string, running: number | undefined): never {
    this.#onReject(tenantId, 'concurrency');
    const count = running === undefined ? 'its maximum of' : `${running}`;
    throw new GatewayError('TOO_MANY_EXECUTIONS', `tenant '${tenantId}' already runs ${count} executions`, { retryAfterMs: 1_000 });
  }

  /** `full` when every slot is taken; a rejection when Redis could not answer (the caller counts locally). */
  async #startShared(tenantId: string, max: number, holdMs: number): Promise<(() => void) | 'full'> {
    const redis = this.#redis as Redis;
    const key = `${this.#config.redis.keyPrefix}running:${tenantId}`;
    const member = randomUUID();
    const now = Date.now();
    const taken = await redis.eval(ACQUIRE_SLOT, 1, key, now, now + holdMs, member, max, holdMs + 60_000);
    if (taken !== 1) return 'full';
    return () => {
      void redis.zrem(key, member).catch(() => undefined);
    };
  }

  #startLocal(tenantId: string, max: number): () => void {
    const running = this.#running.get(tenantId) ?? 0;
    if (running >= max) this.#refuse(tenantId, running);
    this.#running.set(tenantId, running + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const now = (this.#running.get(tenantId) ?? 1) - 1;
      if (now <= 0) this.#running.delete(tenantId);
      else this.#running.set(tenantId, now);
    };
  }
}

/** Drop expired slots, take one if fewer than max are held; the key itself expires once unused. */
const ACQUIRE_SLOT = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1
`;
