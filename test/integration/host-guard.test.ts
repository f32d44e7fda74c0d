import { startHttpServer, type RunningServer } from '../../src/http';
import { silentLogger } from '../../src/log';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { httpRequest } from '../helpers/http';

const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

async function serve(host: string, overrides: Record<string, unknown> = {}): Promise<{ g: TestGateway; server: RunningServer; port: number }> {
  const g = await startTestGateway(overrides);
  const server = await startHttpServer({ gateway: g.gateway, log: silentLogger(), host, port: 0, bodyLimitBytes: 64 * 1024, shutdownGraceMs: 1_000 });
  return { g, server, port: server.port };
}

/** Every kind of route: the front door's JSON routes and MCP fast path, express's MCP, playground and ops routes. */
const ROUTES: [string, string, string | undefined, Record<string, string>][] = [
  ['REST execute', 'POST', JSON.stringify({ script: 'return 1' }), { 'content-type': 'application/json' }],
  ['MCP tools/list (fast path)', 'POST', JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }), MCP_HEADERS],
  ['MCP initialize (SDK transport)', 'POST', JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } } }), MCP_HEADERS],
  ['playground', 'GET', undefined, {}],
  ['health', 'GET', undefined, {}],
];
const PATHS: Record<string, string> = { 'REST execute': '/v1/execute', 'MCP tools/list (fast path)': '/mcp', 'MCP initialize (SDK transport)': '/mcp', playground: '/', health: '/health' };

describe('DNS-rebinding protection on the default loopback bind', () => {
  let s: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    s = await serve('127.0.0.1', { server: { allowedHosts: ['gateway.example.com'], allowedOrigins: ['https://app.example.com'] } });
  });
  afterAll(() => s.server.close());

  const call = (label: string, headers: Record<string, string>) => {
    const [, method, body, base] = ROUTES.find(([name]) => name === label)!;
    return httpRequest(`${s.server.url}${PATHS[label]}`, { method, ...(body !== undefined ? { body } : {}), headers: { ...base, ...headers } });
  };

  test.each(ROUTES.map(([label]) => label))('%s: a foreign Host is refused with 403 HOST_NOT_ALLOWED, nothing runs', async (label) => {
    const before = s.g.calls.length;
    const res = await call(label, { host: `evil.example:${s.port}` });
    expect(res.status).toBe(403);
    expect((res.body as { error: { code: string } }).error.code).toBe('HOST_NOT_ALLOWED');
    expect(s.g.calls.length).toBe(before);
  });

  test.each(ROUTES.map(([label]) => label))('%s: a foreign Origin is refused with 403 ORIGIN_NOT_ALLOWED', async (label) => {
    const res = await call(label, { origin: 'http://evil.example' });
    expect(res.status).toBe(403);
    expect((res.body as { error: { code: string } }).error.code).toBe('ORIGIN_NOT_ALLOWED');
  });

  test.each([
    ['127.0.0.1 with the port', (port: number) => `127.0.0.1:${port}`],
    ['localhost', (port: number) => `localhost:${port}`],
    ['LOCALHOST in capitals', (port: number) => `LOCALHOST:${port}`],
    ['[::1]', (port: number) => `[::1]:${port}`],
    ['a *.localhost name', (port: number) => `app.localhost:${port}`],
    ['a listed name', () => 'gateway.example.com'],
    ['a listed name with a port', (port: number) => `gateway.example.com:${port}`],
  ])('Host %s is answered on every route', async (_label, host) => {
    for (const [label] of ROUTES) {
      const res = await call(label, { host: host(s.port) });
      expect([label, res.status]).toEqual([label, 200]);
    }
  });

  test.each([
    ['a loopback origin (the playground page)', (port: number) => `http://127.0.0.1:${port}`],
    ['http://localhost', (port: number) => `http://localhost:${port}`],
    ['a listed origin', () => 'https://app.example.com'],
  ])('Origin %s is answered', async (_label, origin) => {
    expect((await call('REST execute', { origin: origin(s.port) })).status).toBe(200);
  });

  test.each([['null'], ['not a url'], ['https://app.example.com.evil.example'], ['http://127.0.0.1.evil.example']])('Origin %j is refused', async (origin) => {
    expect((await call('REST execute', { origin })).status).toBe(403);
  });
});

describe('bound to every interface (authentication required)', () => {
  let s: Awaited<ReturnType<typeof serve>>;
  const key = { 'x-api-key': 'host-guard-key-0123456789' };
  beforeAll(async () => {
    s = await serve('0.0.0.0', { auth: { apiKeys: [{ key: key['x-api-key'], tenant: 'acme' }] } });
  });
  afterAll(() => s.server.close());

  test('any Host and Origin reach authentication: the load balancer and the keys decide', async () => {
    const res = await httpRequest(`http://127.0.0.1:${s.port}/v1/execute`, {
      method: 'POST',
      body: JSON.stringify({ script: 'return 1' }),
      headers: { 'content-type': 'application/json', host: 'gateway.example.com', origin: 'https://elsewhere.example', ...key },
    });
    expect(res.status).toBe(200);
    expect((await httpRequest(`http://127.0.0.1:${s.port}/health`, { headers: { host: '10.0.0.7:3000' } })).status).toBe(200);
  });

  test('a non-empty allow-list is enforced on a public bind too', async () => {
    const listed = await serve('0.0.0.0', { auth: { apiKeys: [{ key: key['x-api-key'], tenant: 'acme' }] }, server: { allowedHosts: ['gateway.example.com'] } });
    try {
      const at = (host: string) => httpRequest(`http://127.0.0.1:${listed.port}/v1/execute`, { method: 'POST', body: JSON.stringify({ script: 'return 1' }), headers: { 'content-type': 'application/json', host, ...key } });
      expect((await at('gateway.example.com')).status).toBe(200);
      expect((await at('other.example.com')).status).toBe(403);
    } finally {
      await listed.server.close();
    }
  });
});
