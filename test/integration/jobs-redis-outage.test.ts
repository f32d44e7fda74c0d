import { startHttpServer } from '../../src/http';
import { silentLogger } from '../../src/log';
import { startTestGateway } from '../helpers/gateway';
import { httpRequest, postJson } from '../helpers/http';
import { startPrivateRedis } from '../helpers/redis';

interface Job {
  jobId: string;
  state: string;
  result?: { status: string; result?: unknown };
  error?: { code: string };
  restarts?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const OUTAGE_MS = 60_000;

/**
 * Redis away for a minute while jobs run: their runner is alive, so they finish once, where they
 * started, and nothing accepted is lost (Redis keeps its data in an append-only file).
 */
test('jobs running through a 60 s Redis outage complete once; jobs waiting behind them run after', async () => {
  const redis = await startPrivateRedis({ appendOnly: true });
  const g = await startTestGateway({ redis: { url: redis.url, keyPrefix: redis.keyPrefix }, jobs: { concurrency: 3, queueTimeoutMs: 400, preset: 'experimental' } });
  const server = await startHttpServer({ gateway: g.gateway, log: silentLogger(), host: '127.0.0.1', port: 0, bodyLimitBytes: 64 * 1024, shutdownGraceMs: 2_000 });
  try {
    const submit = async (script: string, retry: 'never' | 'onCrash') => {
      const res = await postJson(`${server.url}/v1/execute`, { script, async: true, timeoutMs: 120_000, retry });
      expect(res.status).toBe(202);
      return (res.body as { jobId: string }).jobId;
    };
    // Two sleeps straddling the outage; a second run of a job would show as more sleeps.
    const script = (label: string) => `await callTool('test:sleep', { ms: ${OUTAGE_MS / 2} }); await callTool('test:sleep', { ms: ${OUTAGE_MS / 2 + 8_000} }); return '${label} ran once'`;
    // A third ends while Redis is away: its end is recorded once Redis is back.
    const endsDuringOutage = `await callTool('test:sleep', { ms: ${OUTAGE_MS / 2} }); return 'ended in the outage'`;
    const running = [await submit(script('never'), 'never'), await submit(script('onCrash'), 'onCrash'), await submit(endsDuringOutage, 'never')];
    const waiting = await submit("return 'waited'", 'never');
    const deadline = Date.now() + 20_000;
    for (const jobId of running) {
      while (((await httpRequest(`${server.url}/v1/jobs/${jobId}`)).body as Job).state !== 'running') {
        if (Date.now() > deadline) throw new Error('the jobs never started');
        await sleep(100);
      }
    }
    await redis.kill();
    await sleep(OUTAGE_MS);
    await redis.restart();

    // Reads answer QUEUE_UNAVAILABLE until the API's connection is back; a client retries them.
    const end = async (jobId: string): Promise<Job> => {
      const until = Date.now() + 40_000;
      for (;;) {
        const r = await httpRequest(`${server.url}/v1/jobs/${jobId}?waitMs=5000`);
        const job = r.body as Job;
        if ((r.status === 200 && ['completed', 'failed', 'cancelled'].includes(job.state)) || Date.now() > until) return job;
        await sleep(200);
      }
    };
    const ends = await Promise.all([...running, waiting].map(end));
    expect(ends.map((e) => [e.state, e.result?.result, e.restarts, e.error?.code])).toEqual([
      ['completed', 'never ran once', undefined, undefined],
      ['completed', 'onCrash ran once', undefined, undefined],
      ['completed', 'ended in the outage', undefined, undefined],
      ['completed', 'waited', undefined, undefined],
    ]);
    expect(g.calls.filter((name) => name === 'test:sleep')).toHaveLength(5);
  } finally {
    await server.close();
    await g.close();
    await redis.stop();
  }
}, 240_000);
