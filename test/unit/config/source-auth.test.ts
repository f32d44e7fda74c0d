import { loadConfig } from '../../../src/config';

const openapi = (auth: unknown) => ({ sources: { demo: false, openapi: [{ name: 'crm', spec: './crm.yaml', auth }] } });
const mcp = (source: Record<string, unknown>) => ({ sources: { demo: false, mcp: [{ name: 'crm', transport: 'http', url: 'https://crm.example/mcp', ...source }] } });
const load = (overrides: Record<string, unknown>) => loadConfig({ env: {}, overrides });
const CLIENT_CREDENTIALS = { type: 'oauth2', tokenUrl: 'https://auth.example/oauth/token', clientIdEnv: 'CRM_CLIENT_ID', clientSecretFile: '/run/secrets/crm' };

describe('sources.*.auth: oauth2', () => {
  test('every option has a default; what is given is kept', () => {
    expect(load(openapi(CLIENT_CREDENTIALS)).sources.openapi[0]!.auth).toEqual({
      ...CLIENT_CREDENTIALS,
      grant: 'client_credentials',
      scopes: [],
      clientAuth: 'basic',
      refreshSkewSeconds: 60,
      timeoutMs: 10_000,
    });
    const refresh = { type: 'oauth2', grant: 'refresh_token', tokenUrl: 'http://127.0.0.1:8080/token', clientId: 'app', refreshTokenEnv: 'APP_REFRESH', scopes: ['offline_access', 'crm:read'], audience: 'https://crm.example', clientAuth: 'body', refreshSkewSeconds: 5, timeoutMs: 2_000 };
    expect(load(mcp({ auth: refresh })).sources.mcp[0]!.auth).toEqual(refresh);
  });

  test('secrets can only be named: a literal secret, refresh token or unknown key is refused', () => {
    expect(() => load(openapi({ ...CLIENT_CREDENTIALS, clientSecret: 'hunter2' }))).toThrow(/Unrecognized key.*clientSecret/);
    expect(() => load(openapi({ ...CLIENT_CREDENTIALS, refreshToken: 'rt' }))).toThrow(/Unrecognized key.*refreshToken/);
    expect(() => load(openapi({ ...CLIENT_CREDENTIALS, scope: 'a' }))).toThrow(/Unrecognized key.*scope/);
  });

  test('grant, client id, secret and refresh token must fit together', () => {
    const { clientSecretFile: _file, ...noSecret } = CLIENT_CREDENTIALS;
    expect(() => load(openapi(noSecret))).toThrow(/auth.clientSecretEnv: the client_credentials grant needs clientSecretEnv or clientSecretFile/);
    expect(() => load(openapi({ ...CLIENT_CREDENTIALS, clientSecretEnv: 'X' }))).toThrow(/give clientSecretEnv or clientSecretFile, not both/);
    expect(() => load(openapi({ ...CLIENT_CREDENTIALS, clientId: 'x' }))).toThrow(/auth.clientId: give either clientId or clientIdEnv/);
    expect(() => load(openapi({ ...CLIENT_CREDENTIALS, refreshTokenEnv: 'R' }))).toThrow(/a refresh token is for grant: refresh_token/);
    expect(() => load(openapi({ ...CLIENT_CREDENTIALS, grant: 'refresh_token' }))).toThrow(/the refresh_token grant needs one of refreshTokenEnv or refreshTokenFile/);
    expect(() => load(openapi({ ...CLIENT_CREDENTIALS, grant: 'refresh_token', refreshTokenEnv: 'R', refreshTokenFile: '/r' }))).toThrow(/refresh_token grant needs one of/);
    expect(() => load(openapi({ ...CLIENT_CREDENTIALS, grant: 'password' }))).toThrow(/grant/);
    expect(() => load(openapi({ ...CLIENT_CREDENTIALS, scopes: ['two words'] }))).toThrow(/a scope is printable ASCII/);
  });

  test('the token URL is https, or http to a loopback address only', () => {
    expect(() => load(openapi({ ...CLIENT_CREDENTIALS, tokenUrl: 'http://auth.example/token' }))).toThrow(/tokenUrl must be https/);
    expect(() => load(openapi({ ...CLIENT_CREDENTIALS, tokenUrl: 'not a url' }))).toThrow(/tokenUrl/);
    for (const tokenUrl of ['http://localhost:9000/token', 'http://127.0.0.1/token', 'http://[::1]:9000/token']) {
      expect(load(openapi({ ...CLIENT_CREDENTIALS, tokenUrl })).sources.openapi[0]!.auth).toMatchObject({ tokenUrl });
    }
  });

  test('an MCP source takes oauth2 auth over http only, and not with bearerTokenEnv', () => {
    expect(() => load(mcp({ auth: CLIENT_CREDENTIALS, bearerTokenEnv: 'T' }))).toThrow(/sources.mcp.0.auth: give auth or bearerTokenEnv, not both/);
    expect(() => load({ sources: { mcp: [{ name: 'x', transport: 'stdio', command: 'node', auth: CLIENT_CREDENTIALS }] } })).toThrow(/auth is for an http server/);
    expect(() => load(mcp({ auth: { type: 'bearer', tokenEnv: 'T' } }))).toThrow(/sources.mcp.0.auth.type/);
    expect(() => load(mcp({ auth: { type: 'perTenant', tenants: { acme: CLIENT_CREDENTIALS } } }))).toThrow(/sources.mcp.0.auth.type/);
  });
});

describe('sources.openapi[].auth: perTenant', () => {
  test("each listed tenant has its own credential, of any kind but perTenant", () => {
    const auth = { type: 'perTenant', tenants: { acme: CLIENT_CREDENTIALS, globex: { type: 'bearer', tokenEnv: 'GLOBEX_CRM_TOKEN' } } };
    expect(load(openapi(auth)).sources.openapi[0]!.auth).toMatchObject({ type: 'perTenant', tenants: { acme: { grant: 'client_credentials', clientAuth: 'basic' }, globex: { tokenEnv: 'GLOBEX_CRM_TOKEN' } } });
  });

  test('tenant ids are checked, the list is not empty, and entries are validated like a source credential', () => {
    expect(() => load(openapi({ type: 'perTenant', tenants: {} }))).toThrow(/list at least one tenant/);
    expect(() => load(openapi({ type: 'perTenant', tenants: { '../etc': { type: 'bearer', tokenEnv: 'T' } } }))).toThrow(/auth.tenants.\.\.\/etc: Invalid key in record/);
    expect(() => load(openapi({ type: 'perTenant', tenants: { acme: { type: 'perTenant', tenants: {} } } }))).toThrow(/tenants.acme.type/);
    expect(() => load(openapi({ type: 'perTenant', tenants: { acme: { ...CLIENT_CREDENTIALS, clientSecretFile: undefined } } }))).toThrow(/tenants.acme.clientSecretEnv/);
    expect(() => load(openapi({ type: 'perTenant', tenants: { acme: { type: 'bearer', token: 'literal' } } }))).toThrow(/Unrecognized key|tokenEnv/);
  });
});
