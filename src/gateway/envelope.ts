import { ERROR_CODES, fromWire, toPublicError, type GatewayError, type PublicError } from '../errors';
import type { SandboxOutcome } from '../executor';
import type { GateViolation, RiskAssessment } from '../gate';
import type { TypeDiagnostic } from '../typecheck';
import type { ExecutionEnvelope } from './response-schemas';


const round = (ms: number): number => Math.round(ms * 100) / 100;

export function envelopeFromOutcome(outcome: SandboxOutcome, executionId: string, durationMs: number, warnings: string[]): ExecutionEnvelope {
  const stats = { durationMs: round(durationMs), toolCalls: outcome.stats.toolCalls, iterations: outcome.stats.iterations };
  const allWarnings = warnings.length ? [...warnings, ...outcome.warnings] : outcome.warnings;
  if (outcome.ok) {
    const envelope: ExecutionEnvelope = { status: 'ok', logs: outcome.logs, warnings: allWarnings, stats, executionId };
    const json = outcome.resultJson;
    if (json !== undefined) {
      // Making the result lazy costs a few microseconds, more than parsing and writing a short one again.
      if (json.length < SPLICED_RESULT_CHARS) envelope.result = JSON.parse(json);
      else attachResultJson(envelope, json);
    }
    return envelope;
  }
  const err = fromWire(outcome.error);
  return { status: err.status, error: toPublicError(err), logs: outcome.logs, warnings: allWarnings, stats, executionId };
}

/** An execution that paused at a call waiting for a person: it became job `jobId`, and this is its call. */
export function envelopeFromPause(outcome: SandboxOutcome, answer: { jobId: string; approval: ExecutionEnvelope['approval'] }, callsMade: number, executionId: string, durationMs: number, warnings: string[]): ExecutionEnvelope {
  // The stopped run reports no statistics of its own; the calls it made are in its log.
  const stats = { durationMs: round(durationMs), toolCalls: callsMade, iterations: outcome.stats.iterations };
  return { status: 'input_required', jobId: answer.jobId, ...(answer.approval ? { approval: answer.approval } : {}), logs: outcome.logs, warnings: warnings.length ? [...warnings, ...outcome.warnings] : outcome.warnings, stats, executionId };
}

/** Results at least this long are spliced into the REST answer as the sandbox wrote them. */
export const SPLICED_RESULT_CHARS = 1024;

/** The result as the sandbox serialised it, for envelopes whose `result` nobody has read yet. */
const unreadResults = new WeakMap<object, string>();

/**
 * `result` is parsed only when read (MCP's structured content, a job's stored envelope, an embedder); the
 * REST answer splices the sandbox's JSON text into its body instead (answerJson), so a large result is
 * neither parsed nor serialised again on the front.
 */
function attachResultJson(envelope: ExecutionEnvelope, json: string): void {
  unreadResults.set(envelope, json);
  Object.defineProperty(envelope, 'result', {
    enumerable: true,
    configurable: true,
    get() {
      unreadResults.delete(envelope);
      const parsed: unknown = JSON.parse(json);
      Object.defineProperty(envelope, 'result', { value: parsed, writable: true, enumerable: true, configurable: true });
      return parsed;
    },
    set(value: unknown) {
      unreadResults.delete(envelope);
      Object.defineProperty(envelope, 'result', { value, writable: true, enumerable: true, configurable: true });
    },
  });
}

/**
 * The JSON text of an answer. An envelope whose result was never read is written around the sandbox's own
 * JSON of it, with its fields in their order; anything else (a result read, and maybe changed) is
 * JSON.stringify.
 */
export function answerJson(value: unknown): string {
  const json = value !== null && typeof value === 'object' ? unreadResults.get(value) : undefined;
  if (json === undefined) return JSON.stringify(value);
  const before: Record<string, unknown> = {};
  let after: Record<string, unknown> | undefined;
  for (const key in value as Record<string, unknown>) {
    if (key === 'result') after = {};
    else (after ?? before)[key] = (value as Record<string, unknown>)[key];
  }
  // `before` holds at least status; `after` is empty unless fields were added after the result (trace).
  const tail = after === undefined ? '}' : JSON.stringify(after);
  return `${JSON.stringify(before).slice(0, -1)},"result":${json}${tail === '{}' || tail === '}' ? '}' : `,${tail.slice(1)}`}`;
}

export function envelopeFromViolations(violations: GateViolation[], executionId: string, durationMs: number, warnings: string[], omitted = 0): ExecutionEnvelope {
  const [first, ...rest] = violations as [GateViolation, ...GateViolation[]];
  const spec = ERROR_CODES[first.code];
  const error: PublicError = {
    code: first.code,
    message: first.message,
    hint: first.hint,
    rule: first.rule,
    ...(first.line !== undefined ? { line: first.line, column: first.column } : {}),
    ...(first.snippet !== undefined ? { snippet: first.snippet } : {}),
  };
  if (rest.length > 0) {
    error.violations = rest.map((v) => ({ code: v.code, rule: v.rule, message: v.message, line: v.line, column: v.column, hint: v.hint }));
  }
  if (omitted > 0) error.moreViolations = omitted;
  return { status: spec.status, error, logs: [], warnings, stats: { durationMs: round(durationMs), toolCalls: 0, iterations: 0 }, executionId };
}

export function envelopeFromError(err: GatewayError, executionId: string, durationMs: number, warnings: string[]): ExecutionEnvelope {
  return { status: err.status, error: toPublicError(err), logs: [], warnings, stats: { durationMs: round(durationMs), toolCalls: 0, iterations: 0 }, executionId };
}

export function envelopeBlocked(risk: RiskAssessment, executionId: string, durationMs: number, warnings: string[]): ExecutionEnvelope {
  const error: PublicError = {
    code: 'BLOCKED',
    message: `refused before running: ${describeRiskLine(risk)}`,
    hint: ERROR_CODES.BLOCKED.hint,
    score: risk.score,
    signals: risk.signals,
  };
  return {
    status: 'blocked',
    error,
    logs: [],
    warnings,
    stats: { durationMs: round(durationMs), toolCalls: 0, iterations: 0 },
    executionId,
    risk: { score: risk.score, signals: risk.signals },
  };
}

const describeRiskLine = (risk: RiskAssessment): string =>
  `risk score ${risk.score} (${risk.signals.map((s) => `${s.id} +${s.points}`).join(', ')})`;

/** Refused by the type check (block): the first error leads, every finding is listed with its place. */
export function envelopeFromTypeErrors(diagnostics: TypeDiagnostic[], executionId: string, durationMs: number, warnings: string[]): ExecutionEnvelope {
  const first = diagnostics.find((d) => d.severity === 'error') ?? diagnostics[0]!;
  const error: PublicError = {
    code: 'TYPE_ERROR',
    message: `${first.message} (line ${first.line}, column ${first.column})`,
    hint: ERROR_CODES.TYPE_ERROR.hint,
    line: first.line,
    column: first.column,
    ...(first.snippet !== undefined ? { snippet: first.snippet } : {}),
    ...(first.suggestion !== undefined ? { suggestion: first.suggestion } : {}),
    diagnostics,
  };
  return { status: 'type_error', error, logs: [], warnings, stats: { durationMs: round(durationMs), toolCalls: 0, iterations: 0 }, executionId };
}
