import { ERROR_CODES } from '../errors';
import type { GateLimits, GateViolation } from './types';
import { lineColumnAt, snippetAt } from './source-location';

/**
 * Checks that run on the raw text before any parser sees it, so a hostile input cannot make the
 * parser itself the attack surface (size) or smuggle bytes that tools treat differently (NUL).
 */
export function prescan(source: string, limits: GateLimits): GateViolation | undefined {
  const bytes = Buffer.byteLength(source, 'utf8');
  if (bytes > limits.scriptBytes) {
    return {
      code: 'SCRIPT_TOO_LARGE',
      rule: 'max-script-bytes',
      message: `script is ${bytes} bytes; the limit is ${limits.scriptBytes} bytes (limit scriptBytes)`,
      hint: ERROR_CODES.SCRIPT_TOO_LARGE.hint,
    };
  }
  const nul = source.indexOf('\u0000');
  if (nul !== -1) {
    const { line, column } = lineColumnAt(source, nul);
    return {
      code: 'ILLEGAL_CHARACTER',
      rule: 'no-nul-byte',
      message: `NUL character (U+0000) at line ${line}, column ${column}`,
      line,
      column,
      snippet: snippetAt(source, line).split('\u0000').join('\\0'),
      hint: 'Remove the NUL character; write "\\0" inside a string if you need one.',
    };
  }
  return undefined;
}
