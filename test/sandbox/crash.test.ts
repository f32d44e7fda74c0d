import { startTestGateway, type TestGateway } from '../helpers/gateway';

describe('crash boundary', () => {
  let g: TestGateway;
  beforeAll(async () => {
    // One executor with one thread, so co-residency is certain.
    g = await startTestGateway({ pool: { minThreads: 1, maxThreads: 1, tasksPerThread: 8 }, executor: { restartBackoffMs: 50 } });
  });
  afterAll(() => g.close());

  test('a one-call allocation bomb is a RangeError for its script alone; nothing restarts', async () => {
    const restartsBefore = g.gateway.pool.stats().restarts;
    const r = await g.run("return JSON.stringify({ s: 'z'.repeat(100 * 2 ** 20) }).length", { timeoutMs: 10_000 });
    expect(r).toMatchObject({ status: 'runtime_error', error: { code: 'RUNTIME_ERROR', message: expect.stringMatching(/^RangeError: String\.prototype\.repeat would make 104857600 characters, more than this sandbox can hold/) } });
    const next = await g.run('return "alive"');
    expect(next).toMatchObject({ status: 'ok', result: 'alive' });
    expect(g.gateway.pool.stats().restarts).toBe(restartsBefore);
  });

  test('growing the heap past workerHeapMb is LIMIT_EXCEEDED workerHeapMb', async () => {
    const big = await startTestGateway({ limits: { loopIterations: 1_000_000_000 }, pool: { minThreads: 1, maxThreads: 1 } });
    try {
      const r = await big.run('const a = []; for (;;) a.push(new Array(1000).fill(1));', { timeoutMs: 20_000 });
      expect(r).toMatchObject({ status: 'limit_exceeded', error: { code: 'LIMIT_EXCEEDED', limit: 'workerHeapMb', value: 64 } });
      expect((await big.run('return 1')).result).toBe(1);
    } finally {
      await big.close();
    }
  });

  test('innocent scripts sharing a terminated thread are retried once and succeed', async () => {
    const stuck = g.run('const re = new RegExp(["^(a+)+", "$"].join("")); return re.test("a".repeat(40) + "b")', { timeoutMs: 300 });
    // Queued behind the stuck script on the only thread: they never started, so they are retried.
    const innocents = [1, 2, 3].map((i) => g.run(`return ${i}`, { timeoutMs: 5_000 }));
    expect((await stuck).status).toBe('timeout');
    const results = await Promise.all(innocents);
    expect(results.map((r) => [r.status, r.result])).toEqual([['ok', 1], ['ok', 2], ['ok', 3]]);
  });

  test('a co-resident script that had made a tool call is resumed on a fresh thread; its call is not made again', async () => {
    const sleepsBefore = g.calls.filter((c) => c === 'test:sleep').length;
    const waiting = g.run('const t = Date.now(); const r = Math.random(); await callTool("test:sleep", { ms: 1500 }); return { again: Date.now() - t >= 1000, r }', { timeoutMs: 5_000 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const stuck = g.run('const re = new RegExp(["^(a+)+", "$"].join("")); return re.test("a".repeat(40) + "b")', { timeoutMs: 300 });
    expect((await stuck).status).toBe('timeout');
    const r = await waiting;
    expect(r).toMatchObject({ status: 'ok', result: { again: true, r: expect.any(Number) } });
    expect(g.calls.filter((c) => c === 'test:sleep').length - sleepsBefore).toBe(1);
  });

  test('a run alone in an executor killed from outside is not blamed: it resumes isolated, its call made once', async () => {
    const sleepsBefore = g.calls.filter((c) => c === 'test:sleep').length;
    const pending = g.run('await callTool("test:sleep", { ms: 1000 }); return "finished"', { timeoutMs: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    process.kill(g.gateway.pool.executors[0]!.pid!, 'SIGKILL');
    expect(await pending).toMatchObject({ status: 'ok', result: 'finished' });
    expect(g.calls.filter((c) => c === 'test:sleep').length - sleepsBefore).toBe(1);
    expect((await g.run('return "back"', { timeoutMs: 5_000 })).result).toBe('back');
  });
});
