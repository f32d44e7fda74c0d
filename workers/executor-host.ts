/**
 * Executor child-process entry. Owns a Piscina pool of sandbox worker threads (which exchange tool calls
 * with the front directly over its tool channel), dispatches runs, and enforces deadlines: raise the
 * shared cancel flag, tell the thread, and if the script is stuck in native code past the grace,
 * terminate its thread.
 *
 * It holds no credentials (the front scrubs its environment) and trusts nothing it receives beyond
 * shape: the front re-checks every tool call against the execution it belongs to.
 */
import { resolve } from 'node:path';
import type { MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type {
  BatchMessage,
  CancelReason,
  ExecutorInit,
  ExecutorMessage,
  FrontMessage,
  HostToWorker,
  RunOutcome,
  SandboxOutcome,
  SandboxTask,
} from '../src/executor/protocol';
import { CANCEL_CANCELLED, CANCEL_NONE, CANCEL_TIMEOUT, HOGGED_THREAD_MS, MAX_SLOTS, PORT_HANDSHAKE, createBatcher } from '../src/executor/protocol';

interface LiveRun {
  task: SandboxTask;
  deadlineTimer: NodeJS.Timeout | undefined;
  graceTimer: NodeJS.Timeout | undefined;
  /** The host terminated this run's thread because of this run's own deadline or cancel. */
  terminatedFor: CancelReason | undefined;
}

const flagsBuffer = new SharedArrayBuffer(MAX_SLOTS * Int32Array.BYTES_PER_ELEMENT);
const ownersBuffer = new SharedArrayBuffer(MAX_SLOTS * Int32Array.BYTES_PER_ELEMENT);
const enteredBuffer = new SharedArrayBuffer(MAX_SLOTS * Int32Array.BYTES_PER_ELEMENT);
const flags = new Int32Array(flagsBuffer);
const owners = new Int32Array(ownersBuffer);
/** Per slot, the thread's stamp of when its run last got control (see sandbox-worker's markEntered). */
const entered = new Int32Array(enteredBuffer);
const freeSlots: number[] = Array.from({ length: MAX_SLOTS }, (_, i) => MAX_SLOTS - 1 - i);

const runs = new Map<number, LiveRun>();
const portsByThread = new Map<number, MessagePort>();
let pool: Piscina<SandboxTask, SandboxOutcome> | undefined;
let init: ExecutorInit | undefined;
let shuttingDown = false;

function sendNow(message: ExecutorMessage | BatchMessage<ExecutorMessage>): void {
  // A front that went away leaves nothing to report to; never throw from here.
  if (!process.connected || !process.send) return;
  try {
    process.send(message, undefined, {}, (err) => {
      if (err) process.exitCode = 1;
    });
  } catch {
    // One message that cannot be serialised must not take the others of its batch with it: send them one by
    // one, and answer a run whose outcome cannot travel with an error for that run alone.
    for (const one of message.t === 'batch' ? message.m : [message]) sendAlone(one);
  }
}

function sendAlone(message: ExecutorMessage): void {
  try {
    process.send?.(message);
  } catch {
    if (message.t !== 'done') return;
    const failed: ExecutorMessage = {
      t: 'done',
      id: message.id,
      outcome: { ok: false, error: { code: 'RUNTIME_ERROR', message: 'the script ended with a value that cannot leave the sandbox' }, logs: [], warnings: [], stats: { toolCalls: 0, iterations: 0, runMs: 0 } },
    };
    try {
      process.send?.(failed);
    } catch {
      // Nothing left to try: the front's watchdog ends the run.
    }
  }
}
const batch = createBatcher<ExecutorMessage>(sendNow);
const send = (message: ExecutorMessage): void => batch.push(message);

/** Each thread's pulse: the last time its event loop ran (see sandbox-worker). */
const pulses = new Map<number, Float64Array>();

/** Ports carry only cancellations; tool traffic goes from the threads to the front directly. */
function onWorkerPort(threadId: number, port: MessagePort, pulse: Float64Array | undefined): void {
  portsByThread.set(threadId, port);
  if (pulse) pulses.set(threadId, pulse);
  port.on('close', () => {
    if (portsByThread.get(threadId) === port) portsByThread.delete(threadId);
    pulses.delete(threadId);
  });
}

/**
 * A thread held in one native call for over HOGGED_THREAD_MS while this executor has other runs: every
 * run on it (and any queued for it) waits, and would time out through no fault of its own. Take the
 * thread down: its runs are reported lost, the one that had control as the suspect, and the front
 * resumes the others elsewhere and the suspect alone.
 */
const hoggedThreads = new Set<number>();
function takeDownHoggedThreads(): void {
  // One script per thread (the isolated executor): a busy thread keeps nobody else waiting.
  if (runs.size < 2 || !pool || (init?.tasksPerThread ?? 1) <= 1) return;
  const now = Date.now();
  for (const [threadId, pulse] of pulses) {
    if (now - (pulse[0] ?? now) < HOGGED_THREAD_MS) continue;
    const thread = pool.threads.find((t) => t.threadId === threadId);
    if (!thread) continue;
    // Others wait on it: runs that share it, or runs not started yet (some may be queued on it).
    let waiting = -1;
    for (const run of runs.values()) {
      const owner = Atomics.load(owners, run.task.slot);
      if (owner === threadId || owner === 0) waiting++;
    }
    if (waiting < 1) continue;
    pulses.delete(threadId);
    hoggedThreads.add(threadId);
    setTimeout(() => hoggedThreads.delete(threadId), 10_000).unref();
    send({ t: 'log', level: 'warn', message: `a sandbox thread was held by one script for over ${HOGGED_THREAD_MS} ms while others waited; taking it down` });
    void thread.terminate();
  }
}

function postToRun(run: LiveRun, message: HostToWorker): void {
  portsByThread.get(Atomics.load(owners, run.task.slot))?.postMessage(message);
}

/** Deadline or cancel: flag, message, and after the grace, the thread itself. */
function stopRun(run: LiveRun, reason: CancelReason): void {
  if (run.graceTimer) return;
  Atomics.store(flags, run.task.slot, reason === 'timeout' ? CANCEL_TIMEOUT : CANCEL_CANCELLED);
  postToRun(run, { t: 'cancel', id: run.task.id, reason });
  run.graceTimer = setTimeout(() => {
    const threadId = Atomics.load(owners, run.task.slot);
    if (!runs.has(run.task.id) || threadId === 0) return;
    const thread = pool?.threads.find((t) => t.threadId === threadId);
    if (!thread) return;
    run.terminatedFor = reason;
    void thread.terminate();
    // Some built-ins (a huge sort) do not reach an interrupt check for seconds, so termination waits
    // for them. Rather than hold every co-resident script hostage, leave: the front restarts us at once.
    const escalate = setTimeout(() => {
      if (!runs.has(run.task.id)) return;
      send({ t: 'log', level: 'warn', message: `a sandbox thread did not stop after termination; restarting the executor (run ${run.task.id})` });
      batch.flush();
      // Not process.exit(): it joins worker threads, and this one will not stop until its built-in returns.
      setImmediate(() => process.kill(process.pid, 'SIGKILL'));
    }, Math.max(250, 3 * (init?.terminateGraceMs ?? 100)));
    escalate.unref();
  }, init?.terminateGraceMs ?? 100);
  run.graceTimer.unref();
}

/**
 * What is known about a lost thread, read once when its first task fails (later ones see fewer runs):
 * how many runs it held, and which of them had control last.
 */
const lostThreads = new Map<number, { count: number; suspect: number }>();
function lostThread(threadId: number): { count: number; suspect: number } {
  let known = lostThreads.get(threadId);
  if (!known) {
    known = { count: 0, suspect: 0 };
    let latest = 0;
    for (const other of runs.values()) {
      const slot = other.task.slot;
      if (Atomics.load(owners, slot) !== threadId) continue;
      // Stamps wrap around at 2^31; a difference is right as long as runs are not 2^31 entries apart.
      const stamp = Atomics.load(entered, slot);
      if (known.count === 0 || ((stamp - latest) | 0) > 0) {
        latest = stamp;
        known.suspect = other.task.id;
      }
      known.count++;
    }
    lostThreads.set(threadId, known);
    setTimeout(() => lostThreads.delete(threadId), 10_000).unref();
  }
  return known;
}

function lostOutcome(run: LiveRun, err: unknown): RunOutcome {
  const code = (err as { code?: unknown } | null)?.code;
  const message = err instanceof Error ? err.message : String(err);
  if (run.terminatedFor) {
    const timeout = run.terminatedFor === 'timeout';
    return {
      ok: false,
      error: timeout
        ? { code: 'TIMEOUT', message: `script exceeded its ${run.task.timeoutMs} ms deadline and was stopped inside a built-in`, details: { timeoutMs: run.task.timeoutMs } }
        : { code: 'CANCELLED', message: 'the execution was cancelled' },
      logs: [],
      warnings: [],
      stats: { toolCalls: 0, iterations: 0, runMs: 0 },
    };
  }
  // A run that never started on the lost thread cannot have caused the loss.
  const threadId = Atomics.load(owners, run.task.slot);
  const thread = threadId !== 0 ? lostThread(threadId) : undefined;
  return {
    lost: true,
    reason: code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'worker-oom' : hoggedThreads.has(threadId) ? 'worker-hogged' : 'worker-exited',
    // Tool calls bypass this process; the front adds what it saw.
    madeToolCall: false,
    sole: thread !== undefined && thread.count <= 1,
    suspect: thread !== undefined && thread.suspect === run.task.id,
    message,
  };
}

function startRun(taskIn: Omit<SandboxTask, 'slot'>): void {
  const slot = freeSlots.pop();
  if (slot === undefined || !pool) {
    send({ t: 'done', id: taskIn.id, outcome: { lost: true, reason: 'worker-exited', madeToolCall: false, sole: false, message: 'executor has no free slot' } });
    return;
  }
  Atomics.store(flags, slot, CANCEL_NONE);
  Atomics.store(owners, slot, 0);
  Atomics.store(entered, slot, 0);
  const task: SandboxTask = { ...taskIn, slot };
  const run: LiveRun = { task, deadlineTimer: undefined, graceTimer: undefined, terminatedFor: undefined };
  runs.set(task.id, run);
  if (init?.enforceDeadlines !== false) run.deadlineTimer = setTimeout(() => stopRun(run, 'timeout'), Math.max(0, task.deadlineAt - Date.now()));
  pool.run(task).then(
    (outcome) => finish(run, outcome),
    // A run that never started on the lost thread cannot have caused the loss.
    (err: unknown) => finish(run, lostOutcome(run, err)),
  );
}

function finish(run: LiveRun, outcome: RunOutcome): void {
  clearTimeout(run.deadlineTimer);
  clearTimeout(run.graceTimer);
  runs.delete(run.task.id);
  Atomics.store(flags, run.task.slot, CANCEL_NONE);
  Atomics.store(owners, run.task.slot, 0);
  freeSlots.push(run.task.slot);
  send({ t: 'done', id: run.task.id, outcome });
}

function startPool(options: ExecutorInit): void {
  init = options;
  pool = new Piscina<SandboxTask, SandboxOutcome>({
    filename: resolve(options.sandboxWorkerFile),
    minThreads: options.minThreads,
    maxThreads: options.maxThreads,
    concurrentTasksPerWorker: options.tasksPerThread,
    idleTimeout: options.idleTimeoutMs,
    // Workers await tool results between tasks; Atomics.wait would block their event loop.
    atomics: 'disabled',
    resourceLimits: { maxOldGenerationSizeMb: options.workerHeapMb, maxYoungGenerationSizeMb: Math.max(4, Math.floor(options.workerHeapMb / 8)) },
    workerData: { flags: flagsBuffer, owners: ownersBuffer, entered: enteredBuffer, toolChannel: options.toolChannel },
    env: {},
  });
  pool.on('message', (message: unknown) => {
    const m = message as { [PORT_HANDSHAKE]?: boolean; port?: MessagePort; threadId?: number; pulse?: unknown } | null;
    if (m && m[PORT_HANDSHAKE] === true && m.port && typeof m.threadId === 'number') {
      onWorkerPort(m.threadId, m.port, m.pulse instanceof SharedArrayBuffer ? new Float64Array(m.pulse) : undefined);
      // One warm thread can serve: after a crash, requests are waiting, and the others follow within ms.
      if (!announced) announceReady();
    }
  });
  // Worker failures outside a task (e.g. during a respawn) must not crash this process.
  pool.on('error', (err: unknown) => send({ t: 'log', level: 'error', message: `sandbox pool error: ${String((err as Error)?.message ?? err)}` }));
  statsTimer = setInterval(reportStats, 1000);
  statsTimer.unref();
  setInterval(takeDownHoggedThreads, HOGGED_THREAD_MS / 4).unref();
}

let announced = false;
let statsTimer: NodeJS.Timeout | undefined;

function announceReady(): void {
  announced = true;
  send({ t: 'ready', threads: pool?.threads.length ?? 0 });
  batch.flush();
}

function reportStats(): void {
  if (!pool) return;
  const rssBytes = process.memoryUsage.rss();
  send({ t: 'pool-stats', threads: pool.threads.length, queueSize: pool.queueSize, utilization: pool.utilization, rssBytes });
  // Past the RSS cap with nothing running, exit cleanly so the front starts a fresh executor.
  if (init && init.rssLimitMb > 0 && rssBytes > init.rssLimitMb * 1024 * 1024 && runs.size === 0) {
    send({ t: 'log', level: 'warn', message: `executor RSS ${Math.round(rssBytes / 1048576)} MiB over rssLimitMb ${init.rssLimitMb}; recycling` });
    void shutdown(0);
  }
}

async function shutdown(code: number): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  clearInterval(statsTimer);
  try {
    await pool?.destroy();
  } finally {
    process.exit(code);
  }
}

process.on('message', (raw: unknown) => {
  const message = raw as FrontMessage | BatchMessage<FrontMessage>;
  if (message?.t === 'batch') for (const m of message.m) onFrontMessage(m);
  else onFrontMessage(message);
});

function onFrontMessage(message: FrontMessage): void {
  switch (message?.t) {
    case 'init':
      if (!pool) startPool(message.init);
      break;
    case 'run':
      startRun(message.task);
      break;
    case 'cancel': {
      const run = runs.get(message.id);
      if (run) stopRun(run, message.reason);
      break;
    }
    case 'shutdown':
      void shutdown(0);
      break;
    default:
      break;
  }
}

// Losing the front means nobody can use our results: leave.
process.on('disconnect', () => void shutdown(0));
