import { mkdtempSync, rmSync, writeFileSync, mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { createLogger, silentLogger } from '../../../src/log';
import { DiskEmbeddingStore, HYBRID, RedisEmbeddingStore, SemanticSearch, ToolSearch, VectorIndex, WorkerEmbedder, embeddingText, fuseHits, loadUsearch } from '../../../src/search';
import { RecordingEmbedder } from '../../helpers/embedders';
import { acquireRedis } from '../../helpers/redis';

jest.setTimeout(60_000);

/** Deterministic unit vectors (a small LCG), so failures reproduce. */
function randomRows(count: number, dims: number, seed = 7): Float32Array {
  let state = seed;
  const next = () => ((state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31) * 2 - 1;
  const rows = new Float32Array(count * dims);
  for (let r = 0; r < count; r++) {
    let norm = 0;
    for (let d = 0; d < dims; d++) norm += (rows[r * dims + d] = next()) ** 2;
    for (let d = 0; d < dims; d++) rows[r * dims + d] = (rows[r * dims + d] as number) / Math.sqrt(norm);
  }
  return rows;
}
const row = (rows: Float32Array, id: number, dims: number) => rows.slice(id * dims, (id + 1) * dims);

describe('VectorIndex', () => {
  const dims = 32;
  const rows = randomRows(1_500, dims);

  test.each([
    ['JavaScript', undefined],
    ['usearch', loadUsearch()],
  ])('the exact scan (%s) returns the k most similar, best first, and honours the view', (_kind, usearch) => {
    const index = VectorIndex.build(rows, dims, usearch);
    const query = row(rows, 42, dims);
    const brute = Array.from({ length: 1_500 }, (_, id) => ({ id, similarity: index.similarity(query, id) })).sort((a, b) => b.similarity - a.similarity);
    const nearest = index.nearest(query, 5);
    expect(nearest.map((n) => n.id)).toEqual(brute.slice(0, 5).map((n) => n.id));
    expect(nearest[0]).toEqual({ id: 42, similarity: expect.closeTo(1, 5) });
    const odd = index.nearest(query, 5, (id) => id % 2 === 1);
    expect(odd.map((n) => n.id)).toEqual(brute.filter((n) => n.id % 2 === 1).slice(0, 5).map((n) => n.id));
    expect(index.approximate).toBe(false);
    expect(index.annRecall).toBeUndefined();
  });

  test('over the threshold an HNSW graph answers, with its recall against the exact scan measured', () => {
    const exact = VectorIndex.build(rows, dims, undefined);
    const graph = VectorIndex.build(rows, dims, loadUsearch(), true);
    expect(graph.approximate).toBe(true);
    expect(graph.annRecall).toBeGreaterThanOrEqual(0.95);
    const query = row(rows, 7, dims);
    const found = graph.nearest(query, 10).map((n) => n.id);
    const truth = exact.nearest(query, 10).map((n) => n.id);
    expect(found[0]).toBe(7);
    expect(found.filter((id) => truth.includes(id)).length).toBeGreaterThanOrEqual(9);
    // A view hiding nearly everything: the graph's neighbours are filtered away, the exact scan answers.
    const narrow = graph.nearest(query, 3, (id) => id % 500 === 3);
    expect(narrow.map((n) => n.id).sort((a, b) => a - b)).toEqual([3, 503, 1003]);
  });
});

describe('fuseHits', () => {
  test('lexical and cosine weigh half each; tools found by either signal are ranked on both', () => {
    const dims = 4;
    const rows = new Float32Array([1, 0, 0, 0, 0, 1, 0, 0, 0.6, 0.8, 0, 0, -1, 0, 0, 0]);
    const index = VectorIndex.build(rows, dims, undefined);
    const names = ['a:lexicalOnly', 'a:denseOnly', 'a:both', 'a:opposite'];
    const ids = new Map(names.map((name, id) => [name, id]));
    const query = new Float32Array([0, 1, 0, 0]);
    const fused = fuseHits(
      [
        { name: 'a:lexicalOnly', score: 0.9 },
        { name: 'a:both', score: 0.4 },
        { name: 'a:opposite', score: 0.2 },
      ],
      query,
      index,
      ids,
      names,
      () => true,
    );
    const score = Object.fromEntries(fused.map((hit) => [hit.name, hit.score]));
    expect(HYBRID.lexicalWeight).toBe(0.5);
    expect(score['a:lexicalOnly']).toBeCloseTo(0.45); // 0.5 × 0.9 + 0.5 × 0
    expect(score['a:denseOnly']).toBeCloseTo(0.5); // 0.5 × 0 + 0.5 × 1
    expect(score['a:both']).toBeCloseTo(0.6); // 0.5 × 0.4 + 0.5 × 0.8
    expect(score['a:opposite']).toBeCloseTo(0.1); // a negative cosine counts as 0
    expect(fused.map((hit) => hit.name)).toEqual(['a:both', 'a:denseOnly', 'a:lexicalOnly', 'a:opposite']);
    // A hidden tool is never added by the vector side.
    expect(fuseHits([], query, index, ids, names, (id) => id !== 1).map((hit) => hit.name)).not.toContain('a:denseOnly');
  });
});

describe('embedding stores', () => {
  const vector = new Float32Array([0.25, -0.5, 0.125]);

  test('disk: what was put is read back; absent, truncated and other-model entries are misses', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-store-'));
    try {
      const store = new DiskEmbeddingStore(dir);
      await store.put('model-a', [{ hash: 'abc123', vector }]);
      expect(await store.get('model-a', ['abc123', 'missing'])).toEqual([vector, undefined]);
      expect(await store.get('model-b', ['abc123'])).toEqual([undefined]);
      // A half-written file (3 bytes) is not a vector.
      const [modelDir] = readdirSync(dir);
      mkdirSync(join(dir, modelDir as string, 'br'), { recursive: true });
      writeFileSync(join(dir, modelDir as string, 'br', 'broken.f32'), Buffer.from([1, 2, 3]));
      expect(await store.get('model-a', ['broken'])).toEqual([undefined]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('redis: what was put is read back by another client; other models miss', async () => {
    const redis = await acquireRedis();
    const writer = new Redis(redis.url);
    const reader = new Redis(redis.url);
    try {
      await new RedisEmbeddingStore(writer, redis.keyPrefix).put('model-a', [{ hash: 'h1', vector }]);
      const store = new RedisEmbeddingStore(reader, redis.keyPrefix);
      expect(await store.get('model-a', ['h1', 'h2'])).toEqual([vector, undefined]);
      expect(await store.get('model-b', ['h1'])).toEqual([undefined]);
      const [key] = await reader.keys(`${redis.keyPrefix}embedding:*`);
      expect(await reader.ttl(key as string)).toBeGreaterThan(29 * 24 * 3600);
    } finally {
      writer.disconnect();
      reader.disconnect();
      await redis.stop();
    }
  });
});

describe('WorkerEmbedder (the bundled model, in a worker thread)', () => {
  const embedder = new WorkerEmbedder();
  afterAll(() => embedder.close());
  const cosine = (a: Float32Array, b: Float32Array) => a.reduce((sum, v, i) => sum + v * (b[i] as number), 0);

  test('embeds to unit vectors where related sentences are closer than unrelated ones', async () => {
    const info = await embedder.start();
    expect(info).toEqual({ model: expect.stringMatching(/^@energetic-ai\/model-embeddings-en@\d/), dimensions: 512 });
    const [invoice, bill, weather, empty] = await embedder.embed(['list unpaid invoices', 'show the bills a customer still owes', 'tomorrow will be sunny and warm', ''], false);
    for (const v of [invoice, bill, weather, empty]) expect(v).toHaveLength(512);
    expect(cosine(invoice as Float32Array, invoice as Float32Array)).toBeCloseTo(1, 4);
    expect(cosine(invoice as Float32Array, bill as Float32Array)).toBeGreaterThan(cosine(invoice as Float32Array, weather as Float32Array) + 0.1);
  });

  test('a query goes ahead of queued catalog batches', async () => {
    const order: string[] = [];
    const batches = [1, 2, 3].map((n) => embedder.embed(Array.from({ length: 16 }, (_, i) => `catalog tool ${n} number ${i}`), false).then(() => order.push(`catalog ${n}`)));
    const query = embedder.embed(['find a tool'], true).then(() => order.push('query'));
    await Promise.all([...batches, query]);
    // The first batch may already be running; the query never waits for the ones queued behind it.
    expect(order.indexOf('query')).toBeLessThanOrEqual(1);
  });

  test('a model package that is not installed rejects start() with the module named', async () => {
    const missing = new WorkerEmbedder({ modules: { embeddingsModule: '@energetic-ai/embeddings', modelModule: 'no-such-model-package' } });
    await expect(missing.start()).rejects.toThrow(/no-such-model-package/);
    await expect(missing.embed(['x'], true)).rejects.toThrow(/no-such-model-package/);
    await missing.close();
  });
});

describe('SemanticSearch', () => {
  test('query vectors are cached by text, least recently used out first; 0 entries caches nothing', async () => {
    const inner = new WorkerEmbedder();
    try {
      const recorded = new RecordingEmbedder(inner);
      const semantic = new SemanticSearch({ embedder: recorded, store: undefined, annThreshold: 10_000, queryCacheEntries: 2, log: silentLogger() });
      for (const text of ['a', 'b', 'a', 'c', 'a', 'b']) await semantic.embedQuery(text);
      // a, b (a is fresh again), c evicts b, a is cached, b is computed again.
      expect(recorded.queryTexts).toEqual(['a', 'b', 'c', 'b']);
      // Several queries at once: the uncached ones (once each) go to the worker as one batch.
      const vectors = await Promise.all(semantic.embedQueries(['x', 'b', 'y', 'x']));
      expect(recorded.queryBatches.at(-1)).toEqual(['x', 'y']);
      expect(vectors.map((v) => v.length)).toEqual([512, 512, 512, 512]);
      expect(vectors[0]).toBe(vectors[3]);

      const uncached = new RecordingEmbedder(inner);
      const none = new SemanticSearch({ embedder: uncached, store: undefined, annThreshold: 10_000, queryCacheEntries: 0, log: silentLogger() });
      await none.embedQuery('a');
      await none.embedQuery('a');
      expect(uncached.queryTexts).toEqual(['a', 'a']);
    } finally {
      await inner.close();
    }
  });

  test('a store that fails (Redis gone) warns once and the vectors are computed instead', async () => {
    const lines: string[] = [];
    const log = createLogger('warn', new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) }));
    // Nothing listens on port 1; no offline queue, so every command fails at once.
    const dead = new Redis({ port: 1, host: '127.0.0.1', enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null, disconnectTimeout: 10 });
    dead.on('error', () => undefined);
    await new Promise((resolve) => dead.once('end', resolve));
    const recorded = new RecordingEmbedder(new WorkerEmbedder());
    const semantic = new SemanticSearch({ embedder: recorded, store: new RedisEmbeddingStore(dead, 'sg:'), annThreshold: 10_000, queryCacheEntries: 10, log });
    try {
      const docs = [
        { name: 'x:listInvoices', description: 'Lists invoices.' },
        { name: 'x:sendEmail', description: 'Sends an email.' },
      ];
      const index = await semantic.prepare(docs);
      expect(index?.size).toBe(2);
      expect(recorded.catalogTexts).toEqual(docs.map(embeddingText));
      expect(semantic.status()).toMatchObject({ state: 'ready', embedded: 2, tools: 2, index: 'exact' });
      await semantic.prepare([...docs, { name: 'x:refund', description: 'Refunds a payment.' }]);
      expect(lines.filter((line) => line.includes('the embedding store failed'))).toHaveLength(1);
      // The second catalog embedded only its new tool.
      expect(recorded.catalogTexts).toHaveLength(3);
    } finally {
      await semantic.close();
      dead.disconnect();
    }
  });
});

describe('WorkerEmbedder when its worker dies', () => {
  const fragile = resolve(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'embedding', 'fragile-model.cjs');

  test('a dead worker fails its request, is restarted for the next one, and is given up after three deaths', async () => {
    const embedder = new WorkerEmbedder({ modules: { embeddingsModule: fragile, modelModule: fragile } });
    try {
      expect(await embedder.start()).toMatchObject({ dimensions: 3 });
      await expect(embedder.embed(['crash'], true)).rejects.toThrow(/exited with code 3/);
      expect((await embedder.embed(['ab'], true)).map((v) => Array.from(v))).toEqual([[0, 0, 1]]);
      await expect(embedder.embed(['crash'], false)).rejects.toThrow(/exited/);
      await expect(embedder.embed(['crash'], false)).rejects.toThrow(/exited/);
      // Third death: no more restarts, and start() keeps reporting why.
      await expect(embedder.embed(['ab'], true)).rejects.toThrow(/exited/);
    } finally {
      await embedder.close();
    }
  });
});

describe('ToolSearch with the ml strategy when the model dies for good', () => {
  test('queries answer lexically meanwhile, then the strategy reports failed and is no longer tried', async () => {
    const fragile = resolve(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'embedding', 'fragile-model.cjs');
    const lines: string[] = [];
    const log = createLogger('warn', new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) }));
    const semantic = new SemanticSearch({ embedder: new WorkerEmbedder({ modules: { embeddingsModule: fragile, modelModule: fragile } }), store: undefined, annThreshold: 10_000, queryCacheEntries: 0, log });
    const docs = [
      { name: 'x:crashReport', description: 'Reads a crash report.' },
      { name: 'x:sendEmail', description: 'Sends an email.' },
    ];
    const search = new ToolSearch({ version: 'v1', list: () => docs }, { debounceMs: 0, sliceMs: 100, log, semantic });
    const request = (query: string) => search.search({ queries: [query], topK: 5, minScore: 0, view: { key: 'all', visible: () => true } });
    try {
      await search.start();
      while (search.status().serving !== 'ml') await new Promise((done) => setTimeout(done, 20));
      expect((await request('email')).strategy).toBe('ml');
      for (let death = 1; death <= 3; death++) {
        const answer = await request('crash');
        expect(answer).toMatchObject({ strategy: 'tfidf', tools: [{ name: 'x:crashReport' }] });
      }
      await new Promise((done) => setTimeout(done, 50));
      expect(search.status()).toMatchObject({ strategy: 'ml', serving: 'tfidf', ml: { state: 'failed', reason: expect.stringContaining('not restarted again') } });
      expect((await request('email')).strategy).toBe('tfidf');
      expect(lines.filter((line) => line.includes('embedding the query failed'))).toHaveLength(1);
    } finally {
      await search.close();
    }
  });
});

