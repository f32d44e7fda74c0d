/**
 * Messages between the front, the executor processes and their sandbox worker threads. This module
 * holds types and constants only: workers/ imports it with `import type` (and the constants below),
 * so a worker never loads express, ioredis or bullmq.
 */

/** Limits the sandbox enforces itself (the deadline travels separately as an absolute time). */
export interface SandboxLimits {
  toolCalls: number;
  loopIterations: number;
  callDepth: number;
  resultBytes: number;
  consoleLines: number;
  consoleBytes: number;
  parallelToolCalls: number;
}

export interface LogEntry {
  level: 'log' | 'info' | 'warn' | 'error' | 'debug';
  message: string;
}

export interface SandboxError {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

export interface SandboxStats {
  toolCalls: number;
  iterations: number;
  runMs: number;
}

/** What one script run produced inside a worker. */
export type SandboxOutcome =
  | { ok: true; resultJson: string | undefined; logs: LogEntry[]; warnings: string[]; stats: SandboxStats }
  | { ok: false; error: SandboxError; logs: LogEntry[]; warnings: string[]; stats: SandboxStats };

/** The executor could not finish the run for reasons outside the script (thread or process lost). */
export interface LostOutcome {
  lost: true;
  /** Why: the thread was terminated, ran out of heap, or the executor process died. */
  reason: 'worker-exited' | 'worker-oom' | 'executor-exited';
  /** A run that made no tool call had no side effects and may be retried. */
  madeToolCall: boolean;
  /** This run was the only one on the lost thread, so it caused the loss. */
  sole: boolean;
  message: string;
}

export type RunOutcome = SandboxOutcome | LostOutcome;

/** Task handed to a sandbox worker thread by the executor host (through Piscina). */
export interface SandboxTask {
  id: number;
  code: string;
  limits: SandboxLimits;
  context: unknown;
  deadlineAt: number;
  /** The budget the deadline came from, for messages. */
  timeoutMs: number;
  /** Index into the shared cancel-flag and owner arrays. */
  slot: number;
}

export interface ExecutorInit {
  sandboxWorkerFile: string;
  minThreads: number;
  maxThreads: number;
  tasksPerThread: number;
  idleTimeoutMs: number;
  workerHeapMb: number;
  terminateGraceMs: number;
  rssLimitMb: number;
}

export type ToolReply =
  | { ok: true; value: unknown }
  | { ok: false; error: SandboxError };

/** Front → executor process (IPC). */
export type FrontMessage =
  | { t: 'init'; init: ExecutorInit }
  | { t: 'run'; task: Omit<SandboxTask, 'slot'> }
  | { t: 'tool-result'; id: number; callId: number; reply: ToolReply }
  | { t: 'cancel'; id: number; reason: CancelReason }
  | { t: 'shutdown' };

/** Executor process → front (IPC). */
export type ExecutorMessage =
  | { t: 'ready'; threads: number }
  | { t: 'tool-call'; id: number; callId: number; tool: string; args: unknown }
  | { t: 'done'; id: number; outcome: RunOutcome }
  | { t: 'pool-stats'; threads: number; queueSize: number; utilization: number; rssBytes: number }
  | { t: 'log'; level: 'warn' | 'error'; message: string };

/** Worker thread ↔ executor host, over the worker's long-lived MessagePort. */
export type WorkerToHost = { t: 'tool-call'; id: number; callId: number; tool: string; args: unknown };
export type HostToWorker =
  | { t: 'tool-result'; id: number; callId: number; reply: ToolReply }
  | { t: 'cancel'; id: number; reason: CancelReason };

export type CancelReason = 'timeout' | 'cancelled';

/** Values of the shared cancel flag per slot. */
export const CANCEL_NONE = 0;
export const CANCEL_TIMEOUT = 1;
export const CANCEL_CANCELLED = 2;

/** Slots in the shared arrays = the most runs one executor holds at once. */
export const MAX_SLOTS = 4096;

/** Marker on the message a worker posts at startup to hand its port to the host. */
export const PORT_HANDSHAKE = '__scriptgate_port__';

/** Loop passes between two checks of the budget, deadline and cancel flag (DESIGN §8: inline countdown). */
export const GUARD_BATCH = 64;
