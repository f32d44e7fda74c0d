/** A tool's index id and its cosine similarity to the query (vectors are L2-normalised, so a dot product). */
export interface Neighbour {
  id: number;
  similarity: number;
}

/** The part of usearch's `Index` this file uses; usearch is an optional dependency, so no type import. */
interface HnswIndex {
  add(keys: BigUint64Array, vectors: Float32Array): void;
  search(vector: Float32Array, k: number, threads: number): { keys: BigUint64Array; distances: Float32Array };
}
type HnswConstructor = new (config: { dimensions: number; metric: string; connectivity: number; expansion_add: number; expansion_search: number }) => HnswIndex;

/** HNSW graph degree and search breadth: usearch's defaults lose recall on 512-d sentence vectors. */
const HNSW = Object.freeze({ connectivity: 16, expansionAdd: 128, expansionSearch: 128 });
/** Query vectors sampled from the catalog to measure the graph's recall@10 against exact search. */
const RECALL_SAMPLE = 100;
/** With a view that hides tools, the graph is asked for this many times more neighbours before filtering. */
const FILTER_OVERFETCH = 4;

export function loadHnsw(): HnswConstructor {
  return (require('usearch') as { Index: HnswConstructor }).Index;
}

export function dot(a: Float32Array, rows: Float32Array, offset: number): number {
  let sum = 0;
  for (let d = 0; d < a.length; d++) sum += (a[d] ?? 0) * (rows[offset + d] ?? 0);
  return sum;
}

/** The k largest by similarity, best first; a bounded insertion keeps it O(n·k) without sorting everything. */
function topK(candidates: Iterable<Neighbour>, k: number): Neighbour[] {
  const best: Neighbour[] = [];
  for (const candidate of candidates) {
    if (best.length === k && candidate.similarity <= (best[k - 1]?.similarity ?? -Infinity)) continue;
    let at = best.length;
    while (at > 0 && (best[at - 1]?.similarity ?? Infinity) < candidate.similarity) at--;
    best.splice(at, 0, candidate);
    if (best.length > k) best.pop();
  }
  return best;
}

/**
 * The vectors of one catalog snapshot, row i = index id i. Exact scan below the threshold (3,000 × 512
 * is ~2 ms); above it an HNSW graph answers, and its recall against the exact scan is measured once.
 */
export class VectorIndex {
  readonly rows: Float32Array;
  readonly dimensions: number;
  readonly size: number;
  readonly #graph: HnswIndex | undefined;
  /** recall@10 of the graph against exact search on a sample of catalog vectors; undefined when exact. */
  readonly annRecall: number | undefined;

  private constructor(rows: Float32Array, dimensions: number, graph: HnswIndex | undefined, annRecall: number | undefined) {
    this.rows = rows;
    this.dimensions = dimensions;
    this.size = dimensions > 0 ? rows.length / dimensions : 0;
    this.#graph = graph;
    this.annRecall = annRecall;
  }

  /** `hnsw` is the graph constructor (usearch) when the catalog is over the threshold, else undefined. */
  static build(rows: Float32Array, dimensions: number, hnsw: HnswConstructor | undefined): VectorIndex {
    const exact = new VectorIndex(rows, dimensions, undefined, undefined);
    if (!hnsw || exact.size === 0) return exact;
    const graph = new hnsw({ dimensions, metric: 'ip', connectivity: HNSW.connectivity, expansion_add: HNSW.expansionAdd, expansion_search: HNSW.expansionSearch });
    graph.add(BigUint64Array.from({ length: exact.size }, (_, i) => BigInt(i)), rows);
    const approximate = new VectorIndex(rows, dimensions, graph, undefined);
    return new VectorIndex(rows, dimensions, graph, measureRecall(exact, approximate));
  }

  get approximate(): boolean {
    return this.#graph !== undefined;
  }

  similarity(query: Float32Array, id: number): number {
    return dot(query, this.rows, id * this.dimensions);
  }

  /** The k nearest visible tools. */
  nearest(query: Float32Array, k: number, allow?: (id: number) => boolean): Neighbour[] {
    if (this.#graph) {
      const fetch = Math.min(this.size, allow ? k * FILTER_OVERFETCH : k);
      const found = this.#graph.search(query, fetch, 1);
      const hits: Neighbour[] = [];
      for (let i = 0; i < found.keys.length && hits.length < k; i++) {
        const id = Number(found.keys[i]);
        if (!allow || allow(id)) hits.push({ id, similarity: 1 - (found.distances[i] ?? 1) });
      }
      // A narrow view may hide most of what the graph returned: then the exact scan is both right and cheap enough.
      if (hits.length >= Math.min(k, this.size) || !allow) return hits;
    }
    return this.exactNearest(query, k, allow);
  }

  exactNearest(query: Float32Array, k: number, allow?: (id: number) => boolean): Neighbour[] {
    const rows = this.rows;
    const dims = this.dimensions;
    const self = this;
    function* all(): Generator<Neighbour> {
      for (let id = 0; id < self.size; id++) if (!allow || allow(id)) yield { id, similarity: dot(query, rows, id * dims) };
    }
    return topK(all(), k);
  }
}

/** Share of the exact top 10 the graph also returns, averaged over catalog vectors used as queries. */
export function measureRecall(exact: VectorIndex, approximate: VectorIndex, k = 10): number {
  const step = Math.max(1, Math.floor(exact.size / RECALL_SAMPLE));
  let found = 0;
  let wanted = 0;
  for (let id = 0; id < exact.size; id += step) {
    const query = exact.rows.subarray(id * exact.dimensions, (id + 1) * exact.dimensions);
    const truth = new Set(exact.exactNearest(query, k).map((n) => n.id));
    for (const n of approximate.nearest(query, k)) if (truth.has(n.id)) found++;
    wanted += truth.size;
  }
  return wanted === 0 ? 1 : found / wanted;
}
