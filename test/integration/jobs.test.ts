import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResultSchema, CreateTaskResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { startHttpServer, type RunningServer } from '../../src/http';
import { TERMINAL, type JobState } from '../../src/jobs';
import { silentLogger } from '../../src/log';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { httpRequest, postJson } from '../helpers/http';
import { startPrivateRedis, type TestRedis } from '../helpers/redis';
import { MAIN } from '../helpers/server-process';

interface Job {
  jobId: string;
  state: string;
  result?: { status: string; result?: unknown; error?: { code: string } };
  error?: { code: string };
  startedAt?: string;
  finishedAt?: string;
  restarts?: number;
}

/** A long job: one slow tool call (`clock:sleep` in job runners, `test:sleep` in the test gateway). */
const sleepThen = (tool: string, ms: number, answer: string) => `await callTool('${tool}', { ms: ${ms} }); return '${answer}'`;
/** Job runners load the slow tool from a module; the demo catalog has none. */
const SLOW_TOOLS = JSON.stringify([{ dir: resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'tools-slow') }]);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each([
  ['the in-process queue', false],
  ['BullMQ on Redis', true],
])('async executions on %s', (_label, useRedis) => {
  let g: TestGateway;
  let server: RunningServer;
  let redis: TestRedis | undefined;
  beforeAll(async () => {
    redis = useRedis ? await startPrivateRedis({ appendOnly: true }) : undefined;
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

  test('MCP Tasks: execute_script runs as a task on this queue (tasks/get, tasks/result, tasks/cancel), bound to its tenant', async () => {
    const connect = async (headers: Record<string, string>) => {
      const client = new Client({ name: 't', version: '1' });
      await client.connect(new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), { requestInit: { headers } }));
      return client;
    };
    const client = await connect(acme);
    const other = await connect(globex);
    const createTask = async (name: string, args: Record<string, unknown>) =>
      (await client.request({ method: 'tools/call', params: { name, arguments: args, task: { ttl: 60_000 } } }, CreateTaskResultSchema)).task;
    try {
      expect(client.getServerCapabilities()?.tasks).toEqual({ cancel: {}, requests: { tools: { call: {} } } });
      const tools = (await client.listTools()).tools;
      expect(tools.find((t) => t.name === 'execute_script')?.execution).toEqual({ taskSupport: 'optional' });
      expect(tools.find((t) => t.name === 'search_tools')?.execution).toBeUndefined();

      // The SDK's own task client: create, poll tasks/get, fetch tasks/result.
      const messages: { type: string; task?: { taskId: string; status: string }; result?: unknown }[] = [];
      for await (const message of client.experimental.tasks.callToolStream({ name: 'execute_script', arguments: { script: "return (await callTool('users:get', { id: 'u_0003' })).id" } })) {
        messages.push(message as (typeof messages)[number]);
      }
      expect(messages[0]).toMatchObject({ type: 'taskCreated', task: { status: 'working', ttl: 1_000, pollInterval: 500 } });
      expect(messages.at(-2)).toMatchObject({ type: 'taskStatus', task: { status: 'completed' } });
      expect(messages.at(-1)).toMatchObject({ type: 'result', result: { structuredContent: { status: 'ok', result: 'u_0003' } } });
      // A task is a job: get_job and REST read it too; another tenant cannot.
      const taskId = messages[0]!.task!.taskId;
      expect((await read(taskId)).body).toMatchObject({ jobId: taskId, state: 'completed' });
      await expect(other.experimental.tasks.getTask(taskId)).rejects.toThrow(/not found/i);
      await expect(other.experimental.tasks.getTaskResult(taskId, CallToolResultSchema)).rejects.toThrow(/not found/i);

      // A script that fails: the task fails with the reason; tasks/result still has the envelope.
      const failing = await createTask('execute_script', { script: "throw new Error('boom')" });
      const failed = await client.experimental.tasks.getTaskResult(failing.taskId, CallToolResultSchema);
      expect(failed).toMatchObject({ isError: true, structuredContent: { status: 'runtime_error', error: { code: 'RUNTIME_ERROR' } } });
      expect(await client.experimental.tasks.getTask(failing.taskId)).toMatchObject({ status: 'failed', statusMessage: expect.stringContaining('RUNTIME_ERROR: ') });

      // tasks/cancel stops a running script; another tenant cannot cancel it.
      const slow = await createTask('execute_script', { script: "await callTool('test:sleep', { ms: 20000 }); return 'late'" });
      while (((await read(slow.taskId)).body as Job).state !== 'running') await sleep(50);
      expect(await client.experimental.tasks.getTask(slow.taskId)).toMatchObject({ taskId: slow.taskId, status: 'working' });
      await expect(other.experimental.tasks.cancelTask(slow.taskId)).rejects.toThrow(/not found/i);

      expect(await client.experimental.tasks.cancelTask(slow.taskId)).toMatchObject({ taskId: slow.taskId, status: 'cancelled' });
      const stopped = await client.experimental.tasks.getTaskResult(slow.taskId, CallToolResultSchema);
      expect(stopped).toMatchObject({ isError: true, structuredContent: { error: { code: 'CANCELLED' } } });
      await expect(client.experimental.tasks.cancelTask(slow.taskId)).rejects.toThrow(/terminal status: cancelled/);

      // Only execute_script runs as a task; bad arguments are refused before anything is queued; no tasks/list.
      await expect(createTask('search_tools', { query: 'users' })).rejects.toThrow('only execute_script runs as a task');
      await expect(createTask('execute_script', { script: '' })).rejects.toThrow(/invalid arguments: script/);
      await expect(client.experimental.tasks.listTasks()).rejects.toThrow(/tasks\/list is not offered/);
    } finally {
      await client.close();
      await other.close();
    }
  });
});

