/**
 * `npm run bench:search [-- --strategy tfidf|ml --tools FILE --queries FILE --json --tuning JSON
 *   --cache-dir DIR --ann-threshold N]`
 * Loads a labelled tool set into the search service, runs every query and prints recall@1/5/10, MRR@10,
 * nDCG@10 (binary relevance) and per-query latency. Defaults to the bundled benchmark in
 * load-tests/data/search (see its README for the source and licence).
 *
 * With `--strategy ml` the catalog is embedded first (or read from the embedding cache), and every query
 * is embedded afresh: the latency is that of an uncached query. When the vectors are searched through
 * the HNSW graph (`--ann-threshold` at or below the tool count), its recall against the exact scan is
 * reported for the benchmark's own queries.
 */
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { stderrLogger } from '../src/log';
import { DEFAULT_TUNING, DiskEmbeddingStore, SemanticSearch, ToolSearch, WorkerEmbedder, measureRecall, type SearchDocument, type SearchStrategy, type SearchTuning } from '../src/search';
import { meanScores, scoreQuery, type LabelledQuery, type QueryScores } from './search-metrics';
import { numberOption, percentile, round, stringOption } from './harness';

const args = process.argv.slice(2);
const DATA = resolve(__dirname, '../../load-tests/data/search');
const toolsFile = stringOption('tools') ?? resolve(DATA, 'tools.json');
const queriesFile = stringOption('queries') ?? resolve(DATA, 'queries-dev.json');
const asJson = args.includes('--json');
const strategy = (stringOption('strategy') ?? 'tfidf') as SearchStrategy;
if (strategy !== 'tfidf' && strategy !== 'ml') throw new RangeError('--strategy is tfidf or ml');
const tuningOverride = JSON.parse(stringOption('tuning') ?? '{}') as Partial<SearchTuning>;
const tuning: SearchTuning = { ...DEFAULT_TUNING, ...tuningOverride, boosts: { ...DEFAULT_TUNING.boosts, ...tuningOverride.boosts } };

const tools = JSON.parse(readFileSync(toolsFile, 'utf8')) as SearchDocument[];
const queries = JSON.parse(readFileSync(queriesFile, 'utf8')) as LabelledQuery[];
const view = { key: 'all', visible: () => true };
const log = stderrLogger(process.env.LOG_LEVEL ?? 'warn');

async function main(): Promise<void> {
  const semantic =
    strategy === 'ml'
      ? new SemanticSearch({
          embedder: new WorkerEmbedder(),
          store: new DiskEmbeddingStore(stringOption('cache-dir') ?? join(tmpdir(), 'scriptgate-embeddings')),
          annThreshold: numberOption('ann-threshold', 10_000),
          queryCacheEntries: 0,
          log,
        })
      : undefined;
  const search = new ToolSearch({ version: 'bench', list: () => tools }, { debounceMs: 0, sliceMs: 1_000, log, tuning, ...(semantic ? { semantic } : {}) });
  let started = performance.now();
  await search.start();
  const buildMs = performance.now() - started;
  started = performance.now();
  while (semantic && search.status().serving !== 'ml') {
    if (semantic.failed) throw new Error(`the ml strategy is unavailable: ${semantic.status().reason ?? 'unknown reason'}`);
    await new Promise((done) => setTimeout(done, 100));
  }
  const embedMs = performance.now() - started;

  const rank = async (query: string) => (await search.search({ queries: [query], topK: 10, minScore: 0, view })).tools.map((t) => t.name);
  // Warm the JIT so the first queries do not dominate p99.
  for (const q of queries.slice(0, 50)) await rank(q.query);
  const times: number[] = [];
  const scores: QueryScores[] = [];
  // With ml, each query is also embedded alone just before it is searched: the model's own time on this
  // VM (which moves by ±20 % from one minute to the next), so what search adds is the difference.
  const modelTimes: number[] = [];
  const queryVectors: Float32Array[] = [];
  for (const q of queries) {
    if (semantic) {
      started = performance.now();
      queryVectors.push(await semantic.embedQuery(q.query));
      modelTimes.push(performance.now() - started);
    }
    started = performance.now();
    const ranked = await rank(q.query);
    times.push(performance.now() - started);
    scores.push(scoreQuery(ranked, q.relevant));
  }
  times.sort((a, b) => a - b);
  modelTimes.sort((a, b) => a - b);
  const mean = meanScores(scores);
  const status = search.status();
  // The graph's recall@10 against the exact scan, with the benchmark's own queries as the probes.
  const annRecall = semantic?.index?.approximate ? measureRecall(semantic.index, queryVectors) : undefined;
  await search.close();
  const result = {
    strategy: status.serving,
    tools: tools.length,
    queries: queries.length,
    buildMs: round(buildMs, 1),
    ...(semantic ? { embedMs: Math.round(embedMs), vectorIndex: status.ml?.index, ...(annRecall !== undefined ? { annRecall10: round(annRecall), annRecall10CatalogSample: status.ml?.annRecall } : {}) } : {}),
    recall1: round(mean.recall1),
    recall5: round(mean.recall5),
    recall10: round(mean.recall10),
    mrr10: round(mean.mrr10),
    ndcg10: round(mean.ndcg10),
    p50Ms: round(percentile(times, 50)),
    p99Ms: round(percentile(times, 99)),
    ...(semantic ? { modelP50Ms: round(percentile(modelTimes, 50)) } : {}),
  };
  if (asJson) {
    console.log(JSON.stringify(result));
    return;
  }
  console.log(`strategy ${result.strategy}: ${result.tools} tools, ${result.queries} queries, lexical index built in ${result.buildMs} ms${semantic ? `, embeddings ready ${result.embedMs} ms later (${result.vectorIndex} vector search)` : ''}`);
  if (annRecall !== undefined) console.log(`HNSW recall@10 against the exact scan: ${result.annRecall10} on these queries, ${result.annRecall10CatalogSample} on the service's catalog sample`);
  console.log('| strategy | recall@1 | recall@5 | recall@10 | MRR@10 | nDCG@10 | p50 ms | p99 ms |');
  console.log('|---|---|---|---|---|---|---|---|');
  console.log(`| ${result.strategy} | ${result.recall1} | ${result.recall5} | ${result.recall10} | ${result.mrr10} | ${result.ndcg10} | ${result.p50Ms} | ${result.p99Ms} |`);
  if (semantic) console.log(`embedding a query alone (the model in its worker, same queries, same run): p50 ${result.modelP50Ms} ms`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
