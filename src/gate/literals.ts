/**
 * SES rejects source text that matches `import(` or HTML comment markers anywhere, even inside string
 * literals, because it scans text instead of parsing. These helpers rewrite such literals into equal
 * values whose printed text does not match.
 */
import { type EsNode, stringLiteral } from './estree';
const SES_IMPORT = /import(?=\s*(?:\(|\/[/*]))/g;
const SES_HTML_OPEN = /<!--/g;
const SES_HTML_CLOSE = /-->/g;
export const hasSesHazard = (text: string): boolean => /import\s*(?:\(|\/[/*])|<!--|-->/.test(text);

/** Offsets at which a hazardous sequence should be split, so no part contains it whole. */
function hazardSplitPoints(text: string): number[] {
  const points = new Set<number>();
  for (const m of text.matchAll(SES_IMPORT)) points.add(m.index + 5); // between "impor" and "t"
  for (const m of text.matchAll(SES_HTML_OPEN)) points.add(m.index + 2); // "<!" | "--"
  for (const m of text.matchAll(SES_HTML_CLOSE)) points.add(m.index + 1); // "-" | "->"
  return [...points].sort((a, b) => a - b);
}

export function splitStringLiteral(value: string): EsNode {
  const points = hazardSplitPoints(value);
  let prev = 0;
  const parts: string[] = [];
  for (const p of points) {
    parts.push(value.slice(prev, p));
    prev = p;
  }
  parts.push(value.slice(prev));
  return parts
    .map((part) => stringLiteral(part))
    .reduce((left, right) => ({ type: 'BinaryExpression', operator: '+', left, right }));
}

/** Template raw text: escape one character of each hazard (keeping the first, so a preceding backslash stays valid). */
export function neutraliseTemplateRaw(raw: string): string {
  return raw
    .replace(SES_IMPORT, 'impor\\x74')
    .replace(SES_HTML_OPEN, '<!\\x2D-')
    .replace(SES_HTML_CLOSE, '-\\x2D>');
}

/** Regex source: insert an empty group inside each hazard; undefined when a hazard sits in a character class. */
export function neutraliseRegexSource(pattern: string): string | undefined {
  const points = hazardSplitPoints(pattern);
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

