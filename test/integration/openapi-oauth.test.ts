import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { httpRequest, postJson } from '../helpers/http';
import { startOAuthServer, waitFor, type TestOAuthServer } from '../helpers/oauth-server';
import { startPetApi, type PetApi } from '../helpers/pet-api';
import { startServerProcess, type ServerProcess } from '../helpers/server-process';

// The OpenAPI loader needs the real service (its $ref resolver is an ES module jest cannot load): the
// gateway runs as a process; the authorization server and the API it guards run beside it.
const SPEC = resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'openapi', 'petstore.yaml');
const KEYS = { ops: 'key-ops-0123456789ab', acme: 'key-acme-0123456789a', globex: 'key-globex-012345678', initech: 'key-initech-01234567' };
const CLIENTS = { 'pets-client': 'pets-secret', 'acme-client': 'acme-secret', 'globex-client': 'globex-secret', 'mobile-app': '' };

type Envelope = { status: string; result?: unknown; error?: Record<string, unknown> & { code: string; message: string } };

let oauth: TestOAuthServer;
let api: PetApi;
let server: ServerProcess;
let dir: string;
/** Tokens the API refuses though the issuer still calls them active (as after a revocation). */
const revoked = new Set<string>();

beforeAll(async () => {
  oauth = await startOAuthServer(CLIENTS);
  api = await startPetApi(async (authorization) => {
    const token = /^Bearer\s+(\S+)$/.exec(authorization ?? '')?.[1];
    return token !== undefined && !revoked.has(token) && (await oauth.introspect(authorization)).active;
  });
  dir = mkdtempSync(join(tmpdir(), 'scriptgate-openapi-oauth-'));
  writeFileSync(join(dir, 'pets-secret'), 'pets-secret\n');
  writeFileSync(join(dir, 'refresh-token'), await oauth.issueRefreshToken('mobile-app'));
  const oauth2 = (clientId: string, extra: Record<string, unknown>) => ({ type: 'oauth2', tokenUrl: oauth.tokenUrl, clientId, ...extra });
  const sources = [
    { name: 'pets', spec: SPEC, baseUrl: api.url, auth: oauth2('pets-client', { clientSecretFile: join(dir, 'pets-secret'), scopes: ['pets'] }) },
    {
      name: 'crm',
      spec: SPEC,
      baseUrl: api.url,
      auth: { type: 'perTenant', tenants: { acme: oauth2('acme-client', { clientSecretEnv: 'ACME_CRM_SECRET' }), globex: oauth2('globex-client', { clientSecretEnv: 'GLOBEX_CRM_SECRET', clientAuth: 'body' }) } },
    },
    { name: 'mine', spec: SPEC, baseUrl: api.url, auth: oauth2('mobile-app', { grant: 'refresh_token', refreshTokenFile: join(dir, 'refresh-token') }) },
  ];
  server = await startServerProcess({
    SCRIPTGATE_SOURCES_OPENAPI: JSON.stringify(sources),
    SCRIPTGATE_SOURCES_DEMO: 'false',
    SCRIPTGATE_API_KEYS: Object.entries(KEYS).map(([tenant, key]) => `${key}:${tenant}`).join(','),
    ACME_CRM_SECRET: 'acme-secret',
    GLOBEX_CRM_SECRET: 'globex-secret',
  });
});
afterAll(async () => {
  await server.stop();
  await api.close();
  await oauth.stop();
  rmSync(dir, { recursive: true, force: true });
});

const execute = async (script: string, tenant: keyof typeof KEYS = 'ops'): Promise<Envelope> =>
  (await postJson(`${server.url}/v1/execute`, { script }, { 'x-api-key': KEYS[tenant] })).body as Envelope;
const clientOf = async (authorization: string | undefined) => (await oauth.introspect(authorization)).client_id;
const lastAuth = () => api.requests.at(-1)!.auth;

