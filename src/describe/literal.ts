/**
 * Identifier and literal rendering shared by the TypeScript emitter and the example generator. Names and
 * values come from upstream servers, so everything here escapes rather than trusts.
 */
import { wordsAsWritten } from '../search';

/** ASCII only: every TS/JS version accepts these, whereas Unicode identifier tables differ between versions. */
export const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Words that cannot name a type, variable or interface (keywords, strict-mode words, TS built-in type names). */
const RESERVED: ReadonlySet<string> = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally for function ' +
    'if import in instanceof new null return super switch this throw true try typeof var void while with implements ' +
    'interface let package private protected public static yield await async arguments eval any boolean number string ' +
    'symbol bigint object never unknown undefined declare module namespace of get set is keyof readonly infer unique ' +
    'abstract as asserts satisfies accessor out override intrinsic require global type from constructor'
  ).split(' '),
);

export const isReservedWord = (word: string): boolean => RESERVED.has(word);

/** Strings as single-quoted literals (valid in both JS and TS), with every escape JSON would apply. */
export function singleQuote(text: string): string {
  const json = JSON.stringify(text);
  const body = json.slice(1, -1).replace(/\\(.)|'/g, (m: string, escaped?: string) => (escaped === '"' ? '"' : escaped !== undefined ? m : "\\'"));
  return `'${body.replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029')}'`;
}

/** JSON string escaping; line/paragraph separators escaped too because older parsers end a line there. */
export function jsonQuote(text: string): string {
  return JSON.stringify(text).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** A property name for an interface member: bare when it is an identifier, JSON-quoted otherwise. */
export function tsPropertyKey(key: string): string {
  return IDENTIFIER.test(key) ? key : jsonQuote(key);
}

/**
 * A property name in a JS object literal. `__proto__` written bare or quoted sets the prototype instead
 * of a property, so it is the one key that must be computed.
 */
export function jsPropertyKey(key: string): string {
  if (key === '__proto__') return `['__proto__']`;
  return IDENTIFIER.test(key) ? key : singleQuote(key);
}

/** `r.items` or `r['line-items']`. */
export function memberAccess(object: string, key: string): string {
  return IDENTIFIER.test(key) ? `${object}.${key}` : `${object}[${singleQuote(key)}]`;
}

/** PascalCase of a name's words, ASCII letters and digits only, prefixed when it would start with a digit. */
export function pascalCase(name: string, fallback: string): string {
  let out = '';
  for (const word of wordsAsWritten(name)) {
    const ascii = word.replace(/[^a-z0-9]/g, '');
    if (ascii) out += ascii.charAt(0).toUpperCase() + ascii.slice(1);
  }
  if (!out) out = fallback;
  return /^[0-9]/.test(out) ? `_${out}` : out;
}

/** A usable type name from anything a caller passes: kept when already valid, rebuilt otherwise. */
export function safeTypeName(name: string): string {
  const base = IDENTIFIER.test(name) ? name : pascalCase(name, 'Schema');
  return RESERVED.has(base) ? `${base}_` : base;
}

/**
 * A JSON value as a JS literal, or undefined when it is too large, too deep or not JSON (cycles,
 * functions). Bounded so a hostile `default` cannot make an example unreadable or slow.
 */
export function jsLiteral(value: unknown, maxChars = 160, maxDepth = 4): string | undefined {
  let budget = maxChars;
  const seen = new Set<object>();
  const render = (v: unknown, depth: number): string | undefined => {
    if (budget < 0 || depth > maxDepth) return undefined;
    let text: string | undefined;
    if (v === null) text = 'null';
    else if (typeof v === 'string') text = singleQuote(v);
    else if (typeof v === 'number') text = Number.isFinite(v) ? (Object.is(v, -0) ? '0' : String(v)) : undefined;
    else if (typeof v === 'boolean') text = String(v);
    else if (typeof v === 'object') {
      if (seen.has(v)) return undefined;
      seen.add(v);
      const parts: string[] = [];
      if (Array.isArray(v)) {
        for (const item of v) {
          const part = render(item, depth + 1);
          if (part === undefined) return undefined;
          budget -= 2;
          parts.push(part);
        }
        text = `[${parts.join(', ')}]`;
      } else {
        for (const key of Object.keys(v)) {
          const part = render((v as Record<string, unknown>)[key], depth + 1);
          if (part === undefined) return undefined;
          const entry = `${jsPropertyKey(key)}: ${part}`;
          budget -= entry.length - part.length + 2;
          parts.push(entry);
        }
        text = parts.length === 0 ? '{}' : `{ ${parts.join(', ')} }`;
      }
      seen.delete(v);
    }
    if (text === undefined) return undefined;
    // Containers only pay for their own punctuation: their items were charged already.
    budget -= typeof v === 'object' && v !== null ? 2 : text.length;
    return budget < 0 ? undefined : text;
  };
  return render(value, 0);
}

/** Compact JSON for a hint in a comment, or undefined when it does not fit. */
export function shortJson(value: unknown, maxChars: number): string | undefined {
  if (typeof value === 'string') return value.length <= maxChars ? jsonQuote(value) : undefined;
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = jsLiteral(value, maxChars, 3);
  return text === undefined ? undefined : text;
}
