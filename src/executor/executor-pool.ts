import { GatewayError } from '../errors';
import type { Logger } from '../log';
import { ExecutorProcess, type PoolStats } from './executor-process';
import { ToolChannelServer, type ChannelReply } from './tool-channel';
import { MAX_PROGRESS_MESSAGE, NO_DEADLINE, PROGRESS_TOOL, type ExecutorInit, type RunOutcome, type SandboxLimits, type SandboxOutcome, type ToolReply } from './protocol';

export interface ExecutorPoolOptions {
  processes: number;
  init: ExecutorInit;
  permissionModel: boolean;
  parallelGc: boolean;
  restartBackoffMs: number;
  restartBackoffMaxMs: number;
  /** Past deadline + terminate grace + this, an executor that has not answered is killed. */
  watchdogMs: number;
  /** Scripts one executor may hold beyond its threads' capacity before new work is refused. */
  maxQueue: number;
  log: Logger;
}

/** Answers a tool call a running script made; the pool has already checked run identity and budget. */
export type ToolCallHandler = (tool: string, args: unknown, scope: RunScope) => Promise<ToolReply>;

// Allocated once: building an Error per run (stack capture) showed up in profiles of the hot path.
const RUN_ENDED = new GatewayError('CANCELLED', 'the execution ended');
const DEADLINE_REACHED = new GatewayError('TIMEOUT', 'the execution deadline was reached');

/**
 * What the front knows about one run while its tools execute. The AbortSignal and its deadline timer
 * exist only if a tool asks for `signal`; `race()` settles a hung tool call when the run ends without
 * one listener per call.
 */
export class RunScope {
  #abort: AbortController | undefined;
  #timer: NodeJS.Timeout | undefined;
  #waiters: Set<(reason: unknown) => void> | undefined;
  #ended = false;

  constructor(readonly deadlineAt: number) {}

