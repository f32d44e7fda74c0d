/**
 * Our own tokenizer for tool names, descriptions and queries. lunr's default splits on whitespace and
 * hyphens only, so `users:list_active` would be one token and `getUserById` another; tool names carry most
 * of the signal, so they are split on `:` `_` `-` `.` and camelCase before anything reaches lunr.
 */

/**
 * Words that carry no signal in a tool query ("how do I get the list of …"). Close to lunr's list, minus
 * words that name operations (`get`, `set`, `new`, `all`): in a tool catalog those are content.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a able about across after also am among an and any are as at be because been but by can cannot could dear did do does ' +
    'either else ever every for from got had has have he her hers him his how however i if in into is it its just least ' +
    'let like likely may me might most must my neither no nor not of off often on only or other our own rather said say ' +
    'says she should since so some than that the their them then there these they this tis to too twas us wants was we ' +
    'were what when where which while who whom why will with would yet you your please give want need using use used ' +
    'provide tell know help'
  ).split(' '),
);

// Lower→Upper ("getUser"), acronym→Word ("HTTPServer") but not an acronym's plural ("PRs", "URLs"),
// letter↔digit is kept together ("t3ma", "v2").
const CAMEL_BOUNDARY = /([a-z0-9])([A-Z])|([A-Z])([A-Z](?!s\b)[a-z])/g;
const WORD = /[\p{L}\p{N}]+/gu;

/**
 * Short forms API names and users both write, and the words they stand for. Both sides of the index
 * are spelled out, so `repos/list-for-org` and "repositories of an organization" meet on the same words
 * at full weight (a synonym would count less). Only unambiguous shortenings belong here.
 */
const ABBREVIATIONS: ReadonlyMap<string, readonly string[]> = new Map(
  Object.entries({
    pr: ['pull', 'request'],
    prs: ['pull', 'requests'],
    repo: ['repository'],
    repos: ['repositories'],
    org: ['organization'],
    orgs: ['organizations'],
    env: ['environment'],
    envs: ['environments'],
    config: ['configuration'],
    configs: ['configurations'],
    stats: ['statistics'],
    info: ['information'],
  }),
);

/** Splits any text into lower-case words as written: separators, punctuation and camelCase boundaries all split. */
export function wordsAsWritten(text: string): string[] {
  const spaced = text.replace(CAMEL_BOUNDARY, (_m, a?: string, b?: string, c?: string, d?: string) => (a !== undefined ? `${a} ${b}` : `${c} ${d}`));
  return [...spaced.matchAll(WORD)].map((match) => match[0].toLowerCase());
}

/** The words of a text for search: as written, with short forms spelled out (`repo` is `repository`). */
export function splitWords(text: string): string[] {
  return wordsAsWritten(text).flatMap((word) => ABBREVIATIONS.get(word) ?? [word]);
}

/** Words minus stop words and one-letter noise; digits-only words are kept (`404`, `2fa` style ids matter). */
export function contentWords(text: string): string[] {
  return splitWords(text).filter((w) => (w.length > 1 || /\d/.test(w)) && !STOP_WORDS.has(w));
}

/**
 * Query words: like contentWords, but a camelCase or ALLCAPS-mixed word also counts whole ("WhoIS" is
 * `whois` as well as `who` `is`), because people type product names the way they are spelled.
 */
export function queryWords(text: string): string[] {
  const words: string[] = [];
  for (const match of text.matchAll(WORD)) {
    const raw = match[0];
    const parts = contentWords(raw);
    const whole = raw.toLowerCase();
    if ((parts.length !== 1 || parts[0] !== whole) && !ABBREVIATIONS.has(whole)) {
      if (whole.length > 1 && !STOP_WORDS.has(whole)) words.push(whole);
    }
    words.push(...parts);
  }
  return words;
}

const MIN_PART = 2;
const MAX_PARTS = 4;

