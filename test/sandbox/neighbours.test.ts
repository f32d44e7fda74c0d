import { startHttpServer, type RunningServer } from '../../src/http';
import { silentLogger } from '../../src/log';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { httpRequest, postJson } from '../helpers/http';

/**
 * One request never hurts another: each hostile request runs while an ordinary script of another client
 * is in flight on the same (only) sandbox thread, and that script must finish normally. The hostile one
 * gets a clear, small error of its own.
 */
let g: TestGateway;
let server: RunningServer;
beforeAll(async () => {
  g = await startTestGateway({ pool: { minThreads: 1, maxThreads: 1, tasksPerThread: 8 }, executor: { restartBackoffMs: 50 } });
  server = await startHttpServer({ gateway: g.gateway, log: silentLogger(), host: '127.0.0.1', port: 0, bodyLimitBytes: 256 * 1024, shutdownGraceMs: 5_000 });
});
afterAll(async () => {
  await server.close();
  await g.close();
});

/** Runs `attack` while a victim script (a tool call that takes a while) is on the same thread. */
async function beside<T>(attack: () => Promise<T>): Promise<T> {
  const restarts = g.gateway.pool.stats().restarts;
  const victim = g.run("const r = await callTool('test:sleep', { ms: 300 });\nreturn 'victim ok';");
  await new Promise((resolve) => setTimeout(resolve, 30));
  const answer = await attack();
  expect(await victim).toMatchObject({ status: 'ok', result: 'victim ok' });
  expect(g.gateway.pool.stats().restarts).toBe(restarts);
  return answer;
}

const deep = (levels: number): Record<string, unknown> => {
  const root: Record<string, unknown> = {};
  let at = root;
  for (let i = 0; i < levels; i++) at = (at.a = {}) as Record<string, unknown>;
  return root;
};

