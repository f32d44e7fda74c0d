import { createHash } from 'node:crypto';
import { LruCache } from '../../gate';
import type { Logger } from '../../log';
import type { SearchDocument } from '../index-build';
import { splitWords } from '../tokenize';
import type { Embedder, EmbedderInfo } from './embedder';
import type { EmbeddingStore } from './embedding-store';
import { VectorIndex, loadUsearch, type Usearch } from './vector-index';

export interface SemanticSearchOptions {
  embedder: Embedder;
  /** Where vectors outlive the process (Redis or disk); undefined keeps them in memory only. */
  store: EmbeddingStore | undefined;
  /** Catalogs with at least this many tools are searched through an HNSW graph instead of an exact scan. */
  annThreshold: number;
  /** Query vectors kept by query text. */
  queryCacheEntries: number;
  /** Uncached queries that may wait for the model at once; beyond it embedQueries() refuses (default 16). */
  maxQueuedQueries?: number;
  log: Logger;
}

/** `loading` the model, `embedding` a catalog, `ready` when the serving catalog is embedded, `failed` for good. */
export type SemanticState = 'loading' | 'embedding' | 'ready' | 'failed';

export interface SemanticStatus {
  state: SemanticState;
  model?: string;
  /** Why the model is unavailable (then lexical search answers). */
  reason?: string;
  /** Searches answered lexically because too many queries were already waiting for the model. */
  shedQueries: number;
  /** Tools of the latest catalog with a vector, and how many it has. */
  embedded: number;
  tools: number;
  /** How the vectors are searched, and the HNSW graph's measured recall@10 against the exact scan. */
  index?: 'exact' | 'hnsw';
  annRecall?: number;
}

const DEFAULT_MAX_QUEUED_QUERIES = 16;

/** Thrown when too many uncached queries already wait for the model: the caller answers lexically. */
export class QueryBacklogError extends Error {
  constructor() {
    super('too many queries are waiting for the embedding model');
    this.name = 'QueryBacklogError';
  }
}

/** Tools per request to the worker: a query queued behind a batch waits ~0.4 s at most. */
const CATALOG_BATCH = 16;

/**
 * What the model reads for a tool: its name's words and its description. Parameters were measured too
 * and did not improve ranking, while they made each tool 2.6 times slower to embed.
 */
export function embeddingText(doc: SearchDocument): string {
  const local = doc.name.slice(doc.name.indexOf(':') + 1);
  const title = doc.annotations?.title;
  // With a title, the description's first sentence says the rest: past it, an OpenAPI operation's notes
  // (media types, pagination, permissions) would outweigh what the tool does in the averaged vector.
  return `${splitWords(local).join(' ')}: ${title === undefined ? doc.description : `${title}. ${firstSentence(doc.description)}`}`;
}

// A sentence ends at . ! or ? before a capital or a line break, or at a blank line ("e.g. a", "v1.2" do not end one).
const SENTENCE_END = /[.!?](?=\s+[A-Z]|\s*\n)|\n\s*\n/;

export function firstSentence(text: string): string {
  return (text.split(SENTENCE_END, 1)[0] ?? '').trim();
}

/**
 * Embeds catalogs off the request path (worker thread, store, memory) and answers query vectors. Vectors
 * are keyed by model + text, so a catalog change embeds only the tools whose text changed.
 */
export class SemanticSearch {
  readonly #options: SemanticSearchOptions;
  #info: EmbedderInfo | undefined;
  #failure: string | undefined;
  #state: SemanticState = 'loading';
  #started: Promise<EmbedderInfo | undefined> | undefined;
  /** Vectors of the latest catalog by content hash (pruned to it after each catalog). */
  #vectors = new Map<string, Float32Array>();
  readonly #queries: LruCache<string, Promise<Float32Array>>;
  #generation = 0;
  #embedded = 0;
  #tools = 0;
  #index: VectorIndex | undefined;
  #warnedStore = false;
  /** Uncached query texts sent to the model and not answered yet. */
  #queuedQueries = 0;
  #shedQueries = 0;
  /** null once loading it failed (it is optional). */
  #usearchModule: Usearch | null | undefined;

