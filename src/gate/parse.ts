import { parse as acornParse, type Node, type Options } from 'acorn';
import { ERROR_CODES } from '../errors';
import type { GateViolation } from './types';
import { snippetAt } from './source-location';

/**
 * Scripts are parsed as module code: strict mode (as they will run), top-level `await` allowed, and
 * `allowReturnOutsideFunction` so a bare `return x` ends the script with a value. Nothing is wrapped
 * textually, so offsets (and acorn's error locations) are already the caller's own.
 */
const PARSE_OPTIONS: Options = Object.freeze({
  ecmaVersion: 'latest',
  sourceType: 'module',
  allowReturnOutsideFunction: true,
  allowAwaitOutsideFunction: true,
  allowHashBang: false,
  // Locations are derived from offsets only where needed; tracking them for every node costs parse time.
  locations: false,
});

export type ParseResult = { ok: true; ast: Node } | { ok: false; violation: GateViolation };

interface AcornSyntaxError extends SyntaxError {
  loc?: { line: number; column: number };
}

export function parseScript(source: string): ParseResult {
  try {
    return { ok: true, ast: acornParse(source, PARSE_OPTIONS) };
  } catch (err) {
    const e = err as AcornSyntaxError;
    const line = e.loc?.line;
    const column = e.loc?.column;
    // acorn appends " (line:column)"; we report the location in fields instead.
    const message = String(e.message).replace(/\s*\(\d+:\d+\)$/, '');
    return {
      ok: false,
      violation: {
        code: 'SYNTAX_ERROR',
        rule: 'syntax',
        message: line !== undefined ? `${message} at line ${line}, column ${column}` : message,
        ...(line !== undefined ? { line, column, snippet: snippetAt(source, line) } : {}),
        hint: ERROR_CODES.SYNTAX_ERROR.hint,
      },
    };
  }
}
