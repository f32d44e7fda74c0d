import { SPLICED_RESULT_CHARS, answerJson, envelopeFromOutcome } from '../../../src/gateway/envelope';

/** Long enough to be spliced. */
const pad = 'x'.repeat(SPLICED_RESULT_CHARS);

const outcome = (resultJson: string | undefined) => ({ ok: true as const, resultJson, logs: [{ level: 'log' as const, message: 'hi' }], warnings: ['w'], stats: { toolCalls: 2, iterations: 3, runMs: 1 } });

describe('the REST answer splices the sandbox result JSON', () => {
  test.each([
    ['an object', { a: [1, 2, { b: '\u2028 "q" </script>' }], n: null, pad }],
    ['a string', `text with "quotes" and \\ backslashes ${pad}`],
    ['an array', [pad, -1.5e300, null, true]],
    ['a short result (parsed at once, not spliced)', { a: 1 }],
  ])('%s: the text is what JSON.stringify of the parsed envelope gives', (_label, value) => {
    const json = JSON.stringify(value);
    const envelope = envelopeFromOutcome(outcome(json), 'exec_1', 12.345, ['capped']);
    const text = answerJson(envelope);
    expect(text).toBe(JSON.stringify({ ...envelope }));
    expect(JSON.parse(text)).toEqual({ status: 'ok', result: JSON.parse(json), logs: [{ level: 'log', message: 'hi' }], warnings: ['capped', 'w'], stats: { durationMs: 12.35, toolCalls: 2, iterations: 3 }, executionId: 'exec_1' });
  });

  test('no result: no result field', () => {
    const envelope = envelopeFromOutcome(outcome(undefined), 'exec_2', 1, []);
    expect('result' in envelope).toBe(false);
    expect(JSON.parse(answerJson(envelope))).not.toHaveProperty('result');
  });

  test('a result read and changed, or replaced, is written as it is now', () => {
    const read = envelopeFromOutcome(outcome(JSON.stringify({ a: 1, pad })), 'exec_3', 1, []);
    (read.result as { a: number }).a = 2;
    expect(JSON.parse(answerJson(read)).result).toEqual({ a: 2, pad });
    const replaced = envelopeFromOutcome(outcome(JSON.stringify({ a: 1, pad })), 'exec_4', 1, []);
    replaced.result = 'new';
    expect(JSON.parse(answerJson(replaced)).result).toBe('new');
  });

  test('fields added later (trace) are in the text; anything that is not an envelope is JSON.stringify', () => {
    const envelope = envelopeFromOutcome(outcome(JSON.stringify(pad)), 'exec_5', 1, []);
    envelope.trace = [{ tool: 't:x', startMs: 0, durationMs: 1, outcome: 'ok' }];
    const text = answerJson(envelope);
    expect(Object.keys(JSON.parse(text))).toEqual(['status', 'logs', 'warnings', 'stats', 'executionId', 'result', 'trace']);
    expect(text).toBe(JSON.stringify({ ...envelope }));
    expect(answerJson({ error: { code: 'X' } })).toBe('{"error":{"code":"X"}}');
  });
});
