import { startTestGateway, type TestGateway } from '../helpers/gateway';

let g: TestGateway;
let unbounded: TestGateway;
beforeAll(async () => {
  g = await startTestGateway();
  // With the secure preset a bare loop trips loopIterations within a millisecond; lift it to reach the deadline.
  unbounded = await startTestGateway({ limits: { loopIterations: 1_000_000_000_000 } });
});
afterAll(() => Promise.all([g.close(), unbounded.close()]));

const limitOf = (r: { status: string; error?: { code: string; limit?: unknown } }) => [r.status, r.error?.code, r.error?.limit];

describe('deadlines', () => {
  test('while(true){} with timeoutMs 500 times out in under a second, and the next request succeeds', async () => {
    const started = Date.now();
    const r = await unbounded.run('while (true) {}', { timeoutMs: 500 });
    const elapsed = Date.now() - started;
    expect(r.status).toBe('timeout');
    expect(r.error).toMatchObject({ code: 'TIMEOUT', timeoutMs: 500 });
    expect(elapsed).toBeGreaterThanOrEqual(490);
    expect(elapsed).toBeLessThan(1000);
    expect((await unbounded.run('return "next"')).result).toBe('next');
  });

  test('a guard error swallowed by try/catch keeps firing', async () => {
    const r = await unbounded.run('for (;;) { try { while (true) {} } catch {} }', { timeoutMs: 300 });
    expect(r.status).toBe('timeout');
  });

  test('with the default preset a bare loop trips the loop budget first', async () => {
    const r = await g.run('while (true) {}', { timeoutMs: 500 });
    expect(r).toMatchObject({ status: 'limit_exceeded', error: { limit: 'loopIterations' } });
  });

  test('a tool that never returns ends at the deadline', async () => {
    const started = Date.now();
    const r = await g.run('await callTool("test:hang", {})', { timeoutMs: 300 });
    expect(r.status).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  test('a promise that never settles ends at the deadline', async () => {
    const r = await g.run('await new Promise(() => {})', { timeoutMs: 300 });
    expect(r.status).toBe('timeout');
  });

  test('a script stuck inside a native builtin is stopped after the grace', async () => {
    const started = Date.now();
    const r = await g.run('const re = new RegExp(["^(a+)+", "$"].join("")); return re.test("a".repeat(40) + "b")', { timeoutMs: 300 });
    expect(r.status).toBe('timeout');
    expect(r.error?.message).toContain('stopped inside a built-in');
    expect(Date.now() - started).toBeLessThan(2000);
    expect((await g.run('return 1')).result).toBe(1);
  });
});

describe('limits trip with LIMIT_EXCEEDED naming the limit', () => {
  test('tool calls', async () => {
    const r = await g.run('for (let i = 0; i < 4; i++) await callTool("test:echo", { i })', { limits: { toolCalls: 3 } });
    expect(limitOf(r)).toEqual(['limit_exceeded', 'LIMIT_EXCEEDED', 'toolCalls']);
    expect(r.stats.toolCalls).toBe(4);
  });

  test('loop iterations (summed over loops)', async () => {
    const r = await g.run('let n = 0; for (let i = 0; i < 600; i++) n++; for (let i = 0; i < 600; i++) n++; return n', { limits: { loopIterations: 1000 } });
    expect(limitOf(r)).toEqual(['limit_exceeded', 'LIMIT_EXCEEDED', 'loopIterations']);
    const ok = await g.run('let n = 0; for (let i = 0; i < 400; i++) n++; return n', { limits: { loopIterations: 1000 } });
    expect(ok.result).toBe(400);
  });

  test('call depth', async () => {
    const r = await g.run('function down(n) { return n === 0 ? 0 : 1 + down(n - 1) } return down(100)', { limits: { callDepth: 50 } });
    expect(limitOf(r)).toEqual(['limit_exceeded', 'LIMIT_EXCEEDED', 'callDepth']);
    expect((await g.run('function down(n) { return n === 0 ? 0 : 1 + down(n - 1) } return down(40)', { limits: { callDepth: 50 } })).result).toBe(40);
  });

  test('deep Promise.all fan-out is not mistaken for call depth', async () => {
    const r = await g.run('const xs = Array.from({ length: 300 }, (_, i) => i); const ys = await Promise.all(xs.map(async (x) => { await null; return x * 2 })); return ys.length', { limits: { callDepth: 10 } });
    expect(r.result).toBe(300);
  });

  test('console lines and bytes', async () => {
    expect(limitOf(await g.run('for (let i = 0; i < 11; i++) console.log(i)', { limits: { consoleLines: 10 } }))).toEqual(['limit_exceeded', 'LIMIT_EXCEEDED', 'consoleLines']);
    expect(limitOf(await g.run('console.log("x".repeat(2000))', { limits: { consoleBytes: 1000 } }))).toEqual(['limit_exceeded', 'LIMIT_EXCEEDED', 'consoleBytes']);
  });

  test('result size', async () => {
    expect(limitOf(await g.run('return "x".repeat(5000)', { limits: { resultBytes: 1000 } }))).toEqual(['limit_exceeded', 'LIMIT_EXCEEDED', 'resultBytes']);
    expect((await g.run('return "x".repeat(900)', { limits: { resultBytes: 1000 } })).status).toBe('ok');
  });

  test('script size', async () => {
    const r = await g.run(`return ${'1 + '.repeat(400)}1`, { limits: { scriptBytes: 1000 } });
    expect(r).toMatchObject({ status: 'limit_exceeded', error: { code: 'SCRIPT_TOO_LARGE' } });
  });

  test('parallel tool calls are capped: extra calls wait their turn', async () => {
    const r = await g.run('const t = Date.now(); await Promise.all([1, 2, 3, 4].map(() => callTool("test:sleep", { ms: 100 }))); return Date.now() - t', { limits: { parallelToolCalls: 2 } });
    expect(r.status).toBe('ok');
    expect(r.result as number).toBeGreaterThanOrEqual(190);
    const wide = await g.run('const t = Date.now(); await Promise.all([1, 2, 3, 4].map(() => callTool("test:sleep", { ms: 100 }))); return Date.now() - t', { limits: { parallelToolCalls: 4 } });
    expect(wide.result as number).toBeLessThan(190);
  });
});

describe('without deadline enforcement (the baseline load tests compare with)', () => {
  test('a script outlives its timeout and finishes; with enforcement the same script times out', async () => {
    const free = await startTestGateway({ limits: { timeoutMs: 150 } }, { enforceDeadlines: false });
    const bounded = await startTestGateway({ limits: { timeoutMs: 150 } });
    try {
      const script = 'const a = await callTool("test:sleep", { ms: 200 }); const b = await callTool("test:sleep", { ms: 100 }); return a.slept + b.slept';
      expect(await free.run(script)).toMatchObject({ status: 'ok', result: 300 });
      expect(await bounded.run(script)).toMatchObject({ status: 'timeout', error: { code: 'TIMEOUT' } });
      // Loop budgets and the other limits still hold.
      expect((await free.run('while (true) {}')).error?.code).toBe('LIMIT_EXCEEDED');
    } finally {
      await Promise.all([free.close(), bounded.close()]);
    }
  });
});