test('a context nested 5,000 levels is refused before dispatch (REST 400, in-process envelope)', async () => {
  const env = await beside(() => g.run('return 1', { context: deep(5_000) }));
  expect(env).toMatchObject({ error: { code: 'BAD_REQUEST', message: expect.stringContaining('nests deeper than 32') } });
  // Written as text: JSON.stringify of 5,000 levels overflows jest's stack before the request is sent.
  const body = `{"script":"return 1","context":${'{"a":'.repeat(5_000)}{}${'}'.repeat(5_000)}}`;
  const rest = await httpRequest(`${server.url}/v1/execute`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
  expect(rest.status).toBe(400);
  expect(JSON.stringify(rest.body)).toContain('nests deeper than 32');
  expect((await g.run('return context.a.a.a', { context: deep(20) })).status).toBe('ok');
});

test.each([
  ['a BigInt', '{ n: 1n }', /Do not know how to serialize a BigInt/],
  ['a throwing getter', '{ get x() { throw new Error("boom"); } }', /boom/],
  ['a Proxy whose traps throw', 'new Proxy({}, { ownKeys() { throw new Error("trap"); } })', /trap/],
  ['a function', '{ f() {} }', undefined],
  ['an object nested 5,000 levels', '(() => { const o = {}; let a = o; for (let i = 0; i < 5000; i++) a = a.x = {}; return o; })()', /nested deeper|Maximum call stack|truncated/],
  ['an object nested 100 levels', '(() => { const o = {}; let a = o; for (let i = 0; i < 100; i++) a = a.x = {}; return o; })()', /nested deeper than 32/],
  ['a 10 MB string', '{ s: "x".repeat(10_000_000) }', undefined],
])('a ToolError whose data holds %s fails only its own script, as plain data', async (_label, data, note) => {
  const env = await beside(() => g.run(`throw new ToolError('X', 'test:t', 'm', ${data});`, { timeoutMs: 10_000 }));
  expect(env).toMatchObject({ status: 'tool_error', error: { code: 'TOOL_ERROR', toolCode: 'X' } });
  const text = JSON.stringify(env.error);
  expect(text.length).toBeLessThan(2_000);
  if (note) expect(text).toMatch(note);
});

test('an error with a 20 MB name or message is answered in a few KB', async () => {
  for (const script of ['const e = new Error("m"); e.name = "N".repeat(20e6); throw e;', 'throw new Error("M".repeat(20e6));', 'throw "S".repeat(20e6);']) {
    const env = await beside(() => g.run(script, { timeoutMs: 10_000 }));
    expect(env.status).toBe('runtime_error');
    expect(JSON.stringify(env).length).toBeLessThan(10_000);
  }
});

test('a 100 KB script of thousands of refusals is answered with the first ten and a count', async () => {
  const line = `${'a,'.repeat(600)}a\n`;
  const script = line.repeat(Math.floor((100 * 1024 - 100) / line.length));
  const env = await beside(() => g.run(script));
  expect(env.status).toBe('illegal_access');
  expect(env.error?.moreViolations).toBeGreaterThan(40_000);
  expect((env.error?.violations as unknown[]).length).toBe(9);
  expect(JSON.stringify(env).length).toBeLessThan(10_000);
});

test('large scripts are checked off the event loop: /health answers while several are being compiled', async () => {
  const line = `${'a,'.repeat(600)}a\n`;
  const flood = (n: number) => `${line.repeat(Math.floor((100 * 1024 - 100) / line.length))}// ${n}`;
  const floods = Array.from({ length: 12 }, (_, n) => postJson(`${server.url}/v1/execute`, { script: flood(n) }).then(() => performance.now()));
  // Let the requests reach the server and queue for the gate thread.
  await new Promise((resolve) => setTimeout(resolve, 20));
  const health = await httpRequest(`${server.url}/health`);
  const healthAt = performance.now();
  expect(health.status).toBe(200);
  // On the event loop, /health would have waited for every compilation before it.
  expect(Math.max(...(await Promise.all(floods)))).toBeGreaterThan(healthAt);
  // The same large script is compiled once: the second time comes from the cache.
  const big = `let x = 0;\n${'x += 1;\n'.repeat(3_000)}return x;`;
  const hits = g.gateway.compiler.stats.hits;
  expect((await g.run(big)).result).toBe(3_000);
  expect((await g.run(big)).result).toBe(3_000);
  expect(g.gateway.compiler.stats.hits).toBe(hits + 1);
});

test("identity fields of context come from auth, not from the caller's context", async () => {
  const keyed = await startTestGateway({ auth: { apiKeys: [{ key: 'k-0123456789abcdef', tenant: 'acme' }] } });
  try {
    const caller = await keyed.gateway.auth.authenticate({ apiKey: 'k-0123456789abcdef' });
    const env = await keyed.gateway.execute({ script: 'return [context.tenantId, context.userId ?? null, context.note];', context: { tenantId: 'other', userId: 'admin', note: 'kept' }, caller });
    expect(env.result).toEqual(['acme', null, 'kept']);
  } finally {
    await keyed.close();
  }
});

test('REST requests sent while the executor restarts wait for it instead of answering 503', async () => {
  const answers: number[] = [];
  process.kill(g.gateway.pool.executors[0]!.pid!, 'SIGKILL');
  // Right after the kill: the pool has not even seen the exit yet, then restarts the executor.
  await Promise.all(
    Array.from({ length: 10 }, async (_, i) => {
      await new Promise((resolve) => setTimeout(resolve, i * 20));
      const r = await postJson(`${server.url}/v1/execute`, { script: 'return 1' });
      answers.push(r.status);
    }),
  );
  expect(answers).toEqual(Array(10).fill(200));
});

test('a tool name like the bridge\'s own messages is refused at once, not left unanswered', async () => {
  const env = await g.run("try { await callTool('#progress', { fraction: 0.5 }); return 'answered'; } catch (e) { return e.message; }", { timeoutMs: 2_000, typecheck: 'off' });
  expect(env).toMatchObject({ status: 'ok', result: expect.stringContaining('name must be a tool name') });
});

test('Symbol.for cannot park memory in the thread for later runs', async () => {
  const big = await g.run("return typeof Symbol.for('k'.repeat(20e6));", { timeoutMs: 5_000 });
  expect(big).toMatchObject({ status: 'runtime_error', error: { message: expect.stringContaining('Symbol.for: the key is longer than 1024') } });
  expect((await g.run("return Symbol.keyFor(Symbol.for('app.key')) + String(Symbol.for('app.key') === Symbol.for('app.key'));")).result).toBe('app.keytrue');
});
