import { ERROR_CODES } from '../errors';
import type { GateLimits, GateViolation } from './types';
import { createLocator, lineColumnAt, snippetAt } from './source-location';

/**
 * Checks on the raw text before any parser sees it, so a hostile input cannot make the parser itself
 * the attack surface (size, nesting) or smuggle characters that render differently from how they parse.
 *
 * One pass with a small lexer that knows strings, template literals, comments and regex literals, because
 * Unicode text inside strings and comments is legal while the same characters in code are not. Regex vs
 * division is decided the way tokenizers without a parser do (by the previous significant token); a
 * misjudged `/` can only make the scan stricter for the rest of that line, never let a character through.
 */

export interface RegexLiteral {
  pattern: string;
  flags: string;
  line: number;
  column: number;
}

export interface PrescanResult {
  violation?: GateViolation;
  regexes: RegexLiteral[];
  /**
   * The first bracket that does not pair up (a closer that closes the wrong opener, or an opener never
   * closed), to say what a syntax error is about. Only read when the script fails to parse.
   */
  unpaired?: { offset: number; bracket: string; closedBy?: { offset: number; bracket: string } };
}

/** Characters that reorder or hide text: refused in code, legal inside strings, templates, regexes and comments. */
export function invisibleKind(code: number): 'bidi' | 'invisible' | undefined {
  if (code < 0xad) return undefined;
  if (code === 0x061c || code === 0x200e || code === 0x200f || (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069)) return 'bidi';
  if (
    code === 0xad || code === 0x34f || code === 0x115f || code === 0x1160 || code === 0x17b4 || code === 0x17b5 || code === 0x180e ||
    (code >= 0x200b && code <= 0x200d) || (code >= 0x2060 && code <= 0x2064) || (code >= 0x206a && code <= 0x206f) ||
    code === 0x3164 || (code >= 0xfe00 && code <= 0xfe0f) || code === 0xfeff || code === 0xffa0 || (code >= 0xfff9 && code <= 0xfffb)
  ) {
    return 'invisible';
  }
  return undefined;
}

/** Tag characters (U+E0000–E007F) and supplementary variation selectors (U+E0100–E01EF), as surrogate pairs. */
const isInvisibleAstral = (high: number, low: number): boolean =>
  high === 0xdb40 && ((low >= 0xdc00 && low <= 0xdc7f) || (low >= 0xdd00 && low <= 0xddef));

const REGEX_AFTER_KEYWORD = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await']);

const isIdentChar = (c: number): boolean =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36 || c > 0x7f;
const isLineBreak = (c: number): boolean => c === 10 || c === 13 || c === 0x2028 || c === 0x2029;
const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 11 || c === 12 || c === 0xa0 || c === 0xfeff || (c >= 0x2000 && c <= 0x200a) || c === 0x202f || c === 0x205f || c === 0x3000;

