import { spawn } from 'node:child_process';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startHttpServer, type RunningServer } from '../../src/http';
import { silentLogger } from '../../src/log';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { httpRequest, postJson } from '../helpers/http';
import { acquireRedis, type TestRedis } from '../helpers/redis';
import { MAIN } from '../helpers/server-process';

interface Job {
  jobId: string;
  state: string;
  result?: { status: string; result?: unknown; error?: { code: string } };
  error?: { code: string };
  startedAt?: string;
  finishedAt?: string;
}

describe.each([
  ['the in-process queue', false],
  ['BullMQ on Redis', true],
])('async executions on %s', (_label, useRedis) => {
  let g: TestGateway;
  let server: RunningServer;
  let redis: TestRedis | undefined;
  beforeAll(async () => {
    redis = useRedis ? await acquireRedis() : undefined;
    g = await startTestGateway({
      ...(redis ? { redis: { url: redis.url, keyPrefix: redis.keyPrefix } } : {}),
      jobs: { concurrency: 1, retentionSeconds: 1, maxWaitMs: 5_000 },
      auth: { apiKeys: [{ key: 'jobs-acme-0123456789', tenant: 'acme' }, { key: 'jobs-globex-0123456789', tenant: 'globex' }] },
    });
    server = await startHttpServer({ gateway: g.gateway, log: silentLogger(), host: '127.0.0.1', port: 0, bodyLimitBytes: 64 * 1024, shutdownGraceMs: 2_000 });
  });
  afterAll(async () => {
    await server.close();
    await redis?.stop();
  });
  const acme = { 'x-api-key': 'jobs-acme-0123456789' };
  const globex = { 'x-api-key': 'jobs-globex-0123456789' };
  const submit = async (script: string, headers: Record<string, string> = acme) => {
    const res = await postJson(`${server.url}/v1/execute`, { script, async: true }, headers);
    expect(res.status).toBe(202);
    const body = res.body as { status: string; jobId: string };
    expect(body.status).toBe('queued');
    expect(res.headers.location).toBe(`/v1/jobs/${body.jobId}`);
    return body.jobId;
  };
  const read = async (jobId: string, waitMs?: number, headers: Record<string, string> = acme) =>
    httpRequest(`${server.url}/v1/jobs/${jobId}${waitMs !== undefined ? `?waitMs=${waitMs}` : ''}`, { headers });

  test('submit, then long-poll until the envelope is there', async () => {
    const jobId = await submit("return (await callTool('users:get', { id: 'u_0001' })).id");
    const done = (await read(jobId, 5_000)).body as Job;
    expect(done).toMatchObject({ jobId, state: 'completed', result: { status: 'ok', result: 'u_0001' } });
    expect(done.startedAt && done.finishedAt).toBeTruthy();
  });

  test("a running job shows the script's progress", async () => {
    const jobId = await submit("progress(0.5, 'half way'); await callTool('test:sleep', { ms: 600 }); return 1");
    await new Promise((r) => setTimeout(r, 250));
    expect((await read(jobId)).body).toMatchObject({ state: 'running', progress: { fraction: 0.5, message: 'half way' } });
    expect((await read(jobId, 5_000)).body).toMatchObject({ state: 'completed', progress: { fraction: 0.5 } });
  });

  test('POST /v1/jobs is the same; a failing script completes with its envelope', async () => {
    const res = await postJson(`${server.url}/v1/jobs`, { script: 'throw new Error("nope")' }, acme);
    const job = (await read((res.body as { jobId: string }).jobId, 5_000)).body as Job;
    expect(job).toMatchObject({ state: 'completed', result: { status: 'runtime_error' } });
  });

  test('async executions run with the jobs preset: a timeoutMs above the interactive cap (30 s) stands', async () => {
    const interactive = await postJson(`${server.url}/v1/execute`, { script: 'return 1', timeoutMs: 45_000 }, acme);
    expect((interactive.body as { warnings: string[] }).warnings.join(' ')).toMatch(/timeoutMs/);
    const queued = await postJson(`${server.url}/v1/execute`, { script: 'return 1', async: true, timeoutMs: 45_000 }, acme);
    const job = (await read((queued.body as { jobId: string }).jobId, 5_000)).body as { result: { status: string; warnings: string[] } };
    expect(job.result).toMatchObject({ status: 'ok', warnings: [] });
  });

  test('cancel a running job and a waiting one; both end cancelled', async () => {
    const running = await submit("await callTool('test:sleep', { ms: 3000 }); return 'late'");
    const waiting = await submit('return "never"');
    await new Promise((r) => setTimeout(r, 200));
    expect(((await read(running)).body as Job).state).toBe('running');
    expect(((await read(waiting)).body as Job).state).toBe('queued');
    const cancelledWaiting = await httpRequest(`${server.url}/v1/jobs/${waiting}`, { method: 'DELETE', headers: acme });
    expect(cancelledWaiting.body).toMatchObject({ state: 'cancelled', error: { code: 'CANCELLED' } });
    await httpRequest(`${server.url}/v1/jobs/${running}`, { method: 'DELETE', headers: acme });
    const stopped = (await read(running, 3_000)).body as Job;
    expect(stopped).toMatchObject({ state: 'cancelled', result: { status: 'runtime_error', error: { code: 'CANCELLED' } } });
  });

  test('Idempotency-Key: the same key from the same tenant is the same job; another tenant gets its own', async () => {
    const headers = { ...acme, 'idempotency-key': 'order-42' };
    const a = await postJson(`${server.url}/v1/execute`, { script: 'return 42', async: true }, headers);
    const b = await postJson(`${server.url}/v1/execute`, { script: 'return 42', async: true }, headers);
    expect((b.body as { jobId: string }).jobId).toBe((a.body as { jobId: string }).jobId);
    const c = await postJson(`${server.url}/v1/execute`, { script: 'return 42', async: true }, { ...globex, 'idempotency-key': 'order-42' });
    expect((c.body as { jobId: string }).jobId).not.toBe((a.body as { jobId: string }).jobId);
    const bad = await postJson(`${server.url}/v1/execute`, { script: 'return 1', async: true }, { ...acme, 'idempotency-key': 'x'.repeat(201) });
    expect(bad.status).toBe(400);
  });

  test("another tenant's job id reads as unknown; finished jobs expire after the retention time", async () => {
    const jobId = await submit('return 7');
    expect(((await read(jobId, 5_000)).body as Job).state).toBe('completed');
    const foreign = await read(jobId, undefined, globex);
    expect(foreign.status).toBe(404);
    expect((foreign.body as { error: { code: string } }).error.code).toBe('JOB_NOT_FOUND');
    expect((await httpRequest(`${server.url}/v1/jobs/${jobId}`, { method: 'DELETE', headers: globex })).status).toBe(404);
    await new Promise((r) => setTimeout(r, 1_300));
    expect((await read(jobId)).status).toBe(404);
    expect((await read('job_nonexistent')).status).toBe(404);
    expect((await read(jobId, -1 as number)).status).toBe(400);
  });

  test('MCP: execute_script with async, then get_job with waitMs', async () => {
    const client = new Client({ name: 't', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), { requestInit: { headers: acme } }));
    try {
      const queued = await client.callTool({ name: 'execute_script', arguments: { script: 'return 6 * 7', async: true } });
      const { jobId } = queued.structuredContent as { status: string; jobId: string };
      expect(queued.structuredContent).toMatchObject({ status: 'queued' });
      const job = await client.callTool({ name: 'get_job', arguments: { jobId, waitMs: 5_000 } });
      expect(job.structuredContent).toMatchObject({ jobId, state: 'completed', result: { status: 'ok', result: 42 } });
      const missing = await client.callTool({ name: 'get_job', arguments: { jobId: 'job_nope' } });
      expect(missing.isError).toBe(true);
    } finally {
      await client.close();
    }
  });
});

