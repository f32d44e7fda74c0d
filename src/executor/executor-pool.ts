import { GatewayError } from '../errors';
import type { Logger } from '../log';
import { ExecutorProcess, type PoolStats } from './executor-process';
import { ToolChannelServer, type ChannelReply } from './tool-channel';
import { MAX_PROGRESS_MESSAGE, NO_DEADLINE, PROGRESS_TOOL, type ExecutorInit, type RunOutcome, type SandboxOutcome, type ToolReply } from './protocol';
import { Quarantine } from './quarantine';
import { failed, serialiseReply } from './replies';
import { ReplayLog } from './replay-log';
import { RunScope } from './run-scope';
import { PAUSE_RUN, type RunRequest, type RunResult, type ToolCallHandler } from './run-request';

export { RunScope } from './run-scope';
export { PAUSE_RUN, cancelHookOf, type CancelHook, type RunRequest, type RunResult, type ToolCallHandler } from './run-request';

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

/** What every attempt of one run shares. */
interface RunState {
  deadlineAt: number;
  log: ReplayLog;
  maxToolCalls: number;
  maxToolResultBytes: number;
  onToolCall: ToolCallHandler;
  onProgress: ((fraction: number, message?: string) => void) | undefined;
  /** Lives across attempts: a tool still running when an attempt was lost is awaited by the next. */
  scope: RunScope | undefined;
  /** The call the handler paused the run at; later calls of the stopped attempt are not made. */
  paused: { callId: number; tool: string; args: unknown } | undefined;
  /** Calls made and not yet answered: a paused run's log is kept once they are. */
  unanswered: Set<Promise<void>>;
}

/** One attempt of a run, on one executor. */
interface ActiveRun {
  executor: ExecutorProcess;
  state: RunState;
  watchdogFired: boolean;
  /** Why a resumed attempt was stopped: at some step it asked for something its lost attempt had not. */
  diverged: string | undefined;
}

/**
 * Attempts of one run, all within its own deadline: a victim may share a thread with several different
 * attacks in a row, while a suspect is isolated after one loss and a culprit stops at its second.
 */
const MAX_ATTEMPTS = 5;
/** How long a script that crashed its sandbox runs isolated, and how many such scripts are remembered. */
const QUARANTINE_MS = 10 * 60_000;
const QUARANTINE_ENTRIES = 1_000;

/**
 * The front's view of all executor processes: dispatch, the trust boundary for tool calls, watchdogs,
 * and recovery. A run lost with its thread or executor is resumed (replayed from its ReplayLog) unless
 * it caused the loss: it was alone on its thread, or it was lost again while running isolated. A run the
 * executor names as the likely cause (it had control when its thread died), one alone in a whole
 * executor that died, or one lost with a whole executor twice, is resumed isolated: on an executor of
 * its own that runs one script per thread, so whatever it does next harms nobody else. A script that proved to crash its sandbox stays isolated for
 * QUARANTINE_MS.
 */
export class ExecutorPool {
  readonly executors: ExecutorProcess[];
  readonly #runs = new Map<number, ActiveRun>();
  #seq = 0;
  #closed = false;
  /** Started on first need: the executor for suspects and quarantined scripts. */
  #isolated: ExecutorProcess | undefined;
  readonly #quarantine = new Quarantine(QUARANTINE_MS, QUARANTINE_ENTRIES);

  constructor(readonly options: ExecutorPoolOptions) {
    this.executors = Array.from({ length: options.processes }, (_, index) => this.#executor(index, options.init));
  }

  /** One supervised executor process, listened to by this pool. */
  #executor(index: number, init: ExecutorInit): ExecutorProcess {
    const { options } = this;
    const ex = new ExecutorProcess({
      index,
      init,
      permissionModel: options.permissionModel,
      parallelGc: options.parallelGc,
      restartBackoffMs: options.restartBackoffMs,
      restartBackoffMaxMs: options.restartBackoffMaxMs,
      log: options.log,
    });
    this.#listen(ex);
    return ex;
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

  #listen(ex: ExecutorProcess): void {
    ex.on('tool-call', (id: number, callId: number, tool: string, args: unknown, clock: unknown, chars: number, reply: ChannelReply) => this.#onToolCall(ex, id, callId, tool, args, clock, chars, reply));
  }

  #pickReady(candidates: readonly ExecutorProcess[]): ExecutorProcess | undefined {
    let best: ExecutorProcess | undefined;
    for (const ex of candidates) {
      if (ex.ready && (!best || ex.inFlightCount < best.inFlightCount)) best = ex;
    }
    return best;
  }

