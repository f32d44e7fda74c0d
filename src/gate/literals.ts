/**
 * SES refuses source text that matches `import(` or an HTML comment marker anywhere, even inside string
 * literals and comments, because it scans text instead of parsing. The script runs as its own text, so
 * such text is rewritten where it sits: strings are split into a concatenation, template text gets an
 * escape, regexes an empty group, comments are blanked and code operators get a space. The patterns are
 * SES's own (ses/src/transforms.js), so what passes here passes there.
 */

/** SES's import pattern: `import` as a word, not after a single `.`, followed by `(` or a comment. */
const SES_IMPORT = /(^|[^.]|\.\.\.)\bimport(\s*(?:\(|\/[/*]))/;
const SES_HTML_COMMENT = /<!--|-->/;

export const hasSesHazard = (text: string): boolean => SES_IMPORT.test(text) || SES_HTML_COMMENT.test(text);

export interface Hazard {
  /** Offset of the hazard's first character. */
  at: number;
  kind: 'import' | 'html-open' | 'html-close';
}

/** Every hazard in `text`, in order. */
export function findHazards(text: string): Hazard[] {
  const out: Hazard[] = [];
  for (const m of text.matchAll(new RegExp(SES_IMPORT, 'g'))) out.push({ at: m.index + m[1]!.length, kind: 'import' });
  for (const m of text.matchAll(new RegExp(SES_HTML_COMMENT, 'g'))) out.push({ at: m.index, kind: m[0] === '<!--' ? 'html-open' : 'html-close' });
  return out.sort((a, b) => a.at - b.at);
}

/** Where to cut a hazard so that no part contains it whole. */
const cutPoint = (h: Hazard): number => h.at + (h.kind === 'import' ? 5 : h.kind === 'html-open' ? 2 : 1);

/**
 * A string literal's source text as a parenthesised concatenation of pieces of its own text: escapes and
 * line continuations stay as written (cuts fall between plain characters of the hazard).
 */
export function splitStringSource(raw: string): string {
  const quote = raw[0]!;
  const body = raw.slice(1, -1);
  const points = findHazards(body).map(cutPoint);
  let prev = 0;
  const parts: string[] = [];
  for (const p of points) {
    parts.push(body.slice(prev, p));
    prev = p;
  }
  parts.push(body.slice(prev));
  return `(${parts.map((part) => `${quote}${part}${quote}`).join('+')})`;
}

/** Template text: escape one character of each hazard (the value is unchanged; the raw text is not). */
export function neutraliseTemplateRaw(raw: string): string {
  return raw
    .replace(/\bimport(?=\s*(?:\(|\/[/*]))/g, 'impor\\x74')
    .replace(/<!--/g, '<!\\x2D-')
    .replace(/-->/g, '-\\x2D>');
}

/** Regex source: an empty group inside each hazard; undefined when a hazard sits in a character class. */
export function neutraliseRegexSource(pattern: string): string | undefined {
  const points = findHazards(pattern).map(cutPoint);
  if (points.length === 0) return pattern;
  const inClass: boolean[] = [];
  let cls = false;
  for (let i = 0; i < pattern.length; i++) {
    inClass[i] = cls;
    const ch = pattern[i];
    if (ch === '\\') {
      inClass[i + 1] = cls;
      i++;
    } else if (ch === '[') cls = true;
    else if (ch === ']') cls = false;
  }
  let out = '';
  let prev = 0;
  for (const p of points) {
    if (inClass[p] || inClass[p - 1]) return undefined;
    out += `${pattern.slice(prev, p)}(?:)`;
    prev = p;
  }
  return out + pattern.slice(prev);
}