  get signal(): AbortSignal {
    if (!this.#abort) {
      const abort = new AbortController();
      this.#abort = abort;
      if (this.#ended) abort.abort(RUN_ENDED);
      else if (this.deadlineAt !== NO_DEADLINE) {
        this.#timer = setTimeout(() => abort.abort(DEADLINE_REACHED), Math.max(0, this.deadlineAt - Date.now()));
        this.#timer.unref();
      }
    }
    return this.#abort.signal;
  }

  race<T>(work: Promise<T>): Promise<T> {
    if (this.#ended) return Promise.reject(RUN_ENDED);
    const waiters = (this.#waiters ??= new Set());
    return new Promise<T>((resolve, reject) => {
      waiters.add(reject);
      work.then(
        (value) => {
          waiters.delete(reject);
          resolve(value);
        },
        (err: unknown) => {
          waiters.delete(reject);
          reject(err);
        },
      );
    });
  }

  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    clearTimeout(this.#timer);
    this.#abort?.abort(RUN_ENDED);
    if (this.#waiters) for (const reject of this.#waiters) reject(RUN_ENDED);
    this.#waiters?.clear();
  }
}

export interface RunRequest {
  code: string;
  /** Standard-library globals to endow (the compiled script's `library`). */
  library?: string[];
  limits: SandboxLimits;
  context: Record<string, unknown>;
  timeoutMs: number;
  onToolCall: ToolCallHandler;
  /** The script's progress(fraction, message?) reports. */
  onProgress?: (fraction: number, message?: string) => void;
  /** Aborting it cancels the run (job cancellation, client gone). */
  signal?: AbortSignal;
}

export interface RunResult {
  outcome: SandboxOutcome;
  /** 2 when the run was retried after losing an executor it had not touched any tool from. */
  attempts: number;
}

interface ActiveRun {
  executor: ExecutorProcess;
  deadlineAt: number;
  toolCalls: number;
  maxToolCalls: number;
  maxToolResultBytes: number;
  onToolCall: ToolCallHandler;
  onProgress: ((fraction: number, message?: string) => void) | undefined;
  scope: RunScope | undefined;
  watchdogFired: boolean;
}

const EMPTY_STATS = Object.freeze({ toolCalls: 0, iterations: 0, runMs: 0 });

function failed(code: string, message: string, details?: Record<string, unknown>): SandboxOutcome {
  return { ok: false, error: { code, message, ...(details ? { details } : {}) }, logs: [], warnings: [], stats: { ...EMPTY_STATS } };
}

/**
 * Serialises a tool reply for the channel, replacing results that are not JSON or are over the run's
 * toolResultBytes with a tool error, so a huge answer never reaches (or stalls) a sandbox thread.
 */
function serialiseReply(id: number, callId: number, tool: string, reply: ToolReply, maxBytes: number): string {
  const failWith = (message: string): string =>
    JSON.stringify({ t: 'tool-result', id, callId, reply: { ok: false, error: { code: 'TOOL_ERROR', message } } });
  let line: string;
  try {
    line = JSON.stringify({ t: 'tool-result', id, callId, reply });
  } catch (err) {
    return failWith(`${tool}: the tool returned data that is not JSON (${(err as Error).message})`);
  }
  // UTF-8 takes at least one byte per UTF-16 unit and at most three, so most lines skip the byte count.
  if (line.length * 3 > maxBytes) {
    const bytes = Buffer.byteLength(line, 'utf8');
    if (bytes > maxBytes) return failWith(`${tool}: the result is ${bytes} bytes, over the limit toolResultBytes (${maxBytes})`);
  }
  return line;
}

/**
 * The front's view of all executor processes: dispatch, the trust boundary for tool calls, watchdogs,
 * and the retry rule (a run lost with an executor is retried once if it made no tool call and was not
 * the only run there, i.e. not the likely cause).
 */
export class ExecutorPool {
  readonly executors: ExecutorProcess[];
  readonly #runs = new Map<number, ActiveRun>();
  #seq = 0;
  #closed = false;

  constructor(readonly options: ExecutorPoolOptions) {
    this.executors = Array.from({ length: options.processes }, (_, index) => {
      const ex = new ExecutorProcess({
        index,
        init: options.init,
        permissionModel: options.permissionModel,
        parallelGc: options.parallelGc,
        restartBackoffMs: options.restartBackoffMs,
        restartBackoffMaxMs: options.restartBackoffMaxMs,
        log: options.log,
      });
      ex.on('tool-call', (id: number, callId: number, tool: string, args: unknown, reply: ChannelReply) => this.#onToolCall(ex, id, callId, tool, args, reply));
      return ex;
    });
  }

  #channel: ToolChannelServer | undefined;

  async start(): Promise<void> {
    this.#channel = await ToolChannelServer.listen(this.options.log);
    for (const ex of this.executors) {
      ex.channel = this.#channel;
      ex.start();
    }
  }

  get ready(): boolean {
    return !this.#closed && this.executors.some((ex) => ex.ready);
  }

  /** Resolves once every executor is warm, or rejects after `timeoutMs`. */
  waitReady(timeoutMs = 30_000): Promise<void> {
    const pending = this.executors.filter((ex) => !ex.ready);
    if (pending.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`executors not ready after ${timeoutMs} ms`)), timeoutMs);
      let left = pending.length;
      for (const ex of pending) {
        ex.once('ready', () => {
          if (--left === 0) {
            clearTimeout(timer);
            resolve();
          }
        });
      }
    });
  }

  get capacityPerExecutor(): number {
    const { maxThreads, tasksPerThread } = this.options.init;
    return maxThreads * tasksPerThread + this.options.maxQueue;
  }

  #pickReady(): ExecutorProcess | undefined {
    let best: ExecutorProcess | undefined;
    for (const ex of this.executors) {
      if (ex.ready && (!best || ex.inFlightCount < best.inFlightCount)) best = ex;
    }
    return best;
  }