  constructor(options: SemanticSearchOptions) {
    this.#options = options;
    this.#queries = new LruCache(options.queryCacheEntries);
  }

  /** Loads the model once; a failure is logged once, kept in the status, and leaves lexical search serving. */
  start(): Promise<EmbedderInfo | undefined> {
    return (this.#started ??= this.#options.embedder.start().then(
      (info) => {
        this.#info = info;
        this.#options.log.info({ model: info.model, dimensions: info.dimensions }, 'search: embedding model loaded (strategy ml)');
        return info;
      },
      (err: unknown) => {
        this.#fail(err);
        return undefined;
      },
    ));
  }

  #fail(err: unknown): void {
    this.#state = 'failed';
    this.#failure = err instanceof Error ? err.message : String(err);
    this.#options.log.warn(
      { reason: this.#failure },
      'search: the ml strategy is unavailable (its optional packages are missing or the model failed to load); lexical search answers instead',
    );
  }

  /** The vectors of the latest embedded catalog. */
  get index(): VectorIndex | undefined {
    return this.#index;
  }

  get failed(): boolean {
    return this.#state === 'failed';
  }

  status(): SemanticStatus {
    return {
      state: this.#state,
      ...(this.#info ? { model: this.#info.model } : {}),
      ...(this.#failure !== undefined ? { reason: this.#failure } : {}),
      embedded: this.#embedded,
      tools: this.#tools,
      shedQueries: this.#shedQueries,
      ...(this.#index ? { index: this.#index.approximate ? 'hnsw' : 'exact' } : {}),
      ...(this.#index?.annRecall !== undefined ? { annRecall: Math.round(this.#index.annRecall * 1000) / 1000 } : {}),
    } as SemanticStatus;
  }

  /**
   * Vectors for `docs` (in index order), as an index; undefined when the model is unavailable or a newer
   * catalog arrived meanwhile (its own call takes over). Rejects when embedding failed (the worker died
   * mid-catalog): the caller may try again, and vectors computed so far are kept.
   */
  async prepare(docs: readonly SearchDocument[]): Promise<VectorIndex | undefined> {
    const generation = ++this.#generation;
    const info = await this.start();
    if (!info || generation !== this.#generation) return undefined;
    this.#state = 'embedding';
    const hashes = docs.map((doc) => createHash('sha256').update(`${info.model}\0${embeddingText(doc)}`).digest('base64url'));
    this.#tools = docs.length;
    const missing = await this.#fromStore(info, hashes);
    this.#embedded = docs.length - missing.length;
    try {
      for (let i = 0; i < missing.length; i += CATALOG_BATCH) {
        if (generation !== this.#generation) return undefined;
        const batch = missing.slice(i, i + CATALOG_BATCH);
        const vectors = await this.#options.embedder.embed(batch.map((at) => embeddingText(docs[at] as SearchDocument)), false);
        const entries = batch.map((at, j) => ({ hash: hashes[at] as string, vector: vectors[j] as Float32Array }));
        for (const { hash, vector } of entries) this.#vectors.set(hash, vector);
        this.#embedded += batch.length;
        void this.#toStore(info, entries);
      }
    } catch (err) {
      if (generation !== this.#generation) return undefined;
      this.#state = this.#index ? 'ready' : 'loading';
      throw err;
    }
    if (generation !== this.#generation) return undefined;
    const rows = new Float32Array(docs.length * info.dimensions);
    hashes.forEach((hash, id) => rows.set(this.#vectors.get(hash) ?? new Float32Array(info.dimensions), id * info.dimensions));
    const keep = new Set(hashes);
    for (const hash of this.#vectors.keys()) if (!keep.has(hash)) this.#vectors.delete(hash);
    const started = performance.now();
    const index = VectorIndex.build(rows, info.dimensions, this.#usearch(), docs.length >= this.#options.annThreshold);
    this.#index = index;
    this.#state = 'ready';
    this.#options.log.info(
      { tools: docs.length, index: index.approximate ? 'hnsw' : 'exact', annRecall: index.annRecall, buildMs: Math.round(performance.now() - started) },
      'search: catalog embeddings ready',
    );
    return index;
  }

  /** usearch, loaded once; without it (an optional dependency) vectors are scanned in JavaScript, exactly. */
  #usearch(): Usearch | undefined {
    if (this.#usearchModule === undefined) {
      try {
        this.#usearchModule = loadUsearch();
      } catch (err) {
        this.#usearchModule = null;
        this.#options.log.warn({ err }, 'search: the vector package (usearch) is unavailable; vectors are scanned in JavaScript, without an HNSW graph');
      }
    }
    return this.#usearchModule ?? undefined;
  }

  /** Fills the memory map from the store; returns the doc positions still without a vector. */
  async #fromStore(info: EmbedderInfo, hashes: readonly string[]): Promise<number[]> {
    const unknown = [...new Set(hashes.filter((hash) => !this.#vectors.has(hash)))];
    if (unknown.length > 0 && this.#options.store) {
      try {
        const found = await this.#options.store.get(info.model, unknown);
        found.forEach((vector, i) => {
          if (vector?.length === info.dimensions) this.#vectors.set(unknown[i] as string, vector);
        });
      } catch (err) {
        this.#storeFailed(err);
      }
    }
    // One position per text: two tools with the same name words and description share a vector.
    const seen = new Set<string>();
    return hashes.flatMap((hash, at) => (this.#vectors.has(hash) || seen.has(hash) ? [] : (seen.add(hash), [at])));
  }

  async #toStore(info: EmbedderInfo, entries: { hash: string; vector: Float32Array }[]): Promise<void> {
    try {
      await this.#options.store?.put(info.model, entries);
    } catch (err) {
      this.#storeFailed(err);
    }
  }

  #storeFailed(err: unknown): void {
    // The store is an accelerator: without it vectors are computed again, so one warning is enough.
    if (this.#warnedStore) return;
    this.#warnedStore = true;
    this.#options.log.warn({ err, store: this.#options.store?.kind }, 'search: the embedding store failed; vectors are computed instead');
  }

  /** A query's vector: cached by text (LRU), computed ahead of catalog work. */
  embedQuery(text: string): Promise<Float32Array> {
    return this.embedQueries([text])[0] as Promise<Float32Array>;
  }

  /**
   * Vectors for a request's queries, cached by text (LRU). The ones not cached go to the worker as one
   * request, ahead of catalog work. Batching saves only the thread hops: a batch of 10 queries costs the
   * model what 10 single ones do, so a 10-query request uncached takes ~10 query embeddings.
   */
  embedQueries(texts: readonly string[]): Promise<Float32Array>[] {
    const found = new Map<string, Promise<Float32Array>>();
    for (const text of texts) {
      const cached = this.#queries.get(text);
      if (cached) found.set(text, cached);
    }
    const missing = [...new Set(texts.filter((text) => !found.has(text)))];
    if (missing.length > 0) {
      // One model thread embeds 35–150 queries a second (by length): past a short queue, waiting only grows.
      if (this.#queuedQueries + missing.length > (this.#options.maxQueuedQueries ?? DEFAULT_MAX_QUEUED_QUERIES)) {
        this.#shedQueries++;
        throw new QueryBacklogError();
      }
      this.#queuedQueries += missing.length;
      const batch = this.#options.embedder.embed(missing, true);
      void batch.then(
        () => (this.#queuedQueries -= missing.length),
        () => (this.#queuedQueries -= missing.length),
      );
      const guarded = batch.catch((err: unknown) => {
        // A model that can no longer start (its worker kept dying) fails the strategy for good.
        this.#options.embedder.start().catch((reason: unknown) => this.#state !== 'failed' && this.#fail(reason));
        throw err;
      });
      missing.forEach((text, i) => {
        const computed = guarded.then((rows) => {
          const vector = rows[i];
          if (!vector) throw new Error('the embedder returned no vector');
          return vector;
        });
        found.set(text, computed);
        this.#remember(text, computed);
      });
    }
    return texts.map((text) => found.get(text) as Promise<Float32Array>);
  }

  #remember(text: string, computed: Promise<Float32Array>): void {
    this.#queries.set(text, computed);
    // A failed embedding is not remembered: the next request tries again.
    computed.catch(() => this.#queries.delete(text));
  }

  close(): Promise<void> {
    this.#generation++;
    return this.#options.embedder.close();
  }
}
