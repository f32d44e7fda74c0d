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
