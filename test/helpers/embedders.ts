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

  constructor(inner: Embedder, options: { hold?: boolean } = {}) {
    this.#inner = inner;
    if (options.hold) this.#held = new Promise((resolve) => (this.#release = resolve));
  }

  start(): Promise<EmbedderInfo> {
    return this.#inner.start();
  }

  async embed(texts: readonly string[], urgent: boolean): Promise<Float32Array[]> {
    if (!urgent) await this.#held;
    (urgent ? this.queryTexts : this.catalogTexts).push(...texts);
    if (urgent) this.queryBatches.push([...texts]);
    return this.#inner.embed(texts, urgent);
  }

  release(): void {
    this.#held = undefined;
    this.#release();
  }

  close(): Promise<void> {
    this.release();
    return this.#inner.close();
  }
}
