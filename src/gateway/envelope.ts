import { ERROR_CODES, fromWire, toPublicError, type GatewayError, type PublicError } from '../errors';
import type { SandboxOutcome } from '../executor';
import type { GateViolation, RiskAssessment } from '../gate';
import type { ExecutionEnvelope } from './response-schemas';


const round = (ms: number): number => Math.round(ms * 100) / 100;

export function envelopeFromOutcome(outcome: SandboxOutcome, executionId: string, durationMs: number, warnings: string[]): ExecutionEnvelope {
  const stats = { durationMs: round(durationMs), toolCalls: outcome.stats.toolCalls, iterations: outcome.stats.iterations };
  const allWarnings = warnings.length ? [...warnings, ...outcome.warnings] : outcome.warnings;
  if (outcome.ok) {
    const envelope: ExecutionEnvelope = { status: 'ok', logs: outcome.logs, warnings: allWarnings, stats, executionId };
    if (outcome.resultJson !== undefined) envelope.result = JSON.parse(outcome.resultJson);
    return envelope;
  }
  const err = fromWire(outcome.error);
  return { status: err.status, error: toPublicError(err), logs: outcome.logs, warnings: allWarnings, stats, executionId };
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
