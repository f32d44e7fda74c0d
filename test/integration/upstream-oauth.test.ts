import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SourceCredentials, type OAuth2Auth, type SourceAuthConfig } from '../../src/catalog/sources/auth';
import { GatewayError, toPublicError } from '../../src/errors';
import { startOAuthServer, waitFor, type TestOAuthServer } from '../helpers/oauth-server';

const SECRET = 'shh-client-secret-value';
const never = new AbortController().signal;

let oauth: TestOAuthServer;
beforeAll(async () => {
  oauth = await startOAuthServer({ 'svc-client': SECRET, 'acme-client': 'acme-secret-value', 'public-client': '' });
  process.env.TEST_OAUTH_SECRET = SECRET;
  process.env.TEST_ACME_SECRET = 'acme-secret-value';
  process.env.TEST_GLOBEX_TOKEN = 'globex-static-token';
});
afterAll(async () => {
  await oauth.stop();
  for (const name of ['TEST_OAUTH_SECRET', 'TEST_ACME_SECRET', 'TEST_GLOBEX_TOKEN']) delete process.env[name];
});
beforeEach(() => oauth.reset());

const clientCredentials = (extra: Partial<OAuth2Auth> = {}): OAuth2Auth => ({
  type: 'oauth2',
  grant: 'client_credentials',
  tokenUrl: oauth.tokenUrl,
  clientId: 'svc-client',
  clientSecretEnv: 'TEST_OAUTH_SECRET',
  scopes: [],
  clientAuth: 'basic',
  refreshSkewSeconds: 60,
  timeoutMs: 5_000,
  ...extra,
});
const bearerOf = async (credentials: SourceCredentials, tenant = 'default') => (await credentials.forCall(tenant, never)).headers.authorization;
const failureOf = async (work: Promise<unknown>): Promise<GatewayError> => {
  const err: unknown = await work.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(GatewayError);
  return err as GatewayError;
};

describe('OAuth 2.0 client credentials against a real authorization server', () => {
  test('a token is fetched once, cached, and verifies against the issuer JWKS; scopes and audience are sent', async () => {
    const credentials = new SourceCredentials('crm', clientCredentials({ scopes: ['read:pets', 'write:pets'], audience: 'https://pets.example' }));
    const first = await bearerOf(credentials);
    expect(await bearerOf(credentials)).toBe(first);
    expect(await oauth.requests()).toEqual([expect.objectContaining({ grant: 'client_credentials', clientId: 'svc-client', clientAuth: 'basic', scope: 'read:pets write:pets', audience: 'https://pets.example', status: 200 })]);
    expect(await oauth.introspect(first)).toMatchObject({ active: true, sub: 'svc-client', aud: 'https://pets.example', scope: 'read:pets write:pets' });
  });

  test('clientAuth: body sends the client id and secret as form fields', async () => {
    await bearerOf(new SourceCredentials('crm', clientCredentials({ clientAuth: 'body' })));
    expect(await oauth.requests()).toEqual([expect.objectContaining({ clientAuth: 'body', status: 200 })]);
  });

  test('concurrent calls share one token request', async () => {
    const credentials = new SourceCredentials('crm', clientCredentials());
    const tokens = await Promise.all(Array.from({ length: 25 }, () => bearerOf(credentials)));
    expect(new Set(tokens).size).toBe(1);
    expect(await oauth.requests()).toHaveLength(1);
  });

  test('the token is renewed before it expires (skew), while the old one is still valid', async () => {
    await oauth.configure({ expiresIn: 6 });
    const credentials = new SourceCredentials('crm', clientCredentials({ refreshSkewSeconds: 3 }));
    const first = (await bearerOf(credentials))!;
    const firstExpiry = (await oauth.introspect(first)).exp! * 1000;
    let latest = first;
    await waitFor(async () => (latest = (await bearerOf(credentials))!) !== first, 8_000);
    const requests = await oauth.requests();
    expect(requests).toHaveLength(2);
    expect(requests[1]!.at).toBeLessThan(firstExpiry);
    expect(await oauth.introspect(first)).toMatchObject({ active: true });
    expect(await oauth.introspect(latest)).toMatchObject({ active: true });
  });

  test('after a 401, concurrent renewals of the same token make one request; the retried credential renews no further', async () => {
    const credentials = new SourceCredentials('crm', clientCredentials());
    const [a, b] = await Promise.all([credentials.forCall('default', never), credentials.forCall('default', never)]);
    const [renewedA, renewedB] = await Promise.all([a.renew!(), b.renew!()]);
    expect(await oauth.requests()).toHaveLength(2);
    expect(renewedA.headers.authorization).toBe(renewedB.headers.authorization);
    expect(renewedA.headers.authorization).not.toBe(a.headers.authorization);
    expect(renewedA.renew).toBeUndefined();
    // A later call gets the renewed token from the cache.
    expect(await bearerOf(credentials)).toBe(renewedA.headers.authorization);
    expect(await oauth.requests()).toHaveLength(2);
  });
});

