import { createHash } from 'node:crypto';
import type { Logger } from '../log';
import type { ResultCache } from './result-cache';

export type CacheOutcome = 'hit' | 'miss' | 'error';

/** JSON with object keys sorted, so equal requests hash equally whatever order their keys came in. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * `<catalog version>:<area>:<tenant view>:<request hash>`. The version leads so one catalog generation
 * is one key prefix; the view keeps tenants with different tool policies apart.
 */
export function cacheKey(version: string, area: string, view: string, request: unknown): string {
  return `${version}:${area}:${view}:${createHash('sha256').update(stableJson(request)).digest('base64url').slice(0, 32)}`;
}

/**
 * Read-through caching of computed answers. The cache is an accelerator only: when it fails (Redis
 * down or slow) the answer is computed as if it were a miss and the failure is counted, never raised.
 */
export class CachedLookups {
  readonly #cache: ResultCache;
  readonly #onOutcome: (area: string, outcome: CacheOutcome) => void;
  readonly #log: Logger;

  constructor(cache: ResultCache, onOutcome: (area: string, outcome: CacheOutcome) => void, log: Logger) {
    this.#cache = cache;
    this.#onOutcome = onOutcome;
    this.#log = log;
  }

  get kind(): ResultCache['kind'] {
    return this.#cache.kind;
  }

  async lookup<T>(key: string, area: string, compute: () => T | Promise<T>): Promise<T> {
    let cached: string | undefined;
    let failed = false;
    try {
      cached = await this.#cache.get(key);
    } catch (err) {
      failed = true;
      this.#log.debug({ err: (err as Error).message, area }, 'cache read failed; computing');
    }
    if (cached !== undefined) {
      try {
        const value = JSON.parse(cached) as T;
        this.#onOutcome(area, 'hit');
        return value;
      } catch {
        // A corrupt entry (another writer, truncation) is recomputed and overwritten.
        failed = true;
      }
    }
    this.#onOutcome(area, failed ? 'error' : 'miss');
    const value = await compute();
    this.#cache.set(key, JSON.stringify(value)).catch((err: unknown) => {
      this.#log.debug({ err: (err as Error).message, area }, 'cache write failed');
    });
    return value;
  }

  /** Drops a catalog generation. Failures are logged: the version in every key already keeps stale entries unused. */
  async invalidateVersion(version: string): Promise<void> {
    try {
      const removed = await this.#cache.invalidate(`${version}:`);
      this.#log.debug({ version, removed }, 'cache generation dropped');
    } catch (err) {
      this.#log.warn({ err: (err as Error).message, version }, 'could not drop a stale cache generation');
    }
  }
}
