/**
 * `npm run bench:search [-- --tools FILE --queries FILE --json --tuning JSON]`
 * Loads a labelled tool set into a search index, runs every query and prints recall@1/5/10, MRR@10,
 * nDCG@10 (binary relevance) and per-query latency. Defaults to the bundled benchmark in
 * load-tests/data/search (see its README for the source and licence).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DEFAULT_TUNING, SearchIndex, type SearchDocument, type SearchTuning } from '../src/search';
import { meanScores, scoreQuery, type LabelledQuery, type QueryScores } from './search-metrics';
import { percentile, round } from './harness';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const DATA = resolve(__dirname, '../../load-tests/data/search');
const toolsFile = opt('tools') ?? resolve(DATA, 'tools.json');
const queriesFile = opt('queries') ?? resolve(DATA, 'queries-dev.json');
const asJson = args.includes('--json');
const tuningOverride = JSON.parse(opt('tuning') ?? '{}') as Partial<SearchTuning>;
const tuning: SearchTuning = { ...DEFAULT_TUNING, ...tuningOverride, boosts: { ...DEFAULT_TUNING.boosts, ...tuningOverride.boosts } };

const tools = JSON.parse(readFileSync(toolsFile, 'utf8')) as SearchDocument[];
const queries = JSON.parse(readFileSync(queriesFile, 'utf8')) as LabelledQuery[];

let started = performance.now();
const index = SearchIndex.build(tools, tuning);
const buildMs = performance.now() - started;

// Warm the JIT so the first queries do not dominate p99.
for (const q of queries.slice(0, 50)) index.search(q.query);
const times: number[] = [];
const scores: QueryScores[] = [];
for (const q of queries) {
  started = performance.now();
  const ranked = index.search(q.query).slice(0, 10);
  times.push(performance.now() - started);
  scores.push(scoreQuery(ranked.map((r) => r.name), q.relevant));
}
times.sort((a, b) => a - b);
const mean = meanScores(scores);
const result = {
  tools: tools.length,
  queries: queries.length,
  buildMs: round(buildMs, 1),
  recall1: round(mean.recall1),
  recall5: round(mean.recall5),
  recall10: round(mean.recall10),
  mrr10: round(mean.mrr10),
  ndcg10: round(mean.ndcg10),
  p50Ms: round(percentile(times, 50)),
  p99Ms: round(percentile(times, 99)),
};
if (asJson) {
  console.log(JSON.stringify(result));
} else {
  console.log(`${result.tools} tools, ${result.queries} queries, index built in ${result.buildMs} ms`);
  console.log('| recall@1 | recall@5 | recall@10 | MRR@10 | nDCG@10 | p50 ms | p99 ms |');
  console.log('|---|---|---|---|---|---|---|');
  console.log(`| ${result.recall1} | ${result.recall5} | ${result.recall10} | ${result.mrr10} | ${result.ndcg10} | ${result.p50Ms} | ${result.p99Ms} |`);
}