describe('OAuth 2.0 refresh-token grant', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'scriptgate-oauth-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('rotated refresh tokens are kept and used next; a new one in the file replaces them', async () => {
    const file = join(dir, 'refresh-token');
    const initial = await oauth.issueRefreshToken('public-client');
    writeFileSync(file, `${initial}\n`);
    const credentials = new SourceCredentials('crm', { type: 'oauth2', grant: 'refresh_token', tokenUrl: oauth.tokenUrl, clientId: 'public-client', refreshTokenFile: file, scopes: [], clientAuth: 'basic', refreshSkewSeconds: 60, timeoutMs: 5_000 });

    const first = await credentials.forCall('default', never);
    expect(await oauth.introspect(first.headers.authorization)).toMatchObject({ active: true, sub: 'public-client' });
    expect((await oauth.requests())[0]).toMatchObject({ grant: 'refresh_token', clientAuth: 'none', refreshToken: initial, status: 200 });
    // The server rotated it: the first refresh token is spent, the gateway must use the new one.
    const live = await oauth.liveRefreshTokens();
    expect(live).not.toContain(initial);
    const rotated = live.at(-1)!;
    const second = await first.renew!();
    expect((await oauth.requests())[1]).toMatchObject({ refreshToken: rotated, status: 200 });
    expect(second.headers.authorization).not.toBe(first.headers.authorization);

    // An operator provides a new refresh token: it wins over the rotated one held in memory.
    const provided = await oauth.issueRefreshToken('public-client');
    writeFileSync(file, provided);
    await (await credentials.forCall('default', never)).renew!();
    expect((await oauth.requests())[2]).toMatchObject({ refreshToken: provided, status: 200 });
  });

  test('a refused refresh token is UPSTREAM_AUTH_FAILED naming source, token URL and invalid_grant, never the token', async () => {
    process.env.TEST_SPENT_REFRESH = 'rt-never-issued-0123';
    try {
      const credentials = new SourceCredentials('crm', { type: 'oauth2', grant: 'refresh_token', tokenUrl: oauth.tokenUrl, clientId: 'public-client', refreshTokenEnv: 'TEST_SPENT_REFRESH', scopes: [], clientAuth: 'basic', refreshSkewSeconds: 60, timeoutMs: 5_000 });
      const err = await failureOf(credentials.forCall('default', never));
      expect(err.code).toBe('UPSTREAM_AUTH_FAILED');
      expect(err.message).toContain("source 'crm'");
      expect(err.message).toContain(oauth.tokenUrl);
      expect(err.message).toContain('invalid_grant');
      expect(err.message).not.toContain('rt-never-issued-0123');
      expect(err.details).toEqual({ data: expect.objectContaining({ source: 'crm', tokenUrl: oauth.tokenUrl, grant: 'refresh_token', status: 400, oauthError: 'invalid_grant' }) });
    } finally {
      delete process.env.TEST_SPENT_REFRESH;
    }
  });
});

