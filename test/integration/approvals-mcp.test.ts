import { resolve } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { Client as ClientV1 } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport as TransportV1 } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { startHttpServer, type RunningServer } from '../../src/http';
import { silentLogger } from '../../src/log';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { httpRequest, postJson } from '../helpers/http';
import { startPetApi, type PetApi } from '../helpers/pet-api';

/**
 * Approvals through unmodified MCP clients: the v2 SDK client answers a 2026-07-28 input_required result
 * from its elicitation handler and retries; the v1 SDK client over stdio answers an elicitation/create
 * request (2025-11-25); a client that cannot be asked gets the job to follow instead.
 */
const SCRIPT = "const a = await callTool('test:echo', { n: 1 }); await callTool('test:sleep', { ms: 2 }); return a.echo.n + 1;";
type Prompt = { message: string; requestedSchema: { properties: Record<string, unknown> } };

describe('approvals over MCP HTTP', () => {
  let g: TestGateway;
  let server: RunningServer;
  beforeAll(async () => {
    // test:sleep is listed as a raw tool too: a raw call of a tool that needs approval goes the same way.
    g = await startTestGateway({ approvals: { tools: { 'test:sleep': 'approve' } }, access: { mode: 'metadata_driven', tools: { 'test:sleep': { visibleInListTools: true } } } });
    server = await startHttpServer({ gateway: g.gateway, log: silentLogger(), host: '127.0.0.1', port: 0, bodyLimitBytes: 256 * 1024, shutdownGraceMs: 2_000 });
  }, 60_000);
  afterAll(() => server.close());
  beforeEach(() => g.calls.splice(0));

  const modernClient = async (answer: ((prompt: Prompt) => Record<string, unknown>) | undefined) => {
    const client = new Client({ name: 'v2-approver', version: '1.0.0' }, { versionNegotiation: { mode: { pin: '2026-07-28' } }, ...(answer ? { capabilities: { elicitation: { form: {} } } } : {}) });
    if (answer) client.setRequestHandler('elicitation/create', async (request) => answer(request.params as unknown as Prompt) as never);
    await client.connect(new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`)));
    return client;
  };

  test('2026-07-28: the client is asked (input_required with the call, arguments and script), approves, and gets the result', async () => {
    const prompts: Prompt[] = [];
    const client = await modernClient((prompt) => {
      prompts.push(prompt);
      return { action: 'accept', content: { decision: 'approve' } };
    });
    try {
      const result = (await client.callTool({ name: 'execute_script', arguments: { script: SCRIPT } })) as CallToolResult;
      expect(result.structuredContent).toMatchObject({ status: 'ok', result: 2 });
      expect(prompts).toHaveLength(1);
      expect(prompts[0]?.message).toContain('test:sleep');
      expect(prompts[0]?.message).toContain('"ms": 2');
      expect(prompts[0]?.message).toContain("await callTool('test:sleep'");
      expect(Object.keys(prompts[0]?.requestedSchema.properties ?? {})).toEqual(['decision', 'reason']);
      expect(g.calls).toEqual(['test:echo', 'test:sleep']);
    } finally {
      await client.close();
    }
  }, 60_000);

  test('2026-07-28: declined, the script gets APPROVAL_DENIED; invoke_tool is asked the same way', async () => {
    const client = await modernClient(() => ({ action: 'decline' }));
    try {
      const result = (await client.callTool({ name: 'execute_script', arguments: { script: "try { await callTool('test:sleep', { ms: 1 }) } catch (e) { return e.code }" } })) as CallToolResult;
      expect(result.structuredContent).toMatchObject({ status: 'ok', result: 'APPROVAL_DENIED' });
      // With a progress token the call goes through the SDK's server rather than the plain path: the same answer.
      const viaSdk = (await client.callTool({ name: 'execute_script', arguments: { script: "try { await callTool('test:sleep', { ms: 1 }) } catch (e) { return e.code }" } }, { onprogress: () => undefined })) as CallToolResult;
      expect(viaSdk.structuredContent).toMatchObject({ status: 'ok', result: 'APPROVAL_DENIED' });
      const invoked = (await client.callTool({ name: 'invoke_tool', arguments: { name: 'test:sleep', input: { ms: 1 } } })) as CallToolResult;
      expect(invoked).toMatchObject({ isError: true, structuredContent: { status: 'tool_error', error: { code: 'APPROVAL_DENIED' } } });
      expect(g.calls).toEqual([]);
    } finally {
      await client.close();
    }
  }, 60_000);

  test('a client that cannot be asked gets the job: status input_required, jobId and the pending approval; REST decides it', async () => {
    for (const client of [await modernClient(undefined), new ClientV1({ name: 'v1', version: '1.0.0' })]) {
      if (client instanceof ClientV1) await client.connect(new TransportV1(new URL(`${server.url}/mcp`)));
      try {
        const result = (await client.callTool({ name: 'execute_script', arguments: { script: SCRIPT } })) as CallToolResult;
        expect(result.isError).toBeFalsy();
        const paused = result.structuredContent as { status: string; jobId: string; approval: { approvalId: string; tool: string } };
        expect(paused).toMatchObject({ status: 'input_required', jobId: expect.any(String), approval: { tool: 'test:sleep' } });
        expect((await postJson(`${server.url}/v1/jobs/${paused.jobId}/approvals/${paused.approval.approvalId}`, { decision: 'approve' })).status).toBe(200);
        const done = (await client.callTool({ name: 'get_job', arguments: { jobId: paused.jobId, waitMs: 20_000 } })) as CallToolResult;
        expect(done.structuredContent).toMatchObject({ state: 'completed', result: { status: 'ok', result: 2 } });
      } finally {
        await client.close();
      }
    }
    expect((await httpRequest(`${server.url}/metrics`)).text).toMatch(/scriptgate_approvals_decided_total\{tool="test:sleep",outcome="approved"\} [1-9]/);
  }, 60_000);

  test('a raw tool from the list: asked the same way (2026-07-28), or answered with the job (2025-11-25 over HTTP)', async () => {
    const asking = await modernClient(() => ({ action: 'accept', content: { decision: 'approve' } }));
    const v1 = new ClientV1({ name: 'v1-raw', version: '1.0.0' });
    await v1.connect(new TransportV1(new URL(`${server.url}/mcp`)));
    try {
      const { tools } = await v1.listTools();
      const alias = tools.find((t) => t.name.endsWith('sleep'))?.name as string;
      expect(alias).toBeDefined();
      expect(((await asking.callTool({ name: alias, arguments: { ms: 4 } })) as CallToolResult).structuredContent).toEqual({ slept: 4 });
      const paused = (await v1.callTool({ name: alias, arguments: { ms: 5 } })) as CallToolResult;
      expect(paused.isError).toBeFalsy();
      expect(paused.structuredContent).toMatchObject({ status: 'input_required', jobId: expect.any(String), approval: { tool: 'test:sleep', args: { ms: 5 } } });
      expect(g.calls).toEqual(['test:sleep']);
      expect((await httpRequest(`${server.url}/v1/jobs/${(paused.structuredContent as { jobId: string }).jobId}`, { method: 'DELETE' })).body).toMatchObject({ state: 'cancelled' });
    } finally {
      await asking.close();
      await v1.close();
    }
  }, 60_000);

  test('hostile decision bodies and states: refused with a clear error, nothing decided', async () => {
    const paused = (await postJson(`${server.url}/v1/execute`, { script: "await callTool('test:sleep', { ms: 1 }); return 1" })).body as { jobId: string; approval: { approvalId: string } };
    const url = `${server.url}/v1/jobs/${paused.jobId}/approvals/${paused.approval.approvalId}`;
    for (const body of [{ decision: 'maybe' }, { decision: 'approve', reason: 'x'.repeat(1001) }, { decision: 'approve', by: 'someone else' }, {}, []]) {
      const res = await postJson(url, body);
      expect([res.status, (res.body as { error: { code: string } }).error.code]).toEqual([400, 'BAD_REQUEST']);
    }
    expect((await httpRequest(url, { method: 'POST', body: '{"decision":', headers: { 'content-type': 'application/json' } })).status).toBe(400);
    // A forged 2026-07-28 requestState naming an approval that does not exist decides nothing.
    const client = await modernClient(() => ({ action: 'accept', content: { decision: 'approve' } }));
    try {
      const forged = await httpRequest(`${server.url}/mcp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'execute_script' },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 9,
          method: 'tools/call',
          params: {
            name: 'execute_script',
            arguments: { script: 'return 1' },
            requestState: JSON.stringify({ jobId: paused.jobId, approval: { approvalId: 'apr_forged' } }),
            inputResponses: { approval: { action: 'accept', content: { decision: 'approve' } } },
            _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {} },
          },
        }),
      });
      expect(forged.status).toBe(200);
      expect(JSON.stringify(forged.body)).toContain('APPROVAL_NOT_FOUND');
    } finally {
      await client.close();
    }
    expect((await httpRequest(`${server.url}/v1/jobs/${paused.jobId}`)).body).toMatchObject({ state: 'input_required' });
    expect(g.calls).toEqual([]);
  }, 60_000);
});

