import type { Redis } from '../redis';
import { LruCache } from '../gate';

/**
 * A string cache for computed answers (describe, search). Keys are namespaced by the caller with the
 * catalog version first, so `invalidate(version)` drops one catalog generation. Implementations
 * report failure by throwing; CachedLookups turns that into a miss.
 */
export interface ResultCache {
  readonly kind: 'memory' | 'redis';
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  /** Drops every entry whose key starts with `prefix`. */
  invalidate(prefix: string): Promise<number>;
}

export class MemoryResultCache implements ResultCache {
  readonly kind = 'memory' as const;
  readonly #lru: LruCache<string, string>;

  constructor(entries: number) {
    this.#lru = new LruCache(entries);
  }

  async get(key: string): Promise<string | undefined> {
    return this.#lru.get(key);
  }

  async set(key: string, value: string): Promise<void> {
    this.#lru.set(key, value);
  }

  async invalidate(prefix: string): Promise<number> {
    return this.#lru.deleteWhere((key) => key.startsWith(prefix));
  }

  get size(): number {
    return this.#lru.size;
  }
}

const SCAN_BATCH = 500;

/**
 * Entries live under `<keyPrefix>cache:<key>` with a long TTL. The TTL is not how entries go stale
 * (the catalog version in the key is): it only collects generations no pod will ask for again, such
 * as those of pods that were replaced before they could clean up.
 */
export class RedisResultCache implements ResultCache {
  readonly kind = 'redis' as const;
  readonly #redis: Redis;
  readonly #namespace: string;
  readonly #ttlSeconds: number;

  constructor(redis: Redis, keyPrefix: string, ttlSeconds: number) {
    this.#redis = redis;
    this.#namespace = `${keyPrefix}cache:`;
    this.#ttlSeconds = ttlSeconds;
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.#redis.get(this.#namespace + key)) ?? undefined;
  }

  async set(key: string, value: string): Promise<void> {
    await this.#redis.set(this.#namespace + key, value, 'EX', this.#ttlSeconds);
  }

  async invalidate(prefix: string): Promise<number> {
    const pattern = `${escapeGlob(this.#namespace + prefix)}*`;
    let cursor = '0';
    let removed = 0;
    do {
      const [next, keys] = await this.#redis.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_BATCH);
      cursor = next;
      if (keys.length > 0) removed += await this.#redis.unlink(...keys);
    } while (cursor !== '0');
    return removed;
  }
}

/** Redis MATCH patterns treat * ? [ ] and \ as syntax. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}
