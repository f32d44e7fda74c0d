/**
 * Worker-thread entry for the `ml` search strategy: loads the sentence-embedding model once and embeds
 * batches of texts on request, so the seconds of CPU a catalog costs never block the front's event loop.
 *
 * Imports: node built-ins and the type-only protocol; the model packages are optional dependencies,
 * loaded by name at run time so a missing package becomes a reported failure, not a crash.
 */
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import type { EmbedReply, EmbedRequest, EmbeddingWorkerData, EmbeddingWorkerStatus } from '../src/search/semantic/embedding-protocol';

interface LoadedModel {
  embed(texts: string[]): Promise<number[][]>;
}

const port = parentPort;
const loadPackage = createRequire(__filename);
const settings = workerData as EmbeddingWorkerData;

function packageVersion(name: string): string {
  try {
    return (loadPackage(`${name}/package.json`) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

async function loadModel(): Promise<{ model: LoadedModel; id: string; dimensions: number }> {
  const embeddings = loadPackage(settings.embeddingsModule) as { initModel(source: unknown): Promise<LoadedModel> };
  const weights = loadPackage(settings.modelModule) as { modelSource: unknown };
  let core: { enableProdMode(): void; ready(): Promise<void> } | undefined;
  try {
    core = loadPackage('@energetic-ai/core') as typeof core;
  } catch {
    // Another model package may not bundle tfjs this way; what follows is only speed and start-up order.
  }
  // Skips tfjs debug checks on every op: ~8 % faster per query, and nothing here reads them.
  core?.enableProdMode();
  // The package starts its WebAssembly backend at load without waiting for it; on a busy machine the
  // first embedding could otherwise run before it is up ("Backend 'wasm' has not yet been initialized").
  await core?.ready();
  const model = await embeddings.initModel(weights.modelSource);
  const probe = await embedRows(model, ['probe']);
  return { model, id: `${settings.modelModule}@${packageVersion(settings.modelModule)}`, dimensions: probe[0]?.length ?? 0 };
}

async function embedRows(model: LoadedModel, texts: string[]): Promise<number[][]> {
  // The model drops a row for an empty string; a space embeds as "nothing" and keeps rows aligned.
  const rows = await model.embed(texts.map((t) => (t.trim() === '' ? ' ' : t)));
  if (rows.length !== texts.length) throw new Error(`the model returned ${rows.length} vectors for ${texts.length} texts`);
  return rows;
}

function normalised(rows: number[][], dimensions: number): Float32Array {
  const out = new Float32Array(rows.length * dimensions);
  rows.forEach((row, r) => {
    let norm = 0;
    for (const v of row) norm += v * v;
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let d = 0; d < dimensions; d++) out[r * dimensions + d] = (row[d] ?? 0) * scale;
  });
  return out;
}

async function main(): Promise<void> {
  if (!port) return;
  let loaded: Awaited<ReturnType<typeof loadModel>>;
  try {
    loaded = await loadModel();
  } catch (err) {
    const status: EmbeddingWorkerStatus = { kind: 'failed', error: err instanceof Error ? err.message : String(err) };
    port.postMessage(status);
    return;
  }
  const status: EmbeddingWorkerStatus = { kind: 'ready', model: loaded.id, dimensions: loaded.dimensions };
  port.postMessage(status);
  // One request at a time: the model is single-threaded, and the parent orders requests by priority.
  port.on('message', (request: EmbedRequest) => {
    embedRows(loaded.model, request.texts).then(
      (rows) => {
        const vectors = normalised(rows, loaded.dimensions);
        const reply: EmbedReply = { id: request.id, vectors };
        port.postMessage(reply, [vectors.buffer as ArrayBuffer]);
      },
      (err: unknown) => {
        const reply: EmbedReply = { id: request.id, error: err instanceof Error ? err.message : String(err) };
        port.postMessage(reply);
      },
    );
  });
}

void main();
