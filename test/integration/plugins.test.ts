/**
 * Operator plugins with real plugin files (test/fixtures/plugins) in the real plugin pool: chain order,
 * continue: false, rewrites of arguments and results, refusal, a plugin that throws, answers outside the
 * contract, overruns its time or exhausts its heap, and calls from scripts and from invoke alike.
 */
import { resolve } from 'node:path';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

const DIR = resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'plugins');

let g: TestGateway;
beforeAll(async () => {
  g = await startTestGateway({
    plugins: {
      dir: DIR,
      defaultTimeoutMs: 2_000,
      poolSize: 2,
      heapMb: 32,
      sources: {
        '*': { request: [{ name: 'tag-args', order: 1, options: { tag: 'everywhere' } }] },
        test: {
          request: [
            { name: 'tag-args', order: 2, options: { tag: 'second' } },
            { name: 'tag-args', order: 0, options: { tag: 'first' } },
            { name: 'refuse', order: 3 },
            { name: 'tag-args', order: 9, enabled: false, options: { tag: 'disabled' } },
          ],
          response: [{ name: 'wrap-result' }],
        },
        fixture: { request: [{ name: 'stop-chain' }, { name: 'tag-args', options: { tag: 'never' } }] },
      },
    },
  });
}, 60_000);
afterAll(() => g.close());

describe('chains', () => {
  test('request plugins run in order (* and the source, disabled ones left out); the response plugin rewrites the result', async () => {
    const r = await g.run("return await callTool('test:echo', { n: 1 })");
    expect(r).toMatchObject({ status: 'ok', result: { tool: 'test:echo', tenantId: 'default', wrapped: { echo: { n: 1, tags: ['first', 'everywhere', 'second'] } } } });
    // invoke goes through the same chains.
    const invoked = await g.gateway.invoke({ name: 'test:echo', input: { n: 2 } });
    expect(invoked).toEqual({ status: 'ok', result: { tool: 'test:echo', tenantId: 'default', wrapped: { echo: { n: 2, tags: ['first', 'everywhere', 'second'] } } } });
  });

  test('a refusal fails the call with the plugin code, before the tool runs', async () => {
    const before = g.calls.length;
    const r = await g.run("try { await callTool('test:echo', { forbidden: true }); } catch (e) { return [e.name, e.code, e.message]; }");
    expect(r.result).toEqual(['ToolError', 'POLICY_DENIED', expect.stringContaining('refused by plugin refuse: forbidden arguments')]);
    expect(g.calls.length).toBe(before);
  });
});

