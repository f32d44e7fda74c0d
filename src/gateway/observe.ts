import type { Logger } from '../log';
import type { GatewayMetrics } from '../metrics';
import type { PreflightResult } from './preflight';
import type { ExecutionEnvelope } from './response-schemas';

export type ToolCallOutcome = 'ok' | 'tool_error' | 'not_found' | 'validation' | 'timeout' | 'cancelled';

/** Who an execution belongs to, as audit records name it: never the script text, only its hash. */
export interface ExecutionRef {
  executionId: string;
  tenantId: string;
  requestId?: string;
  scriptHash?: string;
}

const OUTCOME_BY_CODE: Record<string, ToolCallOutcome> = {
  TOOL_NOT_FOUND: 'not_found',
  TOOL_VALIDATION: 'validation',
  TOOL_TIMEOUT: 'timeout',
  UPSTREAM_TIMEOUT: 'timeout',
  CANCELLED: 'cancelled',
  TIMEOUT: 'cancelled',
};

export const toolOutcomeOf = (code: string | undefined): ToolCallOutcome => (code === undefined ? 'ok' : (OUTCOME_BY_CODE[code] ?? 'tool_error'));

/**
 * Metrics and audit records for executions and tool calls. Audit records are info-level log lines
 * with an `audit` field naming the event (`execute.start`, `tool.call`, `execute.complete`,
 * `security.blocked`), so they flow wherever the logs go and can be filtered on that field.
 */
export class Observer {
  readonly #metrics: GatewayMetrics;
  readonly #log: Logger;

  constructor(metrics: GatewayMetrics, log: Logger) {
    this.#metrics = metrics;
    this.#log = log;
  }

  stage(stage: string, ms: number): void {
    this.#metrics.stageDuration.observe({ stage }, ms / 1000);
  }

  typecheck(result: PreflightResult): void {
    if (result.level === 'off') return;
    if ('skipped' in result) {
      this.#metrics.typechecks.inc({ outcome: 'skipped' });
      return;
    }
    this.#metrics.typechecks.inc({ outcome: result.diagnostics.length > 0 ? 'diagnostics' : 'clean' });
    if (!result.cached) this.stage('typecheck', result.ms);
  }

  started(ref: ExecutionRef, bytes: number): void {
    this.#log.info({ audit: 'execute.start', ...ref, bytes }, 'execute.start');
  }

  toolCall(ref: Partial<ExecutionRef> & { tenantId: string }, tool: string, errorCode: string | undefined, ms: number): void {
    const outcome = toolOutcomeOf(errorCode);
    this.#metrics.toolCalls.inc({ tool, outcome });
    this.#metrics.toolCallDuration.observe({ tool }, ms / 1000);
    this.#log.info({ audit: 'tool.call', ...ref, tool, outcome, ...(errorCode ? { code: errorCode } : {}), durationMs: round(ms) }, 'tool.call');
  }

  completed(ref: ExecutionRef, envelope: ExecutionEnvelope): void {
    const m = this.#metrics;
    m.executions.inc({ status: envelope.status });
    m.executionDuration.observe({ status: envelope.status }, envelope.stats.durationMs / 1000);
    const rule = typeof envelope.error?.rule === 'string' ? envelope.error.rule : undefined;
    if (envelope.status === 'blocked') {
      m.gateRefusals.inc({ rule: 'risk' });
      for (const signal of envelope.risk?.signals ?? []) m.riskBlocks.inc({ signal: signal.id });
      this.#log.warn({ audit: 'security.blocked', ...ref, rule: 'risk', score: envelope.risk?.score, signals: envelope.risk?.signals.map((s) => s.id) }, 'security.blocked');
    } else if (rule !== undefined) {
      m.gateRefusals.inc({ rule });
      this.#log.warn({ audit: 'security.blocked', ...ref, rule, code: envelope.error?.code }, 'security.blocked');
    }
    this.#log.info(
      { audit: 'execute.complete', ...ref, status: envelope.status, ...(envelope.error ? { code: envelope.error.code } : {}), durationMs: envelope.stats.durationMs, toolCalls: envelope.stats.toolCalls },
      'execute.complete',
    );
  }
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;
