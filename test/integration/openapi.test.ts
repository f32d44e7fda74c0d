import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { httpRequest, postJson } from '../helpers/http';
import { startPetApi, type PetApi } from '../helpers/pet-api';
import { startServerProcess, type ServerProcess } from '../helpers/server-process';

// These tests drive the real service (and plain Node) as processes, as an operator runs it.
const ROOT = resolve(__dirname, '..', '..', '..');
const SPEC = resolve(ROOT, 'test', 'fixtures', 'openapi', 'petstore.yaml');
const source = (api: PetApi, extra: Record<string, unknown> = {}) => ({
  name: 'pets',
  spec: SPEC,
  baseUrl: api.url,
  auth: { type: 'bearer', tokenEnv: 'PETS_TOKEN' },
  maxResponseBytes: 100_000,
  ...extra,
});

/** Code for a child process: the source as the service configures it (every option defaulted). */
const configured = (source: Record<string, unknown>): string =>
  `require(${JSON.stringify(resolve(ROOT, 'dist', 'src', 'config'))}).loadConfig({ env: {}, overrides: { sources: { openapi: [${JSON.stringify(source)}] } } }).sources.openapi[0]`;

type Envelope = { status: string; result?: unknown; error?: Record<string, unknown> & { code: string; message: string } };

describe('OpenAPI operations as tools', () => {
  test('operationId or method + path; schemas from parameters, body and the 2xx response; $refs resolved', () => {
    const script = `require(${JSON.stringify(resolve(ROOT, 'dist', 'src', 'catalog'))}).loadOpenApiTools(${configured({ name: 'pets', spec: SPEC, baseUrl: 'http://127.0.0.1:9/api', timeoutMs: 1000, maxResponseBytes: 1000 })})
      .then((tools) => console.log(JSON.stringify(tools.map(({ name, inputSchema, outputSchema, annotations }) => ({ name, inputSchema, outputSchema, annotations })))));`;
    const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const tools = JSON.parse(run.stdout) as { name: string; inputSchema: Record<string, unknown>; outputSchema?: Record<string, unknown>; annotations: unknown }[];
    const byName = new Map(tools.map((t) => [t.name, t]));
    expect([...byName.keys()].sort()).toEqual(['pets:big', 'pets:boom', 'pets:createPet', 'pets:deletePet', 'pets:getPet', 'pets:get_health', 'pets:listPets']);
    expect(byName.get('pets:getPet')).toMatchObject({ inputSchema: { type: 'object', properties: { petId: { type: 'string' } }, required: ['petId'] }, annotations: { readOnlyHint: true } });
    // The summary is the tool's title (search weighs it as the tool's own statement of what it does).
    expect(byName.get('pets:deletePet')!.annotations).toEqual({ title: 'Delete a pet.', readOnlyHint: false, destructiveHint: true });
    // Component schemas become $defs, and each schema carries only those it reaches (NewPet, its recursive Category; not Pet).
    const createPet = byName.get('pets:createPet')!.inputSchema;
    expect(createPet).toMatchObject({
      properties: { body: { $ref: '#/$defs/NewPet' } },
      required: ['body'],
      $defs: { NewPet: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, category: { $ref: '#/$defs/Category' } } } },
    });
    expect(Object.keys(createPet.$defs as object)).toEqual(['NewPet', 'Category']);
    expect(byName.get('pets:listPets')).toMatchObject({ inputSchema: { properties: { limit: { type: 'integer', maximum: 100 } } }, outputSchema: { type: 'array', items: { $ref: '#/$defs/Pet' } } });
    expect(Object.keys(byName.get('pets:listPets')!.outputSchema!.$defs as object).sort()).toEqual(['Category', 'NewPet', 'Pet']);
    expect(JSON.stringify(tools)).not.toContain('#/components/');
  });

  test('parameters, bodies and responses by $ref, value-type components inline, nullable twins, external files; no unused component', () => {
    const script = `const { Catalog, loadOpenApiTools } = require(${JSON.stringify(resolve(ROOT, 'dist', 'src', 'catalog'))});
      loadOpenApiTools(${configured({ name: 'shapes', spec: resolve(ROOT, 'test', 'fixtures', 'openapi', 'shapes.yaml'), timeoutMs: 1000, maxResponseBytes: 1000 })})
        .then(async (tools) => {
          const catalog = new Catalog();
          catalog.register(tools);
          const ctx = { tenantId: 't', context: {}, signal: new AbortController().signal, deadlineAt: Date.now() + 5000 };
          const outcome = (args) => catalog.call('shapes:updateOrder', args, ctx).then(() => 'ok', (e) => e.code + ':' + (e.details?.toolCode ?? ''));
          const calls = [await outcome({ orderId: 'o_1', body: { assignee: 5 } }), await outcome({ orderId: 'o_1', body: { assignee: null } }), await outcome({ orderId: 'o_1', body: { assignee: { login: 'a' } } })];
          console.log(JSON.stringify({ tools: tools.map(({ name, inputSchema, outputSchema }) => ({ name, inputSchema, outputSchema })), calls }));
        });`;
    const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const { tools, calls } = JSON.parse(run.stdout) as { tools: { name: string; inputSchema: Record<string, unknown>; outputSchema?: Record<string, unknown> }[]; calls: string[] };
    const byName = new Map(tools.map((t) => [t.name, t]));
    const orderId = { type: 'string', pattern: '^o_[0-9]+$', description: 'Order id.' };
    expect(byName.get('shapes:getOrder')!.inputSchema).toEqual({ type: 'object', properties: { orderId }, required: ['orderId'], additionalProperties: false });
    const order = byName.get('shapes:getOrder')!.outputSchema!;
    expect(order.$ref).toBe('#/$defs/order');
    expect(Object.keys(order.$defs as object).sort()).toEqual(['line', 'order', 'user']);
    expect(order).toMatchObject({ $defs: { order: { properties: { id: orderId, owner: { anyOf: [{ $ref: '#/$defs/user' }, { type: 'null' }] } } } } });
    expect(byName.get('shapes:updateOrder')!.inputSchema).toMatchObject({ required: ['orderId', 'body'], properties: { body: { properties: { assignee: { anyOf: [{ $ref: '#/$defs/user' }, { type: 'null' }] } } } } });
    expect(Object.keys(byName.get('shapes:updateOrder')!.inputSchema.$defs as object)).toEqual(['user']);
    expect(byName.get('shapes:listCustomers')!.outputSchema).toEqual({ type: 'array', items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, tier: { type: 'string', enum: ['gold', 'silver'] } } } });
    expect(JSON.stringify(tools)).not.toMatch(/unused|nullable-user|#\/components\//);
    // The $defs resolve when arguments are validated: a wrong type is refused, null and a user pass on to the (unreachable) API.
    expect(calls).toEqual(['TOOL_VALIDATION:', 'TOOL_ERROR:HTTP_UNAVAILABLE', 'TOOL_ERROR:HTTP_UNAVAILABLE']);
  });
});