describe('approvals over MCP with approvals.approverScope', () => {
  test("a client whose key cannot decide is not asked: its user's answer would not count, so the job waits for an approver", async () => {
    const agentKey = 'approvals-agent-0123456789';
    const g = await startTestGateway({ auth: { apiKeys: [{ key: agentKey, tenant: 'acme' }] }, approvals: { tools: { 'test:sleep': 'approve' }, approverScope: 'approver' } });
    const server = await startHttpServer({ gateway: g.gateway, log: silentLogger(), host: '127.0.0.1', port: 0, bodyLimitBytes: 256 * 1024, shutdownGraceMs: 2_000 });
    const asked: unknown[] = [];
    const client = new Client({ name: 'agent', version: '1.0.0' }, { versionNegotiation: { mode: { pin: '2026-07-28' } }, capabilities: { elicitation: { form: {} } } });
    client.setRequestHandler('elicitation/create', async (request) => {
      asked.push(request.params);
      return { action: 'accept', content: { decision: 'approve' } } as never;
    });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), { requestInit: { headers: { 'x-api-key': agentKey } } }));
    try {
      const result = (await client.callTool({ name: 'execute_script', arguments: { script: SCRIPT } })) as CallToolResult;
      expect(result.structuredContent).toMatchObject({ status: 'input_required', approval: { tool: 'test:sleep' } });
      expect(asked).toEqual([]);
      expect(g.calls).toEqual(['test:echo']);
    } finally {
      await client.close();
      await server.close();
    }
  }, 60_000);
});

