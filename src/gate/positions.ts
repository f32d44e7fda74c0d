import { originalOffset } from './edits';
import { CODE_PREFIX } from './compile';
import { createLocator, lineStartOffset } from './source-location';
import type { CompiledScript } from './types';

/**
 * Maps a position V8 reports in the compiled code (1-based line and column) back to the script as the
 * caller sent it (1-based line, 0-based column, as gate errors report them). Undefined for a position
 * outside the script's own text (the wrapper around it).
 */
export function scriptPosition(script: Pick<CompiledScript, 'code' | 'shifts'>, source: string, line: number, column: number): { line: number; column: number } | undefined {
  if (!Number.isInteger(line) || !Number.isInteger(column) || line < 2 || column < 1) return undefined;
  const lineStart = lineStartOffset(script.code, line);
  if (lineStart === undefined) return undefined;
  const edited = lineStart + column - 1 - CODE_PREFIX.length;
  if (edited < 0) return undefined;
  const offset = originalOffset(script.shifts, edited);
  if (offset > source.length) return undefined;
  return createLocator(source)(offset);
}
