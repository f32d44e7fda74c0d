import type { RunScope } from './run-scope';
import type { SandboxLimits, SandboxOutcome, ToolReply } from './protocol';
import type { ReplaySnapshot } from './replay-log';

/**
 * What a tool call handler answers instead of a reply when the call must wait for a person: the run is
 * stopped without the call being made, its calls so far are kept (see RunResult.paused), and a later run
 * resumes from them.
 */
export const PAUSE_RUN: unique symbol = Symbol('pause run');

/**
 * Answers a tool call a running script made; the pool has already checked run identity and budget.
 * `callId` numbers the run's calls from 1, the same in every run that replays it.
 */
export type ToolCallHandler = (tool: string, args: unknown, scope: RunScope, callId: number) => Promise<ToolReply> | typeof PAUSE_RUN;

export interface RunRequest {
  code: string;
  /** Standard-library globals to endow (the compiled script's `library`). */
  library?: string[];
  limits: SandboxLimits;
  context: Record<string, unknown>;
  timeoutMs: number;
  /** The run's deadline as its caller computed it (one clock reading for the whole request); else now + timeoutMs. */
  deadlineAt?: number;
  onToolCall: ToolCallHandler;
  /** The script's progress(fraction, message?) reports. */
  onProgress?: (fraction: number, message?: string) => void;
  /** Cancels the run (job cancellation, client gone). */
  cancel?: CancelHook;
  /** The compiled script's hash: a script that crashed its sandbox runs isolated for a while. */
  scriptHash?: string;
  /** Resumes a paused run: its recorded calls are replayed, not made again. */
  resume?: ReplaySnapshot;
}

/**
 * How a run learns it is cancelled. An AbortSignal per request costs the front ~12 µs and garbage
 * (measured: the REST path's AbortController was 15 % of its throughput), so a caller with a cheaper
 * source (an HTTP response's 'close') implements this directly; `cancelHookOf` adapts a signal.
 */
export interface CancelHook {
  readonly cancelled: boolean;
  /** Calls `listener` once when cancelled; returns how to stop listening. */
  onCancel(listener: () => void): () => void;
}

export function cancelHookOf(signal: AbortSignal): CancelHook {
  return {
    get cancelled() {
      return signal.aborted;
    },
    onCancel(listener) {
      if (signal.aborted) {
        listener();
        return () => undefined;
      }
      signal.addEventListener('abort', listener, { once: true });
      return () => signal.removeEventListener('abort', listener);
    },
  };
}

export interface RunResult {
  outcome: SandboxOutcome;
  /** Above 1 when the run was lost with its thread or executor and resumed (see ReplayLog). */
  attempts: number;
  /** Set when the run stopped at a call its handler answered with PAUSE_RUN: what to resume it from. */
  paused?: { callId: number; tool: string; args: unknown; snapshot: ReplaySnapshot };
}

