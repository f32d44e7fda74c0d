/**
 * What a tool does to its object, and what a query asks to do: "add a deploy key" wants the tool that
 * creates one, not the three that list, get or delete deploy keys, which share every other word. The
 * verbs that decide are the most common words of a catalog, too common for the lexical stages to weigh,
 * so the action is compared on its own.
 */
import { stem } from './index-build';
import { splitWords } from './tokenize';

/** Verbs that name the same operation, by class. A word may belong to several ("show" one thing or all). */
const CLASSES: Readonly<Record<string, readonly string[]>> = {
  list: ['list', 'enumerate', 'browse', 'show', 'display', 'view'],
  get: ['get', 'fetch', 'retrieve', 'obtain', 'read', 'show', 'display', 'view', 'see', 'describe', 'lookup', 'look'],
  create: ['create', 'add', 'make', 'insert', 'register', 'open'],
  // A change of state is an update of the thing's state ("close issue 99" is `PATCH …/issues/99`).
  update: ['update', 'modify', 'edit', 'change', 'patch', 'set', 'rename', 'replace', 'close', 'reopen', 'archive', 'unarchive', 'dismiss', 'resolve'],
  delete: ['delete', 'remove', 'erase', 'drop', 'destroy', 'purge', 'discard', 'clear'],
  search: ['search', 'find', 'query', 'locate'],
  check: ['check', 'verify', 'validate', 'test'],
  calculate: ['calculate', 'compute', 'calc', 'estimate', 'preview'],
  convert: ['convert', 'transform'],
};

/** A question wants to learn something: any action that changes nothing. */
const READ = ['list', 'get', 'search', 'check', 'calculate', 'convert'];

let classOf: ReadonlyMap<string, readonly string[]> | undefined;
/** stem → the classes it belongs to (built on first use: the stemmer's module imports this one). */
function classesByStem(): ReadonlyMap<string, readonly string[]> {
  if (!classOf) {
    const map = new Map<string, string[]>();
    for (const [name, words] of Object.entries(CLASSES)) {
      for (const word of words) {
        const key = stem(word);
        map.set(key, [...(map.get(key) ?? []), name]);
      }
    }
    classOf = map;
  }
  return classOf;
}

/** A question about existing things reads them: "who starred …", "which teams …", "how many …". */
const QUESTION_WORDS = new Set(['who', 'whom', 'whose', 'what', 'which']);
const HOW_MUCH = new Set(['many', 'much', 'long', 'often']);
/**
 * A yes/no question asks for a check: "is bob a collaborator …", "does alice follow bob?". Not a polite
 * request ("can you …", "do you have …") nor "is there …".
 */
const YES_NO = new Set(['is', 'are', 'was', 'were', 'does', 'do', 'did', 'has', 'have', 'had']);
const NOT_YES_NO_AFTER = new Set(['you', 'there']);

/** The classes of one verb: its curated classes, or the verb itself (`merge`, `star`, `fork`). */
export function actionClasses(verbStem: string): readonly string[] {
  return classesByStem().get(verbStem) ?? [verbStem];
}

/** Whether a stemmed word names an action: a curated verb, or one this catalog's titles start with. */
const isAction = (stemmed: string, catalogVerbs: ReadonlySet<string>) => classesByStem().has(stemmed) || catalogVerbs.has(stemmed);

const DETERMINERS = new Set(['a', 'an', 'the', 'all', 'one', 'your', 'my', 'this', 'that', 'its', 'their', 'every', 'each']);

/**
 * The verbs a tool is named by, stemmed: a title starts with them ("Star a repository", "Create or update
 * a secret"); without a title, the name's first word counts only when it is a known verb
 * (`get_stock_history`, not `batting_average`).
 */
export function toolVerbs(title: string | undefined, localName: string): string[] {
  const titleWords = splitWords(title ?? '');
  if (titleWords.length > 0) {
    const first = stem(titleWords[0] as string);
    // A title may start with its subject instead ("Revenue by day"): an unknown first word is taken for a
    // verb only when an object follows ("Star a repository", "Fork the gist").
    if (!classesByStem().has(first) && !DETERMINERS.has(titleWords[1] ?? '')) return [];
    const verbs = [first];
    let next = 1;
    if ((titleWords[1] === 'or' || titleWords[1] === 'and') && titleWords[2] !== undefined) {
      verbs.push(stem(titleWords[2]));
      next = 3;
    }
    // "Get all repository rulesets" lists them.
    if (titleWords[next] === 'all') verbs.push('list');
    return verbs;
  }
  const first = splitWords(localName)[0];
  return first !== undefined && classesByStem().has(stem(first)) ? [stem(first)] : [];
}

/**
 * The action a query asks for: its first action verb, unless a question word comes first (a question
 * reads). Empty when the query names no action (a bare noun phrase).
 */
export function queryActions(text: string, catalogVerbs: ReadonlySet<string>): readonly string[] {
  const words = splitWords(text);
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    if (i === 0 && YES_NO.has(word) && !NOT_YES_NO_AFTER.has(words[1] ?? '')) return ['check'];
    if (QUESTION_WORDS.has(word)) return READ;
    if (word === 'how' && HOW_MUCH.has(words[i + 1] ?? '')) return READ;
    const stemmed = stem(word);
    if (isAction(stemmed, catalogVerbs)) return actionClasses(stemmed);
  }
  return [];
}

/** Reading one thing or all of them: a catalog may call either `get` ("get_states", "Get all topics"). */
const READS = new Set(['list', 'get']);

/**
 * How far a tool's actions agree with the query's: 1 the same, ½ one read for another, 0 a
 * contradiction. Only a contradiction costs: a tool whose name says no verb (`profile`) may well do
 * what is asked, and so may any tool for a query that names no action.
 */
export function actionAgreement(asked: ReadonlySet<string>, done: readonly string[]): number {
  if (asked.size === 0 || done.length === 0 || done.some((a) => asked.has(a))) return 1;
  return done.some((a) => READS.has(a)) && [...asked].some((a) => READS.has(a)) ? 0.5 : 0;
}