describe('API instances and a job runner sharing one Redis queue', () => {
  test('two API instances that do not consume queue jobs; `scriptgate worker` (a real process) runs them; either instance reads them', async () => {
    const redis = await acquireRedis();
    const settings = { redis: { url: redis.url, keyPrefix: redis.keyPrefix }, jobs: { consume: false } };
    const apis = await Promise.all([startTestGateway(settings), startTestGateway(settings)]);
    const servers = await Promise.all(apis.map((g) => startHttpServer({ gateway: g.gateway, log: silentLogger(), host: '127.0.0.1', port: 0, bodyLimitBytes: 64 * 1024, shutdownGraceMs: 2_000 })));
    const runner = spawn(process.execPath, [MAIN, 'worker'], {
      env: { PATH: process.env.PATH, REDIS_URL: redis.url, SCRIPTGATE_REDIS_KEY_PREFIX: redis.keyPrefix, SCRIPTGATE_POOL_MIN_THREADS: '1', SCRIPTGATE_POOL_MAX_THREADS: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let runnerLog = '';
    runner.stdout!.on('data', (c: Buffer) => (runnerLog += c.toString()));
    try {
      const [a, b] = servers as [RunningServer, RunningServer];
      const queued = await postJson(`${a.url}/v1/execute`, { script: "return (await callTool('users:get', { id: 'u_0002' })).id", async: true });
      const { jobId } = queued.body as { jobId: string };
      const done = (await httpRequest(`${b.url}/v1/jobs/${jobId}?waitMs=20000`)).body as Job;
      expect(done).toMatchObject({ jobId, state: 'completed', result: { status: 'ok', result: 'u_0002' } });
      expect(runnerLog).toContain('job runner started');
    } finally {
      runner.kill('SIGTERM');
      await new Promise((r) => runner.once('exit', r));
      await Promise.all(servers.map((s) => s.close()));
      await redis.stop();
    }
  });

  test('scriptgate worker refuses to start without Redis', async () => {
    const runner = spawn(process.execPath, [MAIN, 'worker'], { env: { PATH: process.env.PATH }, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    runner.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise((r) => runner.once('exit', r));
    expect(code).toBe(1);
    expect(err).toContain('scriptgate worker needs redis.url (REDIS_URL)');
  });
});

describe('a job runner killed mid-job', () => {
  test('the job ends failed with RUNNER_LOST (not run again) once another runner checks for stalled jobs', async () => {
    const redis = await acquireRedis();
    const api = await startTestGateway({ redis: { url: redis.url, keyPrefix: redis.keyPrefix }, jobs: { consume: false } });
    const server = await startHttpServer({ gateway: api.gateway, log: silentLogger(), host: '127.0.0.1', port: 0, bodyLimitBytes: 64 * 1024, shutdownGraceMs: 2_000 });
    const startRunner = () =>
      spawn(process.execPath, [MAIN, 'worker'], {
        env: { PATH: process.env.PATH, REDIS_URL: redis.url, SCRIPTGATE_REDIS_KEY_PREFIX: redis.keyPrefix, SCRIPTGATE_POOL_MIN_THREADS: '1', SCRIPTGATE_POOL_MAX_THREADS: '1', SCRIPTGATE_LOG_LEVEL: 'warn' },
        stdio: 'ignore',
      });
    const first = startRunner();
    let second: ReturnType<typeof startRunner> | undefined;
    try {
      // The demo catalog has no slow tool, so the job busy-waits on the clock for a while.
      const queued = await postJson(`${server.url}/v1/execute`, { script: 'const end = Date.now() + 20000; let n = 0; while (Date.now() < end) n++; return n', async: true, timeoutMs: 30_000 });
      const { jobId } = queued.body as { jobId: string };
      const deadline = Date.now() + 20_000;
      while (((await httpRequest(`${server.url}/v1/jobs/${jobId}`)).body as Job).state !== 'running') {
        if (Date.now() > deadline) throw new Error('the job never started');
        await new Promise((r) => setTimeout(r, 100));
      }
      first.kill('SIGKILL');
      await new Promise((r) => first.once('exit', r));
      second = startRunner();
      const ended = (await httpRequest(`${server.url}/v1/jobs/${jobId}?waitMs=25000`)).body as Job;
      expect(ended).toMatchObject({ jobId, state: 'failed', error: { code: 'RUNNER_LOST' } });
    } finally {
      first.kill('SIGKILL');
      second?.kill('SIGTERM');
      if (second) await new Promise((r) => second!.once('exit', r));
      await server.close();
      await redis.stop();
    }
  }, 60_000);
});
