import type { Embedder, EmbedderInfo } from '../../src/search';

/**
 * Wraps a real embedder and records what it was asked to embed: catalog texts (background) apart from
 * queries (urgent). With `hold`, catalog batches wait until release(), so a test can observe the service
 * while a catalog is still being embedded.
 */
export class RecordingEmbedder implements Embedder {
  readonly catalogTexts: string[] = [];
  readonly queryTexts: string[] = [];
  /** Each urgent request's texts, as sent. */
  readonly queryBatches: string[][] = [];
  readonly #inner: Embedder;
  #held: Promise<void> | undefined;
  #release: () => void = () => undefined;
  #heldQueries: Promise<void> | undefined;
  #releaseQueries: () => void = () => undefined;

  /** `hold` holds catalog batches, `holdQueries` queries, until release() / releaseQueries(). */
  constructor(inner: Embedder, options: { hold?: boolean; holdQueries?: boolean } = {}) {
    this.#inner = inner;
    if (options.hold) this.#held = new Promise((resolve) => (this.#release = resolve));
    if (options.holdQueries) this.#heldQueries = new Promise((resolve) => (this.#releaseQueries = resolve));
  }

  start(): Promise<EmbedderInfo> {
    return this.#inner.start();
  }

  async embed(texts: readonly string[], urgent: boolean): Promise<Float32Array[]> {
    if (!urgent) await this.#held;
    else if (this.#heldQueries) await this.#heldQueries;
    (urgent ? this.queryTexts : this.catalogTexts).push(...texts);
    if (urgent) this.queryBatches.push([...texts]);
    return this.#inner.embed(texts, urgent);
  }

  release(): void {
    this.#held = undefined;
    this.#release();
  }

  releaseQueries(): void {
    this.#heldQueries = undefined;
    this.#releaseQueries();
  }

  close(): Promise<void> {
    this.release();
    this.releaseQueries();
    return this.#inner.close();
  }
}
