import type { Logger } from '../log';
import type { SearchDocument } from './index-build';
import { SearchIndex, type RankedTool } from './search-index';
import { QueryBacklogError, fuseHits, type SemanticSearch, type SemanticStatus, type VectorIndex } from './semantic';
import { DEFAULT_TUNING, type SearchTuning } from './tuning';

/** What the search service reads from the catalog. */
export interface SearchableCatalog {
  readonly version: string;
  list(): readonly SearchDocument[];
}

/** A caller's view of the catalog: which tools it may find, and a key naming that view for caches. */
export interface SearchView {
  key: string;
  visible(name: string): boolean;
}

export interface SearchRequest {
  /** 1..10 queries; hits are merged and each says which queries matched it. */
  queries: readonly string[];
  topK: number;
  /** Hits scoring below this (0..1) are dropped. */
  minScore: number;
  view: SearchView;
}

export interface SearchHit {
  name: string;
  description: string;
  score: number;
  /** Indexes into the request's queries that found this tool (only when several were sent). */
  matchedQueries?: number[];
}

/** `tfidf`: the lexical index alone; `ml`: lexical fused with sentence embeddings. */
export type SearchStrategy = 'tfidf' | 'ml';

export interface SearchResponse {
  tools: SearchHit[];
  /** Hits above minScore before topK was applied. */
  total: number;
  /** Which strategy answered: `tfidf` also when `ml` is configured but its embeddings are not ready. */
  strategy: SearchStrategy;
}

export interface SearchStatus {
  /** The configured strategy, and the one answering now. */
  strategy: SearchStrategy;
  serving: SearchStrategy;
  version: string | null;
  ml?: SemanticStatus;
}

export interface ToolSearchOptions {
  /** Quiet time after a catalog change before rebuilding; a burst of changes rebuilds once. */
  debounceMs: number;
  /** Longest stretch of rebuild work between two turns of the event loop. */
  sliceMs: number;
  log: Logger;
  tuning?: SearchTuning;
  /** Present for the `ml` strategy: embeddings fused with the lexical score once a catalog is embedded. */
  semantic?: SemanticSearch;
  /** Wait before embedding a catalog again after a failure; default 5 s. */
  embedRetryMs?: number;
}

interface Snapshot {
  index: SearchIndex;
  version: string;
  descriptions: ReadonlyMap<string, string>;
  masks: Map<string, Uint8Array>;
  /** The catalog's embeddings, once computed (strategy ml). */
  vectors?: VectorIndex;
  ids?: ReadonlyMap<string, number>;
}

const MAX_MASKS = 64;
/** Wait before embedding a catalog again after a failure (the worker is restarted meanwhile). */
const EMBED_RETRY_MS = 5_000;
/** whenCurrent() gives up after this many rebuilds that did not reach the catalog's version. */
const MAX_CATCH_UP_ATTEMPTS = 5;
const round = (n: number) => Math.round(n * 1000) / 1000;
const servingVersionOf = (snapshot: Snapshot): string => (snapshot.vectors ? `${snapshot.version}+ml` : snapshot.version);

/**
 * The search service: one immutable index per catalog version. A catalog change schedules a rebuild
 * (debounced, sliced so requests keep flowing); the old index answers until the new one is swapped in.
 */
export class ToolSearch {
  readonly #catalog: SearchableCatalog;
  readonly #options: ToolSearchOptions;
  #current: Snapshot | undefined;
  #timer: NodeJS.Timeout | undefined;
  #building: Promise<void> | undefined;
  #again = false;
  #closed = false;
  #queryEmbeddingFailing = false;
  readonly #swapListeners: ((version: string, previous: string | undefined, catalogChanged: boolean) => void)[] = [];

  constructor(catalog: SearchableCatalog, options: ToolSearchOptions) {
    this.#catalog = catalog;
    this.#options = options;
  }

  /** Version of the catalog the serving index was built from. */
  get version(): string | undefined {
    return this.#current?.version;
  }

  /**
   * Called after each swap with the new and the replaced serving version (caches drop the old
   * generation); `catalogChanged` is false when only the catalog's embeddings arrived.
   */
  onSwap(listener: (version: string, previous: string | undefined, catalogChanged: boolean) => void): void {
    this.#swapListeners.push(listener);
  }