describe('an OpenAPI source with OAuth 2.0 client credentials (secret from a file)', () => {
  test('calls carry a bearer token the API validates by introspection; the token is fetched once', async () => {
    const r = await execute("const a = await callTool('pets:listPets', { limit: 1 }); const b = await callTool('pets:getPet', { petId: 'p1' }); return [a, b]");
    expect(r).toMatchObject({ status: 'ok', result: [[{ id: 'p1' }], { id: 'p1' }] });
    expect(await clientOf(lastAuth())).toBe('pets-client');
    const tokenRequests = (await oauth.requests()).filter((q) => q.clientId === 'pets-client');
    expect(tokenRequests).toEqual([expect.objectContaining({ grant: 'client_credentials', clientAuth: 'basic', scope: 'pets', status: 200 })]);
  });

  test('a 401 renews the token once and retries once: a POST refused for its token is made once', async () => {
    await execute("await callTool('pets:getPet', { petId: 'p1' })");
    revoked.add(/^Bearer (\S+)$/.exec(lastAuth()!)![1]!);
    const before = (await oauth.requests()).length;
    const from = api.requests.length;
    const r = await execute("return await callTool('pets:createPet', { body: { name: 'Oauthy' } })");
    expect(r).toMatchObject({ status: 'ok', result: { name: 'Oauthy' } });
    expect((await oauth.requests()).length - before).toBe(1);
    const made = api.requests.slice(from);
    expect(made.map((q) => q.method)).toEqual(['POST', 'POST']);
    expect(made[0]!.auth).not.toBe(made[1]!.auth);
    expect(await clientOf(made[1]!.auth)).toBe('pets-client');
  });

  test('token endpoint down: the call fails with UPSTREAM_AUTH_UNAVAILABLE naming source and token URL; the gateway serves on', async () => {
    // acme's crm token is had before the endpoint goes down; pets' token is then refused by the API.
    expect((await execute("return await callTool('crm:get_health', {})", 'acme')).status).toBe('ok');
    expect((await execute("return await callTool('pets:get_health', {})")).status).toBe('ok');
    revoked.add(/^Bearer (\S+)$/.exec(lastAuth()!)![1]!);
    await oauth.configure({ failWith: 503 });
    try {
      const r = await execute("await callTool('pets:listPets', {})");
      expect(r).toMatchObject({ status: 'tool_error', error: { code: 'UPSTREAM_AUTH_UNAVAILABLE', tool: 'pets:listPets', retriable: true } });
      expect(r.error?.message).toContain(`source 'pets': token endpoint ${oauth.tokenUrl} answered HTTP 503: temporarily_unavailable`);
      expect(JSON.stringify(r)).not.toContain('pets-secret');
      expect((await httpRequest(`${server.url}/health`)).status).toBe(200);
      expect((await execute("return await callTool('crm:get_health', {})", 'acme')).status).toBe('ok');
    } finally {
      await oauth.configure({ failWith: null });
    }
    await waitFor(async () => (await execute("return await callTool('pets:get_health', {})")).status === 'ok');
  });
});

describe('per-tenant credentials (auth.type perTenant)', () => {
  test("each tenant's calls carry its own client's token, even interleaved; an unlisted tenant gets UPSTREAM_CREDENTIAL_MISSING", async () => {
    const from = api.requests.length;
    const script = (tag: string) => `return await Promise.all([1, 2, 3].map((i) => callTool('crm:listPets', { 'X-Request-Id': '${tag}-' + i })))`;
    const [acme, globex] = await Promise.all([execute(script('acme'), 'acme'), execute(script('globex'), 'globex')]);
    expect([acme.status, globex.status]).toEqual(['ok', 'ok']);
    const made = api.requests.slice(from).filter((q) => q.requestId !== undefined);
    expect(made).toHaveLength(6);
    for (const request of made) {
      const tenant = request.requestId!.split('-')[0]!;
      expect({ tenant, client: await clientOf(request.auth) }).toEqual({ tenant, client: `${tenant}-client` });
    }
    const refused = await execute("await callTool('crm:listPets', {})", 'initech');
    expect(refused).toMatchObject({ status: 'tool_error', error: { code: 'UPSTREAM_CREDENTIAL_MISSING', tool: 'crm:listPets', message: "crm:listPets: source 'crm' has no credential for tenant 'initech'" } });
    const shared = await execute("await callTool('crm:listPets', {})", 'ops');
    expect(shared.error?.code).toBe('UPSTREAM_CREDENTIAL_MISSING');
    const invoked = await postJson(`${server.url}/v1/invoke`, { name: 'crm:listPets', input: {} }, { 'x-api-key': KEYS.initech });
    expect(invoked.status).toBe(200);
    expect(invoked.body).toMatchObject({ status: 'tool_error', error: { code: 'UPSTREAM_CREDENTIAL_MISSING', hint: expect.stringContaining('operator') } });
  });
});

describe('an OpenAPI source with the refresh-token grant', () => {
  test('the refresh token from the file is used, rotated, and the rotated one is used after a 401', async () => {
    const initial = (await oauth.liveRefreshTokens())[0]!;
    const r = await execute("return await callTool('mine:getPet', { petId: 'p1' })");
    expect(r).toMatchObject({ status: 'ok', result: { id: 'p1' } });
    const first = (await oauth.requests()).filter((q) => q.clientId === 'mobile-app');
    expect(first).toEqual([expect.objectContaining({ grant: 'refresh_token', refreshToken: initial, status: 200 })]);
    const rotated = (await oauth.liveRefreshTokens()).filter((t) => t !== initial);
    expect(rotated).toHaveLength(1);
    revoked.add(/^Bearer (\S+)$/.exec(lastAuth()!)![1]!);
    expect((await execute("return await callTool('mine:getPet', { petId: 'p1' })")).status).toBe('ok');
    const second = (await oauth.requests()).filter((q) => q.clientId === 'mobile-app');
    expect(second[1]).toMatchObject({ grant: 'refresh_token', refreshToken: rotated[0], status: 200 });
  });
});