  /**
   * A ready executor with room, waiting (within the run's own deadline) while executors restart, so a
   * crash costs the next request a short delay rather than an error.
   */
  async #acquire(deadlineAt: number, candidates: readonly ExecutorProcess[] = this.executors): Promise<ExecutorProcess> {
    let best = this.#pickReady(candidates);
    while (!best) {
      if (this.#closed) throw new GatewayError('SHUTTING_DOWN', 'the executor pool is closed');
      const waitMs = deadlineAt - Date.now();
      if (waitMs <= 0) throw new GatewayError('NOT_READY', 'no executor became ready before the deadline; they are starting or restarting');
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          for (const ex of candidates) ex.off('ready', done);
          resolve();
        };
        // Node fires a longer timer after 1 ms; without a deadline, wake now and then to re-check.
        const timer = setTimeout(done, Math.min(waitMs, 60_000));
        for (const ex of candidates) ex.once('ready', done);
      });
      best = this.#pickReady(candidates);
    }
    if (best.inFlightCount >= this.capacityPerExecutor) {
      throw new GatewayError('SATURATED', `all executors are at capacity (${this.capacityPerExecutor} scripts each)`);
    }
    return best;
  }

  /** The isolated executor (started on first use): one script per thread, only suspects and quarantined scripts. */
  #acquireIsolated(deadlineAt: number): Promise<ExecutorProcess> {
    let ex = this.#isolated;
    if (!ex) {
      ex = this.#executor(this.options.processes, { ...this.options.init, tasksPerThread: 1, minThreads: 1 });
      ex.channel = this.#channel;
      this.#isolated = ex;
      ex.start();
    }
    return this.#acquire(deadlineAt, [ex]);
  }

  #onToolCall(ex: ExecutorProcess, id: number, callId: number, tool: string, args: unknown, clock: unknown, chars: number, send: ChannelReply): void {
    const run = this.#runs.get(id);
    // Progress reports are the calls numbered 0; a script's own call named like one is answered below.
    if (tool === PROGRESS_TOOL && callId === 0) {
      // Re-checked here: the front does not take the executor's word for the shape.
      const { fraction, message } = (args ?? {}) as { fraction?: unknown; message?: unknown };
      if (run && run.executor === ex && typeof fraction === 'number' && Number.isFinite(fraction)) {
        run.state.onProgress?.(Math.min(1, Math.max(0, fraction)), typeof message === 'string' ? message.slice(0, MAX_PROGRESS_MESSAGE) : undefined);
      }
      return;
    }
    if (!run || run.executor !== ex) {
      send(serialiseReply(id, callId, tool, { ok: false, error: { code: 'TOOL_ERROR', message: 'no such execution' } }, Number.POSITIVE_INFINITY));
      return;
    }
    const { state } = run;
    const { log } = state;
    // Calls a paused run's script went on to make: the run that resumes it makes them.
    if (state.paused) return;
    if (clock !== undefined) log.noteClock(clock);
    if (log.isReplay(callId)) {
      const diverged = log.replay(callId, tool, args, send);
      if (diverged) this.#stopDiverged(run, id, diverged);
      return;
    }
    if (callId !== log.calls + 1) {
      this.#stopDiverged(run, id, `call ${callId} arrived where call ${log.calls + 1} was due`);
      return;
    }
    const reply = (r: ToolReply): void => {
      const line = serialiseReply(id, callId, tool, r, state.maxToolResultBytes);
      log.answered(callId, line);
      send(line);
    };
    // As the script sent them: the handler's validation fills in schema defaults in place.
    const sent = JSON.stringify(args);
    if (Date.now() >= state.deadlineAt) {
      log.made(tool, sent, chars);
      reply({ ok: false, error: { code: 'TOOL_TIMEOUT', message: 'the execution deadline has passed' } });
      return;
    }
    // Counted here as well as in the sandbox: the front does not take the executor's word for it.
    if (log.calls >= state.maxToolCalls) {
      log.made(tool, sent, chars);
      reply({ ok: false, error: { code: 'LIMIT_EXCEEDED', message: `limit toolCalls (${state.maxToolCalls}) exceeded` } });
      return;
    }
    const scope = (state.scope ??= new RunScope(state.deadlineAt));
    const answer = state.onToolCall(tool, args, scope, callId);
    if (answer === PAUSE_RUN && log.unresumable === undefined) {
      // Not made: the run stops here, and the run that resumes it makes this call once it may.
      state.paused = { callId, tool, args };
      run.executor.cancel(id, 'cancelled');
      return;
    }
    log.made(tool, sent, chars);
    if (answer === PAUSE_RUN) {
      // A run that could not be replayed cannot wait: the script hears why, and may go on without the call.
      reply({ ok: false, error: { code: 'APPROVAL_REQUIRED', message: `${tool} needs an approval, and this execution cannot wait for one: ${log.unresumable ?? ''}` } });
      return;
    }
    const settled = answer.then(reply, (err: unknown) => reply({ ok: false, error: { code: 'TOOL_ERROR', message: err instanceof Error ? err.message : String(err) } }));
    state.unanswered.add(settled);
    void settled.finally(() => state.unanswered.delete(settled));
  }

  #stopDiverged(run: ActiveRun, id: number, why: string): void {
    run.diverged ??= why;
    run.executor.cancel(id, 'cancelled');
  }

  async run(request: RunRequest): Promise<RunResult> {
    if (this.#closed) throw new GatewayError('SHUTTING_DOWN', 'the executor pool is closed');
    const enforced = this.options.init.enforceDeadlines;
    const deadlineAt = enforced ? (request.deadlineAt ?? Date.now() + request.timeoutMs) : NO_DEADLINE;
    // One id for every attempt: replies recorded in the log are addressed to it.
    const id = ++this.#seq;
    const state: RunState = {
      deadlineAt,
      log: new ReplayLog(request.resume ? { snapshot: request.resume, runId: id } : undefined),
      maxToolCalls: request.limits.toolCalls,
      maxToolResultBytes: request.limits.toolResultBytes,
      onToolCall: request.onToolCall,
      onProgress: request.onProgress,
      scope: undefined,
      paused: undefined,
      unanswered: new Set(),
    };
    let isolate = this.#quarantine.holds(request.scriptHash);
    let lostWithExecutor = false;
    try {
      for (let attempt = 1; ; attempt++) {
        const ex = isolate ? await this.#acquireIsolated(deadlineAt) : await this.#acquire(deadlineAt);
        state.log.beginAttempt();
        const run: ActiveRun = { executor: ex, state, watchdogFired: false, diverged: undefined };
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
        let unsubscribe: (() => void) | undefined;
        let outcome: RunOutcome;
        try {
          const running = ex.run({
            id,
            code: request.code,
            ...(request.library && request.library.length > 0 ? { library: request.library } : {}),
            limits: request.limits,
            context: request.context,
            deadlineAt,
            timeoutMs: request.timeoutMs,
            seed: state.log.seed,
            ...((attempt > 1 || request.resume) && state.log.clock ? { replayClock: state.log.clock } : {}),
          });
          // Listened to once the executor holds the run: a run cancelled while it waited for an executor is
          // cancelled there at once, instead of the cancel finding no run and being lost.
          unsubscribe = request.cancel?.onCancel(() => ex.cancel(id, 'cancelled'));
          outcome = await running;
        } finally {
          clearTimeout(watchdog);
          unsubscribe?.();
          this.#runs.delete(id);
        }
        if (state.paused && request.cancel?.cancelled !== true) return await this.#pausedResult(state, attempt);
        if (run.diverged !== undefined && request.cancel?.cancelled !== true) {
          // Replaying a paused run is no restart: the script itself asked for something else this time.
          if (request.resume && attempt === 1) return { outcome: failed('REPLAY_DIVERGED', `the script, replayed to resume it after its pause, did something else: ${run.diverged}`), attempts: attempt };
          return { outcome: failed('EXECUTOR_RESTARTED', `the sandbox restarted while this script ran, and it could not be resumed: ${run.diverged}`), attempts: attempt };
        }
        if (!('lost' in outcome)) return { outcome, attempts: attempt };
        if (run.watchdogFired) {
          return { outcome: failed('TIMEOUT', `script exceeded its ${request.timeoutMs} ms deadline; its executor stopped answering and was restarted`, { timeoutMs: request.timeoutMs }), attempts: attempt };
        }
        if (request.cancel?.cancelled === true) return { outcome: failed('CANCELLED', 'the execution was cancelled'), attempts: attempt };
        // Lost after its own deadline: the executor was restarted to stop it (a built-in that ignores termination).
        if (Date.now() >= deadlineAt && outcome.sole) {
          return { outcome: failed('TIMEOUT', `script exceeded its ${request.timeoutMs} ms deadline inside a built-in; its executor was restarted to stop it`, { timeoutMs: request.timeoutMs }), attempts: attempt };
        }
        // Alone on a thread that died, or lost again while isolated: this script caused it. A thread taken
        // down because one script held it is no crash: that script goes on alone, isolated. A whole
        // executor can die from outside (the OOM killer, an operator's kill), so a run alone in one is
        // only a suspect: it resumes isolated, where a second loss convicts it and harms nobody else.
        const hogged = outcome.reason === 'worker-hogged';
        const wholeExecutor = outcome.reason === 'executor-exited';
        if (!hogged && (isolate || (outcome.sole && !wholeExecutor))) {
          this.#quarantine.add(request.scriptHash);
          return { outcome: this.#lostToOutcome(outcome, true), attempts: attempt };
        }
        const unresumable = outcome.madeToolCall ? state.log.unresumable : undefined;
        if (unresumable !== undefined || attempt >= MAX_ATTEMPTS || Date.now() >= deadlineAt) {
          return { outcome: this.#lostToOutcome(outcome, false, unresumable), attempts: attempt };
        }
        // The executor names the run that had control when its thread died; a whole executor names
        // nobody, so a run lost with one twice is treated as the suspect.
        isolate = outcome.suspect === true || (hogged && outcome.sole) || (wholeExecutor && (outcome.sole || lostWithExecutor));
        if (wholeExecutor) lostWithExecutor = true;
        this.options.log.info({ reason: outcome.reason, attempt, isolate, replayedCalls: state.log.calls }, 'resuming a run lost with its sandbox');
      }
    } finally {
      state.scope?.end();
    }
  }

  /** The result of a run stopped at a call that waits for a person, once the calls before it are answered. */
  async #pausedResult(state: RunState, attempts: number): Promise<RunResult> {
    while (state.unanswered.size > 0) await Promise.all(state.unanswered);
    const paused = state.paused as NonNullable<RunState['paused']>;
    const snapshot = state.log.snapshot();
    if (!snapshot) {
      return { outcome: failed('APPROVAL_REQUIRED', `${paused.tool} needs an approval, and this execution cannot wait for one: ${state.log.unresumable ?? 'a call it made has no reply'}`), attempts };
    }
    return { outcome: failed('APPROVAL_REQUIRED', `${paused.tool} waits for an approval`), attempts, paused: { ...paused, snapshot } };
  }

  #lostToOutcome(lost: Extract<RunOutcome, { lost: true }>, culprit: boolean, unresumable?: string): SandboxOutcome {
    if (culprit && lost.reason === 'worker-oom') {
      const mb = this.options.init.workerHeapMb;
      return failed('LIMIT_EXCEEDED', `limit workerHeapMb (${mb}) exceeded: the script ran out of memory`, { limit: 'workerHeapMb', value: mb });
    }
    if (culprit) return failed('EXECUTOR_CRASHED', `the script crashed its sandbox (${lost.message}); it was restarted`);
    const why = unresumable !== undefined ? `; it could not be resumed because ${unresumable}` : '';
    return failed('EXECUTOR_RESTARTED', `the sandbox restarted while this script ran (${lost.message})${why}`);
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
    // The isolated executor holds runs and memory too, and its restarts are crashes like any other.
    const isolated = this.#isolated;
    if (isolated) {
      s.restarts += isolated.restarts;
      s.inFlight += isolated.inFlightCount;
      s.rssBytes += isolated.lastStats?.rssBytes ?? 0;
    }
    return s;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.executors, ...(this.#isolated ? [this.#isolated] : [])].map((ex) => ex.stop()));
    this.#channel?.close();
  }
}