describe('approvals over MCP stdio (2025-11-25 elicitation)', () => {
  let api: PetApi;
  beforeAll(async () => {
    api = await startPetApi('pet-token');
  });
  afterAll(() => api.close());

  test('the v1 SDK client declares elicitation, is asked, approves, and the call is made once', async () => {
    const spec = resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'openapi', 'petstore.yaml');
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [resolve(__dirname, '..', '..', 'src', 'main.js'), 'stdio'],
      env: {
        PATH: process.env.PATH ?? '',
        SCRIPTGATE_POOL_MIN_THREADS: '1',
        SCRIPTGATE_POOL_MAX_THREADS: '1',
        // The spec is loaded before serving however busy the machine (the default budget is 3 s).
        SCRIPTGATE_SOURCES_STARTUP_BUDGET_MS: '60000',
        SCRIPTGATE_SOURCES_OPENAPI: JSON.stringify([{ name: 'pets', spec, baseUrl: api.url, auth: { type: 'bearer', tokenEnv: 'PETS_TOKEN' } }]),
        PETS_TOKEN: 'pet-token',
        SCRIPTGATE_APPROVALS_TOOLS: JSON.stringify({ 'pets:deletePet': 'approve' }),
      },
      stderr: 'pipe',
    });
    const client = new ClientV1({ name: 'stdio-approver', version: '1.0.0' }, { capabilities: { elicitation: { form: {} } } });
    const asked: string[] = [];
    client.setRequestHandler(ElicitRequestSchema, async (request) => {
      asked.push(String((request.params as { message?: unknown }).message));
      return { action: 'accept', content: { decision: 'approve' } };
    });
    await client.connect(transport);
    try {
      const script = "const p = await callTool('pets:createPet', { body: { name: 'Tmp' } }); await callTool('pets:deletePet', { petId: p.id }); return p.id;";
      const result = (await client.callTool({ name: 'execute_script', arguments: { script } })) as CallToolResult;
      expect(result.structuredContent).toMatchObject({ status: 'ok', result: expect.any(String) });
      expect(asked).toHaveLength(1);
      expect(asked[0]).toContain('pets:deletePet');
      expect(api.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
      expect(api.requests.filter((r) => r.method === 'DELETE')).toHaveLength(1);
    } finally {
      await client.close();
    }
  }, 60_000);
});
