/** Field weights and ranking knobs; the defaults are tuned on the bundled benchmark (see docs/performance.md). */
export interface SearchTuning {
  /** lunr field boosts; `source` holds the source part of the name and the tags, `title` the tool's title if it has one. */
  boosts: { name: number; title: number; source: number; description: number; params: number };
  /** BM25 term-frequency saturation and length normalisation. */
  k1: number;
  b: number;
  /** Weight of a synonym relative to the word the user typed. */
  synonymBoost: number;
  /**
   * Query words found in more than this share of tools do not go to lunr (they cost the most and
   * separate the least); the rerank still counts them.
   */
  maxDocumentFrequency: number;
  /** Query words in more tools than this share are matched against name and description only, not parameters. */
  wideMaxDocumentFrequency: number;
  /**
   * Most tool matches the lunr stage may walk per clause (sum of the document frequencies of the words
   * it sends, rarest first): bounds the cost of a pasted paragraph.
   */
  maxPostings: number;
  /** lunr hits reranked by coverage. */
  candidates: number;
  /** Tools whose name and title hold the most of the query, reranked too: found over words too common for lunr. */
  nameCandidates: number;
  /**
   * Final score: the blend of lunr's score (relative to the best hit), how much of the name and of the
   * title or description the query covers, how much of the query the tool covers and shared word pairs
   * (these five weights sum to 1, so scores stay in 0..1), less `action` when the tool does another action
   * than the one asked for and less `form` when the words it shares with its title are written otherwise
   * ("templates" against "template").
   */
  weights: { lunr: number; name: number; query: number; phrase: number; description: number; action: number; form: number };
  /** Within a clause, the n-th hit's score is scaled by (k+1)/(k+1+n): each clause's best stands out. */
  clauseRankK: number;
  /** How far apart two query words may be to count as a phrase the tool also uses. */
  phraseWindow: number;
  /** Weight of words inside quotes: mostly argument values, not what the tool does. */
  quotedWeight: number;
  /**
   * Least idf mass a name is credited with, as a multiple of the rarest word's idf: a one-word name
   * such as `today` is not fully matched by every query that says "today".
   */
  nameFloor: number;
  /** Share of a multi-clause query's score that comes from the tool's best clause. */
  clauseWeight: number;
}

export const DEFAULT_TUNING: SearchTuning = {
  boosts: { name: 2, title: 2, source: 1, description: 1, params: 0.4 },
  k1: 1.2,
  b: 0.75,
  synonymBoost: 0.35,
  maxDocumentFrequency: 0.05,
  wideMaxDocumentFrequency: 0.01,
  maxPostings: 1000,
  candidates: 60,
  nameCandidates: 30,
  weights: { lunr: 0.25, name: 0.15, query: 0.17, phrase: 0.22, description: 0.21, action: 0.125, form: 0.125 },
  quotedWeight: 0.3,
  phraseWindow: 1,
  clauseRankK: 1,
  clauseWeight: 0.5,
  nameFloor: 0.9,
};
