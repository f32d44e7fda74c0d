import { createRequire } from 'node:module';
import { Parser, parse as acornParse, type Comment, type Node, type Options } from 'acorn';
import type { tsPlugin as TsPlugin } from '@sveltejs/acorn-typescript' with { 'resolution-mode': 'import' };
import { ERROR_CODES } from '../errors';
import type { GateViolation } from './types';
import { snippetAt } from './source-location';

/**
 * Scripts are parsed as module code: strict mode (as they will run), top-level `await` allowed, and
 * `allowReturnOutsideFunction` so a bare `return x` ends the script with a value. Nothing is wrapped
 * textually, so offsets (and acorn's error locations) are already the caller's own.
 *
 * JavaScript first: a script that parses as JavaScript runs as JavaScript. Only a script that does not
 * is parsed again as TypeScript (acorn with the TypeScript plugin), so plain scripts never pay for it.
 */
const PARSE_OPTIONS: Options = Object.freeze({
  ecmaVersion: 'latest',
  sourceType: 'module',
  allowReturnOutsideFunction: true,
  allowAwaitOutsideFunction: true,
  // A `#!` first line is harmless: the gate turns it into a comment (compile.ts).
  allowHashBang: true,
  // Locations are derived from offsets only where needed; tracking them for every node costs parse time.
  locations: false,
});

/** The TypeScript plugin needs locations (it reads them to decide where a line break ends a type). */
const TS_PARSE_OPTIONS: Options = Object.freeze({ ...PARSE_OPTIONS, locations: true });

// The plugin ships as an ES module only; Node (>= 20.19) loads it with require(), and so does jest's loader.
const loadModule = createRequire(__filename);
let typeScriptParser: typeof Parser | undefined;
const tsParser = (): typeof Parser => (typeScriptParser ??= withFastWords(Parser.extend((loadModule('@sveltejs/acorn-typescript') as { tsPlugin: typeof TsPlugin }).tsPlugin())));

/** The parts of acorn's tokenizer (not in its typings) that `readWord` uses. */
interface TokenizerInternals {
  keywords: RegExp;
  readWord1(): string;
  finishToken(type: unknown, value: string): void;
}

/**
 * The plugin's `readWord` builds a new RegExp for every identifier it reads (a fifth of a TypeScript
 * parse, measured): the same logic with the plugin's own, already compiled keyword pattern.
 */
function withFastWords(base: typeof Parser): typeof Parser {
  const { keywordsRegExp, tokTypes: tsTokTypes } = (base as unknown as { acornTypeScript: { keywordsRegExp: RegExp; tokTypes: Record<string, unknown> } }).acornTypeScript;
  const { tokTypes, keywordTypes } = loadModule('acorn') as { tokTypes: Record<string, unknown>; keywordTypes: Record<string, unknown> };
  const Base = base as unknown as new (...args: unknown[]) => TokenizerInternals;
  class FastWords extends Base {
    readWord(): void {
      const word = this.readWord1();
      const type = this.keywords.test(word) ? keywordTypes[word] : keywordsRegExp.test(word) ? tsTokTypes[word] : tokTypes.name;
      this.finishToken(type, word);
    }
  }
  return FastWords as unknown as typeof Parser;
}

export type Language = 'javascript' | 'typescript';

export type ParseResult = { ok: true; ast: Node; language: Language; comments?: Comment[] } | { ok: false; violation: GateViolation; offset: number };

interface AcornSyntaxError extends SyntaxError {
  loc?: { line: number; column: number };
  pos?: number;
  raisedAt?: number;
}

/**
 * Parses as JavaScript, or as TypeScript when `language` says so. `comments` collects comments (the gate
 * needs them only for the rare script whose comments hold text SES refuses).
 */
export function parseAs(source: string, language: Language, comments?: Comment[]): ParseResult {
  // The plugin writes `locations` into the options it gets, so each call gets its own copy.
  const options: Options = { ...(language === 'typescript' ? TS_PARSE_OPTIONS : PARSE_OPTIONS), ...(comments ? { onComment: comments } : {}) };
  try {
    const ast = language === 'typescript' ? tsParser().parse(source, options) : acornParse(source, options);
    return { ok: true, ast, language, ...(comments ? { comments } : {}) };
  } catch (err) {
    return syntaxFailure(source, err as AcornSyntaxError, language);
  }
}

/**
 * JavaScript first, then TypeScript. On two failures, the TypeScript error only when that parse got
 * clearly further (past the token JavaScript stopped at): a script with a plain typo gets the JavaScript
 * error, one that is TypeScript gets the error after its types.
 */
export function parseScript(source: string, comments?: Comment[]): ParseResult {
  const js = parseAs(source, 'javascript', comments);
  if (js.ok) return js;
  if (comments) comments.length = 0;
  const ts = parseAs(source, 'typescript', comments);
  if (ts.ok || ts.offset > js.offset + 2) return ts;
  return js;
}

function syntaxFailure(source: string, e: AcornSyntaxError, language: Language): ParseResult & { ok: false } {
  if (!(e instanceof SyntaxError)) throw e;
  const line = e.loc?.line;
  const column = e.loc?.column;
  // acorn appends " (line:column)"; we report the location in fields instead.
  let message = String(e.message).replace(/\s*\(\d+:\d+\)$/, '');
  const at = e.pos ?? e.raisedAt ?? 0;
  if (/^Unexpected token$/.test(message)) {
    // Say what was found, or that the script ended while something was still open.
    message = at >= source.trimEnd().length ? 'Unexpected end of the script: a block, call, array, object or string is not closed' : `Unexpected token ${JSON.stringify(source.slice(at, at + 1))}`;
  }
  const asTs = language === 'typescript' ? ' (read as TypeScript: only syntax that carries types is removed)' : '';
  return {
    ok: false,
    offset: at,
    violation: {
      code: 'SYNTAX_ERROR',
      rule: 'syntax',
      message: line !== undefined ? `${message} at line ${line}, column ${column}${asTs}` : `${message}${asTs}`,
      ...(line !== undefined ? { line, column, snippet: snippetAt(source, line) } : {}),
      hint: ERROR_CODES.SYNTAX_ERROR.hint,
    },
  };
}
