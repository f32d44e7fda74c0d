/**
 * Messages between the front, the executor processes and their sandbox worker threads. This module
 * holds types and constants only: workers/ imports it with `import type` (and the constants below),
 * so a worker never loads express, ioredis or bullmq.
 */

/**
 * The limits the sandbox enforces itself (the deadline travels separately as an absolute time): a subset
 * of the configured limits, picked by these keys, so the two cannot drift. `toolResultBytes` is checked by
 * the front on each reply.
 */
export const SANDBOX_LIMIT_KEYS = ['toolCalls', 'loopIterations', 'callDepth', 'resultBytes', 'consoleLines', 'consoleBytes', 'parallelToolCalls', 'toolResultBytes'] as const;
export type SandboxLimits = Record<(typeof SANDBOX_LIMIT_KEYS)[number], number>;

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
  /** Why: the thread was terminated, ran out of heap, was held by one script while others waited, or the executor process died. */
  reason: 'worker-exited' | 'worker-oom' | 'worker-hogged' | 'executor-exited';
  /** A run that made no tool call had no side effects and may be retried. */
  madeToolCall: boolean;
  /** This run was the only one on the lost thread, so it caused the loss. */
  sole: boolean;
  /**
   * Of the runs on the lost thread, this one had control last (see SandboxTask's `entered` stamps), so it
   * most likely caused the loss. Absent when the whole executor went: nothing survives to tell.
   */
  suspect?: boolean;
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
  /** Standard-library globals the script names (Intl, URL…): only these are endowed. */
  library?: string[];
  /** Seeds the run's Math.random (a random integer below 2^53): the same seed gives a replay the same numbers. */
  seed: number;
  /**
   * A resumed run: the clock values the earlier attempt read (Date.now(), new Date()), returned in order
   * before the real clock takes over. Its tool calls are answered from the front's replay log.
   */
  replayClock?: number[];
}

export interface ExecutorInit {
  sandboxWorkerFile: string;
  /** Filled in by the front for each spawn. */
  toolChannel?: ToolChannelAddress;
  minThreads: number;
  maxThreads: number;
  tasksPerThread: number;
  idleTimeoutMs: number;
  workerHeapMb: number;
  terminateGraceMs: number;
  rssLimitMb: number;
  /**
   * False only to measure what deadline enforcement costs (load-tests): no deadline timers anywhere,
   * and the sandbox's deadline is never reached. Never set by configuration.
   */
  enforceDeadlines: boolean;
}

export type ToolReply =
  | { ok: true; value: unknown }
  | { ok: false; error: SandboxError };

/** Front → executor process (IPC). */
export type FrontMessage =
  | { t: 'init'; init: ExecutorInit }
  | { t: 'run'; task: Omit<SandboxTask, 'slot'> }
  | { t: 'cancel'; id: number; reason: CancelReason }
  | { t: 'shutdown' };

/** Executor process → front (IPC). */
export type ExecutorMessage =
  | { t: 'ready'; threads: number }
  | { t: 'done'; id: number; outcome: RunOutcome }
  | { t: 'pool-stats'; threads: number; queueSize: number; utilization: number; rssBytes: number }
  | { t: 'log'; level: 'warn' | 'error'; message: string };

/** Executor host → worker thread, over the worker's long-lived MessagePort (tool traffic uses the channel). */
export type HostToWorker = { t: 'cancel'; id: number; reason: CancelReason };

export type CancelReason = 'timeout' | 'cancelled';

/** Values of the shared cancel flag per slot. */
export const CANCEL_NONE = 0;
export const CANCEL_TIMEOUT = 1;
export const CANCEL_CANCELLED = 2;

/** How often a sandbox thread's event loop records that it is alive. */
export const PULSE_EVERY_MS = 100;
/**
 * A thread whose event loop has not run for this long while it holds other runs is held by one script in
 * a long native call (a huge sort, a stringify): the host takes it down, so the others are resumed
 * elsewhere and the one that held it runs on alone, isolated.
 */
export const HOGGED_THREAD_MS = 1_000;

