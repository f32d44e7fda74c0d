import { resolve } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { Client as ClientV1 } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as TransportV1 } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startHttpServer, type RunningServer } from '../../src/http';
import { silentLogger } from '../../src/log';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { httpRequest } from '../helpers/http';

const MODERN = '2026-07-28';
/** The revision's _meta, with a request's own keys on top (client capabilities merged, not replaced). */
const mergeMeta = (extra: Record<string, unknown> = {}) => ({ ...META, ...extra });
const META = { 'io.modelcontextprotocol/protocolVersion': MODERN, 'io.modelcontextprotocol/clientCapabilities': {}, 'io.modelcontextprotocol/clientInfo': { name: 'raw', version: '1' } };

describe('MCP 2026-07-28 (stateless) beside 2025-11-25 on /mcp', () => {
  let g: TestGateway;
  let server: RunningServer;
  beforeAll(async () => {
    g = await startTestGateway();
    server = await startHttpServer({ gateway: g.gateway, log: silentLogger(), host: '127.0.0.1', port: 0, bodyLimitBytes: 256 * 1024, shutdownGraceMs: 2_000 });
  });
  afterAll(() => server.close());

  /** One raw 2026-07-28 request: the headers the revision asks for, unless the test overrides them. */
  const raw = (method: string, params: Record<string, unknown> = {}, headers: Record<string, string> = {}, id: number | string = 7) =>
    httpRequest(`${server.url}/mcp`, {
      method: 'POST',
      body: JSON.stringify({ jsonrpc: '2.0', id, method, params: { ...params, _meta: mergeMeta(params._meta as Record<string, unknown> | undefined) } }),
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': MODERN,
        'mcp-method': method,
        ...(typeof params.name === 'string' ? { 'mcp-name': params.name } : typeof params.taskId === 'string' ? { 'mcp-name': params.taskId } : {}),
        ...headers,
      },
    });

  test.each([
    ['auto (discover, then 2026-07-28)', 'auto' as const],
    ['pinned to 2026-07-28', { pin: MODERN }],
  ])('the v2 SDK client, %s, lists the meta-tools and runs a script with progress', async (_label, mode) => {
    const client = new Client({ name: 'v2-client', version: '1.0.0' }, { versionNegotiation: { mode } });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`)));
    try {
      expect(client.getNegotiatedProtocolVersion()).toBe(MODERN);
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual(['search_tools', 'describe_tools', 'execute_script', 'invoke_tool', 'get_job']);
      const steps: unknown[] = [];
      const result = await client.callTool(
        { name: 'execute_script', arguments: { script: "const a = await callTool('test:echo', { n: 1 }); const b = await callTool('test:echo', { n: 2 }); return a.echo.n + b.echo.n" } },
        { onprogress: (p) => steps.push(p) },
      );
      expect(result.structuredContent).toMatchObject({ status: 'ok', result: 3 });
      expect(steps.length).toBe(2);
    } finally {
      await client.close();
    }
  });

  test('the v2 client (2026-07-28) calls every meta-tool: search, describe, execute (sync and async), get_job, invoke', async () => {
    const client = new Client({ name: 'v2-client', version: '1.0.0' }, { versionNegotiation: { mode: { pin: MODERN } } });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`)));
    try {
      const call = async (name: string, args: Record<string, unknown>) => (await client.callTool({ name, arguments: args })).structuredContent as Record<string, unknown>;
      expect((await call('search_tools', { query: 'list users' })).tools).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'users:list' })]));
      expect(await call('describe_tools', { names: ['users:get'] })).toMatchObject({ tools: [{ name: 'users:get' }], typescript: expect.any(String), notFound: [] });
      expect(await call('invoke_tool', { name: 'users:get', input: { id: 'u_0002' } })).toMatchObject({ status: 'ok', result: { id: 'u_0002' } });
      const queued = await call('execute_script', { script: 'return 7', async: true });
      expect(queued).toMatchObject({ status: 'queued', jobId: expect.any(String) });
      expect(await call('get_job', { jobId: queued.jobId, waitMs: 5_000 })).toMatchObject({ state: 'completed', result: { status: 'ok', result: 7 } });
    } finally {
      await client.close();
    }
  });

  test('the v1 SDK client (2025-11-25, initialize handshake) is served as before', async () => {
    const client = new ClientV1({ name: 'v1-client', version: '1.0.0' });
    await client.connect(new TransportV1(new URL(`${server.url}/mcp`)));
    try {
      expect((await client.listTools()).tools).toHaveLength(5);
      const result = await client.callTool({ name: 'execute_script', arguments: { script: 'return 41 + 1' } });
      expect(result.structuredContent).toMatchObject({ status: 'ok', result: 42 });
    } finally {
      await client.close();
    }
  });

  test('server/discover names the revision, the tools capability and the server', async () => {
    const res = await raw('server/discover');
    expect(res.status).toBe(200);
    const { result } = res.body as { result: Record<string, unknown> };
    expect(result).toMatchObject({ supportedVersions: [MODERN], capabilities: { tools: {} }, resultType: 'complete' });
    expect(result._meta).toMatchObject({ 'io.modelcontextprotocol/serverInfo': { name: 'scriptgate' } });
  });

  test('tools/list carries caching hints; tools/call answers with a result type', async () => {
    const list = (await raw('tools/list')).body as { result: Record<string, unknown> };
    expect(list.result).toMatchObject({ ttlMs: 30_000, cacheScope: 'private', resultType: 'complete' });
    const call = (await raw('tools/call', { name: 'execute_script', arguments: { script: 'return 2' } })).body as { result: Record<string, unknown> };
    expect(call.result).toMatchObject({ structuredContent: { status: 'ok', result: 2 }, resultType: 'complete' });
  });

  test.each([
    ['an Mcp-Method header that is not the method', 'tools/list', {}, { 'mcp-method': 'tools/call' }, 400, -32020],
    ['an Mcp-Name header that is not the tool', 'tools/call', { name: 'execute_script', arguments: { script: 'return 1' } }, { 'mcp-name': 'invoke_tool' }, 400, -32020],
    ['a revision the server does not speak', 'tools/list', { _meta: { 'io.modelcontextprotocol/protocolVersion': '2099-01-01' } }, { 'mcp-protocol-version': '2099-01-01' }, 400, -32022],
    ['no client capabilities in _meta', 'tools/list', { _meta: { 'io.modelcontextprotocol/clientCapabilities': undefined } }, {}, 400, -32602],
    ['initialize, removed in this revision', 'initialize', {}, {}, 404, -32601],
    ['ping, removed in this revision', 'ping', {}, {}, 404, -32601],
    ['an unknown method', 'resources/list', {}, {}, 404, -32601],
  ])('%s: refused with its HTTP status and JSON-RPC code, naming the request id', async (_label, method, params, headers, status, code) => {
    const res = await raw(method, params as Record<string, unknown>, headers as Record<string, string>, 'req-42');
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ jsonrpc: '2.0', id: 'req-42', error: { code } });
  });

  test('plain calls are answered on the fast path exactly as the SDK answers them', async () => {
    // A progress token sends the same request through the SDK; without one it takes the fast path.
    const viaSdk = { _meta: { ...META, progressToken: 'p1' } };
    const normalise = (body: unknown) => JSON.parse(JSON.stringify(body).replace(/exec_[0-9a-f-]+/g, 'exec_x').replace(/durationMs(\\*"):[0-9.]+/g, 'durationMs$1:0')) as unknown;
    const list = await raw('tools/list');
    const listSdk = await raw('tools/list', viaSdk);
    expect([list.status, normalise(list.body)]).toEqual([listSdk.status, normalise(listSdk.body)]);
    const call = { name: 'execute_script', arguments: { script: 'return { n: 2 }' } };
    const answer = await raw('tools/call', call);
    const answerSdk = await raw('tools/call', { ...call, ...viaSdk });
    expect([answer.status, normalise(answer.body)]).toEqual([answerSdk.status, normalise(answerSdk.body)]);
    expect((answer.body as { result: Record<string, unknown> }).result).toMatchObject({ resultType: 'complete', _meta: { 'io.modelcontextprotocol/serverInfo': { name: 'scriptgate' } } });
  });

  test.each([
    ['an Mcp-Name header on tools/list', 'tools/list', {}, { 'mcp-name': 'x' }],
    ['an unknown protocol key in _meta', 'tools/list', { _meta: { 'io.modelcontextprotocol/somethingNew': 1 } }, {}],
    ['client info that is not { name, version }', 'tools/list', { _meta: { 'io.modelcontextprotocol/clientInfo': 'me' } }, {}],
  ])('%s is not taken by the fast path: the SDK answers it', async (_label, method, params, headers) => {
    const res = await raw(method, params as Record<string, unknown>, headers as Record<string, string>);
    // Whatever the SDK decides (accept or refuse), it is its answer: a result of the revision or a JSON-RPC error.
    const body = res.body as { result?: { resultType?: string }; error?: { code: number } };
    expect(body.error !== undefined || body.result?.resultType === 'complete').toBe(true);
  });

  describe('the tasks extension (io.modelcontextprotocol/tasks) on the job queue', () => {
    const TASKS = { 'io.modelcontextprotocol/clientCapabilities': { extensions: { 'io.modelcontextprotocol/tasks': {} } } };
    const withTasks = (params: Record<string, unknown>, viaSdk = false) => ({ ...params, _meta: { ...TASKS, ...(viaSdk ? { progressToken: 'p' } : {}) } });
    const result = (res: { body: unknown }) => (res.body as { result: Record<string, unknown> }).result;
    const poll = async (taskId: string, viaSdk = false): Promise<Record<string, unknown>> => {
      for (let i = 0; i < 100; i++) {
        const task = result(await raw('tasks/get', withTasks({ taskId }, viaSdk)));
        if (task.status !== 'working') return task;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('task still working');
    };

    test('discover advertises the extension', async () => {
      expect(result(await raw('server/discover'))).toMatchObject({ capabilities: { extensions: { 'io.modelcontextprotocol/tasks': {} } } });
    });

    test.each([['the fast path', false], ['the SDK', true]])('an async execute_script becomes a flat task; tasks/get (through %s) inlines the tool result when done', async (_label, viaSdk) => {
      const created = result(await raw('tools/call', withTasks({ name: 'execute_script', arguments: { script: "return (await callTool('test:echo', { x: 1 })).echo.x", async: true } })));
      expect(created).toMatchObject({ resultType: 'task', taskId: expect.stringMatching(/^job_/), status: 'working', ttlMs: expect.any(Number), pollIntervalMs: 500 });
      expect(created).not.toHaveProperty('task');
      expect(created).not.toHaveProperty('result');
      const done = await poll(created.taskId as string, viaSdk);
      expect(done).toMatchObject({ resultType: 'complete', taskId: created.taskId, status: 'completed', result: { structuredContent: { status: 'ok', result: 1 } } });
    });

    test('a script that fails is a completed task whose result has isError; cancelling is an empty ack, also when done', async () => {
      const failing = result(await raw('tools/call', withTasks({ name: 'execute_script', arguments: { script: "await callTool('test:fail', {})", async: true } })));
      expect(await poll(failing.taskId as string)).toMatchObject({ status: 'completed', result: { isError: true, structuredContent: { status: 'tool_error' } } });
      const slow = result(await raw('tools/call', withTasks({ name: 'execute_script', arguments: { script: "await callTool('test:hang', {})", async: true } })));
      expect(result(await raw('tasks/cancel', withTasks({ taskId: slow.taskId })))).toMatchObject({ resultType: 'complete' });
      expect(await poll(slow.taskId as string)).toMatchObject({ status: 'cancelled' });
      const again = result(await raw('tasks/cancel', withTasks({ taskId: slow.taskId })));
      expect(Object.keys(again).sort()).toEqual(['_meta', 'resultType']);
    });

    test('without the extension: execute_script answers queued as before, and the task methods are refused with -32021', async () => {
      const queued = result(await raw('tools/call', { name: 'execute_script', arguments: { script: 'return 1', async: true } }));
      expect(queued).toMatchObject({ structuredContent: { status: 'queued', jobId: expect.any(String) } });
      const refused = await raw('tasks/get', { taskId: (queued.structuredContent as { jobId: string }).jobId }, { 'mcp-name': (queued.structuredContent as { jobId: string }).jobId });
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ error: { code: -32021 } });
    });

    test.each([['the fast path', false], ['the SDK', true]])('an unknown or another tenant\'s task is not found (-32602), through %s', async (_label, viaSdk) => {
      const res = await raw('tasks/get', withTasks({ taskId: 'job_nope' }, viaSdk), { 'mcp-name': 'job_nope' });
      expect(res.body).toMatchObject({ error: { code: -32602, message: 'Task not found: job_nope' } });
    });
  });

  test('the caller reaches the tools: a 2026-07-28 call runs under the authenticated tenant', async () => {
    const res = await raw('tools/call', { name: 'execute_script', arguments: { script: 'return context' } });
    expect((res.body as { result: { structuredContent: { result: unknown } } }).result.structuredContent.result).toMatchObject({ tenantId: 'default' });
  });
});

