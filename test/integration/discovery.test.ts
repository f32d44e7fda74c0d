import type { ToolDefinition } from '../../src/catalog';
import { startHttpServer, type RunningServer } from '../../src/http';
import { silentLogger } from '../../src/log';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { httpRequest, postJson } from '../helpers/http';
import { acquireRedis } from '../helpers/redis';
import { createRedis } from '../../src/redis';

interface SearchBody {
  tools: { name: string; description: string; score: number; matchedQueries?: number[] }[];
  total: number;
}
interface DescribeBody {
  format: string;
  tools: { name: string; description: string; inputSchema?: unknown; outputSchema?: unknown; annotations?: unknown; examples: string[] }[];
  typescript?: string;
  notFound: { name: string; didYouMean: string[] }[];
}

const metricValue = async (g: TestGateway, area: string, result: string): Promise<number> => {
  const metric = await g.gateway.metrics.registry.getSingleMetric('scriptgate_cache_requests_total')?.get();
  return metric?.values.find((v) => v.labels.area === area && v.labels.result === result)?.value ?? 0;
};

describe('REST search and describe', () => {
  let g: TestGateway;
  let server: RunningServer;
  beforeAll(async () => {
    g = await startTestGateway();
    server = await startHttpServer({ gateway: g.gateway, log: silentLogger(), host: '127.0.0.1', port: 0, bodyLimitBytes: 64 * 1024, shutdownGraceMs: 5_000 });
  });
  afterAll(async () => {
    await server.close();
  });
  const search = async (body: unknown) => postJson(`${server.url}/v1/search`, body);
  const describeTools = async (body: unknown) => postJson(`${server.url}/v1/describe`, body);

  test('search answers { tools: [{ name, description, score }], total }, best first, scores in 0..1', async () => {
    const res = await search({ query: 'list overdue invoices' });
    expect(res.status).toBe(200);
    const body = res.body as SearchBody;
    expect(body.tools[0]?.name).toBe('invoices:listOverdue');
    expect(body.tools.length).toBeLessThanOrEqual(10);
    expect(body.total).toBeGreaterThanOrEqual(body.tools.length);
    for (const t of body.tools) {
      expect(Object.keys(t).sort()).toEqual(['description', 'name', 'score']);
      expect(t.score).toBeGreaterThan(0);
      expect(t.score).toBeLessThanOrEqual(1);
    }
    expect(body.tools.map((t) => t.score)).toEqual([...body.tools.map((t) => t.score)].sort((a, b) => b - a));
  });

  test('topK and minScore bound the answer; total counts what passed minScore', async () => {
    const all = (await search({ query: 'user', topK: 50 })).body as SearchBody;
    expect(all.tools.length).toBe(Math.min(50, all.total));
    const three = (await search({ query: 'user', topK: 3 })).body as SearchBody;
    expect(three.tools).toEqual(all.tools.slice(0, 3));
    const strict = (await search({ query: 'user', minScore: 0.5, topK: 50 })).body as SearchBody;
    expect(strict.tools.every((t) => t.score >= 0.5)).toBe(true);
    expect(strict.total).toBe(all.tools.filter((t) => t.score >= 0.5).length);
  });

  test('queries[] are merged; each hit says which queries found it', async () => {
    const body = (await search({ queries: ['overdue invoices', 'suspend a user account'], topK: 20 })).body as SearchBody;
    const overdue = body.tools.find((t) => t.name === 'invoices:listOverdue');
    const suspend = body.tools.find((t) => t.name === 'users:suspend');
    expect(overdue?.matchedQueries).toContain(0);
    expect(suspend?.matchedQueries).toContain(1);
    expect(new Set(body.tools.map((t) => t.name)).size).toBe(body.tools.length);
  });

  test('lunr syntax in a query is plain text', async () => {
    for (const query of ['users:list', '-delete +user~2 name^3 *', 'a:b:c']) expect((await search({ query })).status).toBe(200);
    expect(((await search({ query: 'users:list' })).body as SearchBody).tools[0]?.name).toBe('users:list');
  });

  test.each([
    [{}, 'either query or queries'],
    [{ query: 'a', queries: ['b'] }, 'either query or queries'],
    [{ query: '' }, 'must not be empty'],
    [{ queries: [] }, 'queries'],
    [{ queries: Array.from({ length: 11 }, (_, i) => `q${i}`) }, 'at most 10'],
    [{ query: 'x', topK: 51 }, 'topK'],
    [{ query: 'x', topK: 0 }, 'topK'],
    [{ query: 'x', minScore: 1.5 }, 'minScore'],
    [{ query: 'x'.repeat(1001) }, '1000'],
    [{ query: 'x', extra: true }, 'extra'],
    [{ query: 42 }, 'query'],
  ])('search refuses %j with 400 BAD_REQUEST', async (body, fragment) => {
    const res = await search(body);
    expect(res.status).toBe(400);
    const error = (res.body as { error: { code: string; message: string } }).error;
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toContain(fragment);
  });

  test('malformed JSON is 400 MALFORMED_JSON for both routes', async () => {
    for (const path of ['/v1/search', '/v1/describe']) {
      const res = await httpRequest(`${server.url}${path}`, { method: 'POST', body: '{"query":', headers: { 'content-type': 'application/json' } });
      expect(res.status).toBe(400);
      expect((res.body as { error: { code: string } }).error.code).toBe('MALFORMED_JSON');
    }
  });

  test('describe gives annotations, examples and one TypeScript block by default; aliases resolve', async () => {
    const res = await describeTools({ names: ['users__list', 'invoices:create'] });
    expect(res.status).toBe(200);
    const body = res.body as DescribeBody;
    expect(body.format).toBe('typescript');
    expect(body.notFound).toEqual([]);
    expect(body.tools.map((t) => t.name)).toEqual(['users:list', 'invoices:create']);
    const list = body.tools[0]!;
    expect(list).not.toHaveProperty('inputSchema');
    expect(list).not.toHaveProperty('outputSchema');
    expect(list.annotations).toMatchObject({ readOnlyHint: true });
    expect(body.typescript).toContain("callTool(name: 'users:list'");
    expect(body.typescript).toContain("callTool(name: 'invoices:create'");
    expect(list.examples.length).toBeGreaterThanOrEqual(1);
    expect(list.examples.length).toBeLessThanOrEqual(3);
    expect(list.examples[0]).toContain("await callTool('users:list'");
  });

  test('format json-schema gives the schemas instead of the TypeScript, both gives both', async () => {
    const schemas = (await describeTools({ names: ['users:list'], format: 'json-schema' })).body as DescribeBody;
    expect(schemas.format).toBe('json-schema');
    expect(schemas).not.toHaveProperty('typescript');
    expect(schemas.tools[0]?.inputSchema).toMatchObject({ type: 'object' });
    expect(schemas.tools[0]?.outputSchema).toMatchObject({ type: 'object' });
    expect(schemas.tools[0]?.examples[0]).toContain("await callTool('users:list'");
    const both = (await describeTools({ names: ['users:list'], format: 'both' })).body as DescribeBody;
    expect(both.tools[0]?.inputSchema).toEqual(schemas.tools[0]?.inputSchema);
    expect(both.typescript).toContain("callTool(name: 'users:list'");
    const refused = await describeTools({ names: ['users:list'], format: 'yaml' });
    expect(refused.status).toBe(400);
    expect((refused.body as { error: { message: string } }).error.message).toContain('format');
  });

  test('describe: a recursive $ref schema and a tool without input or output schema', async () => {
    const body = (await describeTools({ names: ['test:tree', 'test:ping'], format: 'both' })).body as DescribeBody;
    const [, ping] = body.tools;
    expect(body.typescript).toMatch(/reports\?: \w+\[\]/);
    expect(ping?.outputSchema).toBe('unknown');
    expect(body.typescript).toMatch(/TestPingResult = unknown/);
    expect(ping?.examples[0]).toBe("const r = await callTool('test:ping', {});");
  });

  test('describe answers are cached per format: one format never answers for another', async () => {
    const names = ['users:get', 'users:list'];
    const missesBefore = await metricValue(g, 'describe', 'miss');
    const typescript = (await describeTools({ names })).body as DescribeBody;
    const schemas = (await describeTools({ names, format: 'json-schema' })).body as DescribeBody;
    expect(await metricValue(g, 'describe', 'miss')).toBe(missesBefore + 2);
    expect(schemas.typescript).toBeUndefined();
    expect(typescript.tools[0]).not.toHaveProperty('inputSchema');
    const hitsBefore = await metricValue(g, 'describe', 'hit');
    expect((await describeTools({ names, format: 'typescript' })).body).toEqual(typescript);
    expect((await describeTools({ names, format: 'json-schema' })).body).toEqual(schemas);
    expect(await metricValue(g, 'describe', 'hit')).toBe(hitsBefore + 2);
  });

  test('describe: unknown names come back in notFound with did-you-mean suggestions; duplicates collapse', async () => {
    const body = (await describeTools({ names: ['users:lst', 'user:list', 'nothing:here', 'users:list', 'users__list'] })).body as DescribeBody;
    expect(body.tools.map((t) => t.name)).toEqual(['users:list']);
    expect(body.notFound.map((n) => n.name)).toEqual(['users:lst', 'user:list', 'nothing:here']);
    expect(body.notFound[0]?.didYouMean[0]).toBe('users:list');
    expect(body.notFound[1]?.didYouMean[0]).toBe('users:list');
    expect(body.notFound[2]?.didYouMean.length).toBeLessThanOrEqual(3);
  });

  test.each([
    [{}, 'names'],
    [{ names: [] }, 'at least one'],
    [{ names: Array.from({ length: 51 }, (_, i) => `t:${i}`) }, 'at most 50'],
    [{ names: [''] }, 'names'],
    [{ names: 'users:list' }, 'names'],
  ])('describe refuses %j with 400 BAD_REQUEST', async (body, fragment) => {
    const res = await describeTools(body);
    expect(res.status).toBe(400);
    expect((res.body as { error: { message: string } }).error.message).toContain(fragment);
  });

  test('answers are cached by catalog version; a catalog change invalidates them', async () => {
    const missesBefore = await metricValue(g, 'search', 'miss');
    const first = (await search({ query: 'quarterly revenue forecast spreadsheet' })).body as SearchBody;
    await new Promise((r) => setTimeout(r, 20));
    const hitsBefore = await metricValue(g, 'search', 'hit');
    const again = (await search({ query: 'quarterly revenue forecast spreadsheet' })).body as SearchBody;
    expect(again).toEqual(first);
    expect(await metricValue(g, 'search', 'hit')).toBe(hitsBefore + 1);
    expect(await metricValue(g, 'search', 'miss')).toBe(missesBefore + 1);
    expect(((await describeTools({ names: ['reports:spreadsheet'] })).body as DescribeBody).notFound).toHaveLength(1);

    const tool: ToolDefinition = {
      name: 'reports:spreadsheet',
      description: 'Builds a quarterly revenue forecast spreadsheet.',
      inputSchema: { type: 'object', properties: { quarter: { type: 'string', enum: ['Q1', 'Q2', 'Q3', 'Q4'] } }, required: ['quarter'] },
      handler: () => ({ url: 'https://example.com/sheet' }),
    };
    g.gateway.catalog.register([tool]);
    await g.gateway.search.whenCurrent();
    const after = (await search({ query: 'quarterly revenue forecast spreadsheet' })).body as SearchBody;
    expect(after.tools[0]?.name).toBe('reports:spreadsheet');
    const described = (await describeTools({ names: ['reports:spreadsheet'] })).body as DescribeBody;
    expect(described.typescript).toContain("'Q1' | 'Q2' | 'Q3' | 'Q4'");
  });

  test('searches keep answering from the old index while a catalog change rebuilds it', async () => {
    const version = g.gateway.search.version;
    const tools: ToolDefinition[] = Array.from({ length: 300 }, (_, i) => ({
      name: `bulk:tool_${i}`,
      description: `Synthetic tool number ${i} for the zebra migration.`,
      inputSchema: { type: 'object', properties: {} },
      handler: () => i,
    }));
    g.gateway.catalog.register(tools);
    const answers: SearchBody[] = [];
    for (let i = 0; g.gateway.search.version === version; i++) {
      const answer = (await search({ query: `zebra migration ${i}` })).body as SearchBody;
      // Still the old version after the answer arrived: the answer came from the old index.
      if (g.gateway.search.version === version) answers.push(answer);
    }
    expect(answers.length).toBeGreaterThan(0);
    for (const a of answers) expect(a.tools.some((t) => t.name.startsWith('bulk:'))).toBe(false);
    const now = (await search({ query: 'zebra migration' })).body as SearchBody;
    expect(now.tools.length).toBe(10);
    expect(now.tools.every((t) => t.name.startsWith('bulk:'))).toBe(true);
  });
});