describe('token endpoint failures', () => {
  test('a wrong client secret is UPSTREAM_AUTH_FAILED with the OAuth error, and the secret appears nowhere', async () => {
    process.env.TEST_WRONG_SECRET = 'wrong-secret-value-42';
    try {
      const err = await failureOf(new SourceCredentials('crm', clientCredentials({ clientSecretEnv: 'TEST_WRONG_SECRET' })).forCall('default', never));
      expect(err.code).toBe('UPSTREAM_AUTH_FAILED');
      expect(err.message).toBe(`source 'crm': token endpoint ${oauth.tokenUrl} refused the client_credentials grant with HTTP 401: invalid_client (client authentication failed)`);
      const published = JSON.stringify(toPublicError(err));
      expect(published).not.toContain('wrong-secret-value-42');
      expect(toPublicError(err).retriable).toBeUndefined();
    } finally {
      delete process.env.TEST_WRONG_SECRET;
    }
  });

  test('an unreachable endpoint is UPSTREAM_AUTH_UNAVAILABLE (retriable)', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as { port: number }).port;
    await new Promise((r) => closed.close(r));
    const err = await failureOf(new SourceCredentials('crm', clientCredentials({ tokenUrl: `http://127.0.0.1:${port}/token` })).forCall('default', never));
    expect(err.code).toBe('UPSTREAM_AUTH_UNAVAILABLE');
    expect(err.message).toBe(`source 'crm': token endpoint http://127.0.0.1:${port}/token did not answer (ECONNREFUSED)`);
    expect(toPublicError(err).retriable).toBe(true);
  });

  test('while the endpoint fails, a held token serves until it expires; then calls fail fast, and recover once it is back', async () => {
    await oauth.configure({ expiresIn: 6 });
    const start = Date.now();
    // Renewal is due at 3 s (the skew is capped at half the lifetime); the token expires at 6 s.
    const credentials = new SourceCredentials('crm', clientCredentials({ refreshSkewSeconds: 10 }));
    const held = await bearerOf(credentials);
    await oauth.configure({ failWith: 503 });
    while (Date.now() < start + 4_500) {
      expect(await bearerOf(credentials)).toBe(held);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await oauth.requests()).length).toBeGreaterThanOrEqual(2);
    let err: GatewayError | undefined;
    await waitFor(async () => (err = await credentials.forCall('default', never).then(() => undefined, (e: GatewayError) => e)) !== undefined, 5_000);
    expect(err!.code).toBe('UPSTREAM_AUTH_UNAVAILABLE');
    expect(err!.message).toContain('answered HTTP 503: temporarily_unavailable');
    // Right after a failure, calls get it again without each asking the endpoint.
    const asked = (await oauth.requests()).length;
    for (let i = 0; i < 5; i++) expect((await failureOf(credentials.forCall('default', never))).code).toBe('UPSTREAM_AUTH_UNAVAILABLE');
    expect((await oauth.requests()).length - asked).toBeLessThanOrEqual(1);
    await oauth.configure({ failWith: null });
    await waitFor(async () => (await credentials.forCall('default', never).then(() => true, () => false)), 5_000);
  });

  test('a secret variable that is not set is UPSTREAM_CREDENTIAL_MISSING naming it', async () => {
    const err = await failureOf(new SourceCredentials('crm', clientCredentials({ clientSecretEnv: 'TEST_NOT_SET_ANYWHERE' })).forCall('default', never));
    expect(err.code).toBe('UPSTREAM_CREDENTIAL_MISSING');
    expect(err.message).toBe("source 'crm': client secret: environment variable TEST_NOT_SET_ANYWHERE is not set");
    expect(await oauth.requests()).toHaveLength(0);
  });
});

describe('per-tenant credentials', () => {
  const perTenant = (): SourceAuthConfig => ({
    type: 'perTenant',
    tenants: {
      acme: clientCredentials({ clientId: 'acme-client', clientSecretEnv: 'TEST_ACME_SECRET' }),
      globex: { type: 'bearer', tokenEnv: 'TEST_GLOBEX_TOKEN' },
    },
  });

  test("each tenant gets its own credential and token cache; an unlisted tenant gets none, never another's", async () => {
    const credentials = new SourceCredentials('crm', perTenant());
    const acme = await bearerOf(credentials, 'acme');
    expect(await oauth.introspect(acme)).toMatchObject({ active: true, sub: 'acme-client' });
    expect(await bearerOf(credentials, 'globex')).toBe('Bearer globex-static-token');
    expect(await bearerOf(credentials, 'acme')).toBe(acme);
    expect(await oauth.requests()).toEqual([expect.objectContaining({ clientId: 'acme-client' })]);
    for (const tenant of ['initech', 'default', 'constructor', '__proto__']) {
      const err = await failureOf(credentials.forCall(tenant, never));
      expect(err.code).toBe('UPSTREAM_CREDENTIAL_MISSING');
      expect(err.message).toBe(`source 'crm' has no credential for tenant '${tenant}'`);
    }
  });

  test("a tenant's token endpoint failure names the tenant and leaves the other tenants working", async () => {
    process.env.TEST_ACME_SECRET = 'not-the-secret';
    try {
      const credentials = new SourceCredentials('crm', perTenant());
      const err = await failureOf(credentials.forCall('acme', never));
      expect(err.code).toBe('UPSTREAM_AUTH_FAILED');
      expect(err.message).toContain("source 'crm' (tenant 'acme')");
      expect(err.details).toEqual({ data: expect.objectContaining({ source: 'crm', tenant: 'acme' }) });
      expect(await bearerOf(credentials, 'globex')).toBe('Bearer globex-static-token');
    } finally {
      process.env.TEST_ACME_SECRET = 'acme-secret-value';
    }
  });
});
