/**
 * Messages between the search service and its embedding worker thread. Imports nothing, so the worker
 * can share it without loading the front's dependencies.
 */

/** Which packages the worker loads the model from (replaceable so a deployment can pin another copy). */
export interface EmbeddingWorkerData {
  embeddingsModule: string;
  modelModule: string;
}

/** First message from the worker: the model loaded, or why it could not. */
export type EmbeddingWorkerStatus = { kind: 'ready'; model: string; dimensions: number } | { kind: 'failed'; error: string };

export interface EmbedRequest {
  id: number;
  texts: string[];
}

/** `vectors` holds the rows back to back (texts × dimensions), L2-normalised, transferred not copied. */
export type EmbedReply = { id: number; vectors: Float32Array } | { id: number; error: string };