describe('search and describe cached in Redis', () => {
  test('answers are stored under the key prefix, served as hits, and the old generation is deleted after a catalog change', async () => {
    const redisServer = await acquireRedis();
    const g = await startTestGateway({ redis: { url: redisServer.url, keyPrefix: redisServer.keyPrefix } });
    const probe = createRedis({ url: redisServer.url, keyPrefix: '', commandTimeoutMs: 1_000 }, silentLogger());
    const keys = async () => {
      while (probe.status !== 'ready') await new Promise((r) => setTimeout(r, 20));
      return probe.keys(`${redisServer.keyPrefix}cache:*`);
    };
    try {
      while (!g.gateway.redisReady) await new Promise((r) => setTimeout(r, 20));
      const before = g.gateway.search.version!;
      const first = await g.gateway.discovery.search({ queries: ['overdue invoices'] });
      await g.gateway.discovery.describe(['invoices:get']);
      await new Promise((r) => setTimeout(r, 50));
      const stored = await keys();
      expect(stored.length).toBe(2);
      expect(stored.every((k) => k.startsWith(`${redisServer.keyPrefix}cache:${before}:`))).toBe(true);
      expect(await g.gateway.discovery.search({ queries: ['overdue invoices'] })).toEqual(first);
      expect(await metricValue(g, 'search', 'hit')).toBe(1);

      g.gateway.catalog.register([{ name: 'extra:tool', description: 'One more tool.', inputSchema: { type: 'object' }, handler: () => 1 }]);
      await g.gateway.search.whenCurrent();
      await g.gateway.discovery.search({ queries: ['overdue invoices'] });
      const deadline = Date.now() + 5_000;
      let now = await keys();
      while (now.some((k) => k.includes(`:${before}:`)) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
        now = await keys();
      }
      expect(now.some((k) => k.includes(`:${before}:`))).toBe(false);
      expect(now.some((k) => k.includes(`:${g.gateway.search.version}:`))).toBe(true);
    } finally {
      probe.disconnect();
      await g.close();
      await redisServer.stop();
    }
  });
});
