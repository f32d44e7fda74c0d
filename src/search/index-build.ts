import lunr from 'lunr';
import { actionClasses, toolVerbs } from './actions';
import { contentWords, queryWords, segmentWord, splitWords } from './tokenize';
import type { SearchTuning } from './tuning';

/** What the index needs to know about a tool. */
export interface SearchDocument {
  name: string;
  description: string;
  inputSchema?: Readonly<Record<string, unknown>>;
  tags?: readonly string[];
  /** A title, when the source gives one (an OpenAPI summary, an MCP tool's title): what the tool does in a few words. */
  annotations?: { readonly title?: string };
}

export const FIELDS = ['name', 'title', 'source', 'description', 'params'] as const;

interface Fields {
  id: string;
  name: string[];
  title: string[];
  /** The source part of the name and the tags. */
  source: string[];
  description: string[];
  params: string[];
}

/** What the rerank needs per tool, all stemmed. */
export interface Profile {
  /** Words of the name as a query would say them (run-together words split). */
  name: readonly string[];
  /** Distinct content words of the description, and of the title (empty without one). */
  description: readonly string[];
  title: readonly string[];
  /** Sum of the idf of the name's words, of the description's and of the title's: the denominators of coverage. */
  nameWeight: number;
  descriptionWeight: number;
  titleWeight: number;
  /** Everything indexed: name, description, parameters. */
  all: ReadonlySet<string>;
  /** Neighbouring word pairs of the name and of the description ("credit card"), order-free. */
  phrases: ReadonlySet<string>;
  /** The words of the title as written, and their stems: "templates" is not "template". Empty without a title. */
  forms: ReadonlySet<string>;
  formStems: ReadonlySet<string>;
  /** What the tool does, as action classes (`create`, `list`, `merge`); empty when its name says no verb. */
  actions: readonly string[];
  /** The actions were read off a title (a sentence that starts with its verb), not guessed from the name. */
  titled: boolean;
}

/** One catalog snapshot, analysed: the lunr index plus what the rerank reads. */
export interface AnalysedCatalog {
  idx: lunr.Index;
  names: string[];
  profiles: Profile[];
  df: Map<string, number>;
  nameDf: Map<string, number>;
  idf: Map<string, number>;
  /** stem → the tools whose name or title has it: finds candidates among words too common for lunr. */
  namePostings: Map<string, number[]>;
  /** Verbs that start two or more titles of this catalog (`star`, `merge`): a query saying one asks for that action. */
  verbs: Set<string>;
}

const STEM_MEMO_MAX = 50_000;
const stemMemo = new Map<string, string>();

/** Porter stem via lunr's stemmer; memoised because query words repeat and the stemmer allocates. */
export function stem(word: string): string {
  let stemmed = stemMemo.get(word);
  if (stemmed === undefined) {
    if (stemMemo.size >= STEM_MEMO_MAX) stemMemo.clear();
    stemmed = lunr.stemmer(new lunr.Token(word, {})).toString();
    stemMemo.set(word, stemmed);
  }
  return stemmed;
}

/** Word pairs at most `window` apart, order-free ("stock price" = "price of a stock"). */
export function wordPairs(words: readonly string[], window: number, into: Set<string>): Set<string> {
  for (let i = 0; i < words.length; i++) {
    for (let j = i + 1; j <= i + window && j < words.length; j++) {
      const a = words[i] as string;
      const b = words[j] as string;
      if (a !== b) into.add(a < b ? `${a} ${b}` : `${b} ${a}`);
    }
  }
  return into;
}

function schemaProperties(schema: Readonly<Record<string, unknown>> | undefined): [string, Record<string, unknown>][] {
  const props = schema?.properties;
  if (!props || typeof props !== 'object') return [];
  return Object.entries(props as Record<string, unknown>).map(([k, v]) => [k, v && typeof v === 'object' ? (v as Record<string, unknown>) : {}]);
}

/**
 * Words of a name, source included (`users:list` is about users). A run-together word is indexed whole
 * and split; coverage counts only the split, since the whole (`gettechdomains`) is a word no query will
 * ever contain.
 */
function nameWordsOf(name: string, vocabulary: ReadonlyMap<string, number>): { source: string[]; indexed: string[]; coverage: string[] } {
  const colon = name.indexOf(':');
  const source = splitWords(name.slice(0, Math.max(colon, 0)));
  const indexed: string[] = [];
  const coverage: string[] = [...source];
  for (const word of contentWords(name.slice(colon + 1))) {
    const parts = segmentWord(word, vocabulary);
    indexed.push(word, ...parts);
    coverage.push(...(parts.length > 0 ? parts : [word]));
  }
  return { source, indexed, coverage };
}

