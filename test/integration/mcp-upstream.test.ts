import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { MAIN, startServerProcess, type ServerProcess } from '../helpers/server-process';

const FIXTURE = resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'mcp', 'upstream-server.mjs');
const waitFor = async (check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> => {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('upstream MCP server over stdio (a real SDK server as a child process)', () => {
  let g: TestGateway;
  beforeAll(async () => {
    g = await startTestGateway({
      sources: { mcp: [{ name: 'fixture', transport: 'stdio', command: process.execPath, args: [FIXTURE], reconnectInitialMs: 100, reconnectMaxMs: 400, callTimeoutMs: 5_000 }] },
    });
  });
  afterAll(() => g.close());

  test('its tools join the catalog under the namespace, with schemas and annotations', () => {
    const echo = g.gateway.catalog.get('fixture:echo');
    expect(echo?.annotations).toEqual({ readOnlyHint: true });
    expect(echo?.inputSchema).toMatchObject({ type: 'object', properties: { message: { type: 'string' } }, required: ['message'] });
    expect(echo?.outputSchema).toMatchObject({ type: 'object', properties: { n: { type: 'number' } } });
    expect(g.gateway.catalog.resolve('fixture__echo')).toBe('fixture:echo');
    // The fixture speaks only 2025-11-25: the client's server/discover probe falls back to initialize.
    expect(g.gateway.upstreams[0]!.health()).toMatchObject({ name: 'fixture', kind: 'mcp', state: 'connected', tools: 9, protocolVersion: '2025-11-25' });
  });

  test('a script calls upstream tools; structured content comes back as data', async () => {
    const r = await g.run("const a = await callTool('fixture:echo', { message: 'hi', n: 2 }); const b = await callTool('fixture__echo', { message: 'yo' }); return [a, b]");
    expect(r).toMatchObject({ status: 'ok', result: [{ message: 'hi', n: 2 }, { message: 'yo', n: 0 }] });
  });

  test('arguments are validated against the upstream schema before the call', async () => {
    const r = await g.run("await callTool('fixture:echo', { n: 1 })", { typecheck: 'off' });
    expect(r).toMatchObject({ status: 'tool_error', error: { code: 'TOOL_VALIDATION' } });
    // The type check knows the upstream's schema too: the same script is refused before it runs.
    expect(await g.run("await callTool('fixture:echo', { n: 1 })")).toMatchObject({ status: 'type_error', error: { code: 'TYPE_ERROR', message: expect.stringContaining("'message'") } });
  });

  test('an upstream isError result is a tool error the script can catch', async () => {
    const r = await g.run("try { await callTool('fixture:fail', {}) } catch (e) { return [e.code, e.message] }");
    expect(r.result).toEqual(['UPSTREAM_TOOL_ERROR', 'the fixture failed on purpose']);
  });

  test('a tool added at run time (tools/list_changed) becomes callable, searchable and describable', async () => {
    await g.run("await callTool('fixture:addTool', { name: 'late_arrival' })");
    await waitFor(() => g.gateway.catalog.get('fixture:late_arrival') !== undefined);
    expect((await g.run("return await callTool('fixture:late_arrival', {})")).result).toEqual({ added: 'late_arrival' });
    await g.gateway.search.whenCurrent();
    const found = await g.gateway.discovery.search({ queries: ['late arrival added at run time'] });
    expect(found.tools[0]?.name).toBe('fixture:late_arrival');
    const described = await g.gateway.discovery.describe(['fixture__late_arrival'], undefined, 'json-schema');
    expect(described.tools[0]).toMatchObject({ name: 'fixture:late_arrival', outputSchema: 'unknown' });
  });

  test('a slow upstream call is cancelled at the script deadline (notifications/cancelled)', async () => {
    const before = ((await g.gateway.invoke({ name: 'fixture:cancellations', input: {} })) as { result: { cancelled: number } }).result.cancelled;
    const r = await g.run("await callTool('fixture:slow', { ms: 10000 })", { timeoutMs: 300 });
    expect(r.status).toBe('timeout');
    await waitFor(async () => ((await g.gateway.invoke({ name: 'fixture:cancellations', input: {} })) as { result: { cancelled: number } }).result.cancelled === before + 1);
  });

  test('its health is exported as scriptgate_upstream_up', async () => {
    const text = await g.gateway.metrics.registry.metrics();
    expect(text).toMatch(/^scriptgate_upstream_up\{upstream="fixture",kind="mcp"\} 1$/m);
  });

  test('a killed upstream fails calls clearly, then reconnects and serves again', async () => {
    const upstream = g.gateway.upstreams[0]!;
    const pid = upstream.pid!;
    process.kill(pid, 'SIGKILL');
    await waitFor(() => upstream.health().state !== 'connected');
    const down = await g.run("await callTool('fixture:echo', { message: 'x' })");
    expect(down).toMatchObject({ status: 'tool_error', error: { code: 'TOOL_ERROR', toolCode: 'UPSTREAM_UNAVAILABLE', tool: 'fixture:echo' } });
    expect(down.error?.message).toContain("upstream MCP server 'fixture' is not connected");
    await waitFor(() => upstream.health().state === 'connected');
    expect(upstream.pid).not.toBe(pid);
    expect(upstream.health().reconnects).toBeGreaterThanOrEqual(1);
    expect((await g.run("return (await callTool('fixture:echo', { message: 'back' })).message")).result).toBe('back');
  });
});

describe('an upstream over Streamable HTTP that dies and comes back', () => {
  const HTTP_FIXTURE = resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'mcp', 'upstream-http-server.mjs');
  const startFixture = (port: number) =>
    new Promise<{ child: ChildProcess; url: string }>((resolveStart, reject) => {
      const child = spawn(process.execPath, [HTTP_FIXTURE], { env: { PATH: process.env.PATH, FIXTURE_TOKEN: 't', FIXTURE_PORT: String(port) }, stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /"url":"([^"]+)"/.exec(out);
        if (m) resolveStart({ child, url: m[1]! });
      });
      child.on('exit', (code) => reject(new Error(`fixture exited ${code}`)));
    });

  test('calls fail clearly while it is gone, then it reconnects with a new session and serves again', async () => {
    let fixture = await startFixture(0);
    const port = Number(new URL(fixture.url).port);
    process.env.SCRIPTGATE_TEST_HTTP_TOKEN = 't';
    const g = await startTestGateway({
      sources: { mcp: [{ name: 'remote', transport: 'http', url: fixture.url, bearerTokenEnv: 'SCRIPTGATE_TEST_HTTP_TOKEN', reconnectInitialMs: 100, reconnectMaxMs: 300 }] },
    });
    try {
      const upstream = g.gateway.upstreams[0]!;
      expect((await g.run("return (await callTool('remote:echo', { message: 'before' })).message")).result).toBe('before');
      fixture.child.kill('SIGKILL');
      await new Promise((r) => fixture.child.once('exit', r));
      const down = await g.run("await callTool('remote:echo', { message: 'x' })");
      expect(down).toMatchObject({ status: 'tool_error', error: { code: 'TOOL_ERROR', toolCode: 'UPSTREAM_UNAVAILABLE', tool: 'remote:echo' } });
      expect(down.error?.message).toMatch(/upstream MCP server 'remote' is not (reachable|connected)/);
      expect(upstream.health().state).not.toBe('connected');

      fixture = await startFixture(port);
      await waitFor(() => upstream.health().state === 'connected');
      expect(upstream.health().reconnects).toBeGreaterThanOrEqual(1);
      expect((await g.run("return (await callTool('remote:echo', { message: 'after' })).message")).result).toBe('after');
    } finally {
      await g.close();
      fixture.child.kill('SIGKILL');
      delete process.env.SCRIPTGATE_TEST_HTTP_TOKEN;
    }
  });
});

