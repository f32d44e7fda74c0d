export { SearchIndex } from './search-index';
export type { SearchDocument } from './index-build';
export { DEFAULT_TUNING } from './tuning';
export type { SearchTuning } from './tuning';
export { splitWords, wordsAsWritten, contentWords, queryWords, weightedQueryWords, segmentWord, splitClauses } from './tokenize';
export { ToolSearch } from './tool-search';
export type { SearchableCatalog, SearchView, SearchResponse, SearchStrategy } from './tool-search';
export { WorkerEmbedder, DiskEmbeddingStore, RedisEmbeddingStore, SemanticSearch, VectorIndex, embeddingText, fuseHits, measureRecall, loadUsearch, HYBRID } from './semantic';
export type { Embedder, EmbedderInfo } from './semantic';