/**
 * Splits a run-together word into known words (`gettechdomains` → get tech domains) when it is not a
 * known word itself. Among the splits into the fewest parts, the one whose parts are most frequent
 * wins. Returns [] when no split exists.
 */
export function segmentWord(word: string, frequency: ReadonlyMap<string, number>): string[] {
  if (word.length < 2 * MIN_PART + 1 || frequency.has(word) || /\d/.test(word)) return [];
  // best[i]: best split of word.slice(0, i) as [parts, score]
  const best: ([string[], number] | undefined)[] = [[[], 0]];
  for (let end = MIN_PART; end <= word.length; end++) {
    for (let start = Math.max(0, end - 24); start <= end - MIN_PART; start++) {
      const prev = best[start];
      const part = word.slice(start, end);
      const count = frequency.get(part);
      if (!prev || count === undefined || prev[0].length >= MAX_PARTS) continue;
      const candidate: [string[], number] = [[...prev[0], part], prev[1] + Math.log(count + 1)];
      const current = best[end];
      if (!current || candidate[0].length < current[0].length || (candidate[0].length === current[0].length && candidate[1] > current[1])) best[end] = candidate;
    }
  }
  const split = best[word.length];
  return split && split[0].length > 1 ? split[0] : [];
}

// A sentence end is punctuation before a capital (so "Apple Inc. on" stays one clause).
const SENTENCE_END = /[.?!;]+(?=\s+[A-Z("']|\s*$)/;
// The joins people use to chain requests: "…, and also …", "Additionally, …", "… and the …", "… and get …".
const JOIN = new RegExp(
  [
    String.raw`,?\s*\b(?:and\s+)?(?:also|additionally|furthermore|moreover|then|finally|plus|as well as|after that|besides)\b,?`,
    String.raw`\band\s+(?=(?:the|an?|my|its|their|get|fetch|find|retrieve|search|list|show|calculate|compute|check|create|convert|generate|look|provide|tell|give|what|how|which|who|where|when|explain|extract|replace|validate|verify|translate|send|compare|analy[sz]e|predict|estimate|determine|identify|count|sort|download|upload|update|delete|remove|add|make|lookup)\b)`,
  ].join('|'),
  'i',
);

/**
 * Splits a request that asks for several things into its clauses, so each asked-for tool can rank
 * first for its own clause. Clauses without content words are dropped; a single clause means no split.
 */
export function splitClauses(text: string): string[] {
  return text
    .split(SENTENCE_END)
    .flatMap((sentence) => sentence.split(JOIN))
    .map((c) => (c ?? '').trim())
    .filter((c) => contentWords(c).length > 0);
}

// A quoted value: the quote opens after a space or bracket and closes before one, so "I'm" is no quote.
const QUOTED = /(^|[\s([{,:=])(['"‘“])(.+?)(?:['"’”])(?=$|[\s)\]}.,;:!?])/g;

/**
 * Query words with weights: words inside quotes are usually argument values ('Inception',
 * 'test@example.com'), not what the tool does, so they count `quotedWeight`; bare numbers are values
 * too and are dropped. Also returns the content words in order, for phrase matching.
 */
export function weightedQueryWords(text: string, quotedWeight: number): { weights: Map<string, number>; sequence: string[] } {
  const weights = new Map<string, number>();
  const sequence: string[] = [];
  const add = (word: string, weight: number) => {
    if (/^\d+$/.test(word)) return;
    weights.set(word, Math.max(weights.get(word) ?? 0, weight));
  };
  let last = 0;
  const plain = (segment: string) => {
    for (const word of queryWords(segment)) add(word, 1);
    sequence.push(...contentWords(segment).filter((w) => !/^\d+$/.test(w)));
  };
  for (const match of text.matchAll(QUOTED)) {
    const start = (match.index ?? 0) + (match[1] ?? '').length;
    plain(text.slice(last, start));
    for (const word of queryWords(match[3] ?? '')) add(word, quotedWeight);
    last = (match.index ?? 0) + match[0].length;
  }
  plain(text.slice(last));
  return { weights, sequence };
}