describe('MCP over stdio, either revision (scriptgate stdio as a child process)', () => {
  const spawnArgs = () => ({
    command: process.execPath,
    args: [resolve(__dirname, '..', '..', 'src', 'main.js'), 'stdio'],
    env: { PATH: process.env.PATH ?? '', SCRIPTGATE_LOG_LEVEL: 'warn', SCRIPTGATE_POOL_MIN_THREADS: '1', SCRIPTGATE_POOL_MAX_THREADS: '1' },
    stderr: 'pipe' as const,
  });

  test.each([
    ['2026-07-28 (pinned)', { pin: MODERN }, MODERN],
    ['auto (discover first)', 'auto' as const, MODERN],
    ['2025-11-25 (legacy initialize)', 'legacy' as const, '2025-11-25'],
  ])('the v2 client, %s: lists the meta-tools and runs a script with progress', async (_label, mode, version) => {
    const client = new Client({ name: 'stdio-v2', version: '1.0.0' }, { versionNegotiation: { mode } });
    const transport = new StdioClientTransport(spawnArgs());
    await client.connect(transport);
    // Progress is counted as it arrives on the pipe: the client hands notifications to their handler a
    // microtask late but settles a response at once, so when one read brings both (a busy machine) its
    // onprogress hears nothing although the server sent the step before the answer.
    const progressSent: unknown[] = [];
    const deliver = transport.onmessage;
    transport.onmessage = (message) => {
      if ('method' in message && message.method === 'notifications/progress') progressSent.push(message.params);
      deliver?.(message);
    };
    try {
      expect(client.getNegotiatedProtocolVersion()).toBe(version);
      expect((await client.listTools()).tools.map((t) => t.name)).toContain('execute_script');
      const result = await client.callTool({ name: 'execute_script', arguments: { script: "return (await callTool('users:get', { id: 'u_0003' })).id" } }, { onprogress: () => undefined });
      expect(result.structuredContent).toMatchObject({ status: 'ok', result: 'u_0003' });
      expect(progressSent).toEqual([expect.objectContaining({ progress: 1, message: 'calling users:get' })]);
    } finally {
      await client.close();
    }
  });
});
