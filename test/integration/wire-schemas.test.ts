import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { startHttpServer, type RunningServer } from '../../src/http';
import { silentLogger } from '../../src/log';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { httpRequest, postJson } from '../helpers/http';

/**
 * The schemas a client is served (the OpenAPI document's components, the MCP tools' output schemas) come
 * from the same zod definitions as the TypeScript types; here they must accept real answers of every
 * kind, and the response schemas are closed (no undeclared field), so a field added to an answer but not
 * to its schema fails this test.
 */
describe('served wire schemas validate real answers', () => {
  let g: TestGateway;
  let server: RunningServer;
  let client: Client;
  let component: (name: string) => ValidateFunction;
  const outputSchemas = new Map<string, ValidateFunction>();
  const ajv = new Ajv2020({ strict: false, allErrors: true });

  beforeAll(async () => {
    g = await startTestGateway({ trace: { includeArguments: true }, risk: { warnAt: 20, blockAt: 50 } });
    server = await startHttpServer({ gateway: g.gateway, log: silentLogger(), host: '127.0.0.1', port: 0, bodyLimitBytes: 64 * 1024, shutdownGraceMs: 2_000 });
    const doc = (await httpRequest(`${server.url}/openapi.json`)).body as Record<string, unknown>;
    ajv.addSchema({ ...doc, $id: 'openapi' });
    component = (name) => ajv.getSchema(`openapi#/components/schemas/${name}`)!;
    client = new Client({ name: 'wire-schema-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`)));
    for (const tool of (await client.listTools()).tools) outputSchemas.set(tool.name, ajv.compile(tool.outputSchema!));
  });
  afterAll(async () => {
    await client.close();
    await server.close();
  });

  const valid = (validate: ValidateFunction, value: unknown) => [validate(value), validate.errors ?? null];

  const SCRIPTS: [string, Record<string, unknown>, string][] = [
    ['ok with logs and a result', { script: "console.log('hi'); return (await callTool('users:list', { limit: 2 })).items" }, 'ok'],
    ['ok with a large result, spliced into the REST answer as the sandbox wrote it', { script: "return Array.from({ length: 300 }, (_, i) => ({ i, name: 'item ' + i }))" }, 'ok'],
    ['ok with a trace and arguments', { script: "await callTool('test:echo', { a: 1 }); return 1", trace: true }, 'ok'],
    ['a tool error', { script: "await callTool('test:fail', {})" }, 'tool_error'],
    ['a syntax error', { script: 'return (' }, 'syntax_error'],
    ['several gate violations', { script: 'eval("1"); new Function("x")' }, 'illegal_access'],
    ['a runtime error', { script: 'null.x' }, 'runtime_error'],
    ['a timeout', { script: "await callTool('test:hang', {})", timeoutMs: 200 }, 'timeout'],
    ['a capped timeout warning', { script: 'return 1', timeoutMs: 10_000_000 }, 'ok'],
    ['a risk warning', { script: "for (const to of ['a@x.io', 'b@x.io']) await callTool('emails:send', { to, subject: 's', body: 'b' })" }, 'ok'],
    ['a risk block', { script: "const u = await callTool('users:list', {}); for (const x of u.items) await callTool('emails:send', { to: x.email, subject: 's', body: JSON.stringify(x) })" }, 'blocked'],
  ];

  test.each(SCRIPTS)('REST execute, %s: the envelope matches ExecutionEnvelope', async (label, body, status) => {
    const res = await postJson(`${server.url}/v1/execute`, body);
    expect((res.body as { status: string }).status).toBe(status);
    // The optional parts are there when they should be, so the schema is tried on them too.
    expect(['risk' in (res.body as object), 'trace' in (res.body as object)]).toEqual([label.startsWith('a risk'), body.trace === true]);
    expect(valid(component('ExecutionEnvelope'), res.body)).toEqual([true, null]);
  });

  test.each(SCRIPTS)('MCP execute_script, %s: structuredContent matches the served output schema', async (_label, body, status) => {
    const result = (await client.callTool({ name: 'execute_script', arguments: body })) as CallToolResult;
    expect(result.structuredContent?.status).toBe(status);
    expect(valid(outputSchemas.get('execute_script')!, result.structuredContent)).toEqual([true, null]);
  });

  test('async execution: the queued answer, the job view while it runs and when done, REST and MCP', async () => {
    const queued = await postJson(`${server.url}/v1/execute`, { script: "await callTool('test:sleep', { ms: 300 }); return 2", async: true });
    expect(queued.status).toBe(202);
    expect(valid(component('QueuedAnswer'), queued.body)).toEqual([true, null]);
    const jobId = (queued.body as { jobId: string }).jobId;
    const early = await httpRequest(`${server.url}/v1/jobs/${jobId}`);
    expect(valid(component('JobView'), early.body)).toEqual([true, null]);
    const done = await httpRequest(`${server.url}/v1/jobs/${jobId}?waitMs=5000`);
    expect((done.body as { state: string }).state).toBe('completed');
    expect(valid(component('JobView'), done.body)).toEqual([true, null]);
    expect(valid(component('ExecutionEnvelope'), (done.body as { result: unknown }).result)).toEqual([true, null]);

    const mcpQueued = (await client.callTool({ name: 'execute_script', arguments: { script: "await callTool('test:hang', {})", async: true } })) as CallToolResult;
    expect(valid(outputSchemas.get('execute_script')!, mcpQueued.structuredContent)).toEqual([true, null]);
    const cancelled = (await client.callTool({ name: 'get_job', arguments: { jobId: mcpQueued.structuredContent!.jobId, cancel: true, waitMs: 2000 } })) as CallToolResult;
    expect(cancelled.structuredContent?.state).toBe('cancelled');
    expect(valid(outputSchemas.get('get_job')!, cancelled.structuredContent)).toEqual([true, null]);
    const deleted = await httpRequest(`${server.url}/v1/jobs/${jobId}`, { method: 'DELETE' });
    expect(valid(component('JobView'), deleted.body)).toEqual([true, null]);
  });

  test.each([
    ['ok', { name: 'users:get', input: { id: 'u_0001' } }],
    ['tool_error', { name: 'test:fail', input: {} }],
  ])('invoke answering %s matches InvokeResponse and the invoke_tool output schema', async (status, body) => {
    const res = await postJson(`${server.url}/v1/invoke`, body);
    expect((res.body as { status: string }).status).toBe(status);
    expect(valid(component('InvokeResponse'), res.body)).toEqual([true, null]);
    const result = (await client.callTool({ name: 'invoke_tool', arguments: body })) as CallToolResult;
    expect(valid(outputSchemas.get('invoke_tool')!, result.structuredContent)).toEqual([true, null]);
  });

  test.each([
    ['search', 'search_tools', '/v1/search', 'SearchResponse', { queries: ['list users', 'refund a payment'], topK: 3 }],
    ['describe, with a tool not found', 'describe_tools', '/v1/describe', 'DescribeResponse', { names: ['users:list', 'payments:refund', 'users:lst'] }],
    ['describe as JSON Schema', 'describe_tools', '/v1/describe', 'DescribeResponse', { names: ['users:list', 'payments:refund'], format: 'json-schema' }],
    ['describe in both formats', 'describe_tools', '/v1/describe', 'DescribeResponse', { names: ['users:list', 'payments:refund'], format: 'both' }],
  ])('%s matches its component and output schema', async (_label, tool, route, name, body) => {
    const res = await postJson(`${server.url}${route}`, body);
    expect(res.status).toBe(200);
    expect(valid(component(name), res.body)).toEqual([true, null]);
    const result = (await client.callTool({ name: tool, arguments: body })) as CallToolResult;
    expect(valid(outputSchemas.get(tool)!, result.structuredContent)).toEqual([true, null]);
  });

  test.each([
    ['an unknown job', () => httpRequest(`${server.url}/v1/jobs/job_nope`)],
    ['an invalid body', () => postJson(`${server.url}/v1/execute`, { script: 1 })],
    ['an unknown route', () => httpRequest(`${server.url}/v1/nope`)],
  ])('%s answers an ErrorBody', async (_label, request) => {
    const res = await request();
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(valid(component('ErrorBody'), res.body)).toEqual([true, null]);
  });

  test('a schema that is closed catches a field it does not declare', () => {
    expect(component('ExecutionEnvelope')({ status: 'ok', logs: [], warnings: [], stats: { durationMs: 1, toolCalls: 0, iterations: 0 }, executionId: 'e', extra: 1 })).toBe(false);
  });
});
