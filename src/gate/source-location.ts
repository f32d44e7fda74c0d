/** Maps offsets to the caller's line/column and extracts a short snippet for error messages. */
export const SNIPPET_MAX_CHARS = 160;

/** Line starts of the last source asked about: snippets of many violations of one script cost one pass. */
let lastLines: { source: string; starts: number[] } | undefined;

function lineStarts(source: string): number[] {
  if (lastLines?.source === source) return lastLines.starts;
  const starts = [0];
  for (let i = 0; i < source.length; i++) {
    const ch = source.charCodeAt(i);
    if (ch === 10 || ch === 0x2028 || ch === 0x2029) starts.push(i + 1);
    else if (ch === 13) {
      if (source.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    }
  }
  lastLines = { source, starts };
  return starts;
}

export function snippetAt(source: string, line: number): string {
  const starts = lineStarts(source);
  const start = starts[line - 1];
  if (start === undefined) return '';
  const next = starts[line];
  // Up to the next line's start, minus its line break.
  const raw = source.slice(start, Math.min(next ?? source.length, start + SNIPPET_MAX_CHARS * 4)).replace(/[\r\n\u2028\u2029]+$/, '');
  const text = raw.trim();
  return text.length > SNIPPET_MAX_CHARS ? `${text.slice(0, SNIPPET_MAX_CHARS - 1)}…` : text;
}

export function lineColumnAt(source: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < source.length; i++) {
    const ch = source.charCodeAt(i);
    if (ch === 10 || ch === 0x2028 || ch === 0x2029 || (ch === 13 && source.charCodeAt(i + 1) !== 10)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart };
}

/** Offset → line/column in O(log n) after one O(n) pass; built lazily because most scripts never need it. */
export function createLocator(source: string): (offset: number) => { line: number; column: number } {
  let starts: number[] | undefined;
  return (offset) => {
    starts ??= lineStarts(source);
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo]! };
  };
}

/** Offset where 1-based `line` starts, with the same line breaks as the locator; undefined past the end. */
export function lineStartOffset(text: string, line: number): number | undefined {
  return lineStarts(text)[line - 1];
}
