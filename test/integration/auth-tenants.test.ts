import { createHash, createSign, generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startHttpServer, type RunningServer } from '../../src/http';
import { silentLogger } from '../../src/log';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { httpRequest, postJson } from '../helpers/http';
import { acquireRedis } from '../helpers/redis';
import { startServerProcess } from '../helpers/server-process';

const ACME_KEY = 'key-acme-0123456789';
const GLOBEX_KEY = 'key-globex-0123456789';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

async function serve(overrides: Record<string, unknown>): Promise<{ g: TestGateway; server: RunningServer; close: () => Promise<void> }> {
  const g = await startTestGateway(overrides);
  const server = await startHttpServer({ gateway: g.gateway, log: silentLogger(), host: '127.0.0.1', port: 0, bodyLimitBytes: 64 * 1024, shutdownGraceMs: 5_000 });
  return { g, server, close: () => server.close() };
}

type Served = Awaited<ReturnType<typeof serve>>;

/** Two instances of the service sharing one Redis, as in a fleet; `body` gets both once Redis is up. */
async function withTwoInstances(tenant: Record<string, unknown>, body: (a: Served, b: Served) => Promise<void>): Promise<void> {
  const redis = await acquireRedis();
  const settings = { redis: { url: redis.url, keyPrefix: redis.keyPrefix }, auth: { apiKeys: [{ key: ACME_KEY, tenant: 'acme' }] }, tenants: { acme: tenant } };
  const a = await serve(settings);
  const b = await serve(settings);
  try {
    while (!a.g.gateway.redisReady || !b.g.gateway.redisReady) await new Promise((r) => setTimeout(r, 20));
    await body(a, b);
  } finally {
    await a.close();
    await b.close();
    await redis.stop();
  }
}

const TENANTS = {
  acme: { tools: { include: ['users:*', 'test:*'] }, maxConcurrentExecutions: 1 },
  globex: { tools: { include: ['invoices:*'] }, preset: 'locked_down' },
};

