/** Maps offsets to the caller's line/column and extracts a short snippet for error messages. */
export const SNIPPET_MAX_CHARS = 160;

export function snippetAt(source: string, line: number): string {
  const lines = source.split(/\r\n|\r|\n|\u2028|\u2029/);
  const text = (lines[line - 1] ?? '').trim();
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
    if (!starts) {
      starts = [0];
      for (let i = 0; i < source.length; i++) {
        const ch = source.charCodeAt(i);
        if (ch === 10 || ch === 0x2028 || ch === 0x2029) starts.push(i + 1);
        else if (ch === 13) {
          if (source.charCodeAt(i + 1) === 10) i++;
          starts.push(i + 1);
        }
      }
    }
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
  let current = 1;
  for (let i = 0; current < line; i++) {
    if (i >= text.length) return undefined;
    const ch = text.charCodeAt(i);
    if (ch === 10 || ch === 0x2028 || ch === 0x2029 || (ch === 13 && text.charCodeAt(i + 1) !== 10)) {
      current++;
      if (current === line) return i + 1;
    }
  }
  return 0;
}