describe('tools/list pagination', () => {
  test('every page of an upstream tool list is read', async () => {
    const paged = resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'mcp', 'paged-server.mjs');
    const g = await startTestGateway({ sources: { mcp: [{ name: 'paged', transport: 'stdio', command: process.execPath, args: [paged] }] } });
    try {
      const names = g.gateway.catalog.list().map((t) => t.name).filter((n) => n.startsWith('paged:'));
      expect(names).toHaveLength(25);
      expect(names).toContain('paged:tool_24');
      expect((await g.run("return (await callTool('paged:tool_24', {})).n")).result).toBe(24);
    } finally {
      await g.close();
    }
  });
});

describe('per-upstream limits', () => {
  test('maxConcurrency queues calls beyond it; callTimeoutMs ends a call that takes too long', async () => {
    const g = await startTestGateway({ sources: { mcp: [{ name: 'fixture', transport: 'stdio', command: process.execPath, args: [FIXTURE], maxConcurrency: 1, callTimeoutMs: 300 }] } });
    try {
      const queued = await g.run("const t = Date.now(); await Promise.all([callTool('fixture:slow', { ms: 150 }), callTool('fixture:slow', { ms: 150 })]); return Date.now() - t");
      expect(queued.result as number).toBeGreaterThanOrEqual(290);
      const slow = await g.run("await callTool('fixture:slow', { ms: 2000 })", { timeoutMs: 5_000 });
      expect(slow).toMatchObject({ status: 'tool_error', error: { toolCode: 'UPSTREAM_TIMEOUT' } });
    } finally {
      await g.close();
    }
  });
});

