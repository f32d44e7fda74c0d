import { createRequire } from 'node:module';

/** A tool's index id and its cosine similarity to the query (vectors are L2-normalised, so a dot product). */
export interface Neighbour {
  id: number;
  similarity: number;
}

interface Matches {
  keys: BigUint64Array;
  distances: Float32Array;
}
/** The part of usearch this file uses; it is an optional dependency, so no type import. */
interface HnswIndex {
  add(keys: BigUint64Array, vectors: Float32Array, threads: number): void;
  search(vector: Float32Array, k: number, threads: number): Matches;
}
export interface Usearch {
  Index: new (config: { dimensions: number; metric: string; connectivity: number; expansion_add: number; expansion_search: number }) => HnswIndex;
  /** A SIMD scan of every row: ~0.35 ms for 3,000 × 512 where the JavaScript loop takes ~3 ms. */
  exactSearch(rows: Float32Array, queries: Float32Array, dimensions: number, k: number, metric: string, threads: number): Matches;
}

/** HNSW graph degree and search breadth: usearch's defaults lose recall on 512-d sentence vectors. */
const HNSW = Object.freeze({ connectivity: 16, expansionAdd: 128, expansionSearch: 128 });
/** Query vectors sampled from the catalog to measure the graph's recall@10 against exact search. */
const RECALL_SAMPLE = 100;
/** With a view that hides tools, the graph is asked for this many times more neighbours before filtering. */
const FILTER_OVERFETCH = 4;

/** Optional dependencies are loaded by name at run time, so a missing one is a reported fallback, not a crash. */
const loadOptional = createRequire(__filename);

/**
 * usearch reads a vector from the start of its buffer, ignoring a view's offset, and accepts only this
 * realm's typed arrays (a vector that crossed from a worker may not be one): hand it a fresh copy.
 */
const ownBuffer = (vector: Float32Array): Float32Array => new Float32Array(vector);

/** Throws when the optional package is not installed; the caller then scans in JavaScript. */
export function loadUsearch(): Usearch {
  return loadOptional('usearch') as Usearch;
}