describe('API instances and a job runner sharing one Redis queue', () => {
  test('two API instances that do not consume queue jobs; `scriptgate worker` (a real process) runs them; either instance reads them', async () => {
    const redis = await startPrivateRedis({ appendOnly: true });
    const settings = { redis: { url: redis.url, keyPrefix: redis.keyPrefix }, jobs: { consume: false } };
    const apis = await Promise.all([startTestGateway(settings), startTestGateway(settings)]);
    const servers = await Promise.all(apis.map((g) => startHttpServer({ gateway: g.gateway, log: silentLogger(), host: '127.0.0.1', port: 0, bodyLimitBytes: 64 * 1024, shutdownGraceMs: 2_000 })));
    const runner = spawn(process.execPath, [MAIN, 'worker'], {
      // The API pods' settings, ml search included: a runner ranks no searches and must not load the model.
      env: { PATH: process.env.PATH, REDIS_URL: redis.url, SCRIPTGATE_REDIS_KEY_PREFIX: redis.keyPrefix, SCRIPTGATE_PORT: '0', SCRIPTGATE_POOL_MIN_THREADS: '1', SCRIPTGATE_POOL_MAX_THREADS: '1', SCRIPTGATE_SEARCH_STRATEGY: 'ml' },
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
      // The runner serves probes and metrics, and nothing that runs scripts.
      const ops = /"ops":"(http:[^"]+)"/.exec(runnerLog)?.[1];
      expect(ops).toBeDefined();
      expect((await httpRequest(`${ops}/health`)).status).toBe(200);
      const ready = await httpRequest(`${ops}/ready`);
      expect(ready.status).toBe(200);
      expect((ready.body as { search: unknown }).search).toEqual({ strategy: 'tfidf', serving: 'tfidf', version: expect.any(String) });
      expect((await httpRequest(`${ops}/metrics`)).text).toContain('scriptgate_jobs{state="queued"}');
      expect((await postJson(`${ops}/v1/execute`, { script: 'return 1' })).body).toMatchObject({ error: { code: 'ROUTE_NOT_FOUND' } });
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
  test("retry 'onCrash' (the config default here) runs the job again; a job sent with retry 'never' fails with RUNNER_LOST", async () => {
    const redis = await startPrivateRedis({ appendOnly: true });
    const api = await startTestGateway({ redis: { url: redis.url, keyPrefix: redis.keyPrefix }, jobs: { consume: false, retry: 'onCrash' } });
    const server = await startHttpServer({ gateway: api.gateway, log: silentLogger(), host: '127.0.0.1', port: 0, bodyLimitBytes: 64 * 1024, shutdownGraceMs: 2_000 });
    const startRunner = () =>
      spawn(process.execPath, [MAIN, 'worker'], {
        env: { PATH: process.env.PATH, REDIS_URL: redis.url, SCRIPTGATE_REDIS_KEY_PREFIX: redis.keyPrefix, SCRIPTGATE_PORT: '0', SCRIPTGATE_POOL_MIN_THREADS: '2', SCRIPTGATE_POOL_MAX_THREADS: '2', SCRIPTGATE_LOG_LEVEL: 'warn', SCRIPTGATE_SOURCES_MODULES: SLOW_TOOLS },
        stdio: 'ignore',
      });
    const first = startRunner();
    let second: ReturnType<typeof startRunner> | undefined;
    try {
      const submit = async (body: Record<string, unknown>) => ((await postJson(`${server.url}/v1/execute`, { async: true, timeoutMs: 30_000, ...body })).body as { jobId: string }).jobId;
      const never = await submit({ script: sleepThen('clock:sleep', 20_000, 'never finishes'), retry: 'never' });
      const onCrash = await submit({ script: sleepThen('clock:sleep', 4_000, 'ran again') });
      const deadline = Date.now() + 20_000;
      for (const jobId of [never, onCrash]) {
        while (((await httpRequest(`${server.url}/v1/jobs/${jobId}`)).body as Job).state !== 'running') {
          if (Date.now() > deadline) throw new Error('the jobs never started');
          await sleep(100);
        }
      }
      first.kill('SIGKILL');
      await new Promise((r) => first.once('exit', r));
      second = startRunner();
      // Within a minute: the new runner first waits out a heartbeat's lifetime, then the stalled check hands the jobs on.
      const end = async (jobId: string): Promise<Job> => {
        const until = Date.now() + 60_000;
        for (;;) {
          const job = (await httpRequest(`${server.url}/v1/jobs/${jobId}?waitMs=10000`)).body as Job;
          if (['completed', 'failed', 'cancelled'].includes(job.state) || Date.now() > until) return job;
        }
      };
      const [lost, rerun] = await Promise.all([never, onCrash].map(end));
      expect(lost).toMatchObject({ jobId: never, state: 'failed', error: { code: 'RUNNER_LOST' } });
      expect(lost?.restarts).toBeUndefined();
      expect(rerun).toMatchObject({ jobId: onCrash, state: 'completed', restarts: 1, result: { status: 'ok', result: 'ran again' } });
    } finally {
      first.kill('SIGKILL');
      second?.kill('SIGTERM');
      if (second) await new Promise((r) => second!.once('exit', r));
      await server.close();
      await redis.stop();
    }
  }, 120_000);

  test('a runner killed after taking a job but before recording it as its own is still found by its lock token', async () => {
    const redis = await startPrivateRedis({ appendOnly: true });
    const api = await startTestGateway({ redis: { url: redis.url, keyPrefix: redis.keyPrefix }, jobs: { consume: false, retry: 'onCrash' } });
    const server = await startHttpServer({ gateway: api.gateway, log: silentLogger(), host: '127.0.0.1', port: 0, bodyLimitBytes: 64 * 1024, shutdownGraceMs: 2_000 });
    // What a runner leaves when it dies in that window: the job active, locked with its token, no owner record.
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    const taker = new Worker('executions', null, { connection, prefix: `${redis.keyPrefix}bull`, autorun: false, lockDuration: 300_000 });
    let runner: ReturnType<typeof spawn> | undefined;
    try {
      const jobId = ((await postJson(`${server.url}/v1/execute`, { async: true, timeoutMs: 30_000, script: "return 'ran again'" })).body as { jobId: string }).jobId;
      const taken = await taker.getNextJob(`${taker.id}:0`);
      expect(taken?.id).toBe(jobId);
      expect(((await httpRequest(`${server.url}/v1/jobs/${jobId}`)).body as Job).state).toBe('running');
      await taker.close(true);
      // Its lock lasts five minutes: the job can only end within the minute below if the lock's token is read.
      expect(await connection.get(`${redis.keyPrefix}bull:executions:${jobId}:lock`)).toBe(`${taker.id}:0`);
      connection.disconnect();
      runner = spawn(process.execPath, [MAIN, 'worker'], {
        env: { PATH: process.env.PATH, REDIS_URL: redis.url, SCRIPTGATE_REDIS_KEY_PREFIX: redis.keyPrefix, SCRIPTGATE_PORT: '0', SCRIPTGATE_POOL_MIN_THREADS: '1', SCRIPTGATE_POOL_MAX_THREADS: '1', SCRIPTGATE_LOG_LEVEL: 'warn' },
        stdio: 'ignore',
      });
      const until = Date.now() + 60_000;
      let job: Job;
      do job = (await httpRequest(`${server.url}/v1/jobs/${jobId}?waitMs=10000`)).body as Job;
      while (job.state !== 'completed' && job.state !== 'failed' && Date.now() < until);
      expect(job).toMatchObject({ jobId, state: 'completed', restarts: 1, result: { status: 'ok', result: 'ran again' } });
    } finally {
      connection.disconnect();
      runner?.kill('SIGTERM');
      if (runner) await new Promise((r) => runner!.once('exit', r));
      await server.close();
      await redis.stop();
    }
  }, 90_000);

  test('retry and idempotencyKey belong to async executions: an interactive execute naming them is refused', async () => {
    const g = await startTestGateway();
    const server = await startHttpServer({ gateway: g.gateway, log: silentLogger(), host: '127.0.0.1', port: 0, bodyLimitBytes: 64 * 1024, shutdownGraceMs: 2_000 });
    try {
      const res = await postJson(`${server.url}/v1/execute`, { script: 'return 1', retry: 'onCrash', idempotencyKey: 'k1' });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: { code: 'BAD_REQUEST', message: 'idempotencyKey and retry apply only to async executions; add "async": true' } });
      const bad = await postJson(`${server.url}/v1/jobs`, { script: 'return 1', retry: 'always' });
      expect(bad.status).toBe(400);
      const clash = await postJson(`${server.url}/v1/jobs`, { script: 'return 1', idempotencyKey: 'k1' }, { 'idempotency-key': 'k2' });
      expect(clash.status).toBe(400);
      expect(clash.body).toMatchObject({ error: { code: 'BAD_REQUEST', message: 'the Idempotency-Key header and the idempotencyKey field differ; send one' } });
    } finally {
      await server.close();
    }
  });
});