describe('an unreachable upstream', () => {
  test('does not stop startup; it is reported and retried', async () => {
    const g = await startTestGateway({ sources: { mcp: [{ name: 'ghost', transport: 'stdio', command: process.execPath, args: ['-e', 'process.exit(3)'], reconnectInitialMs: 50, reconnectMaxMs: 100 }] } });
    try {
      const ghost = g.gateway.upstreams[0]!;
      expect(ghost.health()).toMatchObject({ name: 'ghost', tools: 0 });
      expect(ghost.health().state).not.toBe('connected');
      expect(ghost.health().lastError).toEqual(expect.any(String));
      expect((await g.run('return 1')).result).toBe(1);
      await waitFor(() => ghost.health().reconnects >= 2);
    } finally {
      await g.close();
    }
  });
});

describe('upstream MCP server over Streamable HTTP with a bearer token', () => {
  const HTTP_FIXTURE = resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'mcp', 'upstream-http-server.mjs');
  let fixture: ChildProcess;
  let url = '';
  beforeAll(async () => {
    fixture = spawn(process.execPath, [HTTP_FIXTURE], { env: { PATH: process.env.PATH, FIXTURE_TOKEN: 'tok-123' }, stdio: ['ignore', 'pipe', 'inherit'] });
    url = await new Promise<string>((resolveUrl, reject) => {
      let out = '';
      fixture.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /"url":"([^"]+)"/.exec(out);
        if (m) resolveUrl(m[1]!);
      });
      fixture.on('exit', (code) => reject(new Error(`fixture exited ${code}`)));
    });
  });
  afterAll(() => {
    fixture.kill('SIGTERM');
  });

  test('lists and calls tools, follows list_changed, and sends the bearer token from the environment', async () => {
    process.env.SCRIPTGATE_TEST_UPSTREAM_TOKEN = 'tok-123';
    const g = await startTestGateway({ sources: { mcp: [{ name: 'remote', transport: 'http', url, bearerTokenEnv: 'SCRIPTGATE_TEST_UPSTREAM_TOKEN' }] } });
    try {
      expect(g.gateway.upstreams[0]!.health()).toMatchObject({ state: 'connected', tools: 2 });
      expect(g.gateway.catalog.get('remote:echo')?.annotations).toEqual({ readOnlyHint: true });
      expect((await g.run("return await callTool('remote:echo', { message: 'over http' })")).result).toEqual({ message: 'over http', via: 'http' });
      await g.run("await callTool('remote:addTool', { name: 'fresh' })");
      await waitFor(() => g.gateway.catalog.get('remote:fresh') !== undefined);
      expect((await g.run("return await callTool('remote__fresh', {})")).result).toEqual({ added: 'fresh' });
    } finally {
      await g.close();
      delete process.env.SCRIPTGATE_TEST_UPSTREAM_TOKEN;
    }
  });

  test('a wrong token leaves the upstream disconnected with the reason', async () => {
    process.env.SCRIPTGATE_TEST_UPSTREAM_TOKEN = 'wrong';
    const g = await startTestGateway({ sources: { mcp: [{ name: 'remote', transport: 'http', url, bearerTokenEnv: 'SCRIPTGATE_TEST_UPSTREAM_TOKEN', reconnectInitialMs: 5_000 }] } });
    try {
      const health = g.gateway.upstreams[0]!.health();
      expect(health.state).not.toBe('connected');
      expect(health.lastError).toMatch(/401|unauthorized/i);
    } finally {
      await g.close();
      delete process.env.SCRIPTGATE_TEST_UPSTREAM_TOKEN;
    }
  });
});

describe('an upstream that speaks MCP 2026-07-28 (scriptgate itself, over HTTP and over stdio)', () => {
  let upstream: ServerProcess;
  let g: TestGateway;
  beforeAll(async () => {
    upstream = await startServerProcess({ SCRIPTGATE_POOL_MIN_THREADS: '1', SCRIPTGATE_POOL_MAX_THREADS: '1' });
    g = await startTestGateway({
      sources: {
        mcp: [
          { name: 'modernhttp', transport: 'http', url: `${upstream.url}/mcp` },
          { name: 'modernstdio', transport: 'stdio', command: process.execPath, args: [MAIN, 'stdio'], env: { SCRIPTGATE_LOG_LEVEL: 'warn', SCRIPTGATE_POOL_MIN_THREADS: '1', SCRIPTGATE_POOL_MAX_THREADS: '1' } },
        ],
      },
    });
  });
  afterAll(async () => {
    await g.close();
    await upstream.stop();
  });

  test('the client negotiates 2026-07-28 with it, lists its tools and calls them, on both transports', async () => {
    for (const name of ['modernhttp', 'modernstdio']) {
      expect(g.gateway.upstreams.find((u) => u.config.name === name)!.health()).toMatchObject({ state: 'connected', protocolVersion: '2026-07-28', tools: 5 });
      const r = await g.run(`return (await callTool('${name}:execute_script', { script: 'return 6 * 7' })).result`);
      expect(r).toMatchObject({ status: 'ok', result: 42 });
    }
  });
});