describe('OpenAPI source against a real HTTP API', () => {
  let api: PetApi;
  let server: ServerProcess;
  beforeAll(async () => {
    api = await startPetApi('pet-token');
    server = await startServerProcess({ SCRIPTGATE_SOURCES_OPENAPI: JSON.stringify([source(api)]), PETS_TOKEN: 'pet-token' });
  });
  afterAll(async () => {
    await server.stop();
    await api.close();
  });
  const execute = async (script: string, typecheck?: 'off'): Promise<Envelope> => (await postJson(`${server.url}/v1/execute`, { script, ...(typecheck ? { typecheck } : {}) })).body as Envelope;

  test('calls send path, query, header and body, with the bearer token from the environment', async () => {
    const r = await execute(`
      const created = await callTool('pets:createPet', { body: { name: 'Tom', tag: 'cat' } });
      const one = await callTool('pets:getPet', { petId: created.id });
      const list = await callTool('pets__listPets', { limit: 1, 'X-Request-Id': 'req-7' });
      return { created, one, list, health: await callTool('pets:get_health', {}) };`);
    expect(r).toMatchObject({ status: 'ok', result: { created: { id: 'p2', name: 'Tom', tag: 'cat' }, one: { id: 'p2', name: 'Tom' }, list: [{ id: 'p1' }], health: { ok: true } } });
    expect(api.requests.find((q) => q.url.startsWith('/api/pets?'))).toMatchObject({ method: 'GET', url: '/api/pets?limit=1', auth: 'Bearer pet-token', requestId: 'req-7' });
    expect(api.requests.find((q) => q.method === 'POST')?.body).toEqual({ name: 'Tom', tag: 'cat' });
  });

  test('a non-2xx answer is a tool error with the HTTP status and a trimmed body', async () => {
    const r = await execute("try { await callTool('pets:boom', {}) } catch (e) { return { code: e.code, status: e.data.status, bodyLength: e.data.body.length, message: e.message.slice(0, 70) } }");
    expect(r.result).toEqual({ code: 'HTTP_ERROR', status: 500, bodyLength: 501, message: 'pets:boom: HTTP 500 Internal Server Error: {"error":"database on fire"' });
    expect(await execute("await callTool('pets:getPet', { petId: 'nope' })")).toMatchObject({ status: 'tool_error', error: { toolCode: 'HTTP_ERROR', data: { status: 404 } } });
  });

  test('a response over maxResponseBytes is refused, not cut', async () => {
    expect(await execute("await callTool('pets:big', {})")).toMatchObject({ status: 'tool_error', error: { toolCode: 'RESPONSE_TOO_LARGE' } });
  });

  test('arguments are validated against the operation schema', async () => {
    expect((await execute("await callTool('pets:listPets', { limit: 1000 })")).error).toMatchObject({ code: 'TOOL_VALIDATION' });
    // A missing body is a type error before the run; with the check off, the run-time validation names it.
    expect((await execute("await callTool('pets:createPet', {})")).error).toMatchObject({ code: 'TYPE_ERROR', message: expect.stringContaining("'body'") });
    expect((await execute("await callTool('pets:createPet', {})", 'off')).error?.message).toContain('/body');
  });
});

