import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ERROR_CODES, GatewayError, fromWire, toPublicError, toWire } from '../../../src/errors';
import { GATEWAY_TOOL_CODES } from '../../../workers/thrown';

const DOC = readFileSync(resolve(__dirname, '..', '..', '..', '..', 'docs', 'errors.md'), 'utf8');
const documented = (): string[] => {
  const start = DOC.indexOf('## Error codes');
  // The section runs to the next second-level heading, whatever it is.
  const next = DOC.indexOf('\n## ', start + 1);
  const section = DOC.slice(start, next === -1 ? undefined : next);
  return [...section.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]!);
};

describe('error registry', () => {
  test.each(Object.entries(ERROR_CODES))('%s has a status, an HTTP status and a hint', (code, spec) => {
    expect(code).toMatch(/^[A-Z][A-Z_]+$/);
    expect(spec.hint.length).toBeGreaterThan(20);
    expect([200, 400, 401, 403, 404, 409, 413, 415, 429, 500, 503]).toContain(spec.httpStatus);
    expect(new GatewayError(code as keyof typeof ERROR_CODES, 'x').code).toBe(code);
  });

  test('docs/errors.md documents every code, and only codes that exist', () => {
    expect(documented().sort()).toEqual(Object.keys(ERROR_CODES).sort());
  });

  test('wire round trip keeps code, message and details; unknown codes become INTERNAL', () => {
    const err = new GatewayError('LIMIT_EXCEEDED', 'limit toolCalls (3) exceeded', { limit: 'toolCalls', value: 3 });
    const back = fromWire(toWire(err));
    expect(toPublicError(back)).toEqual(toPublicError(err));
    expect(fromWire({ code: 'MADE_UP', message: 'm' }).code).toBe('INTERNAL');
    expect(toWire(new Error('plain'))).toEqual({ code: 'INTERNAL', message: 'plain' });
  });

  test("every code a tool call answers besides TOOL_ERROR stays the envelope's code when a script does not catch it", () => {
    const toolCodes = Object.entries(ERROR_CODES).filter(([code, spec]) => spec.status === 'tool_error' && code !== 'TOOL_ERROR').map(([code]) => code);
    expect([...GATEWAY_TOOL_CODES].sort()).toEqual(toolCodes.sort());
  });

  test('retriable codes say so publicly', () => {
    expect(toPublicError(new GatewayError('EXECUTOR_RESTARTED', 'x')).retriable).toBe(true);
    expect(toPublicError(new GatewayError('RUNTIME_ERROR', 'x')).retriable).toBeUndefined();
  });
});