/** The source has a field of its own: shared by every tool of a source, it must not dilute the name. */
function toFields(doc: SearchDocument, id: number, name: { source: string[]; indexed: string[] }): Fields {
  const params = schemaProperties(doc.inputSchema);
  return {
    id: String(id),
    name: [...name.indexed],
    title: queryWords(doc.annotations?.title ?? ''),
    source: [...name.source, ...(doc.tags ?? []).flatMap((t) => splitWords(t))],
    description: queryWords(doc.description),
    params: [
      ...params.flatMap(([key]) => splitWords(key)),
      ...params.flatMap(([, p]) => (typeof p.description === 'string' ? queryWords(p.description) : [])),
    ],
  };
}

const increment = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);

/** Documents analysed between two yields of an incremental build. */
const CHUNK = 100;

/**
 * Analyses a catalog snapshot and builds its lunr index, yielding every CHUNK documents so a rebuild
 * can share the event loop with requests (the old index serves meanwhile). Run to completion with
 * buildNow() or buildSliced().
 */
export function* analyseCatalog(docs: readonly SearchDocument[], tuning: SearchTuning): Generator<void, AnalysedCatalog> {
  // Words of the prose, to split run-together names such as `getchapter`.
  const vocabulary = new Map<string, number>();
  for (const doc of docs) {
    for (const word of splitWords(doc.description)) increment(vocabulary, word);
    for (const [, p] of schemaProperties(doc.inputSchema)) if (typeof p.description === 'string') for (const word of splitWords(p.description)) increment(vocabulary, word);
  }
  yield;
  const builder = new lunr.Builder();
  builder.ref('id');
  for (const field of FIELDS) builder.field(field, { boost: tuning.boosts[field] });
  // Tokens arrive split and stop-word free; only stemming is left to lunr.
  builder.pipeline.add(lunr.stemmer);
  builder.k1(tuning.k1);
  builder.b(tuning.b);
  const profiles: Profile[] = [];
  const df = new Map<string, number>();
  const nameDf = new Map<string, number>();
  const titleVerbs = new Map<string, number>();
  const namePostings = new Map<string, number[]>();
  for (let i = 0; i < docs.length; i++) {
    const doc = docs[i] as SearchDocument;
    const name = nameWordsOf(doc.name, vocabulary);
    const fields = toFields(doc, i, name);
    builder.add(fields);
    const coverage = name.coverage.map(stem);
    const description = contentWords(doc.description).map(stem);
    const title = contentWords(doc.annotations?.title ?? '').map(stem);
    const all = new Set([...fields.name, ...fields.title, ...fields.source, ...fields.description, ...fields.params].map(stem));
    const phrases = wordPairs(title, 1, wordPairs(description, 1, wordPairs(coverage, 1, new Set())));
    const verbs = toolVerbs(doc.annotations?.title, doc.name.slice(doc.name.indexOf(':') + 1));
    if (doc.annotations?.title !== undefined) for (const verb of new Set(verbs)) increment(titleVerbs, verb);
    const actions = [...new Set(verbs.flatMap(actionClasses))];
    const forms = new Set(contentWords(doc.annotations?.title ?? ''));
    const formStems = new Set([...forms].map(stem));
    profiles.push({ name: [...new Set(coverage)], description: [...new Set(description)], title: [...new Set(title)], nameWeight: 0, descriptionWeight: 0, titleWeight: 0, all, phrases, forms, formStems, actions, titled: doc.annotations?.title !== undefined });
    for (const s of all) increment(df, s);
    for (const s of new Set([...fields.name, ...fields.title, ...fields.source].map(stem))) increment(nameDf, s);
    for (const s of new Set([...fields.name, ...fields.title].map(stem))) {
      const postings = namePostings.get(s);
      if (postings) postings.push(i);
      else namePostings.set(s, [i]);
    }
    if (i % CHUNK === CHUNK - 1) yield;
  }
  const n = docs.length;
  // BM25's idf, as lunr computes it, so both stages agree on what a rare word is.
  const idf = new Map([...df].map(([term, count]) => [term, Math.log(1 + Math.abs((n - count + 0.5) / (count + 0.5)))]));
  const weigh = (words: readonly string[]) => words.reduce((sum, w) => sum + (idf.get(w) ?? 0), 0);
  for (const p of profiles) {
    p.nameWeight = weigh(p.name);
    p.descriptionWeight = weigh(p.description);
    p.titleWeight = weigh(p.title);
  }
  yield;
  const verbs = new Set([...titleVerbs].filter(([, count]) => count >= 2).map(([verb]) => verb));
  return { idx: builder.build(), names: docs.map((d) => d.name), profiles, df, nameDf, idf, namePostings, verbs };
}

export function buildNow<T>(steps: Generator<void, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Runs the steps, giving the event loop a turn whenever `sliceMs` of work has passed. */
export async function buildSliced<T>(steps: Generator<void, T>, sliceMs = 10): Promise<T> {
  let sliceStart = performance.now();
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (performance.now() - sliceStart >= sliceMs) {
      await new Promise((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
  }
}
