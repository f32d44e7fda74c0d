import { startTestGateway } from '../helpers/gateway';
import { startPrivateRedis } from '../helpers/redis';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A pod stopped right after a Redis blip: the job runner's blocking connection sits between two
 * reconnect attempts, where BullMQ's own close waits forever. The gateway's close must still end.
 */
describe('closing the job runner after Redis went away', () => {
  test('Redis just back: close ends although the runner has not reconnected yet', async () => {
    const redis = await startPrivateRedis();
    const g = await startTestGateway({ redis: { url: redis.url, keyPrefix: redis.keyPrefix } });
    try {
      await redis.kill();
      // Long enough for the runner's connection to back off to a retry delay of seconds.
      await sleep(3_000);
      // Closed at once: the runner's connection is waiting for its next attempt.
      await redis.restart();
    } finally {
      await g.close();
      await redis.stop();
    }
  }, 20_000);

  test('Redis still away: close ends within its grace instead of waiting for Redis', async () => {
    const redis = await startPrivateRedis();
    const g = await startTestGateway({ redis: { url: redis.url, keyPrefix: redis.keyPrefix } });
    await redis.kill();
    await sleep(1_000);
    try {
      await g.close();
    } finally {
      await redis.restart();
      await redis.stop();
    }
  }, 20_000);
});
