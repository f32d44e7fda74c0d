export { SearchIndex } from './search-index';
export type { RankedTool } from './search-index';
export type { SearchDocument } from './index-build';
export { DEFAULT_TUNING } from './tuning';
export type { SearchTuning } from './tuning';
export { splitWords, contentWords, queryWords, weightedQueryWords, segmentWord, splitClauses, STOP_WORDS } from './tokenize';
export { SYNONYMS, buildSynonymMap } from './synonyms';
export { ToolSearch } from './tool-search';
export type { SearchableCatalog, SearchView, SearchRequest, SearchHit, SearchResponse, ToolSearchOptions } from './tool-search';
