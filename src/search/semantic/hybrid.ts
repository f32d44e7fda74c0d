import type { RankedTool } from '../search-index';
import type { VectorIndex } from './vector-index';

/**
 * Score fusion, tuned on the bundled benchmark (docs/performance.md "Search relevance and latency"): the lexical score (0..1) and the cosine
 * similarity (clamped at 0) weigh the same. Both are absolute, so `minScore` keeps its meaning and a
 * query nothing matches well does not get a confident-looking top hit. Rank fusion (RRF) and min-max
 * scaling of the cosine were measured and ranked no better.
 */
export const HYBRID = Object.freeze({ lexicalWeight: 0.5, denseCandidates: 60 });

/**
 * One query's hybrid ranking: the lexical hits and the nearest vectors, each scored on both signals.
 * Never dense alone: lexical always takes half the score, so exact names and rare words keep winning.
 */
export function fuseHits(lexical: readonly RankedTool[], query: Float32Array, vectors: VectorIndex, ids: ReadonlyMap<string, number>, names: readonly string[], allow: (id: number) => boolean): RankedTool[] {
  const lexicalScore = new Map<number, number>();
  for (const hit of lexical) {
    const id = ids.get(hit.name);
    if (id !== undefined) lexicalScore.set(id, hit.score);
  }
  const candidates = new Set<number>(lexicalScore.keys());
  for (const neighbour of vectors.nearest(query, HYBRID.denseCandidates, allow)) candidates.add(neighbour.id);
  const fused: RankedTool[] = [];
  for (const id of candidates) {
    const similarity = Math.max(0, vectors.similarity(query, id));
    fused.push({ name: names[id] as string, score: HYBRID.lexicalWeight * (lexicalScore.get(id) ?? 0) + (1 - HYBRID.lexicalWeight) * similarity });
  }
  return fused.sort((a, b) => b.score - a.score || (a.name < b.name ? -1 : 1));
}