describe('ToolSearch with the ml strategy when the worker dies mid-catalog', () => {
  test('the catalog is embedded again after the retry delay, and the hybrid then answers', async () => {
    const fragile = resolve(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'embedding', 'fragile-model.cjs');
    const dir = mkdtempSync(join(tmpdir(), 'sg-fragile-'));
    const recorded = new RecordingEmbedder(new WorkerEmbedder({ modules: { embeddingsModule: fragile, modelModule: fragile } }));
    const semantic = new SemanticSearch({ embedder: recorded, store: undefined, annThreshold: 10_000, queryCacheEntries: 0, log: silentLogger() });
    const docs = [
      { name: 'x:sendEmail', description: 'Sends an email.' },
      { name: 'x:flaky', description: `Dies once: crash-once:${join(dir, 'crashed')}` },
    ];
    const search = new ToolSearch({ version: 'v1', list: () => docs }, { debounceMs: 0, sliceMs: 100, log: silentLogger(), semantic, embedRetryMs: 50 });
    try {
      await search.start();
      const until = Date.now() + 20_000;
      while (search.status().serving !== 'ml' && Date.now() < until) await new Promise((done) => setTimeout(done, 20));
      expect(search.status()).toMatchObject({ serving: 'ml', ml: { state: 'ready', embedded: 2, tools: 2 } });
      // The first batch died with the worker; the retry sent it again and it went through.
      expect(recorded.catalogTexts.filter((text) => text.includes('crash-once'))).toHaveLength(2);
    } finally {
      await search.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('ToolSearch with the ml strategy under more queries than the model keeps up with', () => {
  test('past search.ml.maxQueuedQueries waiting queries, a search answers lexically at once', async () => {
    const recorded = new RecordingEmbedder(new WorkerEmbedder(), { holdQueries: true });
    const semantic = new SemanticSearch({ embedder: recorded, store: undefined, annThreshold: 10_000, queryCacheEntries: 100, maxQueuedQueries: 2, log: silentLogger() });
    const docs = [
      { name: 'x:sendEmail', description: 'Sends an email to a customer.' },
      { name: 'x:refund', description: 'Refunds a payment.' },
    ];
    const search = new ToolSearch({ version: 'v1', list: () => docs }, { debounceMs: 0, sliceMs: 100, log: silentLogger(), semantic });
    const request = (queries: string[]) => search.search({ queries, topK: 5, minScore: 0, view: { key: 'all', visible: () => true } });
    try {
      await search.start();
      while (search.status().serving !== 'ml') await new Promise((done) => setTimeout(done, 20));
      // Two queries wait for the (held) model; a third, or a request needing two more, is not queued.
      const waiting = [request(['email a customer']), request(['give money back'])];
      expect((await request(['send mail'])).strategy).toBe('tfidf');
      expect((await request(['a', 'b'])).strategy).toBe('tfidf');
      expect(search.status().ml?.shedQueries).toBe(2);
      recorded.releaseQueries();
      const answers = await Promise.all(waiting);
      expect(answers.map((a) => a.strategy)).toEqual(['ml', 'ml']);
      expect(answers[1]?.tools[0]?.name).toBe('x:refund');
      // The queue drained: the model is asked again.
      expect((await request(['send mail'])).strategy).toBe('ml');
    } finally {
      await search.close();
    }
  });
});