describe('plugins that fail', () => {
  const oneOff = async (plugin: string, options: Record<string, unknown> = {}): Promise<TestGateway> =>
    startTestGateway({ plugins: { dir: DIR, defaultTimeoutMs: 1_000, poolSize: 1, heapMb: 32, sources: { test: { response: [{ name: plugin, ...options }] } } } });

  test.each([
    ['throws', 'PLUGIN_ERROR', 'failed: the plugin broke on purpose', undefined],
    ['invalid', 'PLUGIN_ERROR', 'answered string, not an object', undefined],
    ['slow', 'PLUGIN_TIMEOUT', 'gave no answer within 1000 ms', 'timeout'],
    ['heap-hog', 'PLUGIN_ERROR', 'memory limit', 'heap'],
  ])('%s: the call fails with %s; the pool recovers and the next call is served', async (plugin, code, text, killed) => {
    const h = await oneOff(plugin);
    try {
      const r = await h.run("try { await callTool('test:echo', { n: 1 }); return 'no'; } catch (e) { return [e.code, e.message]; }", { timeoutMs: 10_000 });
      expect(r.status).toBe('ok');
      expect(r.result).toEqual([code, expect.stringContaining(text)]);
      // A tool of another source, with no chain, is untouched; the gateway and its executors are fine.
      expect((await h.run("return (await callTool('users:get', { id: 'u_0001' })).id")).result).toBe('u_0001');
      const exposed = await h.gateway.metrics.registry.metrics();
      if (killed) expect(exposed).toContain(`scriptgate_plugin_threads_killed_total{reason="${killed}"} 1`);
      else expect(exposed).not.toMatch(/scriptgate_plugin_threads_killed_total\{/);
    } finally {
      await h.close();
    }
  }, 30_000);

  test('a plugin that exhausts its heap fails only its own call: a call running beside it on the other thread is served', async () => {
    const h = await startTestGateway({
      plugins: { dir: DIR, poolSize: 2, heapMb: 32, sources: { test: { response: [{ name: 'heap-hog' }] }, users: { response: [{ name: 'wrap-result' }] } } },
    });
    try {
      const [hog, beside] = await Promise.all([
        h.run("try { await callTool('test:echo', {}); return 'no'; } catch (e) { return e.code; }", { timeoutMs: 10_000 }),
        h.run("const all = []; for (let i = 0; i < 20; i++) all.push((await callTool('users:get', { id: 'u_0001' })).wrapped.id); return all.length;", { timeoutMs: 10_000 }),
      ]);
      expect(hog.result).toBe('PLUGIN_ERROR');
      expect({ status: beside.status, result: beside.result }).toEqual({ status: 'ok', result: 20 });
    } finally {
      await h.close();
    }
  }, 30_000);

  test('continue: false ends the chain with what the plugin returned', async () => {
    const h = await startTestGateway({ plugins: { dir: DIR, sources: { test: { request: [{ name: 'stop-chain' }, { name: 'tag-args', options: { tag: 'never' } }] } } } });
    try {
      expect((await h.run("return await callTool('test:echo', { n: 1 })")).result).toEqual({ echo: { n: 1, stopped: true } });
    } finally {
      await h.close();
    }
  }, 30_000);
});

test('metrics count runs by outcome and errors by type', async () => {
  const text = await g.gateway.metrics.registry.metrics();
  expect(text).toMatch(/scriptgate_plugin_executions_total\{plugin="tag-args",source="test",phase="request",outcome="ok"\} [1-9]/);
  expect(text).toMatch(/scriptgate_plugin_executions_total\{plugin="refuse",source="test",phase="request",outcome="refused"\} [1-9]/);
  expect(text).toMatch(/scriptgate_plugin_duration_seconds_count\{plugin="wrap-result",phase="response"\} [1-9]/);
  expect(text).toContain('scriptgate_plugin_pool{measure="size"} 2');
  expect(text).toContain('scriptgate_plugin_pool{measure="available"} 2');
  expect(text).toMatch(/scriptgate_plugin_threads_spawned_total [2-9]/);
});

describe('the shipped example plugins (examples/plugins)', () => {
  const EXAMPLES = resolve(__dirname, '..', '..', '..', 'examples', 'plugins');
  let e: TestGateway;
  beforeAll(async () => {
    e = await startTestGateway({
      plugins: {
        dir: EXAMPLES,
        sources: {
          users: {
            request: [{ name: 'arg-policy', options: { allow: { 'users:list': ['limit', 'status'] } } }],
            response: [{ name: 'redact-pii', order: 1 }, { name: 'truncate', order: 2, options: { maxBytes: 2_000 } }],
          },
        },
      },
    });
  }, 60_000);
  afterAll(() => e.close());

  test('redact-pii replaces emails and phone numbers in results', async () => {
    const r = await e.run("return await callTool('users:get', { id: 'u_0001' })");
    const user = r.result as Record<string, string>;
    expect({ email: user.email, phone: user.phone, id: user.id }).toEqual({ email: '[email]', phone: '[phone]', id: 'u_0001' });
    expect(JSON.stringify(r.result)).not.toMatch(/@/);
  });

  test('truncate keeps a page under maxBytes, the items that fit, and says how many it left out', async () => {
    const r = await e.run("return await callTool('users:list', { limit: 50 })");
    const page = r.result as { items: unknown[]; total: number; truncated: { omittedItems: number; note: string } };
    expect(Buffer.byteLength(JSON.stringify(page))).toBeLessThanOrEqual(2_000);
    expect(page.items.length).toBeGreaterThan(0);
    expect(page.items.length + page.truncated.omittedItems).toBe(50);
    expect(page.truncated.note).toMatch(/^\[truncated by the gateway: \d+ items left out\]$/);
  });

  test('arg-policy refuses an argument off its allow-list, naming it, and lets the others through', async () => {
    const refused = await e.run("try { await callTool('users:list', { limit: 5, plan: 'pro' }); } catch (err) { return [err.code, err.message]; }");
    expect(refused.result).toEqual(['POLICY_DENIED', expect.stringContaining('argument plan not allowed for users:list (allowed: limit, status)')]);
    const ok = await e.run("return (await callTool('users:list', { limit: 2, status: 'active' })).items.length");
    expect(ok.result).toBe(2);
  });
});