/** Dot product of `a` with the row at `offset`; the hot loop of an exact scan (3,000 rows per query). */
export function dot(a: Float32Array, rows: Float32Array, offset: number): number {
  // Indexes stay inside both arrays (rows hold whole vectors of a.length), so the casts never hide an undefined.
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const n = a.length - (a.length % 4);
  let d = 0;
  for (; d < n; d += 4) {
    s0 += (a[d] as number) * (rows[offset + d] as number);
    s1 += (a[d + 1] as number) * (rows[offset + d + 1] as number);
    s2 += (a[d + 2] as number) * (rows[offset + d + 2] as number);
    s3 += (a[d + 3] as number) * (rows[offset + d + 3] as number);
  }
  for (; d < a.length; d++) s0 += (a[d] as number) * (rows[offset + d] as number);
  return s0 + s1 + s2 + s3;
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
 * The vectors of one catalog snapshot, row i = index id i. Exact scan below the threshold (3,000 × 512:
 * 0.35 ms native, ~3 ms in JavaScript); above it an HNSW graph answers, and its recall against the exact
 * scan is measured once, when it is built.
 */
export class VectorIndex {
  readonly rows: Float32Array;
  readonly dimensions: number;
  readonly size: number;
  readonly #graph: HnswIndex | undefined;
  readonly #usearch: Usearch | undefined;
  #annRecall: number | undefined;

  private constructor(rows: Float32Array, dimensions: number, usearch: Usearch | undefined, graph: HnswIndex | undefined) {
    this.rows = rows;
    this.dimensions = dimensions;
    this.size = dimensions > 0 ? rows.length / dimensions : 0;
    this.#usearch = usearch;
    this.#graph = graph;
  }

  /** recall@10 of the graph against exact search on a sample of catalog vectors; undefined when exact. */
  get annRecall(): number | undefined {
    return this.#annRecall;
  }

  /**
   * With usearch (optional), the exact scan is native, and `approximate` builds the HNSW graph; without it,
   * every search is the JavaScript scan.
   */
  static build(rows: Float32Array, dimensions: number, usearch: Usearch | undefined, approximate = false): VectorIndex {
    const size = dimensions > 0 ? rows.length / dimensions : 0;
    if (!usearch || !approximate || size === 0) return new VectorIndex(rows, dimensions, usearch, undefined);
    const graph = new usearch.Index({ dimensions, metric: 'ip', connectivity: HNSW.connectivity, expansion_add: HNSW.expansionAdd, expansion_search: HNSW.expansionSearch });
    // One thread: insertions in a fixed order give the same graph (and recall) on every build; several
    // threads interleave them differently each time, and the recall measured below varied by a point or two.
    graph.add(BigUint64Array.from({ length: size }, (_, i) => BigInt(i)), rows, 1);
    const index = new VectorIndex(rows, dimensions, usearch, graph);
    index.#annRecall = measureRecall(index);
    return index;
  }

  get approximate(): boolean {
    return this.#graph !== undefined;
  }

  similarity(query: Float32Array, id: number): number {
    return dot(query, this.rows, id * this.dimensions);
  }

  /** The k nearest visible tools: through the graph when there is one. */
  nearest(query: Float32Array, k: number, allow?: (id: number) => boolean): Neighbour[] {
    if (!this.#graph) return this.exactNearest(query, k, allow);
    const own = ownBuffer(query);
    const hits = this.#filtered((fetch) => (this.#graph as HnswIndex).search(own, fetch, 1), k, allow);
    return hits ?? this.#scan(query, k, allow);
  }

  /** The k nearest visible tools by a full scan (native when usearch is there). */
  exactNearest(query: Float32Array, k: number, allow?: (id: number) => boolean): Neighbour[] {
    const usearch = this.#usearch;
    if (!usearch || this.size === 0) return this.#scan(query, k, allow);
    const own = ownBuffer(query);
    const hits = this.#filtered((fetch) => usearch.exactSearch(this.rows, own, this.dimensions, fetch, 'ip', 1), k, allow);
    return hits ?? this.#scan(query, k, allow);
  }

  /**
   * Native matches, filtered by the view; undefined when a narrow view hid too many of them (then the
   * JavaScript scan, which filters first, is right and cheap enough).
   */
  #filtered(search: (fetch: number) => Matches, k: number, allow?: (id: number) => boolean): Neighbour[] | undefined {
    const found = search(Math.min(this.size, allow ? k * FILTER_OVERFETCH : k));
    const hits: Neighbour[] = [];
    for (let i = 0; i < found.keys.length && hits.length < k; i++) {
      const id = Number(found.keys[i]);
      if (!allow || allow(id)) hits.push({ id, similarity: 1 - (found.distances[i] ?? 1) });
    }
    return hits.length >= Math.min(k, this.size) || !allow ? hits : undefined;
  }

  #scan(query: Float32Array, k: number, allow?: (id: number) => boolean): Neighbour[] {
    const scored: Neighbour[] = [];
    for (let id = 0; id < this.size; id++) if (!allow || allow(id)) scored.push({ id, similarity: dot(query, this.rows, id * this.dimensions) });
    return topK(scored, k);
  }
}

/**
 * Share of the exact top k that nearest() (the graph, when there is one) also returns, averaged over
 * the given query vectors, by default a sample of the index's own rows.
 */
export function measureRecall(index: VectorIndex, queries?: readonly Float32Array[], k = 10): number {
  const step = Math.max(1, Math.floor(index.size / RECALL_SAMPLE));
  const probes = queries ?? Array.from({ length: Math.ceil(index.size / step) }, (_, i) => index.rows.subarray(i * step * index.dimensions, (i * step + 1) * index.dimensions));
  let found = 0;
  let wanted = 0;
  for (const query of probes) {
    const truth = new Set(index.exactNearest(query, k).map((n) => n.id));
    for (const n of index.nearest(query, k)) if (truth.has(n.id)) found++;
    wanted += truth.size;
  }
  return wanted === 0 ? 1 : found / wanted;
}
