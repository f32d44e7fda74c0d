import type lunr from 'lunr';
import { actionAgreement, queryActions } from './actions';
import { analyseCatalog, buildNow, buildSliced, FIELDS, stem, wordPairs, type AnalysedCatalog, type Profile, type SearchDocument } from './index-build';
import { splitClauses, splitWords, weightedQueryWords } from './tokenize';
import { FIRST_PERSON, SELF_WORDS, SYNONYMS } from './synonyms';
import { DEFAULT_TUNING, type SearchTuning } from './tuning';

interface PreparedQuery {
  terms: Map<string, number>;
  synonyms: Map<string, number>;
  phrases: Set<string>;
  /** Action classes the query asks for; empty when it names none. */
  actions: Set<string>;
  /** Content words as typed → their stems. */
  forms: Map<string, string>;
}

export interface RankedTool {
  name: string;
  /** 0..1: a blend of lunr's rank and how much of the tool's name, description and the query match. */
  score: number;
}

interface ScoredTool extends RankedTool {
  id: number;
}

const FIELD_NAMES: string[] = [...FIELDS];
const NARROW_FIELDS = ['name', 'title', 'source', 'description'];
const NAME_FIELD = ['name', 'title', 'source'];
/** Document-frequency cut-off never goes below this many tools. */
const SMALL_CATALOG_DF = 50;
/** Bound on the memoised per-term rows (tool, score pairs): about 10 MB. */
const TERM_CACHE_MAX_POSTINGS = 400_000;

/**
 * An immutable index over one snapshot of the catalog, in two stages: lunr (BM25 over name,
 * description and parameters, with synonyms) finds candidates from the query's rarer words; a rerank
 * then scores how much of each candidate's name the query covers and how much of the query the tool
 * covers, which is what separates `calculate_angle` from every other tool that mentions angles.
 * Queries are tokenized here and handed to `idx.query()` as plain terms: `idx.search()` parses user
 * text as lunr syntax and throws on `a:b`.
 */
export class SearchIndex {
  readonly #idx: lunr.Index;
  readonly #names: readonly string[];
  readonly #profiles: readonly Profile[];
  readonly #df: ReadonlyMap<string, number>;
  readonly #nameDf: ReadonlyMap<string, number>;
  readonly #namePostings: ReadonlyMap<string, readonly number[]>;
  /** Scratch per-tool sums for #byName, all zero between calls (search is synchronous). */
  readonly #nameScores: Float64Array;
  readonly #idf: ReadonlyMap<string, number>;
  readonly #synonyms = new Map<string, string[]>();
  readonly #termCache = new Map<string, readonly (readonly [number, number])[]>();
  #termCacheEntries = 0;
  readonly #maxDf: number;
  readonly #wideMaxDf: number;
  readonly #tuning: SearchTuning;
  readonly #nameFloor: number;
  readonly #verbs: ReadonlySet<string>;

  private constructor(analysed: AnalysedCatalog, tuning: SearchTuning) {
    this.#idx = analysed.idx;
    this.#names = analysed.names;
    this.#profiles = analysed.profiles;
    this.#df = analysed.df;
    this.#nameDf = analysed.nameDf;
    this.#namePostings = analysed.namePostings;
    this.#nameScores = new Float64Array(analysed.names.length);
    this.#idf = analysed.idf;
    this.#tuning = tuning;
    this.#verbs = analysed.verbs;
    // In a small catalog every word is cheap to look up, and a 5% cut would drop most of them.
    this.#maxDf = Math.max(SMALL_CATALOG_DF, Math.floor(tuning.maxDocumentFrequency * analysed.names.length));
    this.#wideMaxDf = Math.max(1, Math.floor(tuning.wideMaxDocumentFrequency * analysed.names.length));
    const n = analysed.names.length;
    // idf of a word found in one tool: the most a single name word can weigh in this catalog.
    this.#nameFloor = tuning.nameFloor * Math.log(1 + (n - 1 + 0.5) / 1.5);
  }

  /** Builds in one go (tests, benchmarks, small catalogs). */
  static build(docs: readonly SearchDocument[], tuning: SearchTuning = DEFAULT_TUNING): SearchIndex {
    return new SearchIndex(buildNow(analyseCatalog(docs, tuning)), tuning);
  }

  /** Builds in slices of `sliceMs`, yielding the event loop between them. */
  static async buildSliced(docs: readonly SearchDocument[], tuning: SearchTuning = DEFAULT_TUNING, sliceMs = 10): Promise<SearchIndex> {
    return new SearchIndex(await buildSliced(analyseCatalog(docs, tuning), sliceMs), tuning);
  }

  /** Tool names in index order. */
  get names(): readonly string[] {
    return this.#names;
  }

