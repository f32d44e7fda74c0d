import type { Caller } from '../auth';
import type { RequestLimits, TypecheckLevel } from '../config';
import type { CancelHook } from '../executor';

/** What the gateway is asked: by REST and MCP (through api.ts), by the job runner, and in-process. */
export interface ExecuteRequest {
  script: string;
  context?: Record<string, unknown>;
  timeoutMs?: number;
  limits?: RequestLimits;
  /** Who asks (tenant, user, scopes); anonymous default tenant when absent. */
  caller?: Caller;
  signal?: AbortSignal;
  /** The same as `signal` from a cheaper source (an HTTP response's close); used when both are given. */
  cancel?: CancelHook;
  /** An async (queued) execution: runs with the jobs preset's limits. */
  longRunning?: boolean;
  /** Correlates audit records with the HTTP request (X-Request-Id). */
  requestId?: string;
  /** The script's progress(fraction, message?) reports (job progress). */
  onProgress?: (fraction: number, message?: string) => void;
  /** Called as each tool call starts (MCP progress notifications). */
  onToolCall?: (tool: string, count: number) => void;
  /** Return a timeline of the tool calls in the envelope (`trace`). */
  trace?: boolean;
  /** Lowers the server's gate.typecheck for this request. */
  typecheck?: TypecheckLevel;
  /** The job this execution runs (set by the job runner): a job that paused for an approval resumes. */
  jobId?: string;
}

export interface InvokeRequest {
  name: string;
  input?: unknown;
  caller?: Caller;
  context?: Record<string, unknown>;
}