  /**
   * A ready executor with room, waiting (within the run's own deadline) while executors restart, so a
   * crash costs the next request a short delay rather than an error.
   */
  async #acquire(deadlineAt: number): Promise<ExecutorProcess> {
    let best = this.#pickReady();
    while (!best) {
      if (this.#closed) throw new GatewayError('SHUTTING_DOWN', 'the executor pool is closed');
      const waitMs = deadlineAt - Date.now();
      if (waitMs <= 0) throw new GatewayError('NOT_READY', 'no executor became ready before the deadline; they are starting or restarting');
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          for (const ex of this.executors) ex.off('ready', done);
          resolve();
        };
        // Node fires a longer timer after 1 ms; without a deadline, wake now and then to re-check.
        const timer = setTimeout(done, Math.min(waitMs, 60_000));
        for (const ex of this.executors) ex.once('ready', done);
      });
      best = this.#pickReady();
    }
    if (best.inFlightCount >= this.capacityPerExecutor) {
      throw new GatewayError('SATURATED', `all executors are at capacity (${this.capacityPerExecutor} scripts each)`);
    }
    return best;
  }

  #onToolCall(ex: ExecutorProcess, id: number, callId: number, tool: string, args: unknown, send: ChannelReply): void {
    const run = this.#runs.get(id);
    // Progress reports are the calls numbered 0; a script's own call named like one is answered below.
    if (tool === PROGRESS_TOOL && callId === 0) {
      // Re-checked here: the front does not take the executor's word for the shape.
      const { fraction, message } = (args ?? {}) as { fraction?: unknown; message?: unknown };
      if (run && run.executor === ex && typeof fraction === 'number' && Number.isFinite(fraction)) {
        run.onProgress?.(Math.min(1, Math.max(0, fraction)), typeof message === 'string' ? message.slice(0, MAX_PROGRESS_MESSAGE) : undefined);
      }
      return;
    }
    const reply = (r: ToolReply): void => send(serialiseReply(id, callId, tool, r, run?.maxToolResultBytes ?? Number.POSITIVE_INFINITY));
    if (!run || run.executor !== ex) {
      reply({ ok: false, error: { code: 'TOOL_ERROR', message: 'no such execution' } });
      return;
    }
    if (Date.now() >= run.deadlineAt) {
      reply({ ok: false, error: { code: 'TOOL_TIMEOUT', message: 'the execution deadline has passed' } });
      return;
    }
    // Counted here as well as in the sandbox: the front does not take the executor's word for it.
    if (++run.toolCalls > run.maxToolCalls) {
      reply({ ok: false, error: { code: 'LIMIT_EXCEEDED', message: `limit toolCalls (${run.maxToolCalls}) exceeded` } });
      return;
    }
    const scope = (run.scope ??= new RunScope(run.deadlineAt));
    run.onToolCall(tool, args, scope).then(reply, (err: unknown) =>
      reply({ ok: false, error: { code: 'TOOL_ERROR', message: err instanceof Error ? err.message : String(err) } }),
    );
  }

  async run(request: RunRequest): Promise<RunResult> {
    if (this.#closed) throw new GatewayError('SHUTTING_DOWN', 'the executor pool is closed');
    const enforced = this.options.init.enforceDeadlines;
    const deadlineAt = enforced ? Date.now() + request.timeoutMs : NO_DEADLINE;
    for (let attempt = 1; ; attempt++) {
      const ex = await this.#acquire(deadlineAt);
      const id = ++this.#seq;
      const run: ActiveRun = {
        executor: ex,
        deadlineAt,
        toolCalls: 0,
        maxToolCalls: request.limits.toolCalls,
        maxToolResultBytes: request.limits.toolResultBytes,
        onToolCall: request.onToolCall,
        onProgress: request.onProgress,
        scope: undefined,
        watchdogFired: false,
      };
      this.#runs.set(id, run);
      const graceMs = this.options.init.terminateGraceMs + this.options.watchdogMs;
      const watchdog = enforced
        ? setTimeout(() => {
            run.watchdogFired = true;
            this.options.log.error({ executor: ex.options.index, pid: ex.pid }, 'executor missed a deadline by the watchdog margin; killing it');
            ex.kill();
          }, deadlineAt - Date.now() + graceMs)
        : undefined;
      watchdog?.unref();
      const onAbort = () => ex.cancel(id, 'cancelled');
      request.signal?.addEventListener('abort', onAbort, { once: true });
      let outcome: RunOutcome;
      try {
        outcome = await ex.run({
          id,
          code: request.code,
          ...(request.library && request.library.length > 0 ? { library: request.library } : {}),
          limits: request.limits,
          context: request.context,
          deadlineAt,
          timeoutMs: request.timeoutMs,
        });
      } finally {
        clearTimeout(watchdog);
        run.scope?.end();
        request.signal?.removeEventListener('abort', onAbort);
        this.#runs.delete(id);
      }
      if (!('lost' in outcome)) return { outcome, attempts: attempt };
      if (run.watchdogFired) {
        return { outcome: failed('TIMEOUT', `script exceeded its ${request.timeoutMs} ms deadline; its executor stopped answering and was restarted`, { timeoutMs: request.timeoutMs }), attempts: attempt };
      }
      if (request.signal?.aborted) return { outcome: failed('CANCELLED', 'the execution was cancelled'), attempts: attempt };
      // Lost after its own deadline: the executor was restarted to stop it (a built-in that ignores termination).
      if (Date.now() >= deadlineAt && outcome.sole) {
        return { outcome: failed('TIMEOUT', `script exceeded its ${request.timeoutMs} ms deadline inside a built-in; its executor was restarted to stop it`, { timeoutMs: request.timeoutMs }), attempts: attempt };
      }
      const innocent = !outcome.madeToolCall && !outcome.sole;
      if (innocent && attempt === 1 && Date.now() < deadlineAt) {
        this.options.log.info({ reason: outcome.reason }, 'retrying a run lost with its executor thread');
        continue;
      }
      return { outcome: this.#lostToOutcome(outcome, attempt), attempts: attempt };
    }
  }

  #lostToOutcome(lost: Extract<RunOutcome, { lost: true }>, attempt: number): SandboxOutcome {
    // The run that was alone when its thread or process died, or that died again on retry, caused it.
    const culprit = lost.sole || attempt > 1;
    if (culprit && lost.reason === 'worker-oom') {
      const mb = this.options.init.workerHeapMb;
      return failed('LIMIT_EXCEEDED', `limit workerHeapMb (${mb}) exceeded: the script ran out of memory`, { limit: 'workerHeapMb', value: mb });
    }
    if (culprit) return failed('EXECUTOR_CRASHED', `the script crashed its sandbox (${lost.message}); it was restarted`);
    return failed('EXECUTOR_RESTARTED', `the sandbox restarted while this script ran (${lost.message})`);
  }

  stats(): { executors: number; ready: number; restarts: number; inFlight: number; threads: number; queueSize: number; utilization: number; rssBytes: number } {
    const s = { executors: this.executors.length, ready: 0, restarts: 0, inFlight: 0, threads: 0, queueSize: 0, utilization: 0, rssBytes: 0 };
    for (const ex of this.executors) {
      if (ex.ready) s.ready++;
      s.restarts += ex.restarts;
      s.inFlight += ex.inFlightCount;
      const st: PoolStats | undefined = ex.lastStats;
      if (st) {
        s.threads += st.threads;
        s.queueSize += st.queueSize;
        s.utilization += st.utilization / this.executors.length;
        s.rssBytes += st.rssBytes;
      }
    }
    return s;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.executors.map((ex) => ex.stop()));
    this.#channel?.close();
  }
}