const HEX = (c: number): string => `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;

function fail(source: string, offset: number, v: Omit<GateViolation, 'line' | 'column' | 'snippet'>): PrescanResult {
  const { line, column } = lineColumnAt(source, offset);
  return { violation: { ...v, message: `${v.message} at line ${line}, column ${column}`, line, column, snippet: visibleSnippet(snippetAt(source, line)) }, regexes: [] };
}

/** Shows hidden characters as escapes so the model can see what to delete. */
function visibleSnippet(text: string): string {
  let out = '';
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    out += c === 0 || invisibleKind(c) || (c >= 0xe0000 && c <= 0xe01ef) ? `\\u{${c.toString(16)}}` : ch;
  }
  return out;
}

export function prescan(source: string, limits: GateLimits): PrescanResult {
  const bytes = Buffer.byteLength(source, 'utf8');
  if (bytes > limits.scriptBytes) {
    return {
      violation: {
        code: 'SCRIPT_TOO_LARGE',
        rule: 'max-script-bytes',
        message: `script is ${bytes} bytes; the limit is ${limits.scriptBytes} bytes (limit scriptBytes)`,
        hint: ERROR_CODES.SCRIPT_TOO_LARGE.hint,
      },
      regexes: [],
    };
  }

  const regexes: RegexLiteral[] = [];
  const locate = createLocator(source);
  const n = source.length;
  let line = 1;
  let lineStart = 0;
  let depth = 0;
  // Brace depths at which an open template literal resumes after `${ … }`.
  const templateResume: number[] = [];
  // Offsets of the open brackets, innermost last (a template's `${` counts as `{`).
  const openers: number[] = [];
  let unpaired: PrescanResult['unpaired'];
  const close = (at: number, bracket: number): void => {
    const opener = openers.pop();
    if (unpaired) return;
    if (opener === undefined) unpaired = { offset: at, bracket: String.fromCharCode(bracket) };
    else {
      const open = source.charCodeAt(opener);
      const pairs = (open === 40 && bracket === 41) || (open === 91 && bracket === 93) || ((open === 123 || open === 36) && bracket === 125);
      if (!pairs) unpaired = { offset: opener, bracket: open === 36 ? '${' : String.fromCharCode(open), closedBy: { offset: at, bracket: String.fromCharCode(bracket) } };
    }
  };
  // Previous significant token, for the regex-or-division decision.
  let prevKind: 'none' | 'ident' | 'keyword-re' | 'value' | 'open' = 'none';

  const tooLong = (at: number): PrescanResult | undefined =>
    at - lineStart > limits.lineLength
      ? fail(source, lineStart, {
          code: 'SCRIPT_TOO_LARGE',
          rule: 'max-line-length',
          message: `line ${line} is longer than ${limits.lineLength} characters (limit lineLength)`,
          hint: 'Break long lines, and pass bulky data as tool arguments instead of inlining it in the script.',
        })
      : undefined;

  const newline = (i: number): PrescanResult | undefined => {
    const long = tooLong(i);
    if (long) return long;
    if (source.charCodeAt(i) === 13 && source.charCodeAt(i + 1) === 10) i++;
    line++;
    lineStart = i + 1;
    if (line > limits.scriptLines) {
      return fail(source, i, {
        code: 'SCRIPT_TOO_LARGE',
        rule: 'max-lines',
        message: `the script has more than ${limits.scriptLines} lines (limit scriptLines)`,
        hint: ERROR_CODES.SCRIPT_TOO_LARGE.hint,
      });
    }
    return undefined;
  };

  /** Skips a quoted string from its opening quote; returns the index of the closing quote (or the line end). */
  const skipString = (start: number, quote: number): number => {
    let i = start + 1;
    while (i < n) {
      const c = source.charCodeAt(i);
      if (c === 92) i += 2;
      else if (c === quote || isLineBreak(c)) return c === quote ? i : i - 1;
      else {
        if (c === 0) return -i - 1;
        i++;
      }
    }
    return n - 1;
  };

  let i = 0;
  while (i < n) {
    const c = source.charCodeAt(i);
    if (c === 0) {
      return fail(source, i, { code: 'ILLEGAL_CHARACTER', rule: 'no-nul-byte', message: 'NUL character (U+0000)', hint: 'Remove the NUL character; write "\\0" inside a string if you need one.' });
    }
    if (isLineBreak(c)) {
      const stop = newline(i);
      if (stop) return stop;
      if (c === 13 && source.charCodeAt(i + 1) === 10) i++;
      i++;
      continue;
    }
    if (isSpace(c) && !(c === 0xfeff && i > 0)) {
      i++;
      continue;
    }
    // Comments: their text is not code, but their line breaks still count.
    if (c === 47 && source.charCodeAt(i + 1) === 47) {
      while (i < n && !isLineBreak(source.charCodeAt(i))) i++;
      continue;
    }
    if (c === 47 && source.charCodeAt(i + 1) === 42) {
      i += 2;
      while (i < n && !(source.charCodeAt(i) === 42 && source.charCodeAt(i + 1) === 47)) {
        const d = source.charCodeAt(i);
        if (d === 0) return fail(source, i, { code: 'ILLEGAL_CHARACTER', rule: 'no-nul-byte', message: 'NUL character (U+0000)', hint: 'Remove the NUL character.' });
        if (isLineBreak(d)) {
          const stop = newline(i);
          if (stop) return stop;
          if (d === 13 && source.charCodeAt(i + 1) === 10) i++;
        }
        i++;
      }
      i += 2;
      continue;
    }
    if (c === 39 || c === 34) {
      const end = skipString(i, c);
      if (end < 0) return fail(source, -end - 1, { code: 'ILLEGAL_CHARACTER', rule: 'no-nul-byte', message: 'NUL character (U+0000)', hint: 'Write "\\0" inside the string instead of a raw NUL.' });
      i = end + 1;
      prevKind = 'value';
      continue;
    }
    if (c === 96 || (c === 125 && templateResume.length > 0 && templateResume[templateResume.length - 1] === depth)) {
      // Template text, from a backtick or from the `}` that closes a substitution.
      if (c === 125) {
        templateResume.pop();
        depth--;
        close(i, 125);
      }
      i++;
      while (i < n) {
        const d = source.charCodeAt(i);
        if (d === 92) {
          i += 2;
          continue;
        }
        if (d === 0) return fail(source, i, { code: 'ILLEGAL_CHARACTER', rule: 'no-nul-byte', message: 'NUL character (U+0000)', hint: 'Remove the NUL character.' });
        if (d === 96) break;
        if (d === 36 && source.charCodeAt(i + 1) === 123) {
          depth++;
          if (depth > limits.nestingDepth) return tooDeep(source, i, limits.nestingDepth);
          templateResume.push(depth);
          openers.push(i);
          i++;
          break;
        }
        if (isLineBreak(d)) {
          const stop = newline(i);
          if (stop) return stop;
          if (d === 13 && source.charCodeAt(i + 1) === 10) i++;
        }
        i++;
      }
      i++;
      prevKind = source.charCodeAt(i - 1) === 123 ? 'open' : 'value';
      continue;
    }
    if (c === 47 && (prevKind === 'none' || prevKind === 'open' || prevKind === 'keyword-re')) {
      // Regex literal: skip its body (with classes and escapes) and collect it for the ReDoS check.
      const start = i;
      let inClass = false;
      i++;
      while (i < n) {
        const d = source.charCodeAt(i);
        if (isLineBreak(d)) break;
        if (d === 92) i += 2;
        else if (d === 91) {
          inClass = true;
          i++;
        } else if (d === 93) {
          inClass = false;
          i++;
        }
        else if (d === 47 && !inClass) break;
        else i++;
      }
      if (i < n && source.charCodeAt(i) === 47) {
        const bodyEnd = i;
        i++;
        while (i < n && isIdentChar(source.charCodeAt(i))) i++;
        const at = locate(start);
        regexes.push({ pattern: source.slice(start + 1, bodyEnd), flags: source.slice(bodyEnd + 1, i), line: at.line, column: at.column });
      }
      prevKind = 'value';
      continue;
    }
    if (c >= 0xd800 && c <= 0xdbff && isInvisibleAstral(c, source.charCodeAt(i + 1))) {
      return fail(source, i, {
        code: 'ILLEGAL_CHARACTER',
        rule: 'no-invisible-character',
        message: `invisible character ${HEX(source.codePointAt(i) ?? c)} outside a string`,
        hint: 'Delete the invisible character; Unicode text is fine inside quotes and comments.',
      });
    }
    const hidden = invisibleKind(c);
    if (hidden) {
      return fail(source, i, {
        code: 'ILLEGAL_CHARACTER',
        rule: hidden === 'bidi' ? 'no-bidi-control' : 'no-invisible-character',
        message: `${hidden === 'bidi' ? 'bidirectional control' : 'invisible'} character ${HEX(c)} outside a string`,
        hint: 'Delete the character: it changes how code reads without changing how it runs. Unicode text is fine inside quotes and comments.',
      });
    }
    if (isIdentChar(c)) {
      const start = i;
      while (i < n) {
        const d = source.charCodeAt(i);
        if (!isIdentChar(d) || invisibleKind(d) || (d >= 0xd800 && d <= 0xdbff && isInvisibleAstral(d, source.charCodeAt(i + 1)))) break;
        i++;
      }
      prevKind = REGEX_AFTER_KEYWORD.has(source.slice(start, i)) ? 'keyword-re' : 'ident';
      continue;
    }
    if (c === 40 || c === 91 || c === 123) {
      depth++;
      if (depth > limits.nestingDepth) return tooDeep(source, i, limits.nestingDepth);
      openers.push(i);
      prevKind = 'open';
    } else if (c === 41 || c === 93) {
      depth = Math.max(0, depth - 1);
      close(i, c);
      prevKind = 'value';
    } else if (c === 125) {
      depth = Math.max(0, depth - 1);
      close(i, c);
      prevKind = 'open';
    } else {
      // Operators and other punctuation: a `/` after them starts a regex (`x = /a/`), after `)` it divides.
      prevKind = c === 46 && isIdentChar(source.charCodeAt(i + 1)) ? 'value' : 'open';
    }
    i++;
  }
  if (!unpaired && openers.length > 0) unpaired = { offset: openers[openers.length - 1]!, bracket: source[openers[openers.length - 1]!] === '$' ? '${' : source[openers[openers.length - 1]!]! };
  return tooLong(n) ?? { regexes, ...(unpaired ? { unpaired } : {}) };
}

function tooDeep(source: string, at: number, max: number): PrescanResult {
  return fail(source, at, {
    code: 'TOO_DEEP',
    rule: 'max-nesting',
    message: `brackets are nested more than ${max} deep (limit nestingDepth)`,
    hint: 'Flatten the code: extract nested callbacks into named functions and build nested data step by step.',
  });
}
