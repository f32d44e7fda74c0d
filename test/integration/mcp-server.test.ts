import { resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { startHttpServer, type RunningServer } from '../../src/http';
import { silentLogger } from '../../src/log';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { SEED } from '../helpers/seed-script';
import { httpRequest } from '../helpers/http';
async function serve(overrides: Record<string, unknown> = {}): Promise<{ g: TestGateway; server: RunningServer; close: () => Promise<void> }> {
  const g = await startTestGateway(overrides);
  const server = await startHttpServer({ gateway: g.gateway, log: silentLogger(), host: '127.0.0.1', port: 0, bodyLimitBytes: 256 * 1024, shutdownGraceMs: 5_000 });
  return { g, server, close: () => server.close() };
}

async function connect(url: string): Promise<Client> {
  const client = new Client({ name: 'test-client', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`)));
  return client;
}

const structured = (r: unknown) => (r as CallToolResult).structuredContent as Record<string, unknown>;

describe('MCP over Streamable HTTP (official SDK client)', () => {
  let s: Awaited<ReturnType<typeof serve>>;
  let client: Client;
  beforeAll(async () => {
    s = await serve();
    client = await connect(s.server.url);
  });
  afterAll(async () => {
    await client.close();
    await s.close();
  });

  test('lists the meta-tools with provider-safe names, schemas and annotations', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(['search_tools', 'describe_tools', 'execute_script', 'invoke_tool', 'get_job']);
    for (const tool of tools) {
      expect(tool.name).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
      expect(tool.inputSchema.type).toBe('object');
      expect(tool.outputSchema?.type).toBe('object');
      expect(tool.description!.length).toBeGreaterThan(50);
    }
    const byName = new Map(tools.map((t) => [t.name, t]));
    expect(byName.get('search_tools')?.annotations?.readOnlyHint).toBe(true);
    expect(byName.get('describe_tools')?.annotations?.readOnlyHint).toBe(true);
    expect(byName.get('execute_script')?.annotations?.readOnlyHint).toBe(false);
    // The real limits of this deployment are in the description the model reads.
    expect(byName.get('execute_script')?.description).toContain(`${s.g.gateway.config.effectiveLimits.timeoutMs} ms`);
    expect(byName.get('execute_script')?.inputSchema.required).toEqual(['script']);
  });

  test('search → describe → execute the seed example, with structured content and a text rendering', async () => {
    const found = await client.callTool({ name: 'search_tools', arguments: { query: 'list users with their last login' } });
    const names = (structured(found).tools as { name: string }[]).map((t) => t.name);
    expect(names).toContain('users:list');
    expect(structured(found).strategy).toBe('tfidf');
    const described = await client.callTool({ name: 'describe_tools', arguments: { names: ['users:list'] } });
    expect(structured(described).typescript).toContain("callTool(name: 'users:list'");
    const run = await client.callTool({ name: 'execute_script', arguments: { script: SEED } });
    expect(run.isError).toBeFalsy();
    const envelope = structured(run);
    expect(envelope.status).toBe('ok');
    expect(envelope.result).toHaveLength(10);
    expect(JSON.parse(((run as CallToolResult).content[0] as { text: string }).text)).toEqual(envelope);
  });

  test('describe_tools takes format: json-schema gives the schemas instead of the TypeScript, both gives both', async () => {
    const schemas = structured(await client.callTool({ name: 'describe_tools', arguments: { names: ['users:list'], format: 'json-schema' } }));
    expect(schemas.format).toBe('json-schema');
    expect(schemas.typescript).toBeUndefined();
    expect((schemas.tools as { inputSchema?: unknown }[])[0]?.inputSchema).toMatchObject({ type: 'object' });
    const both = structured(await client.callTool({ name: 'describe_tools', arguments: { names: ['users:list'], format: 'both' } }));
    expect((both.tools as { inputSchema?: unknown }[])[0]?.inputSchema).toEqual((schemas.tools as { inputSchema?: unknown }[])[0]?.inputSchema);
    expect(both.typescript).toContain("callTool(name: 'users:list'");
    const refused = await client.callTool({ name: 'describe_tools', arguments: { names: ['users:list'], format: 'xml' } });
    expect(refused.isError).toBe(true);
  });

  test('invoke_tool calls one tool', async () => {
    const r = await client.callTool({ name: 'invoke_tool', arguments: { name: 'users:get', input: { id: 'u_0001' } } });
    expect(r.isError).toBeFalsy();
    expect(structured(r)).toMatchObject({ status: 'ok', result: { id: 'u_0001' } });
    const failed = await client.callTool({ name: 'invoke_tool', arguments: { name: 'test:fail', input: {} } });
    expect(failed.isError).toBe(true);
    expect(structured(failed)).toMatchObject({ status: 'tool_error', error: { code: 'TOOL_ERROR' } });
  });

  test('one progress notification per tool call when the client asks for progress', async () => {
    const seen: { progress: number; message?: string }[] = [];
    const r = await client.callTool(
      { name: 'execute_script', arguments: { script: "for (const id of ['u_0001', 'u_0002', 'u_0003']) await callTool('users:get', { id }); return 'done';" } },
      undefined,
      { onprogress: (p) => seen.push({ progress: p.progress, ...(p.message ? { message: p.message } : {}) }) },
    );
    expect(structured(r).result).toBe('done');
    expect(seen).toEqual([1, 2, 3].map((n) => ({ progress: n, message: 'calling users:get' })));
  });

  test('failures are isError results: a failing script, bad arguments, an unknown tool', async () => {
    const syntax = await client.callTool({ name: 'execute_script', arguments: { script: 'const = ;' } });
    expect(syntax.isError).toBe(true);
    expect(structured(syntax).status).toBe('syntax_error');
    const bad = await client.callTool({ name: 'search_tools', arguments: { topK: 3 } });
    expect(bad.isError).toBe(true);
    expect(((bad as CallToolResult).content[0] as { text: string }).text).toContain('BAD_REQUEST');
    const unknown = await client.callTool({ name: 'users__list', arguments: {} });
    expect(unknown.isError).toBe(true);
    expect(((unknown as CallToolResult).content[0] as { text: string }).text).toContain('TOOL_NOT_FOUND');
  });

  test('stateless: GET and DELETE are 405; a body that is not JSON is a JSON-RPC parse error', async () => {
    for (const method of ['GET', 'DELETE']) {
      const res = await httpRequest(`${s.server.url}/mcp`, { method, headers: { accept: 'application/json, text/event-stream' } });
      expect(res.status).toBe(405);
      expect(res.headers.allow).toBe('POST');
    }
    const res = await httpRequest(`${s.server.url}/mcp`, { method: 'POST', body: '{"jsonrpc":', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ jsonrpc: '2.0', error: { code: -32700 } });
  });

  test('plain JSON-RPC calls and the header rules of the transport', async () => {
    const post = (body: unknown, headers: Record<string, string> = {}) =>
      httpRequest(`${s.server.url}/mcp`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers } });
    const call = { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'execute_script', arguments: { script: 'return 6 * 7' } } };
    const ok = await post(call);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ jsonrpc: '2.0', id: 7, result: { structuredContent: { status: 'ok', result: 42 } } });
    expect(((await post({ jsonrpc: '2.0', id: 'a', method: 'tools/list' })).body as { result: { tools: unknown[] } }).result.tools).toHaveLength(5);
    expect((await post({ jsonrpc: '2.0', id: 1, method: 'ping' })).body).toEqual({ jsonrpc: '2.0', id: 1, result: {} });
    // What the transport refuses is refused the same way whichever path a request would take.
    expect((await post(call, { accept: 'application/json' })).status).toBe(406);
    expect((await post(call, { 'mcp-protocol-version': '1999-01-01' })).status).toBe(400);
    const invalid = await post({ jsonrpc: '2.0', id: 8, method: 'tools/call', params: { arguments: {} } });
    // Answered by the SDK's own validation (it reports the schema failure as -32603 or -32602).
    expect(invalid.body).toMatchObject({ jsonrpc: '2.0', id: 8, error: { code: expect.any(Number) } });
    expect([-32602, -32603]).toContain((invalid.body as { error: { code: number } }).error.code);
    const notification = await post({ jsonrpc: '2.0', method: 'notifications/initialized' });
    expect(notification.status).toBe(202);
  });

  test('many concurrent clients are served (servers are reused across requests)', async () => {
    const clients = await Promise.all(Array.from({ length: 8 }, () => connect(s.server.url)));
    const results = await Promise.all(clients.flatMap((c, i) => [1, 2, 3].map((j) => c.callTool({ name: 'execute_script', arguments: { script: `return ${i * 10 + j};` } }))));
    expect(results.map((r) => structured(r).result)).toEqual(clients.flatMap((_, i) => [1, 2, 3].map((j) => i * 10 + j)));
    await Promise.all(clients.map((c) => c.close()));
  });
});

describe('raw tools listed beside the meta-tools', () => {
  test('metadata_driven: tools marked visibleInListTools are listed by alias and callable; others are not', async () => {
    const s = await serve({ access: { mode: 'metadata_driven', tools: { 'users:get': { visibleInListTools: true }, 'invoices:get': { visibleInListTools: true, enabledInCodeCall: false } } } });
    const client = await connect(s.server.url);
    try {
      const { tools } = await client.listTools();
      const raw = tools.map((t) => t.name).filter((n) => !n.endsWith('_tools') && n !== 'execute_script' && n !== 'invoke_tool' && n !== 'get_job');
      expect(raw.sort()).toEqual(['invoices__get', 'users__get']);
      const got = await client.callTool({ name: 'users__get', arguments: { id: 'u_0002' } });
      expect(got.isError).toBeFalsy();
      expect(structured(got)).toMatchObject({ id: 'u_0002' });
      const listedOnly = await client.callTool({ name: 'invoices__get', arguments: { id: 'nope' } });
      expect(((listedOnly as CallToolResult).content[0] as { text: string }).text).not.toContain('TOOL_NOT_FOUND');
      const hidden = await client.callTool({ name: 'users__list', arguments: {} });
      expect(hidden.isError).toBe(true);
      // enabledInCodeCall: false keeps it out of scripts even though it is listed.
      const inScript = await client.callTool({ name: 'execute_script', arguments: { script: "await callTool('invoices:get', { id: 'x' })" } });
      // Refused before it runs, as an unknown tool (the type check); the same at run time when the check is off.
      expect(structured(inScript)).toMatchObject({ status: 'type_error', error: { code: 'TYPE_ERROR', message: expect.stringMatching(/^unknown tool 'invoices:get'/) } });
      const unchecked = await client.callTool({ name: 'execute_script', arguments: { script: "await callTool('invoices:get', { id: 'x' })", typecheck: 'off' } });
      expect(structured(unchecked)).toMatchObject({ status: 'tool_error', error: { code: 'TOOL_NOT_FOUND' } });
    } finally {
      await client.close();
      await s.close();
    }
  });

  test('codecall_only lists the meta-tools only', async () => {
    const s = await serve({ access: { mode: 'codecall_only', tools: { 'users:get': { visibleInListTools: true } } } });
    const client = await connect(s.server.url);
    try {
      expect((await client.listTools()).tools).toHaveLength(5);
    } finally {
      await client.close();
      await s.close();
    }
  });
});

describe('MCP over stdio (scriptgate stdio as a child process)', () => {
  test('lists tools and runs a script; logs stay off stdout', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [resolve(__dirname, '..', '..', 'src', 'main.js'), 'stdio'],
      env: { PATH: process.env.PATH ?? '', SCRIPTGATE_LOG_LEVEL: 'info', SCRIPTGATE_POOL_MIN_THREADS: '1', SCRIPTGATE_POOL_MAX_THREADS: '1' },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'stdio-test', version: '1.0.0' });
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toContain('execute_script');
      const r = await client.callTool({ name: 'execute_script', arguments: { script: "return (await callTool('users:get', { id: 'u_0003' })).id" } });
      expect(structured(r)).toMatchObject({ status: 'ok', result: 'u_0003' });
    } finally {
      await client.close();
    }
  });
});
