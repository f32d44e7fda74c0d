import dns from 'node:dns';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { resolve } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/log';
import { startHttpServer, type RunningServer } from '../../src/http';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { httpRequest } from '../helpers/http';
import { startPetApi, type PetApi } from '../helpers/pet-api';
import { startPrivateRedis, type PrivateRedis } from '../helpers/redis';

/**
 * Sources fail alone: specs on the operator's own network load (loopback, cluster-style names), a dead or
 * hanging source does not hold startup past its budget or stop the others, and comes in when it is back;
 * /ready stays 200 through a Redis outage.
 */
const PETSTORE = resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'openapi', 'petstore.yaml');
const FIXTURE = resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'mcp', 'upstream-server.mjs');
const TOKEN = 'sources-token';

/** Serves the petstore spec (YAML) at /openapi.yaml, optionally only to a request carrying `x-spec-key`. */
async function startSpecServer(requiredKey?: string): Promise<{ url: string; port: number; close(): Promise<void> }> {
  const spec = readFileSync(PETSTORE, 'utf8');
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (requiredKey !== undefined && req.headers['x-spec-key'] !== requiredKey) return void res.writeHead(401).end('who are you');
    if (req.url === '/openapi.yaml') return void res.writeHead(200, { 'content-type': 'application/yaml' }).end(spec);
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** Accepts connections and never answers: the hanging upstream. */
async function startBlackHole(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer(() => undefined);
  server.on('connection', (s: Socket) => sockets.add(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

const waitFor = async (check: () => boolean, timeoutMs = 15_000): Promise<void> => {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('OpenAPI specs on the operator network', () => {
  let api: PetApi;
  let specs: Awaited<ReturnType<typeof startSpecServer>>;
  const lookup = dns.lookup;
  beforeAll(async () => {
    api = await startPetApi(TOKEN);
    specs = await startSpecServer('portal-key');
    process.env.SG_TEST_PET_TOKEN = TOKEN;
    process.env.SG_TEST_SPEC_KEY = 'portal-key';
    // Cluster DNS for this process: *.svc.cluster.local names resolve to the loopback, as a Service would.
    (dns as { lookup: unknown }).lookup = function clusterLookup(host: string, options: unknown, callback?: unknown): void {
      const cb = (typeof options === 'function' ? options : callback) as (...args: unknown[]) => void;
      const opts = (typeof options === 'object' && options !== null ? options : {}) as { all?: boolean };
      if (host.endsWith('.svc.cluster.local')) return void (opts.all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4));
      (lookup as (...args: unknown[]) => void).call(dns, host, options, callback);
    };
  });
  afterAll(async () => {
    dns.lookup = lookup;
    delete process.env.SG_TEST_PET_TOKEN;
    delete process.env.SG_TEST_SPEC_KEY;
    await Promise.all([api.close(), specs.close()]);
  });

  const petSource = (name: string, spec: string, extra: Record<string, unknown> = {}) => ({
    name,
    spec,
    baseUrl: api.url,
    auth: { type: 'bearer', tokenEnv: 'SG_TEST_PET_TOKEN' },
    specHeadersEnv: { 'x-spec-key': 'SG_TEST_SPEC_KEY' },
    ...extra,
  });

  test('a spec by URL on 127.0.0.1 and on a cluster-style name loads, with the spec request carrying its header', async () => {
    const g = await startTestGateway({
      sources: { demo: false, openapi: [petSource('loop', `${specs.url}/openapi.yaml`), petSource('cluster', `http://petstore.team.svc.cluster.local:${specs.port}/openapi.yaml`)] },
    });
    try {
      expect(g.gateway.specs.map((s) => s.health())).toEqual([
        { name: 'loop', kind: 'openapi', state: 'connected', tools: 7, reconnects: 0 },
        { name: 'cluster', kind: 'openapi', state: 'connected', tools: 7, reconnects: 0 },
      ]);
      const r = await g.run("return [(await callTool('loop:listPets', {})).length, (await callTool('cluster:getPet', { petId: 'p1' })).name]");
      expect(r.error).toBeUndefined();
      expect(r).toMatchObject({ status: 'ok', result: [expect.any(Number), 'Rex'] });
    } finally {
      await g.close();
    }
  });

  test('a spec fetch refused, a missing file and a bad patch each say what and where; patches fix a spec as written', async () => {
    delete process.env.SG_TEST_SPEC_KEY;
    const g = await startTestGateway({
      sources: {
        demo: false,
        openapi: [
          petSource('nokey', `${specs.url}/openapi.yaml`),
          petSource('nofile', './no/such/spec.yaml', { specHeadersEnv: {} }),
          petSource('badpatch', PETSTORE, { specHeadersEnv: {}, patches: [{ op: 'remove', path: '/paths/~1nowhere' }] }),
          petSource('patched', PETSTORE, { specHeadersEnv: {}, patches: [{ op: 'replace', path: '/paths/~1pets/get/operationId', value: 'allPets' }, { op: 'remove', path: '/paths/~1pets~1{petId}/delete' }] }),
        ],
      },
    });
    try {
      const health = Object.fromEntries(g.gateway.specs.map((s) => [s.config.name, s.health()]));
      expect(health.nokey).toMatchObject({ state: 'disconnected', tools: 0 });
      expect(health.nokey!.lastError).toMatch(/specHeadersEnv\.x-spec-key: environment variable SG_TEST_SPEC_KEY is not set/);
      expect(health.nofile!.lastError).toMatch(/sources\.openapi nofile: cannot read .*no\/such\/spec\.yaml: no such file/);
      expect(health.badpatch!.lastError).toMatch(/patches\[0\] \(remove \/paths\/~1nowhere\) does not apply/);
      expect(health.patched).toMatchObject({ state: 'connected', tools: 6 });
      expect(g.gateway.catalog.get('patched:allPets')).toBeDefined();
      expect(g.gateway.catalog.get('patched:listPets')).toBeUndefined();
    } finally {
      await g.close();
      process.env.SG_TEST_SPEC_KEY = 'portal-key';
    }
  });

  test('HTTP 401 from the spec host names the URL and the setting that sends credentials', async () => {
    const g = await startTestGateway({ sources: { demo: false, openapi: [petSource('locked', `${specs.url}/openapi.yaml`, { specHeadersEnv: {}, specHeaders: { 'x-spec-key': 'wrong' } })] } });
    try {
      expect(g.gateway.specs[0]!.health().lastError).toBe(`sources.openapi locked: cannot fetch ${specs.url}/openapi.yaml: HTTP 401 Unauthorized (specHeaders / specHeadersEnv send credentials for the spec)`);
    } finally {
      await g.close();
    }
  });
});

describe('sources fail alone', () => {
  let api: PetApi;
  let hole: Awaited<ReturnType<typeof startBlackHole>>;
  let late: { close(): Promise<void> } | undefined;
  beforeAll(async () => {
    api = await startPetApi(TOKEN);
    hole = await startBlackHole();
    process.env.SG_TEST_PET_TOKEN = TOKEN;
  });
  afterAll(async () => {
    delete process.env.SG_TEST_PET_TOKEN;
    await Promise.all([api.close(), hole.close(), late?.close()]);
  });

  test('a dead and a hanging spec and MCP server beside good ones: ready within the budget, the good ones served, the dead one joins when it is back', async () => {
    // A port that was free a moment ago: nothing listens there until the test starts the spec server on it.
    const probe = await startSpecServer();
    const deadPort = probe.port;
    await probe.close();
    const lines: Record<string, unknown>[] = [];
    const log = createLogger('info', new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>), done()) }));
    const started = Date.now();
    const g: TestGateway = await startTestGateway(
      {
        sources: {
          demo: false,
          startupBudgetMs: 3_000,
          openapi: [
            { name: 'good', spec: PETSTORE, baseUrl: api.url, auth: { type: 'bearer', tokenEnv: 'SG_TEST_PET_TOKEN' } },
            { name: 'dead', spec: `http://127.0.0.1:${deadPort}/openapi.yaml`, baseUrl: api.url, auth: { type: 'bearer', tokenEnv: 'SG_TEST_PET_TOKEN' }, retryInitialMs: 200, retryMaxMs: 400 },
            { name: 'hanging', spec: `${hole.url}/openapi.yaml`, baseUrl: api.url },
          ],
          mcp: [
            { name: 'fixture', transport: 'stdio', command: process.execPath, args: [FIXTURE] },
            { name: 'deadmcp', transport: 'stdio', command: process.execPath, args: ['-e', 'process.exit(3)'], reconnectInitialMs: 5_000 },
            { name: 'hangmcp', transport: 'http', url: `${hole.url}/mcp` },
          ],
        },
      },
      { log },
    );
    let server: RunningServer | undefined;
    try {
      expect(Date.now() - started).toBeLessThan(5_000);
      server = await startHttpServer({ gateway: g.gateway, log, host: '127.0.0.1', port: 0, bodyLimitBytes: 65_536, shutdownGraceMs: 1_000 });
      const ready = await httpRequest(`${server.url}/ready`);
      expect(ready.status).toBe(200);
      const states = Object.fromEntries((ready.body as { upstreams: { name: string; state: string }[] }).upstreams.map((u) => [u.name, u.state]));
      // The stdio server may still be starting on a busy machine; the others' states are settled.
      expect(states).toMatchObject({ deadmcp: 'disconnected', hangmcp: 'connecting', good: 'connected', dead: 'disconnected', hanging: 'connecting' });
      await waitFor(() => g.gateway.upstreams[0]!.health().state === 'connected');
      expect((await g.run("return (await callTool('good:listPets', {})).length")).result).toBe(1);
      expect((await g.run("return (await callTool('fixture:echo', { message: 'up' })).message")).result).toBe('up');
      const metrics = (await httpRequest(`${server.url}/metrics`)).text;
      expect(metrics).toContain('scriptgate_upstream_up{upstream="dead",kind="openapi"} 0');
      expect(metrics).toContain('scriptgate_upstream_up{upstream="good",kind="openapi"} 1');
      expect(lines.some((l) => l.msg === 'sources still loading after the startup budget; serving without them until they are ready')).toBe(true);
      // The stdio upstream's stderr reaches the log under its name.
      expect(lines.some((l) => l.upstream === 'fixture' && l.stderr === 'fixture-upstream starting')).toBe(true);
      expect(lines.some((l) => l.upstream === 'deadmcp' && l.msg === 'upstream MCP server unavailable; retrying')).toBe(true);

      const early = await g.run("await callTool('dead:listPets', {})");
      expect(early.error).toMatchObject({ code: 'TOOL_NOT_FOUND' });
      expect(early.error!.message).toMatch(/source 'dead' has not loaded yet \(sources\.openapi dead: cannot fetch http:\/\/127\.0\.0\.1:\d+\/openapi\.yaml: ECONNREFUSED/);

      // The dead spec's host comes up: the retry loads it and its tools join the catalog and the index.
      late = await startSpecServerOn(deadPort);
      await waitFor(() => g.gateway.catalog.get('dead:listPets') !== undefined);
      expect(g.gateway.specs.find((s) => s.config.name === 'dead')!.health()).toMatchObject({ state: 'connected', tools: 7 });
      await g.gateway.search.whenCurrent();
      const found = await g.gateway.discovery.search({ queries: ['list pets'], topK: 20 });
      expect(found.tools.map((t) => t.name)).toContain('dead:listPets');
    } finally {
      await server?.close();
      await g.close();
    }
  }, 60_000);
});

/** The spec server, on a given port (the dead source's, once it "comes back"). */
async function startSpecServerOn(port: number): Promise<{ close(): Promise<void> }> {
  const spec = readFileSync(PETSTORE, 'utf8');
  const server = createServer((req, res) => (req.url === '/openapi.yaml' ? res.writeHead(200, { 'content-type': 'application/yaml' }).end(spec) : res.writeHead(404).end()));
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return { close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('Redis going away degrades, it does not unready', () => {
  let redis: PrivateRedis;
  let g: TestGateway;
  let server: RunningServer;
  beforeAll(async () => {
    redis = await startPrivateRedis();
    g = await startTestGateway({ redis: { url: redis.url, keyPrefix: 'sgtest:ready:', commandTimeoutMs: 200 } });
    server = await startHttpServer({ gateway: g.gateway, log: createLogger('silent'), host: '127.0.0.1', port: 0, bodyLimitBytes: 65_536, shutdownGraceMs: 1_000 });
  });
  afterAll(async () => {
    await server.close();
    await g.close();
    await redis.stop();
  });

  test('Redis killed: /ready stays 200 and says degraded; execute, search and invoke go on', async () => {
    expect((await httpRequest(`${server.url}/ready`)).body).toMatchObject({ status: 'ready', redis: { status: 'ready' } });
    await redis.kill();
    await waitFor(() => g.gateway.redis?.status !== 'ready');
    const ready = await httpRequest(`${server.url}/ready`);
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'degraded', redis: { effect: expect.stringContaining('async jobs cannot be queued') } });
    const run = await httpRequest(`${server.url}/v1/execute`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ script: "return (await callTool('users:get', { id: 'u_0001' })).id" }) });
    expect(run.body).toMatchObject({ status: 'ok', result: 'u_0001' });
    const search = await httpRequest(`${server.url}/v1/search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ queries: ['get a user'] }) });
    expect(search.status).toBe(200);
    const invoke = await httpRequest(`${server.url}/v1/invoke`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'users:get', input: { id: 'u_0002' } }) });
    expect(invoke.body).toMatchObject({ status: 'ok' });
    await redis.restart();
    await waitFor(() => g.gateway.redis?.status === 'ready');
    expect((await httpRequest(`${server.url}/ready`)).body).toMatchObject({ status: 'ready' });
  }, 60_000);
});