describe('OpenAPI secrets', () => {
  test('a missing secret is a clear error; a wrong one surfaces the API 401', async () => {
    const api = await startPetApi('pet-token');
    const missing = await startServerProcess({ SCRIPTGATE_SOURCES_OPENAPI: JSON.stringify([source(api)]) });
    const wrong = await startServerProcess({ SCRIPTGATE_SOURCES_OPENAPI: JSON.stringify([source(api)]), PETS_TOKEN: 'nope' });
    try {
      const call = async (s: ServerProcess) => ((await postJson(`${s.url}/v1/execute`, { script: "await callTool('pets:listPets', {})" })).body as Envelope).error;
      const missingError = await call(missing);
      expect(missingError).toMatchObject({ code: 'UPSTREAM_CREDENTIAL_MISSING', message: "pets:listPets: source 'pets': bearer token: environment variable PETS_TOKEN is not set" });
      expect(await call(wrong)).toMatchObject({ toolCode: 'HTTP_ERROR', data: { status: 401 } });
    } finally {
      await Promise.all([missing.stop(), wrong.stop()]);
      await api.close();
    }
  });
});

describe('all four sources in one script', () => {
  test('demo, local module, upstream MCP and OpenAPI tools together', async () => {
    const api = await startPetApi('pet-token');
    const server = await startServerProcess({
      PETS_TOKEN: 'pet-token',
      SCRIPTGATE_SOURCES_OPENAPI: JSON.stringify([source(api)]),
      SCRIPTGATE_SOURCES_MODULES: JSON.stringify([{ dir: resolve(ROOT, 'test', 'fixtures', 'tools') }]),
      SCRIPTGATE_SOURCES_MCP: JSON.stringify([{ name: 'fixture', transport: 'stdio', command: process.execPath, args: [resolve(ROOT, 'test', 'fixtures', 'mcp', 'upstream-server.mjs')] }]),
    });
    try {
      const ready = (await httpRequest(`${server.url}/ready`)).body as { upstreams: { name: string; state: string }[] };
      expect(ready.upstreams).toEqual([expect.objectContaining({ name: 'fixture', kind: 'mcp', state: 'connected' }), { name: 'pets', kind: 'openapi', state: 'connected', tools: 7, reconnects: 0 }]);
      const r = (await postJson(`${server.url}/v1/execute`, { script: `
        const [user, weather, echo, pet] = await Promise.all([
          callTool('users:get', { id: 'u_0001' }),
          callTool('weather:forecast', { city: 'Lisbon' }),
          callTool('fixture:echo', { message: 'from mcp' }),
          callTool('pets:getPet', { petId: 'p1' }),
        ]);
        return [user.id, weather.city, echo.message, pet.name];` })).body as Envelope;
      expect(r).toMatchObject({ status: 'ok', result: ['u_0001', 'Lisbon', 'from mcp', 'Rex'] });
    } finally {
      await server.stop();
      await api.close();
    }
  });
});