  /** Builds the first index. */
  async start(): Promise<void> {
    await this.#rebuild();
  }

  /** The catalog changed: rebuild after the debounce, off the request path. */
  catalogChanged(): void {
    if (this.#closed) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#rebuild();
    }, this.#options.debounceMs);
    this.#timer.unref();
  }

  /** Resolves once the serving index matches the catalog's current version. */
  async whenCurrent(): Promise<void> {
    for (let attempt = 0; !this.#closed && this.#current?.version !== this.#catalog.version; attempt++) {
      if (attempt >= MAX_CATCH_UP_ATTEMPTS) throw new Error('the search index could not be rebuilt for the current catalog (see the log)');
      await (this.#building ?? this.#rebuild());
    }
  }

  #rebuild(): Promise<void> {
    if (this.#building) {
      this.#again = true;
      return this.#building;
    }
    const run = this.#rebuildUntilCurrent();
    this.#building = run;
    // Cleared in a later microtask even when the run finished synchronously, so it never outlives itself.
    void run.finally(() => {
      if (this.#building === run) this.#building = undefined;
    });
    return run;
  }

  async #rebuildUntilCurrent(): Promise<void> {
    try {
      do {
        this.#again = false;
        const version = this.#catalog.version;
        if (this.#current?.version === version) continue;
        const docs = this.#catalog.list();
        const started = performance.now();
        const index = await SearchIndex.buildSliced(docs, this.#options.tuning ?? DEFAULT_TUNING, this.#options.sliceMs);
        const previous = this.#current && servingVersionOf(this.#current);
        const snapshot: Snapshot = { index, version, descriptions: new Map(docs.map((d) => [d.name, d.description])), masks: new Map() };
        this.#current = snapshot;
        this.#options.log.debug({ tools: docs.length, version, ms: Math.round(performance.now() - started) }, 'search index built');
        for (const listener of this.#swapListeners) listener(version, previous, true);
        if (this.#options.semantic) void this.#embed(snapshot, docs);
      } while (this.#again && !this.#closed);
    } catch (err) {
      // A failed rebuild keeps the old index serving; the next catalog change tries again.
      this.#options.log.error({ err }, 'search index rebuild failed');
    }
  }

  /** Embeds a snapshot's tools off the request path, then lets it answer with the hybrid. */
  async #embed(snapshot: Snapshot, docs: readonly SearchDocument[]): Promise<void> {
    const byName = new Map(docs.map((doc) => [doc.name, doc]));
    const ordered = snapshot.index.names.map((name) => byName.get(name) as SearchDocument);
    let vectors: VectorIndex | undefined;
    try {
      vectors = await this.#options.semantic?.prepare(ordered);
    } catch (err) {
      // Lexical answers meanwhile; the retry embeds only what is still missing.
      const retryInMs = this.#options.embedRetryMs ?? EMBED_RETRY_MS;
      this.#options.log.error({ err, retryInMs }, 'search: embedding the catalog failed; lexical search answers until a retry succeeds');
      setTimeout(() => {
        if (this.#current === snapshot && !this.#closed) void this.#embed(snapshot, docs);
      }, retryInMs).unref();
      return;
    }
    if (!vectors || this.#current !== snapshot || this.#closed) return;
    const embedded: Snapshot = { ...snapshot, vectors, ids: new Map(snapshot.index.names.map((name, id) => [name, id])) };
    this.#current = embedded;
    for (const listener of this.#swapListeners) listener(servingVersionOf(embedded), servingVersionOf(snapshot), false);
  }

  #snapshot(): Snapshot {
    if (!this.#current) {
      // Only reachable before start() (embedding, tests): build synchronously once.
      const docs = this.#catalog.list();
      this.#current = {
        index: SearchIndex.build(docs, this.#options.tuning ?? DEFAULT_TUNING),
        version: this.#catalog.version,
        descriptions: new Map(docs.map((d) => [d.name, d.description])),
        masks: new Map(),
      };
    }
    return this.#current;
  }

  /** Which index entries a view may see, computed once per view and index. */
  #mask(snapshot: Snapshot, view: SearchView): Uint8Array {
    let mask = snapshot.masks.get(view.key);
    if (!mask) {
      mask = Uint8Array.from(snapshot.index.names, (name) => (view.visible(name) ? 1 : 0));
      if (snapshot.masks.size >= MAX_MASKS) snapshot.masks.clear();
      snapshot.masks.set(view.key, mask);
    }
    return mask;
  }

  /** The index version a search would use now, with its strategy (the cache key part). */
  get servingVersion(): string {
    const snapshot = this.#snapshot();
    // Once the model failed for good, answers are lexical again and must not share the hybrid's entries.
    return this.#options.semantic?.failed ? snapshot.version : servingVersionOf(snapshot);
  }

  status(): SearchStatus {
    const semantic = this.#options.semantic;
    return {
      strategy: semantic ? 'ml' : 'tfidf',
      serving: this.#current?.vectors && !semantic?.failed ? 'ml' : 'tfidf',
      version: this.#current?.version ?? null,
      ...(semantic ? { ml: semantic.status() } : {}),
    };
  }

  /** Ranks with the configured strategy, or lexically while the catalog's embeddings are not ready. */
  async search(request: SearchRequest): Promise<SearchResponse> {
    const snapshot = this.#snapshot();
    const { vectors, ids } = snapshot;
    const semantic = this.#options.semantic;
    if (!vectors || !ids || !semantic || semantic.failed) return this.searchLexical(request);
    let embedding: Promise<Float32Array[]>;
    try {
      embedding = Promise.all(semantic.embedQueries(request.queries));
    } catch (err) {
      if (err instanceof QueryBacklogError) return this.searchLexical(request);
      throw err;
    }
    // The lexical half runs while the worker embeds the queries.
    const mask = this.#mask(snapshot, request.view);
    const allow = (id: number) => mask[id] === 1;
    const lexical = request.queries.map((query) => snapshot.index.search(query, allow));
    let queryVectors: Float32Array[];
    try {
      queryVectors = await embedding;
    } catch (err) {
      // Logged once per run of failures, not once per request.
      if (!this.#queryEmbeddingFailing && !this.#closed) this.#options.log.warn({ err }, 'search: embedding the query failed; answered lexically');
      this.#queryEmbeddingFailing = true;
      return this.#rank(snapshot, request, 'tfidf', (_query, q) => lexical[q] ?? []);
    }
    this.#queryEmbeddingFailing = false;
    return this.#rank(snapshot, request, 'ml', (_query, q, allowed) => fuseHits(lexical[q] ?? [], queryVectors[q] as Float32Array, vectors, ids, snapshot.index.names, allowed));
  }

  /** The lexical index alone: synchronous, for callers that cannot wait (name suggestions). */
  searchLexical(request: SearchRequest): SearchResponse {
    const snapshot = this.#snapshot();
    return this.#rank(snapshot, request, 'tfidf', (query, _q, allow) => snapshot.index.search(query, allow));
  }

  #rank(snapshot: Snapshot, request: SearchRequest, strategy: SearchStrategy, rankQuery: (query: string, q: number, allow: (id: number) => boolean) => RankedTool[]): SearchResponse {
    const mask = this.#mask(snapshot, request.view);
    const allow = (id: number) => mask[id] === 1;
    const merged = new Map<string, { score: number; matched: number[] }>();
    request.queries.forEach((query, q) => {
      for (const hit of rankQuery(query, q, allow)) {
        if (hit.score < request.minScore) continue;
        const entry = merged.get(hit.name);
        if (entry) {
          entry.score = Math.max(entry.score, hit.score);
          entry.matched.push(q);
        } else {
          merged.set(hit.name, { score: hit.score, matched: [q] });
        }
      }
    });
    const ranked = [...merged].sort(([a, x], [b, y]) => y.score - x.score || (a < b ? -1 : 1));
    const several = request.queries.length > 1;
    return {
      total: ranked.length,
      tools: ranked.slice(0, request.topK).map(([name, { score, matched }]) => ({
        name,
        description: snapshot.descriptions.get(name) ?? '',
        score: round(score),
        ...(several ? { matchedQueries: matched } : {}),
      })),
      strategy,
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#options.semantic?.close();
  }
}