/** Clock values one run may read before it stops being resumable (each travels to the front once). */
export const MAX_RECORDED_CLOCK_READS = 10_000;

/** Slots in the shared arrays = the most runs one executor holds at once. */
export const MAX_SLOTS = 4096;

/** Marker on the message a worker posts at startup to hand its port to the host. */
export const PORT_HANDSHAKE = '__scriptgate_port__';

/** The latest time the sandbox can be given when deadlines are not enforced. */
export const NO_DEADLINE = Number.MAX_SAFE_INTEGER;

/** Loop passes between two checks of the budget, deadline and cancel flag (DESIGN §8: inline countdown). */
export const GUARD_BATCH = 64;

/**
 * The tool name a script's progress(fraction, message) travels under: it is not a valid tool name, so
 * no tool can collide with it, and the front neither counts it as a tool call nor answers it.
 */
export const PROGRESS_TOOL = '#progress';
/** Progress reports past this many per execution are dropped (a loop reporting every item). */
export const MAX_PROGRESS_REPORTS = 1000;
/** Longest progress message kept, in characters. */
export const MAX_PROGRESS_MESSAGE = 200;

/** Several messages that left in one event-loop turn travel as one IPC message (one write, one wake-up). */
export interface BatchMessage<T> {
  t: 'batch';
  m: T[];
}

/**
 * Queues messages and flushes them together on setImmediate, i.e. after the I/O callbacks of the current
 * loop turn: at load, dozens of run/done/tool messages share one pipe write. Dependency-free so the
 * executor host can use it too.
 */
export function createBatcher<T>(sendRaw: (message: T | BatchMessage<T>) => void): { push(message: T): void; flush(): void } {
  let queue: T[] = [];
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (queue.length === 0) return;
    const out = queue;
    queue = [];
    sendRaw(out.length === 1 ? (out[0] as T) : { t: 'batch', m: out });
  };
  return {
    push(message: T): void {
      queue.push(message);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
  };
}

/** Worker thread ↔ front, over the tool channel (a Unix socket; newline-delimited JSON). */
export type WorkerChannelMessage =
  | { t: 'hello'; token: string; threadId: number }
  | {
      t: 'tool-call';
      id: number;
      callId: number;
      tool: string;
      args: unknown;
      /** Clock values the run read since its previous call (for a replay); `false` once it read too many to keep. */
      clock?: number[] | false;
    };
export type FrontChannelMessage = { t: 'tool-result'; id: number; callId: number; reply: ToolReply };

export interface ToolChannelAddress {
  path: string;
  /** Per executor spawn; a connection that does not present it is dropped. */
  token: string;
}

/**
 * Splits a text stream into JSON lines. JSON.stringify never emits a raw newline, so '\n' is a safe frame
 * boundary. Only each new chunk is searched, and a partial line is kept as pieces joined once, so a
 * 50 MB message costs linear time (rescanning the buffer per chunk was quadratic).
 */
export function createLineReader(onMessage: (message: unknown, chars: number) => void, maxLineChars: number): (chunk: string) => void {
  let pieces: string[] = [];
  let pending = 0;
  return (chunk: string): void => {
    let start = 0;
    for (let end = chunk.indexOf('\n'); end !== -1; end = chunk.indexOf('\n', start)) {
      const tail = chunk.slice(start, end);
      const line = pieces.length > 0 ? pieces.join('') + tail : tail;
      pieces = [];
      pending = 0;
      start = end + 1;
      if (line) onMessage(JSON.parse(line), line.length);
    }
    if (start < chunk.length) {
      pieces.push(start === 0 ? chunk : chunk.slice(start));
      pending += chunk.length - start;
      if (pending > maxLineChars) throw new RangeError(`a message on the tool channel exceeds ${maxLineChars} characters`);
    }
  };
}

/** Writes pre-serialised JSON lines, coalesced per loop turn into one write. */
export function createLineWriter(write: (chunk: string) => void): (line: string) => void {
  let pending = '';
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    const out = pending;
    pending = '';
    if (out) write(out);
  };
  return (line: string): void => {
    pending += `${line}\n`;
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
}
