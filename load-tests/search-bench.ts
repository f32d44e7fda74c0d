/**
 * `npm run bench:search [-- --strategy tfidf|ml --suite NAME[,NAME] --tools FILE --queries FILE --json
 *   --misses --tuning JSON --cache-dir DIR --ann-threshold N]`
 * Loads each labelled tool set into the search service, runs its queries and prints top-1 / top-3 (a
 * relevant tool first, or among the first three), recall@1/5/10, MRR@10, nDCG@10 (binary relevance) and
 * per-query latency. By default every suite of load-tests/search-suites.ts runs: the ToolRet benchmark,
 * the GitHub REST API (development and held-out questions) and the demo catalog; `--suite` picks some,
 * `--tools FILE --queries FILE` measures any other set instead. `--misses` lists the questions whose
 * tool is not first, with what came first.
 *
 * With `--strategy ml` each catalog is embedded first (or read from the embedding cache), and every
 * query is embedded afresh: the latency is that of an uncached query. When the vectors are searched
 * through the HNSW graph (`--ann-threshold` at or below the tool count), its recall against the exact
 * scan is reported for the benchmark's own queries.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { stderrLogger } from '../src/log';
import { DEFAULT_TUNING, DiskEmbeddingStore, SemanticSearch, ToolSearch, WorkerEmbedder, measureRecall, type SearchDocument, type SearchStrategy, type SearchTuning } from '../src/search';
import { meanScores, scoreQuery, type LabelledQuery, type QueryScores } from './search-metrics';
import { readQueries, readTools, SUITES, unknownLabels, type SearchSuite } from './search-suites';
import { numberOption, percentile, round, stringOption } from './harness';

const args = process.argv.slice(2);
const asJson = args.includes('--json');
const showMisses = args.includes('--misses');
const strategy = (stringOption('strategy') ?? 'tfidf') as SearchStrategy;
if (strategy !== 'tfidf' && strategy !== 'ml') throw new RangeError('--strategy is tfidf or ml');
const tuningOverride = JSON.parse(stringOption('tuning') ?? '{}') as Partial<SearchTuning>;
const tuning: SearchTuning = {
  ...DEFAULT_TUNING,
  ...tuningOverride,
  boosts: { ...DEFAULT_TUNING.boosts, ...tuningOverride.boosts },
  weights: { ...DEFAULT_TUNING.weights, ...tuningOverride.weights },
};
const view = { key: 'all', visible: () => true };
const log = stderrLogger(process.env.LOG_LEVEL ?? 'warn');

function selectedSuites(): readonly SearchSuite[] {
  const toolsFile = stringOption('tools');
  const queriesFile = stringOption('queries');
  if (toolsFile !== undefined || queriesFile !== undefined) {
    if (toolsFile === undefined || queriesFile === undefined) throw new RangeError('--tools and --queries go together');
    return [{ name: 'custom', catalog: toolsFile, tools: () => Promise.resolve(readTools(toolsFile)), queries: () => readQueries(queriesFile) }];
  }
  const names = stringOption('suite')?.split(',');
  if (!names) return SUITES;
  const unknown = names.filter((n) => !SUITES.some((s) => s.name === n));
  if (unknown.length > 0) throw new RangeError(`unknown suite ${unknown.join(', ')}; the suites are ${SUITES.map((s) => s.name).join(', ')}`);
  return SUITES.filter((s) => names.includes(s.name));
}

interface Miss {
  query: LabelledQuery;
  /** 1-based rank of the first relevant tool in the top 10, or undefined. */
  rank: number | undefined;
  top: string[];
}

async function runSuite(suite: SearchSuite, tools: readonly SearchDocument[], queries: readonly LabelledQuery[]) {
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
  const search = new ToolSearch({ version: `bench-${suite.name}`, list: () => tools }, { debounceMs: 0, sliceMs: 1_000, log, tuning, ...(semantic ? { semantic } : {}) });
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
  const misses: Miss[] = [];
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
    const score = scoreQuery(ranked, q.relevant);
    scores.push(score);
    if (score.top1 === 0) {
      const at = ranked.findIndex((name) => q.relevant.includes(name));
      misses.push({ query: q, rank: at < 0 ? undefined : at + 1, top: ranked.slice(0, 3) });
    }
  }
  times.sort((a, b) => a - b);
  modelTimes.sort((a, b) => a - b);
  const mean = meanScores(scores);
  const status = search.status();
  // The graph's recall@10 against the exact scan, with the benchmark's own queries as the probes.
  const annRecall = semantic?.index?.approximate ? measureRecall(semantic.index, queryVectors) : undefined;
  await search.close();
  const result = {
    suite: suite.name,
    strategy: status.serving,
    tools: tools.length,
    queries: queries.length,
    buildMs: round(buildMs, 1),
    ...(semantic ? { embedMs: Math.round(embedMs), vectorIndex: status.ml?.index, ...(annRecall !== undefined ? { annRecall10: round(annRecall), annRecall10CatalogSample: status.ml?.annRecall } : {}) } : {}),
    top1: round(mean.top1),
    top3: round(mean.top3),
    recall1: round(mean.recall1),
    recall5: round(mean.recall5),
    recall10: round(mean.recall10),
    mrr10: round(mean.mrr10),
    ndcg10: round(mean.ndcg10),
    p50Ms: round(percentile(times, 50)),
    p99Ms: round(percentile(times, 99)),
    ...(semantic ? { modelP50Ms: round(percentile(modelTimes, 50)) } : {}),
  };
  return { result, misses };
}

async function main(): Promise<void> {
  const rows: string[] = [];
  for (const suite of selectedSuites()) {
    const tools = await suite.tools();
    const queries = suite.queries();
    const unknown = unknownLabels(tools, queries);
    if (unknown.length > 0) throw new Error(`${suite.name}: labels that name no tool: ${unknown.join(', ')}`);
    const { result, misses } = await runSuite(suite, tools, queries);
    if (asJson) {
      console.log(JSON.stringify(result));
      continue;
    }
    console.log(
      `${suite.name} (${suite.catalog}), strategy ${result.strategy}: ${result.tools} tools, ${result.queries} queries, lexical index built in ${result.buildMs} ms` +
        (result.embedMs !== undefined ? `, embeddings ready ${result.embedMs} ms later (${result.vectorIndex} vector search)` : ''),
    );
    if (result.annRecall10 !== undefined) console.log(`  HNSW recall@10 against the exact scan: ${result.annRecall10} on these queries, ${result.annRecall10CatalogSample} on the service's catalog sample`);
    if (result.modelP50Ms !== undefined) console.log(`  embedding a query alone (the model in its worker, same queries, same run): p50 ${result.modelP50Ms} ms`);
    if (showMisses) {
      for (const m of misses) console.log(`  miss ${m.query.id} "${m.query.query}" want ${m.query.relevant.join(' ')} at ${m.rank ?? '>10'}; top ${m.top.join(', ')}`);
    }
    rows.push(`| ${suite.name} | ${result.strategy} | ${result.top1} | ${result.top3} | ${result.recall1} | ${result.recall5} | ${result.recall10} | ${result.mrr10} | ${result.ndcg10} | ${result.p50Ms} | ${result.p99Ms} |`);
  }
  if (asJson) return;
  console.log('| suite | strategy | top-1 | top-3 | recall@1 | recall@5 | recall@10 | MRR@10 | nDCG@10 | p50 ms | p99 ms |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const row of rows) console.log(row);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