  #dfOf(term: string): number {
    return this.#df.get(term) ?? 0;
  }

  #nameDfOf(term: string): number {
    return this.#nameDf.get(term) ?? 0;
  }

  get size(): number {
    return this.#names.length;
  }

  #synonymsOf(word: string): string[] {
    // Only curated words are memoised: keying on every word users type would grow without bound.
    if (!SYNONYMS.has(word)) return [];
    let stems = this.#synonyms.get(word);
    if (!stems) {
      const own = stem(word);
      stems = [...new Set((SYNONYMS.get(word) ?? []).map(stem))].filter((s) => s !== own && this.#discriminates(s));
      this.#synonyms.set(word, stems);
    }
    return stems;
  }

  /** Present in the index and rare enough to be worth a lunr clause. */
  #discriminates(term: string): boolean {
    const df = this.#dfOf(term);
    return df > 0 && df <= this.#maxDf;
  }

  /**
   * Every tool matching a query word, best first. A request for several things is ranked clause by
   * clause too, and a tool's score blends its whole-query score with its best clause score, so the
   * second thing asked for is not buried under near-misses of the first. lunr runs once per clause:
   * BM25 adds up over words, so the whole query's lunr score is the sum of its clauses'.
   */
  search(query: string, allow?: (id: number) => boolean): RankedTool[] {
    const clauses = splitClauses(query);
    if (clauses.length < 2) {
      const prepared = this.#prepare(query);
      return this.#rerank(this.#lunr(prepared, allow), prepared).map(({ name, score }) => ({ name, score }));
    }
    const whole: PreparedQuery = { terms: new Map(), synonyms: new Map(), phrases: new Set(), actions: new Set(), forms: new Map() };
    const wholeHits = new Map<number, number>();
    const best = new Map<number, number>();
    for (const clause of clauses) {
      const prepared = this.#prepare(clause);
      const hits = this.#lunr(prepared, allow);
      for (const [id, raw] of hits) wholeHits.set(id, (wholeHits.get(id) ?? 0) + raw);
      for (const [t, w] of prepared.terms) whole.terms.set(t, Math.max(whole.terms.get(t) ?? 0, w));
      for (const [t, w] of prepared.synonyms) whole.synonyms.set(t, Math.max(whole.synonyms.get(t) ?? 0, w));
      for (const p of prepared.phrases) whole.phrases.add(p);
      for (const a of prepared.actions) whole.actions.add(a);
      for (const [w, t] of prepared.forms) whole.forms.set(w, t);
      this.#rerank(hits, prepared).forEach((hit, rank) => {
        const k = this.#tuning.clauseRankK;
        const score = k > 0 ? (hit.score * (k + 1)) / (k + 1 + rank) : hit.score;
        best.set(hit.id, Math.max(best.get(hit.id) ?? 0, score));
      });
    }
    for (const t of whole.terms.keys()) whole.synonyms.delete(t);
    const { clauseWeight } = this.#tuning;
    const wholeScore = new Map(this.#rerank(wholeHits, whole).map((h) => [h.id, h.score]));
    return [...new Set([...wholeScore.keys(), ...best.keys()])]
      .map((id) => ({ id, name: this.#names[id] ?? String(id), score: (1 - clauseWeight) * (wholeScore.get(id) ?? 0) + clauseWeight * (best.get(id) ?? 0) }))
      .sort((a, b) => b.score - a.score)
      .map(({ name, score }) => ({ name, score }));
  }

  /** Query text → weighted stems, synonyms and adjacent pairs. */
  #prepare(text: string): PreparedQuery {
    const { weights: wordWeights, sequence } = weightedQueryWords(text, this.#tuning.quotedWeight);
    for (const pair of this.#joinedPairs(text)) wordWeights.set(pair, Math.max(wordWeights.get(pair) ?? 0, 1));
    // stem → weight: the strongest word that stems to it.
    const terms = new Map<string, number>();
    const synonyms = new Map<string, number>();
    for (const [word, weight] of wordWeights) {
      const term = stem(word);
      if (this.#idf.has(term)) terms.set(term, Math.max(terms.get(term) ?? 0, weight));
      for (const synonym of this.#synonymsOf(word)) synonyms.set(synonym, Math.max(synonyms.get(synonym) ?? 0, weight * this.#tuning.synonymBoost));
    }
    if (splitWords(text).some((w) => FIRST_PERSON.has(w))) {
      for (const term of SELF_WORDS.map(stem)) if (this.#idf.has(term)) synonyms.set(term, Math.max(synonyms.get(term) ?? 0, 1));
    }
    for (const term of terms.keys()) synonyms.delete(term);
    const phrases = new Set<string>();
    const stems = sequence.map(stem);
    wordPairs(stems, this.#tuning.phraseWindow, phrases);
    const forms = new Map(sequence.map((w, i) => [w, stems[i] as string]));
    return { terms, synonyms, phrases, actions: new Set(queryActions(text, this.#verbs)), forms };
  }

  /** Candidate tools by lunr: id → raw BM25 score, the best `candidates` of them. */
  #lunr({ terms, synonyms }: PreparedQuery, allow: ((id: number) => boolean) | undefined): Map<number, number> {
    // Rarest first, until the postings budget is spent: lunr's cost is linear in the tool matches its
    // terms walk, and the rare words are the ones that find the right tool. Words the user typed come
    // first; a common word then joins for the name field only (`search`, `latest` can be most of a
    // name); synonyms last.
    let budget = this.#tuning.maxPostings;
    const afford = (cost: number) => {
      if (cost > budget) return false;
      budget -= cost;
      return true;
    };
    const byDf = (list: Iterable<string>) => [...list].filter((t) => this.#dfOf(t) > 0).sort((a, b) => this.#dfOf(a) - this.#dfOf(b));
    // The rarest word always goes, even when every word is common ("zebra" in 300 zebra tools).
    const [rarest, ...others] = byDf(terms.keys());
    if (rarest !== undefined) budget -= Math.min(this.#dfOf(rarest), budget);
    const lunrTerms = rarest === undefined ? [] : [rarest, ...others.filter((t) => this.#discriminates(t) && afford(this.#dfOf(t)))];
    const nameOnly = [...terms.keys()]
      .filter((t) => !lunrTerms.includes(t) && this.#nameDfOf(t) > 0 && this.#nameDfOf(t) <= this.#maxDf)
      .sort((a, b) => this.#nameDfOf(a) - this.#nameDfOf(b))
      .filter((t) => afford(this.#nameDfOf(t)));
    const synonymTerms = byDf(synonyms.keys()).filter((t) => this.#discriminates(t) && afford(this.#dfOf(t)));
    if (lunrTerms.length === 0 && synonymTerms.length === 0 && nameOnly.length === 0) return new Map(this.#byName(terms, synonyms, allow).map((id) => [id, 0]));
    const scores = new Map<number, number>();
    const accumulate = (term: string, fields: readonly string[], weight: number) => {
      for (const [id, score] of this.#termScores(term, fields)) if (!allow || allow(id)) scores.set(id, (scores.get(id) ?? 0) + weight * score);
    };
    for (const term of lunrTerms) accumulate(term, this.#dfOf(term) <= this.#wideMaxDf ? FIELD_NAMES : NARROW_FIELDS, terms.get(term) ?? 1);
    for (const term of nameOnly) accumulate(term, NAME_FIELD, terms.get(term) ?? 1);
    for (const synonym of synonymTerms) accumulate(synonym, NARROW_FIELDS, synonyms.get(synonym) ?? 0);
    const candidates = new Map([...scores].sort((a, b) => b[1] - a[1]).slice(0, this.#tuning.candidates));
    for (const id of this.#byName(terms, synonyms, allow)) if (!candidates.has(id)) candidates.set(id, 0);
    return candidates;
  }

  /**
   * The tools whose name and title hold the most of the query (idf-weighted), counted over every word:
   * "list my repositories" is all common words, too common for lunr to be sent, yet together they name
   * one tool. Walking a name posting costs a map update, not lunr's ~1.5 µs.
   */
  #byName(terms: ReadonlyMap<string, number>, synonyms: ReadonlyMap<string, number>, allow: ((id: number) => boolean) | undefined): number[] {
    const { nameCandidates } = this.#tuning;
    if (nameCandidates <= 0) return [];
    const scores = this.#nameScores;
    const touched: number[] = [];
    for (const list of [terms, synonyms]) {
      for (const [term, weight] of list) {
        const v = (this.#idf.get(term) ?? 0) * weight;
        for (const id of this.#namePostings.get(term) ?? []) {
          if (scores[id] === 0) touched.push(id);
          scores[id] = (scores[id] ?? 0) + v;
        }
      }
    }
    // The best few of possibly thousands: a short sorted list beats sorting them all.
    const best: number[] = [];
    const scoreOf = (id: number) => scores[id] ?? 0;
    for (const id of touched) {
      const score = scoreOf(id);
      if ((best.length < nameCandidates || score > scoreOf(best[best.length - 1] as number)) && (!allow || allow(id))) {
        let at = best.length;
        while (at > 0 && scoreOf(best[at - 1] as number) < score) at--;
        best.splice(at, 0, id);
        if (best.length > nameCandidates) best.pop();
      }
    }
    for (const id of touched) scores[id] = 0;
    return best;
  }

  /**
   * lunr's BM25 score of every tool for one term over some fields, memoised per index: BM25 adds up
   * over terms, and the words of tool queries repeat, so a query mostly sums cached rows instead of
   * walking postings again (lunr spends ~1.5 µs per posting).
   */
  #termScores(term: string, fields: readonly string[]): readonly (readonly [number, number])[] {
    const key = `${fields.join(',')}\0${term}`;
    let row = this.#termCache.get(key);
    if (!row) {
      row = this.#idx.query((q) => q.term(term, { usePipeline: false, fields: [...fields] })).map((r) => [Number(r.ref), r.score] as const);
      if (this.#termCacheEntries + row.length > TERM_CACHE_MAX_POSTINGS) {
        this.#termCache.clear();
        this.#termCacheEntries = 0;
      }
      this.#termCache.set(key, row);
      this.#termCacheEntries += row.length;
    }
    return row;
  }

  /** Adjacent words that the catalog writes as one (`zip code` → zipcode, `who is` → whois). */
  #joinedPairs(text: string): string[] {
    const raw = splitWords(text);
    const joined: string[] = [];
    for (let i = 0; i + 1 < raw.length; i++) {
      const pair = `${raw[i]}${raw[i + 1]}`;
      if (pair.length >= 4 && this.#idf.has(stem(pair))) joined.push(pair);
    }
    return joined;
  }

  #rerank(hits: ReadonlyMap<number, number>, { terms, synonyms, phrases, actions, forms }: PreparedQuery): ScoredTool[] {
    let top = 0;
    for (const raw of hits.values()) top = Math.max(top, raw);
    // Per query, not per tool: each word's idf × its weight (a synonym counts at its lower weight).
    const typed: [string, number][] = [];
    let queryWeight = 0;
    for (const [t, w] of terms) {
      const v = (this.#idf.get(t) ?? 0) * w;
      typed.push([t, v]);
      queryWeight += v;
    }
    const matchable = new Map<string, number>(typed);
    for (const [t, w] of synonyms) matchable.set(t, (this.#idf.get(t) ?? 0) * w);
    const { weights } = this.#tuning;
    const nameFloor = this.#nameFloor;
    const ranked: ScoredTool[] = [];
    for (const [id, raw] of hits) {
      const profile = this.#profiles[id];
      if (!profile) continue;
      let nameCovered = 0;
      let descriptionCovered = 0;
      for (const t of profile.name) nameCovered += matchable.get(t) ?? 0;
      for (const t of profile.description) descriptionCovered += matchable.get(t) ?? 0;
      let titleCovered = 0;
      for (const t of profile.title) titleCovered += matchable.get(t) ?? 0;
      let queryCovered = 0;
      for (const [t, v] of typed) if (profile.all.has(t)) queryCovered += v;
      let phraseHits = 0;
      for (const p of phrases) if (profile.phrases.has(p)) phraseHits++;
      const { nameWeight, descriptionWeight, titleWeight } = profile;
      // The better of the tool's two statements of what it does: a title ("List pull requests") where a long
      // description (an OpenAPI operation's notes on media types) dilutes the share a query covers; the
      // description where the title only repeats the name ("Mrr (billing)").
      const statement = Math.max(descriptionWeight > 0 ? descriptionCovered / descriptionWeight : 0, titleWeight > 0 ? titleCovered / titleWeight : 0);
      // A name's first word is weaker evidence than a title's (`get_states` may well list them): half the cost.
      const agreement = actionAgreement(actions, profile.actions);
      const action = profile.titled ? agreement : (1 + agreement) / 2;
      // Of the words the query shares with the title, the share written alike: "list the templates" is
      // "Get all templates", not "Get a template".
      let sameForm = 0;
      let sharedForm = 0;
      for (const [word, term] of forms) {
        if (!profile.formStems.has(term)) continue;
        const v = this.#idf.get(term) ?? 0;
        sharedForm += v;
        if (profile.forms.has(word)) sameForm += v;
      }
      const coverage =
        weights.lunr * (top > 0 ? raw / top : 0) +
        weights.name * (nameWeight > 0 ? nameCovered / Math.max(nameWeight, nameFloor) : 0) +
        weights.query * (queryWeight > 0 ? queryCovered / queryWeight : 0) +
        weights.phrase * Math.min(1, phraseHits / 2) +
        weights.description * statement;
      // Action and form only ever cost, when they contradict the query: absent evidence (no verb, no title,
      // no shared word) lifts no tool over another, nor over a candidate only the embeddings found (ml).
      const formAgreement = sharedForm > 0 ? sameForm / sharedForm : 1;
      const score = Math.max(0, coverage - weights.action * (1 - action) - weights.form * (1 - formAgreement));
      ranked.push({ id, name: this.#names[id] ?? String(id), score });
    }
    return ranked.sort((a, b) => b.score - a.score);
  }
}
