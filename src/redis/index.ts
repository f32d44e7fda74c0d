import { Redis } from 'ioredis';
import type { Logger } from '../log';

export interface RedisSettings {
  /** redis:// or rediss:// URL. */
  url: string;
  /** Prepended to every key we write, so several deployments can share one Redis. */
  keyPrefix: string;
  /** A command slower than this fails, so a stalled Redis costs a cache miss, not a stuck request. */
  commandTimeoutMs: number;
}

export type { Redis };

/**
 * The shared client for request-path use (cache, limits). Commands fail at once while disconnected
 * (no offline queue) and after `commandTimeoutMs`; callers treat a failure as "no Redis this time".
 * Reconnects forever with capped backoff; errors are logged once per outage, not per retry.
 */
export function createRedis(settings: RedisSettings, log: Logger): Redis {
  const client = new Redis(settings.url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    commandTimeout: settings.commandTimeoutMs,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(50 * 2 ** Math.min(attempt, 6), 2_000),
  });
  let down = false;
  client.on('error', (err: Error) => {
    if (down) return;
    down = true;
    log.warn({ err: err.message }, 'redis unavailable; continuing without it until it returns');
  });
  client.on('ready', () => {
    if (down) log.info('redis reachable again');
    down = false;
  });
  // First connection in the background: a Redis that is down at boot must not hold the service.
  client.connect().catch(() => undefined);
  return client;
}

/** Redacts the password of a Redis URL for logs and /ready. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'redis://(unparseable url)';
  }
}