describe('Redis restarted (append-only file) mid-queue', () => {
  test('every accepted job ends in a readable terminal state; job requests while Redis is down answer QUEUE_UNAVAILABLE', async () => {
    const redis = await startPrivateRedis({ appendOnly: true });
    const g = await startTestGateway({ redis: { url: redis.url, keyPrefix: redis.keyPrefix }, jobs: { concurrency: 1, queueTimeoutMs: 400 } });
    const server = await startHttpServer({ gateway: g.gateway, log: silentLogger(), host: '127.0.0.1', port: 0, bodyLimitBytes: 64 * 1024, shutdownGraceMs: 2_000 });
    try {
      const submit = async (script: string, headers: Record<string, string> = {}) => {
        const res = await postJson(`${server.url}/v1/jobs`, { script }, headers);
        expect(res.status).toBe(202);
        return (res.body as { jobId: string }).jobId;
      };
      const finished = await submit("return 'before the restart'");
      expect(((await httpRequest(`${server.url}/v1/jobs/${finished}?waitMs=10000`)).body as Job).state).toBe('completed');
      // One running, four waiting behind it (one job at a time).
      const queued: string[] = [];
      for (let i = 0; i < 5; i++) queued.push(await submit(sleepThen('test:sleep', 600, `job ${i}`)));
      while (((await httpRequest(`${server.url}/v1/jobs/${queued[0]}`)).body as Job).state !== 'running') await sleep(50);

      await redis.kill();
      const refused = await postJson(`${server.url}/v1/jobs`, { script: 'return 1' }, { 'idempotency-key': 'sent-during-outage' });
      expect(refused.status).toBe(503);
      expect(refused.headers['retry-after']).toBe('1');
      expect(refused.body).toMatchObject({ error: { code: 'QUEUE_UNAVAILABLE' } });
      const unreadable = await httpRequest(`${server.url}/v1/jobs/${finished}`);
      expect(unreadable.status).toBe(503);
      await sleep(500);
      await redis.restart();

      // The client retries the refused submit with its key (as Retry-After says) until Redis is back: exactly one job.
      let again = await postJson(`${server.url}/v1/jobs`, { script: 'return 1' }, { 'idempotency-key': 'sent-during-outage' });
      for (let tries = 0; again.status === 503 && tries < 40; tries++) {
        await sleep(250);
        again = await postJson(`${server.url}/v1/jobs`, { script: 'return 1' }, { 'idempotency-key': 'sent-during-outage' });
      }
      expect(again.status).toBe(202);
      const retried = (again.body as { jobId: string }).jobId;
      expect(await submit('return 1', { 'idempotency-key': 'sent-during-outage' })).toBe(retried);
      const ends = await Promise.all([finished, ...queued, retried].map(async (jobId) => (await httpRequest(`${server.url}/v1/jobs/${jobId}?waitMs=20000`)).body as Job));
      for (const end of ends) expect(TERMINAL.has(end.state as JobState)).toBe(true);
      expect(ends.map((e) => e.state)).toEqual(Array(7).fill('completed'));
      expect(ends.map((e) => e.result?.result)).toEqual(['before the restart', 'job 0', 'job 1', 'job 2', 'job 3', 'job 4', 1]);
    } finally {
      await server.close();
      await redis.stop();
    }
  }, 60_000);
});
