export { MemoryResultCache, RedisResultCache } from './result-cache';
export type { ResultCache } from './result-cache';
export { CachedLookups, cacheKey } from './cached-lookups';
export type { CacheOutcome } from './cached-lookups';
