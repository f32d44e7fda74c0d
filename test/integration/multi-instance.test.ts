import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { httpRequest, postJson, type HttpResponse } from '../helpers/http';
import { startPrivateRedis, type PrivateRedis } from '../helpers/redis';
import { MAIN, executionsReceived, startServerProcess, untilReceived, type ServerProcess } from '../helpers/server-process';

/**
 * The deployment shape on one machine: two API processes and one job runner sharing one redis-server,
 * as k8s/ runs them (the API does not consume jobs; runners do).
 */
const SLOW_TOOLS = JSON.stringify([{ dir: resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'tools-slow') }]);
const KEY = { 'x-api-key': 'multi-acme-0123456789' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function metric(text: string, name: string, labels: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('two API instances and a job runner on one Redis', () => {
  let redis: PrivateRedis;
  let a: ServerProcess;
  let b: ServerProcess;
  let runner: ChildProcess;
  beforeAll(async () => {
    redis = await startPrivateRedis({ appendOnly: true });
    const env = {
      REDIS_URL: redis.url,
      SCRIPTGATE_REDIS_KEY_PREFIX: redis.keyPrefix,
      SCRIPTGATE_API_KEYS: 'multi-acme-0123456789:acme,multi-limited-0123456789:limited',
      SCRIPTGATE_TENANTS: JSON.stringify({ limited: { rateLimit: { points: 6, durationSeconds: 60 } } }),
      SCRIPTGATE_SOURCES_MODULES: SLOW_TOOLS,
      SCRIPTGATE_JOBS_CONSUME: 'false',
      SCRIPTGATE_SERVER_SHUTDOWN_GRACE_MS: '10000',
    };
    [a, b] = await Promise.all([startServerProcess(env), startServerProcess(env)]);
    runner = spawn(process.execPath, [MAIN, 'worker'], { env: { PATH: process.env.PATH, ...env, SCRIPTGATE_PORT: '0' }, stdio: 'ignore' });
  }, 60_000);
  afterAll(async () => {
    for (const p of [a.child, b.child, runner]) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    await redis.stop();
  });

  test('the describe cache and a tenant rate limit are shared: what one instance did, the other sees', async () => {
    const names = { names: ['users:get', 'users:list'] };
    expect((await postJson(`${a.url}/v1/describe`, names, KEY)).status).toBe(200);
    const before = metric((await httpRequest(`${b.url}/metrics`)).text, 'scriptgate_cache_requests_total', 'area="describe",result="hit"');
    expect((await postJson(`${b.url}/v1/describe`, names, KEY)).status).toBe(200);
    expect(metric((await httpRequest(`${b.url}/metrics`)).text, 'scriptgate_cache_requests_total', 'area="describe",result="hit"')).toBe(before + 1);

    const limited = { 'x-api-key': 'multi-limited-0123456789' };
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await postJson(`${(i % 2 ? b : a).url}/v1/search`, { query: 'users' }, limited)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429, 429]);
  });

  test('a job submitted through one instance is run by the runner and read through the other', async () => {
    const queued = await postJson(`${a.url}/v1/jobs`, { script: "await callTool('clock:sleep', { ms: 50 }); return 'ran on the runner'" }, KEY);
    expect(queued.status).toBe(202);
    const { jobId } = queued.body as { jobId: string };
    const done = (await httpRequest(`${b.url}/v1/jobs/${jobId}?waitMs=20000`, { headers: KEY })).body;
    expect(done).toMatchObject({ jobId, state: 'completed', result: { status: 'ok', result: 'ran on the runner' } });
  });

  test('one instance killed mid-load: the other keeps serving every request; SIGTERM on a loaded instance drains with none failed', async () => {
    const script = { script: "await callTool('clock:sleep', { ms: 200 }); return (await callTool('users:get', { id: 'u_0001' })).id" };
    const results = { a: [] as (number | string)[], b: [] as (number | string)[] };
    let stop = false;
    const loop = async (server: ServerProcess, into: (number | string)[]) => {
      while (!stop) {
        const res: HttpResponse | Error = await postJson(`${server.url}/v1/execute`, script, KEY).catch((err: Error) => err);
        into.push(res instanceof Error ? 'connection error' : res.status);
        if (res instanceof Error) await sleep(20);
      }
    };
    const loops = [...Array(6)].flatMap(() => [loop(a, results.a), loop(b, results.b)]);
    await sleep(1_000);
    a.child.kill('SIGKILL');
    await a.exited;
    const afterKill = results.b.length;
    await sleep(1_500);
    stop = true;
    await Promise.all(loops);
    // B answered everything, before and after A died; A's clients saw connection errors only once it was gone.
    expect(results.b.length).toBeGreaterThan(afterKill);
    expect(results.b.every((s) => s === 200)).toBe(true);
    expect(results.a.filter((s) => s === 200).length).toBeGreaterThan(0);

    // Drain: twelve requests in flight on B when SIGTERM arrives; each one completes with its result.
    const received = await executionsReceived(b.url);
    const inFlight = [...Array(12)].map(() => postJson(`${b.url}/v1/execute`, script, KEY));
    // A request not yet accepted when the listener closes is reset by the kernel: SIGTERM once B has all.
    await untilReceived(b.url, received + 12);
    b.child.kill('SIGTERM');
    const drained = await Promise.all(inFlight);
    expect(drained.map((r) => r.status)).toEqual(Array(12).fill(200));
    expect(drained.map((r) => (r.body as { result?: unknown }).result)).toEqual(Array(12).fill('u_0001'));
    expect(await b.exited).toBe(0);
  }, 60_000);
});
