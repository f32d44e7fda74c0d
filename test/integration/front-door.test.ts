import { Agent, request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { startHttpServer, type RunningServer } from '../../src/http';
import { silentLogger } from '../../src/log';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { httpRequest, postJson, type HttpResponse } from '../helpers/http';

/**
 * Hot API requests are answered before express (src/http/front-door.ts); everything else goes on to
 * express. Both must give the same answers, and a request handed on must not be admitted twice.
 */
const KEY = 'front-door-key-0123456789';
const LIMIT = 16 * 1024;
let g: TestGateway;
let server: RunningServer;
beforeAll(async () => {
  g = await startTestGateway({ auth: { apiKeys: [{ key: KEY, tenant: 'acme' }] }, tenants: { acme: { rateLimit: { points: 1_000, durationSeconds: 60 } } } });
  server = await startHttpServer({ gateway: g.gateway, log: silentLogger(), host: '127.0.0.1', port: 0, bodyLimitBytes: LIMIT, shutdownGraceMs: 5_000 });
});
afterAll(() => server.close());

const auth = { 'x-api-key': KEY };
const post = (path: string, body: string | Buffer, headers: Record<string, string>): Promise<HttpResponse> =>
  httpRequest(`${server.url}${path}`, { method: 'POST', body, headers: { ...auth, ...headers } });
/** What differs per request (ids, timings) removed, so two answers can be compared whole. */
const stable = (res: HttpResponse): unknown => ({
  status: res.status,
  contentType: res.headers['content-type'],
  body: JSON.parse(res.text.replace(/"(executionId|requestId)":"[^"]+"/g, '"$1":"-"').replace(/"(durationMs|runMs|gateMs|queueMs)":[0-9.]+/g, '"$1":0')) as unknown,
});

describe('the front door and express answer alike', () => {
  // A gzip body and a trailing slash are both served by express; a plain body by the front door.
  const viaExpress = (path: string, json: string) => post(path, gzipSync(json), { 'content-type': 'application/json', 'content-encoding': 'gzip' });
  const viaFrontDoor = (path: string, json: string) => post(path, json, { 'content-type': 'application/json' });

  test.each([
    ['execute ok', '/v1/execute', { script: "const u = await callTool('users:get', { id: 'u_0001' }); return u.id;" }],
    ['execute script error', '/v1/execute', { script: 'throw new Error("boom")' }],
    ['execute bad field', '/v1/execute', { script: 'return 1', extra: 1 }],
    ['invoke', '/v1/invoke', { name: 'users:get', input: { id: 'u_0002' } }],
    ['search', '/v1/search', { query: 'list invoices', topK: 3 }],
    ['describe', '/v1/describe', { names: ['users:get', 'nope:nothing'] }],
  ])('%s', async (_label, path, body) => {
    const json = JSON.stringify(body);
    const fast = await viaFrontDoor(path, json);
    const slow = await viaExpress(path, json);
    expect(fast.status).toBeGreaterThanOrEqual(200);
    expect(stable(fast)).toEqual(stable(slow));
    expect(fast.headers['x-request-id']).toEqual(expect.any(String));
    expect(stable(await post(`${path}/`, json, { 'content-type': 'application/json' }))).toEqual(stable(fast));
  });

  test.each([
    ['malformed JSON', '{"script": 1', 400, 'MALFORMED_JSON'],
    ['a JSON string, not an object', '"return 1"', 400, 'MALFORMED_JSON'],
    ['an array', '[1]', 400, 'BAD_REQUEST'],
    ['an empty body', '', 400, 'BAD_REQUEST'],
  ])('%s: the same error either way', async (_label, json, status, code) => {
    const fast = await viaFrontDoor('/v1/execute', json);
    const slow = await viaExpress('/v1/execute', json);
    expect(fast.status).toBe(status);
    expect((fast.body as { error: { code: string } }).error.code).toBe(code);
    expect(slow.status).toBe(status);
    expect((slow.body as { error: { code: string } }).error.code).toBe(code);
  });

  test('a POST without a body is an empty object, refused for its missing script', async () => {
    const res = await httpRequest(`${server.url}/v1/execute`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: 'BAD_REQUEST', message: expect.stringContaining('script') } });
  });

  test('a caller-supplied request id is kept, a bad one replaced', async () => {
    const kept = await post('/v1/execute', '{"script":"return 1"}', { 'content-type': 'application/json', 'x-request-id': 'trace-42' });
    expect(kept.headers['x-request-id']).toBe('trace-42');
    const replaced = await post('/v1/execute', '{"script":"return 1"}', { 'content-type': 'application/json', 'x-request-id': 'bad id!' });
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('auth is checked before the body: no key is 401 with a challenge', async () => {
    const res = await httpRequest(`${server.url}/v1/execute`, { method: 'POST', body: '{"script":"return 1"}', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(res.body).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
  });

  test('other media types and charsets go to express, which refuses them', async () => {
    const text = await post('/v1/execute', 'script=1', { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
    const latin1 = await post('/v1/execute', '{"script":"return 1"}', { 'content-type': 'application/json; charset=latin1' });
    expect(latin1.status).toBe(415);
    expect((await post('/v1/execute', '{"script":"return 1"}', { 'content-type': 'application/json; charset=UTF-8' })).body).toMatchObject({ status: 'ok', result: 1 });
  });
});

/** One keep-alive connection: several requests in turn on the same socket. */
function onOneConnection(requests: { body: string; headers: Record<string, string> }[]): Promise<{ status: number; text: string }[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const one = (r: { body: string; headers: Record<string, string> }) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(`${server.url}/v1/execute`, { method: 'POST', agent, headers: { ...auth, ...r.headers } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.end(r.body);
    });
  return (async () => {
    const out = [];
    for (const r of requests) out.push(await one(r));
    agent.destroy();
    return out;
  })();
}

describe('bodies over the limit', () => {
  const big = JSON.stringify({ script: `return "${'x'.repeat(LIMIT)}"` });

  test('declared by Content-Length or streamed chunked: 413, and the connection still serves', async () => {
    const [declared, ok] = await onOneConnection([
      { body: big, headers: { 'content-type': 'application/json' } },
      { body: '{"script":"return 2"}', headers: { 'content-type': 'application/json' } },
    ]);
    expect(declared!.status).toBe(413);
    expect(JSON.parse(declared!.text)).toMatchObject({ error: { code: 'BODY_TOO_LARGE' } });
    expect(JSON.parse(ok!.text)).toMatchObject({ status: 'ok', result: 2 });

    const chunked = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(`${server.url}/v1/execute`, { method: 'POST', agent: false, headers: { ...auth, 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      for (let i = 0; i < big.length; i += 1024) req.write(big.slice(i, i + 1024));
      req.end();
    });
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.text)).toMatchObject({ error: { code: 'BODY_TOO_LARGE' } });
  });

  test('on /mcp the refusal is a JSON-RPC error', async () => {
    const res = await post('/mcp', JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping', pad: 'x'.repeat(LIMIT) }), { 'content-type': 'application/json', accept: 'application/json, text/event-stream' });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ jsonrpc: '2.0', error: { code: -32600 } });
    const parse = await post('/mcp', '{"jsonrpc":', { 'content-type': 'application/json', accept: 'application/json, text/event-stream' });
    expect(parse.status).toBe(400);
    expect(parse.body).toMatchObject({ jsonrpc: '2.0', error: { code: -32700 } });
  });
});

describe('MCP messages the SDK must answer are handed on, admitted once', () => {
  test('initialize reaches the SDK transport with the body already read, and costs one rate-limit point', async () => {
    const limited = await startTestGateway({ auth: { apiKeys: [{ key: KEY, tenant: 'acme' }] }, tenants: { acme: { rateLimit: { points: 4, durationSeconds: 60 } } } });
    const s = await startHttpServer({ gateway: limited.gateway, log: silentLogger(), host: '127.0.0.1', port: 0, bodyLimitBytes: LIMIT, shutdownGraceMs: 5_000 });
    try {
      const headers = { ...auth, 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
      const initialize = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } };
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        const res = await postJson(`${s.url}/mcp`, initialize, headers);
        statuses.push(res.status);
        expect(res.text).toContain('"serverInfo"');
      }
      expect(statuses).toEqual([200, 200, 200, 200]);
      const fifth = await postJson(`${s.url}/mcp`, initialize, headers);
      expect(fifth.status).toBe(429);
      expect(fifth.body).toMatchObject({ error: { code: 'RATE_LIMITED' } });
    } finally {
      await s.close();
    }
  });

  test('a plain tools/call is answered by the front door with the SDK result shape', async () => {
    const res = await postJson(
      `${server.url}/mcp`,
      { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'execute_script', arguments: { script: 'return 6 * 7' } } },
      { ...auth, accept: 'application/json, text/event-stream' },
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ jsonrpc: '2.0', id: 7, result: { structuredContent: { status: 'ok', result: 42 } } });
  });
});
