import { CachedLookups, MemoryResultCache, RedisResultCache, cacheKey, type CacheOutcome, type ResultCache } from '../../src/cache';
import { silentLogger } from '../../src/log';
import { createRedis, type Redis } from '../../src/redis';
import { acquireRedis, startPrivateRedis, type PrivateRedis, type TestRedis } from '../helpers/redis';

const until = async (check: () => boolean, timeoutMs = 5_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};

function recorder() {
  const outcomes: string[] = [];
  return { outcomes, onOutcome: (area: string, outcome: CacheOutcome) => outcomes.push(`${area}:${outcome}`) };
}

describe('cacheKey', () => {
  test('version first, then area and view; equal requests hash equally whatever their key order', () => {
    const a = cacheKey('v1', 'search', 'view', { queries: ['x'], topK: 5 });
    expect(a.startsWith('v1:search:view:')).toBe(true);
    expect(cacheKey('v1', 'search', 'view', { topK: 5, queries: ['x'] })).toBe(a);
    expect(cacheKey('v1', 'search', 'view', { topK: 6, queries: ['x'] })).not.toBe(a);
    expect(cacheKey('v2', 'search', 'view', { topK: 5, queries: ['x'] })).not.toBe(a);
  });
});

function behavesAsResultCache(name: string, make: () => Promise<{ cache: ResultCache; done: () => Promise<void> }>) {
  describe(name, () => {
    let cache: ResultCache;
    let done: () => Promise<void>;
    beforeAll(async () => {
      ({ cache, done } = await make());
    });
    afterAll(async () => done());

    test('get after set; unknown keys miss', async () => {
      await cache.set('v1:search:a:1', '{"x":1}');
      expect(await cache.get('v1:search:a:1')).toBe('{"x":1}');
      expect(await cache.get('v1:search:a:2')).toBeUndefined();
    });

    test('invalidate drops one generation only, including keys with glob characters', async () => {
      await cache.set('v1:describe:a:1', '1');
      await cache.set('v1:describe:*[x]?:2', '2');
      await cache.set('v2:describe:a:1', '3');
      await cache.set('v10:describe:a:1', '4');
      expect(await cache.invalidate('v1:')).toBeGreaterThanOrEqual(2);
      expect(await cache.get('v1:describe:a:1')).toBeUndefined();
      expect(await cache.get('v1:describe:*[x]?:2')).toBeUndefined();
      expect(await cache.get('v2:describe:a:1')).toBe('3');
      expect(await cache.get('v10:describe:a:1')).toBe('4');
    });
  });
}

behavesAsResultCache('MemoryResultCache', async () => ({ cache: new MemoryResultCache(100), done: async () => undefined }));

let shared: TestRedis;
behavesAsResultCache('RedisResultCache (real Redis)', async () => {
  shared = await acquireRedis();
  const redis = createRedis({ url: shared.url, keyPrefix: shared.keyPrefix, commandTimeoutMs: 1_000 }, silentLogger());
  await until(() => redis.status === 'ready');
  return {
    cache: new RedisResultCache(redis, shared.keyPrefix, 60),
    done: async () => {
      redis.disconnect();
      await shared.stop();
    },
  };
});

describe('MemoryResultCache', () => {
  test('keeps at most its capacity, least recently used out first; capacity 0 keeps nothing', async () => {
    const cache = new MemoryResultCache(2);
    await cache.set('a', '1');
    await cache.set('b', '2');
    await cache.get('a');
    await cache.set('c', '3');
    expect(await cache.get('b')).toBeUndefined();
    expect(await cache.get('a')).toBe('1');
    const off = new MemoryResultCache(0);
    await off.set('a', '1');
    expect(await off.get('a')).toBeUndefined();
  });
});

describe('CachedLookups', () => {
  test('computes on a miss, answers from the cache on a hit, and counts both', async () => {
    const { outcomes, onOutcome } = recorder();
    const lookups = new CachedLookups(new MemoryResultCache(10), onOutcome, silentLogger());
    let computed = 0;
    const compute = () => ({ n: ++computed });
    expect(await lookups.lookup('k', 'search', compute)).toEqual({ n: 1 });
    await new Promise((r) => setImmediate(r));
    expect(await lookups.lookup('k', 'search', compute)).toEqual({ n: 1 });
    expect(computed).toBe(1);
    expect(outcomes).toEqual(['search:miss', 'search:hit']);
  });

  test('a corrupt entry is recomputed, counted as an error, and overwritten', async () => {
    const { outcomes, onOutcome } = recorder();
    const cache = new MemoryResultCache(10);
    await cache.set('k', '{not json');
    const lookups = new CachedLookups(cache, onOutcome, silentLogger());
    expect(await lookups.lookup('k', 'describe', () => ({ ok: true }))).toEqual({ ok: true });
    await new Promise((r) => setImmediate(r));
    expect(await cache.get('k')).toBe('{"ok":true}');
    expect(outcomes).toEqual(['describe:error']);
  });
});

describe('Redis going away', () => {
  let server: PrivateRedis;
  let redis: Redis;
  beforeAll(async () => {
    server = await startPrivateRedis();
    redis = createRedis({ url: server.url, keyPrefix: server.keyPrefix, commandTimeoutMs: 300 }, silentLogger());
    await until(() => redis.status === 'ready');
  });
  afterAll(async () => {
    redis.disconnect();
    await server.stop();
  });

  test('lookups keep answering (computed, counted as errors) while Redis is down, and use it again when it returns', async () => {
    const { outcomes, onOutcome } = recorder();
    const lookups = new CachedLookups(new RedisResultCache(redis, server.keyPrefix, 60), onOutcome, silentLogger());
    await lookups.lookup('v1:search:a:1', 'search', () => 'first');
    await new Promise((r) => setTimeout(r, 50));
    expect(await lookups.lookup('v1:search:a:1', 'search', () => 'recomputed')).toBe('first');

    await server.kill();
    const started = Date.now();
    expect(await lookups.lookup('v1:search:a:2', 'search', () => 'while down')).toBe('while down');
    expect(await lookups.lookup('v1:search:a:1', 'search', () => 'while down')).toBe('while down');
    // Commands fail fast (no offline queue) instead of waiting for a reconnect.
    expect(Date.now() - started).toBeLessThan(2_000);
    await expect(lookups.invalidateVersion('v1')).resolves.toBeUndefined();

    await server.restart();
    await until(() => redis.status === 'ready', 10_000);
    expect(await lookups.lookup('v1:search:a:3', 'search', () => 'back')).toBe('back');
    await new Promise((r) => setTimeout(r, 50));
    expect(await lookups.lookup('v1:search:a:3', 'search', () => 'not used')).toBe('back');
    expect(outcomes).toEqual(['search:miss', 'search:hit', 'search:error', 'search:error', 'search:miss', 'search:hit']);
  });
});
