import { createServer } from 'node:net';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { startMcpOAuthUpstream, type McpOAuthUpstream } from '../helpers/mcp-oauth-upstream';
import { startOAuthServer, waitFor, type TestOAuthServer } from '../helpers/oauth-server';

const CLIENT = 'mcp-client';
const SECRET_ENV = 'SCRIPTGATE_TEST_MCP_CLIENT_SECRET';
const source = (url: string, tokenUrl: string) => ({
  name: 'secure',
  transport: 'http',
  url,
  auth: { type: 'oauth2', tokenUrl, clientId: CLIENT, clientSecretEnv: SECRET_ENV, scopes: ['tools'] },
  reconnectInitialMs: 100,
  reconnectMaxMs: 300,
});

let oauth: TestOAuthServer;
beforeAll(async () => {
  oauth = await startOAuthServer({ [CLIENT]: 'mcp-client-secret' });
  process.env[SECRET_ENV] = 'mcp-client-secret';
});
afterAll(async () => {
  await oauth.stop();
  delete process.env[SECRET_ENV];
});

describe('an HTTP MCP upstream behind OAuth 2.0 client credentials', () => {
  let upstream: McpOAuthUpstream;
  let g: TestGateway;
  beforeAll(async () => {
    await oauth.reset();
    upstream = await startMcpOAuthUpstream((authorization) => oauth.introspect(authorization), CLIENT);
    g = await startTestGateway({ sources: { mcp: [source(upstream.url, oauth.tokenUrl)] } });
    await waitFor(() => g.gateway.upstreams[0]!.health().state === 'connected');
  });
  afterAll(async () => {
    await g.close();
    await upstream.close();
  });
  const lastToken = () => upstream.seen.at(-1)!.token!;

  test('it connects with a token from the authorization server, which the upstream validates by introspection', async () => {
    const r = await g.run("return await callTool('secure:whoami', { note: 'hi' })");
    expect(r).toMatchObject({ status: 'ok', result: { client: CLIENT, note: 'hi' } });
    expect(upstream.seen.every((s) => s.status === 200)).toBe(true);
    expect(new Set(upstream.seen.map((s) => s.token)).size).toBe(1);
    expect(await oauth.requests()).toEqual([expect.objectContaining({ grant: 'client_credentials', clientId: CLIENT, scope: 'tools', status: 200 })]);
  });

  test('a 401 renews the token once and retries once; concurrent calls refused together share that renewal', async () => {
    const before = (await oauth.requests()).length;
    upstream.revoked.add(lastToken());
    const seenFrom = upstream.seen.length;
    const r = await g.run("return await Promise.all(Array.from({ length: 8 }, (_, i) => callTool('secure:whoami', { note: String(i) })))");
    expect(r).toMatchObject({ status: 'ok' });
    expect((r.result as { client: string }[]).every((x) => x.client === CLIENT)).toBe(true);
    expect((await oauth.requests()).length - before).toBe(1);
    const during = upstream.seen.slice(seenFrom);
    expect(during.filter((s) => s.status === 401).length).toBeGreaterThanOrEqual(1);
    expect(during.filter((s) => s.status === 401).length).toBeLessThanOrEqual(8);
    expect(new Set(during.filter((s) => s.status === 200).map((s) => s.token)).size).toBe(1);
  });

  test('a short-lived token is renewed before it expires, without the upstream ever refusing it', async () => {
    await oauth.configure({ expiresIn: 6 });
    try {
      upstream.revoked.add(lastToken());
      await g.run("await callTool('secure:whoami', {})");
      const shortLived = lastToken();
      const expiresAt = (await oauth.introspect(`Bearer ${shortLived}`)).exp! * 1000;
      const seenFrom = upstream.seen.length;
      // The default skew (60 s) is capped at half the lifetime: renewal is due after 3 s.
      await waitFor(async () => (await g.run("await callTool('secure:whoami', {})"), lastToken() !== shortLived), 8_000);
      const renewal = (await oauth.requests()).at(-1)!;
      expect(renewal.at).toBeLessThan(expiresAt);
      expect(upstream.seen.slice(seenFrom).every((s) => s.status === 200)).toBe(true);
    } finally {
      await oauth.configure({ expiresIn: 3600 });
    }
  });

  test('an upstream that refuses even a new token fails the call with UPSTREAM_AUTH_FAILED; the session survives', async () => {
    upstream.refuseAll = true;
    try {
      const r = await g.run("await callTool('secure:whoami', {})");
      expect(r).toMatchObject({ status: 'tool_error', error: { code: 'UPSTREAM_AUTH_FAILED', tool: 'secure:whoami' } });
      expect(r.error?.message).toContain("upstream MCP server 'secure' answered HTTP 401 to a newly issued token");
    } finally {
      upstream.refuseAll = false;
    }
    expect(g.gateway.upstreams[0]!.health().state).toBe('connected');
    expect((await g.run("return (await callTool('secure:whoami', {})).client")).result).toBe(CLIENT);
  });

  test('token endpoint down: the call fails with UPSTREAM_AUTH_UNAVAILABLE, the gateway serves on, and recovers', async () => {
    await oauth.configure({ failWith: 503 });
    upstream.revoked.add(lastToken());
    try {
      const invoked = await g.gateway.invoke({ name: 'secure:whoami', input: {} });
      expect(invoked).toMatchObject({ status: 'tool_error', error: { code: 'UPSTREAM_AUTH_UNAVAILABLE', retriable: true, tool: 'secure:whoami', data: { source: 'secure', status: 503, oauthError: 'temporarily_unavailable' } } });
      expect(JSON.stringify(invoked)).not.toContain('mcp-client-secret');
      const script = await g.run("try { await callTool('secure:whoami', {}) } catch (e) { return e.code }");
      expect(script.result).toBe('UPSTREAM_AUTH_UNAVAILABLE');
      expect((await g.run("return (await callTool('test:echo', { value: 1 }))")).status).toBe('ok');
    } finally {
      await oauth.configure({ failWith: null });
    }
    await waitFor(async () => (await g.run("return (await callTool('secure:whoami', {})).client")).result === CLIENT);
  });
});

test('an upstream whose token endpoint is unreachable at start stays unconnected; its health names the token endpoint', async () => {
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const port = (closed.address() as { port: number }).port;
  await new Promise((r) => closed.close(r));
  const upstream = await startMcpOAuthUpstream((authorization) => oauth.introspect(authorization), CLIENT);
  const g = await startTestGateway({ sources: { mcp: [source(upstream.url, `http://127.0.0.1:${port}/token`)] } });
  try {
    const upstreamState = g.gateway.upstreams[0]!;
    await waitFor(() => upstreamState.health().lastError !== undefined);
    expect(upstreamState.health()).toMatchObject({ state: expect.not.stringMatching(/^connected$/), lastError: expect.stringContaining(`token endpoint http://127.0.0.1:${port}/token did not answer`) });
    const r = await g.run("await callTool('secure:whoami', {})");
    expect(r.status).toBe('tool_error');
    expect(r.error).toMatchObject({ code: 'TOOL_NOT_FOUND' });
    expect(upstream.seen).toHaveLength(0);
  } finally {
    await g.close();
    await upstream.close();
  }
});