describe('API keys and tenants', () => {
  let s: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    s = await serve({ auth: { apiKeys: [{ key: ACME_KEY, tenant: 'acme' }, { sha256: sha256(GLOBEX_KEY), tenant: 'globex' }] }, tenants: TENANTS });
  });
  afterAll(() => s.close());
  const as = (key: string) => ({ 'x-api-key': key });

  test('no key or a wrong key is 401 UNAUTHORIZED with WWW-Authenticate; health and readiness stay open', async () => {
    for (const headers of [{}, as('not-a-key-0123456789'), { authorization: 'Bearer nope' }] as Record<string, string>[]) {
      const res = await postJson(`${s.server.url}/v1/search`, { query: 'users' }, headers);
      expect(res.status).toBe(401);
      expect((res.body as { error: { code: string } }).error.code).toBe('UNAUTHORIZED');
      expect(res.headers['www-authenticate']).toBe('Bearer');
    }
    expect((await postJson(`${s.server.url}/mcp`, { jsonrpc: '2.0', id: 1, method: 'tools/list' })).status).toBe(401);
    expect((await httpRequest(`${s.server.url}/health`)).status).toBe(200);
  });

  test('X-API-Key and Authorization: Bearer both authenticate', async () => {
    expect((await postJson(`${s.server.url}/v1/search`, { query: 'users' }, as(ACME_KEY))).status).toBe(200);
    expect((await postJson(`${s.server.url}/v1/search`, { query: 'users' }, { authorization: `Bearer ${GLOBEX_KEY}` })).status).toBe(200);
  });

  test("a tenant cannot find, describe, invoke or run another tenant's tools", async () => {
    const acmeSearch = (await postJson(`${s.server.url}/v1/search`, { query: 'overdue invoices', topK: 50 }, as(ACME_KEY))).body as { tools: { name: string }[] };
    expect(acmeSearch.tools.every((t) => t.name.startsWith('users:') || t.name.startsWith('test:'))).toBe(true);
    const globexSearch = (await postJson(`${s.server.url}/v1/search`, { query: 'overdue invoices', topK: 50 }, as(GLOBEX_KEY))).body as { tools: { name: string }[] };
    expect(globexSearch.tools[0]?.name).toBe('invoices:listOverdue');
    expect(globexSearch.tools.every((t) => t.name.startsWith('invoices:'))).toBe(true);

    const described = (await postJson(`${s.server.url}/v1/describe`, { names: ['invoices:get', 'users:get'] }, as(ACME_KEY))).body as { tools: { name: string }[]; notFound: { name: string; didYouMean: string[] }[] };
    expect(described.tools.map((t) => t.name)).toEqual(['users:get']);
    expect(described.notFound[0]?.name).toBe('invoices:get');
    expect(described.notFound[0]?.didYouMean.every((n) => !n.startsWith('invoices:'))).toBe(true);

    const invoked = await postJson(`${s.server.url}/v1/invoke`, { name: 'invoices:get', input: { id: 'x' } }, as(ACME_KEY));
    expect(invoked.status).toBe(404);
    // Refused by the type check as an unknown tool, exactly as a name no source has; at run time the same.
    const checked = (await postJson(`${s.server.url}/v1/execute`, { script: "await callTool('users:get', { id: 'u_0001' })" }, as(GLOBEX_KEY))).body as { status: string; error: { code: string; message: string } };
    expect(checked).toMatchObject({ status: 'type_error', error: { code: 'TYPE_ERROR' } });
    expect(checked.error.message).toMatch(/^unknown tool 'users:get'/);
    const run = (await postJson(`${s.server.url}/v1/execute`, { script: "await callTool('users:get', { id: 'u_0001' })", typecheck: 'off' }, as(GLOBEX_KEY))).body as { status: string; error: { code: string } };
    expect(run).toMatchObject({ status: 'tool_error', error: { code: 'TOOL_NOT_FOUND' } });
  });

  test('scripts see the authenticated tenant in context, whatever the caller wrote there', async () => {
    const res = await postJson(`${s.server.url}/v1/execute`, { script: 'return [context.tenantId, context.scopes, context.mine]', context: { tenantId: 'globex', mine: 1 } }, as(ACME_KEY));
    expect((res.body as { result: unknown }).result).toEqual(['acme', [], 1]);
  });

  test("a tenant's preset applies to its executions", async () => {
    const res = await postJson(`${s.server.url}/v1/execute`, { script: "return 1", timeoutMs: 60_000 }, as(GLOBEX_KEY));
    expect((res.body as { warnings: string[] }).warnings.join(' ')).toMatch(/timeoutMs.*5000/);
  });

  test('maxConcurrentExecutions: one more execution than allowed is 429 TOO_MANY_EXECUTIONS with Retry-After', async () => {
    const slow = postJson(`${s.server.url}/v1/execute`, { script: "return await callTool('test:sleep', { ms: 600 })" }, as(ACME_KEY));
    await new Promise((r) => setTimeout(r, 150));
    const refused = await postJson(`${s.server.url}/v1/execute`, { script: 'return 1' }, as(ACME_KEY));
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('1');
    expect((refused.body as { error: { code: string } }).error.code).toBe('TOO_MANY_EXECUTIONS');
    expect((await slow).status).toBe(200);
    expect((await postJson(`${s.server.url}/v1/execute`, { script: 'return 1' }, as(ACME_KEY))).status).toBe(200);
  });

  test('MCP clients send the key; tools/list and calls follow the tenant', async () => {
    const client = new Client({ name: 't', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${s.server.url}/mcp`), { requestInit: { headers: as(GLOBEX_KEY) } }));
    try {
      const r = await client.callTool({ name: 'search_tools', arguments: { query: 'list users', topK: 50 } });
      const names = ((r.structuredContent as { tools: { name: string }[] }).tools).map((t) => t.name);
      expect(names.every((n) => n.startsWith('invoices:'))).toBe(true);
    } finally {
      await client.close();
    }
    const anonymous = new Client({ name: 't', version: '1' });
    await expect(anonymous.connect(new StreamableHTTPClientTransport(new URL(`${s.server.url}/mcp`)))).rejects.toThrow();
  });
});

describe('rate limits', () => {
  test('over the limit is 429 RATE_LIMITED with Retry-After; two instances share one budget through Redis', async () => {
    await withTwoInstances({ rateLimit: { points: 3, durationSeconds: 60 } }, async (a, b) => {
      const hit = (srv: Served) => postJson(`${srv.server.url}/v1/search`, { query: 'users' }, { 'x-api-key': ACME_KEY });
      expect((await hit(a)).status).toBe(200);
      expect((await hit(a)).status).toBe(200);
      expect((await hit(b)).status).toBe(200);
      const refused = await hit(b);
      expect(refused.status).toBe(429);
      expect((refused.body as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
      expect((await hit(a)).status).toBe(429);
      const metrics = await a.g.gateway.metrics.registry.metrics();
      expect(metrics).toMatch(/scriptgate_rate_limit_rejections_total\{tenant="acme",reason="rate"\} 1/);
    });
  });
});

describe('concurrency shared through Redis', () => {
  test('maxConcurrentExecutions counts executions on every instance', async () => {
    await withTwoInstances({ maxConcurrentExecutions: 1 }, async (a, b) => {
      const run = (srv: Served, script: string) => postJson(`${srv.server.url}/v1/execute`, { script }, { 'x-api-key': ACME_KEY });
      const slow = run(a, "return await callTool('test:sleep', { ms: 700 })");
      await new Promise((r) => setTimeout(r, 200));
      const refused = await run(b, 'return 1');
      expect(refused.status).toBe(429);
      expect((refused.body as { error: { code: string } }).error.code).toBe('TOO_MANY_EXECUTIONS');
      expect((await slow).status).toBe(200);
      expect((await run(b, 'return 1')).status).toBe(200);
    });
  });
});

describe('binding', () => {
  test('without auth the server refuses to listen beyond loopback; with auth it may', async () => {
    const open = await startTestGateway();
    try {
      await expect(startHttpServer({ gateway: open.gateway, log: silentLogger(), host: '0.0.0.0', port: 0, bodyLimitBytes: 1024, shutdownGraceMs: 100 })).rejects.toThrow(/refusing to listen on 0\.0\.0\.0 without authentication/);
    } finally {
      await open.close();
    }
    const keyed = await startTestGateway({ auth: { apiKeys: [{ key: ACME_KEY, tenant: 'acme' }] } });
    const server = await startHttpServer({ gateway: keyed.gateway, log: silentLogger(), host: '0.0.0.0', port: 0, bodyLimitBytes: 1024, shutdownGraceMs: 100 });
    await server.close();
  });
});

describe('JWT bearer tokens (the service as a process, tokens checked against a real JWKS endpoint)', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'RS256', use: 'sig' };
  let jwks: Server;
  let jwksUrl = '';
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const sign = (claims: Record<string, unknown>) => {
    const head = `${b64({ alg: 'RS256', typ: 'JWT', kid: 'k1' })}.${b64(claims)}`;
    return `${head}.${createSign('RSA-SHA256').update(head).sign(privateKey).toString('base64url')}`;
  };
  const now = () => Math.floor(Date.now() / 1000);
  const good = (extra: Record<string, unknown> = {}) => ({ iss: 'https://issuer.test/', aud: 'scriptgate', sub: 'user-7', tenant: 'acme', scope: 'tools:read tools:run', iat: now(), exp: now() + 300, ...extra });

  beforeAll(async () => {
    jwks = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })));
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
    jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`;
  });
  afterAll(() => new Promise<void>((r) => jwks.close(() => r())));

  test('a valid token names tenant, user and scopes; wrong audience, issuer, expiry, signature or no tenant is 401', async () => {
    const server = await startServerProcess({
      SCRIPTGATE_AUTH_JWT_JWKS_URL: jwksUrl,
      SCRIPTGATE_AUTH_JWT_ISSUER: 'https://issuer.test/',
      SCRIPTGATE_AUTH_JWT_AUDIENCE: 'scriptgate',
      SCRIPTGATE_TENANTS: JSON.stringify({ acme: { tools: { include: ['users:*'] } } }),
      SCRIPTGATE_POOL_MIN_THREADS: '1',
      SCRIPTGATE_POOL_MAX_THREADS: '1',
    });
    try {
      const run = (token: string) => postJson(`${server.url}/v1/execute`, { script: 'return [context.tenantId, context.userId, context.scopes]' }, { authorization: `Bearer ${token}` });
      const ok = await run(sign(good()));
      expect(ok.status).toBe(200);
      expect((ok.body as { result: unknown }).result).toEqual(['acme', 'user-7', ['tools:read', 'tools:run']]);
      const other = { ...good(), tenant: undefined };
      for (const token of [sign(good({ aud: 'someone-else' })), sign(good({ iss: 'https://evil.test/' })), sign(good({ exp: now() - 60 })), sign(other), `${sign(good()).slice(0, -4)}AAAA`]) {
        const res = await run(token);
        expect(res.status).toBe(401);
        expect(String(res.headers['www-authenticate'])).toContain('resource_metadata="');
      }
      const metadata = await httpRequest(`${server.url}/.well-known/oauth-protected-resource`);
      expect(metadata.body).toMatchObject({ resource: `${server.url}/mcp`, authorization_servers: ['https://issuer.test/'] });
      const hidden = await postJson(`${server.url}/v1/invoke`, { name: 'invoices:get', input: { id: 'x' } }, { authorization: `Bearer ${sign(good())}` });
      expect(hidden.status).toBe(404);
    } finally {
      await server.stop();
    }
  });
});
