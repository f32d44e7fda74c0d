/**
 * What the check adds to the compiler's words: the suggestion it gives, or one of its own when it gives
 * none ("Property 'data' does not exist on type 'UsersListResult'" names no alternative, because 'data'
 * and 'items' are not spelled alike), and the list of fields the type does have.
 */
import { closestNames } from '../text';

const DID_YOU_MEAN = /Did you mean (?:to write )?'(.+?)'\?/;
const MISSING_PROPERTY = /^Property '(.+?)' does not exist on type '(.+?)'\./;
const POSSIBLY_EMPTY = /^'([\w$]+(?:\??\.[\w$]+)+)' is possibly '(null|undefined|null' or 'undefined)'\./;

/** Words models use for "the list in this page"; a type that has exactly one of them most likely means it. */
const COLLECTION_NAMES: ReadonlySet<string> = new Set(['data', 'items', 'results', 'result', 'records', 'rows', 'list', 'entries', 'values', 'elements', 'objects', 'nodes', 'edges', 'hits', 'docs', 'documents', 'content', 'collection', 'members', 'array', 'page', 'payload', 'body', 'response']);
const ARRAY_MEMBERS: ReadonlySet<string> = new Set(['map', 'filter', 'forEach', 'find', 'findIndex', 'reduce', 'some', 'every', 'slice', 'flatMap', 'sort', 'toSorted', 'includes', 'join', 'at', 'indexOf', 'length', 'push', 'concat', 'entries', 'keys', 'values']);
const LISTED_MAX = 12;

export interface Advice {
  /** The compiler's message, completed with a suggestion and the type's fields where that helps. */
  message: string;
  suggestion?: string;
}

/** What the compiler's message already suggests: `'status'` from "Did you mean to write 'status'?". */
export function compilerSuggestion(message: string): string | undefined {
  return DID_YOU_MEAN.exec(message)?.[1];
}

/**
 * A property that does not exist: a missing `await` when the value is a Promise, the compiler's spelling
 * suggestion, a close spelling, or the one collection field when the script used another word for it
 * (`data` for `items`), or the array method's field (`page.map` → `page.items.map`).
 */
export function missingPropertyAdvice(message: string, properties: readonly string[] | undefined): Advice {
  const found = MISSING_PROPERTY.exec(message);
  if (!found) return { message };
  const [, name, typeName] = found as unknown as [string, string, string];
  if (typeName.startsWith('Promise<')) {
    return { message: `${message} Did you forget to use 'await'? callTool returns a Promise: (await callTool(…)).${name}.`, suggestion: 'await' };
  }
  const fromCompiler = compilerSuggestion(message);
  if (fromCompiler !== undefined || !properties || properties.length === 0) return { message, ...(fromCompiler !== undefined ? { suggestion: fromCompiler } : {}) };
  const fields = properties.filter((p) => !p.startsWith('__'));
  const listed = `${shortType(typeName)} has ${fields.slice(0, LISTED_MAX).map((p) => `'${p}'`).join(', ')}${fields.length > LISTED_MAX ? ` and ${fields.length - LISTED_MAX} more` : ''}.`;
  const collections = fields.filter((p) => COLLECTION_NAMES.has(p.toLowerCase()));
  let suggestion = closestNames(name, fields, 1)[0];
  if (suggestion === undefined && collections.length === 1) {
    if (COLLECTION_NAMES.has(name.toLowerCase())) suggestion = collections[0];
    else if (ARRAY_MEMBERS.has(name)) suggestion = `${collections[0]}.${name}`;
  }
  return { message: `${message}${suggestion !== undefined ? ` Did you mean '${suggestion}'?` : ''} ${listed}`, ...(suggestion !== undefined ? { suggestion } : {}) };
}

/** A field the tool may leave out, read without a check. */
export function possiblyEmptyAdvice(message: string): Advice | undefined {
  const found = POSSIBLY_EMPTY.exec(message);
  if (!found) return undefined;
  const expression = found[1]!;
  return { message: `${message} The tool may leave it out: check it first, or read it as ${expression}?.… or ${expression} ?? a default.`, suggestion: `${expression}?.` };
}

/** A long anonymous type in a message is shown by its start only. */
function shortType(typeName: string): string {
  return typeName.length > 60 ? `'${typeName.slice(0, 57)}…'` : `'${typeName}'`;
}
