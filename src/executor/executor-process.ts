import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { dirname, resolve } from 'node:path';
import type { Logger } from '../log';
import { executorMessagesOf, readExecutorMessage } from './executor-messages';
import { createBatcher, type BatchMessage, type CancelReason, type ExecutorInit, type ExecutorMessage, type FrontMessage, type RunOutcome, type SandboxTask } from './protocol';
import type { ChannelReply, ToolChannelServer } from './tool-channel';

/** Malformed messages logged at warn per executor spawn; the rest at debug. */
const MALFORMED_LOGGED_PER_SPAWN = 10;

/** dist/src/executor → package root (holds dist/ and usually node_modules/). */
const APP_ROOT = resolve(__dirname, '..', '..', '..');
export const EXECUTOR_HOST_FILE = resolve(APP_ROOT, 'dist', 'workers', 'executor-host.js');
export const SANDBOX_WORKER_FILE = resolve(APP_ROOT, 'dist', 'workers', 'sandbox-worker.js');

/** Everything an executor reads: our code and the packages a worker loads, wherever npm put them. */
function readableRoots(): string[] {
  const roots = new Set([APP_ROOT]);
  for (const pkg of ['piscina', 'ses']) {
    try {
      roots.add(dirname(require.resolve(`${pkg}/package.json`)));
    } catch {
      // Not resolvable as a subpath: APP_ROOT covers the usual layout.
    }
  }
  return [...roots];
}

/** Node's permission model (stable since 22.13): the executor may start workers and read only the app. */
export function permissionFlags(): string[] {
  // Node announces the model on start; the warning classes, not all warnings, are silenced.
  const quiet = ['--disable-warning=ExperimentalWarning', '--disable-warning=SecurityWarning'];
  return ['--permission', '--allow-worker', ...readableRoots().map((root) => `--allow-fs-read=${root}/*`), ...quiet];
}

/** The only variables an executor sees: none of the front's secrets. */
export function scrubbedEnv(source: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of ['NODE_ENV', 'TZ', 'LANG']) {
    const value = source[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

/**
 * Delay before restart number `consecutive` (1-based) of an executor that keeps dying. A first crash
 * restarts at once (requests are waiting for it); one that dies again before serving a script waits
 * `baseMs`, doubling, so a crash loop cannot burn the CPU.
 */
export const restartDelayMs = (consecutive: number, baseMs: number, maxMs: number): number =>
  consecutive <= 1 ? 0 : Math.min(maxMs, baseMs * 2 ** (consecutive - 2));

export interface ExecutorProcessOptions {
  index: number;
  init: ExecutorInit;
  permissionModel: boolean;
  parallelGc: boolean;
  restartBackoffMs: number;
  restartBackoffMaxMs: number;
  log: Logger;
}

interface InFlight {
  task: Omit<SandboxTask, 'slot'>;
  resolve: (outcome: RunOutcome) => void;
  madeToolCall: boolean;
}

export interface PoolStats {
  threads: number;
  queueSize: number;
  utilization: number;
  rssBytes: number;
}

/**
 * One supervised executor child process. Emits `tool-call` (id, callId, tool, args, reply) for calls its
 * worker threads send over the tool channel, and `ready`; restarts itself with exponential backoff after
 * any exit until `stop()`.
 */
export class ExecutorProcess extends EventEmitter {
  #child: ChildProcess | undefined;
  #state: 'starting' | 'ready' | 'backoff' | 'stopped' = 'backoff';
  readonly #inFlight = new Map<number, InFlight>();
  #consecutiveCrashes = 0;
  #restartTimer: NodeJS.Timeout | undefined;
  restarts = 0;
  lastStats: PoolStats | undefined;
  /** Time of the last exit, for measuring recovery. */
  lastExitAt = 0;
  /** Set by the pool before the first start. */
  channel: ToolChannelServer | undefined;
  #token: string | undefined;

  constructor(readonly options: ExecutorProcessOptions) {
    super();
    // Every request waiting out a restart listens for 'ready' once; there may be hundreds.
    this.setMaxListeners(0);
  }

  get ready(): boolean {
    return this.#state === 'ready';
  }

  get inFlightCount(): number {
    return this.#inFlight.size;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  start(): void {
    if (this.#state === 'stopped') return;
    this.#state = 'starting';
    const { init, permissionModel, parallelGc, log } = this.options;
    const child = fork(EXECUTOR_HOST_FILE, [], {
      env: scrubbedEnv(),
      execArgv: [...(permissionModel ? permissionFlags() : []), ...(parallelGc ? [] : ['--single-threaded-gc'])],
      serialization: 'json',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.#child = child;
    const relay = (level: 'info' | 'warn') => (chunk: Buffer) => {
      const text = chunk.toString('utf8').trim();
      if (text) log[level]({ executor: this.options.index, pid: child.pid }, text.slice(0, 4000));
    };
    child.stdout?.on('data', relay('info'));
    child.stderr?.on('data', relay('warn'));
    // A late send to a dead child emits 'error' (ERR_IPC_CHANNEL_CLOSED); it must never reach the process.
    child.on('error', (err) => log.warn({ err, executor: this.options.index }, 'executor process error'));
    this.#malformed = 0;
    child.on('message', (raw: unknown) => {
      for (const one of executorMessagesOf(raw)) {
        const message = readExecutorMessage(one);
        if (message === undefined) this.#onMalformed(child, 'a message that is not one of the protocol');
        else if (message.t === 'malformed-done') this.#onMalformedDone(child, message.id);
        else this.#onMessage(child, message);
      }
    });
    this.#batch = createBatcher<FrontMessage>((message) => this.#sendNow(child, message));
    child.on('exit', (code, signal) => this.#onExit(child, code, signal));
    const channel = this.channel;
    if (!channel) throw new Error('executor started without a tool channel');
    // A new token per spawn: threads of a previous incarnation cannot speak for this one.
    this.#token = channel.register((message, reply, chars) => this.#onToolCall(message.id, message.callId, message.tool, message.args, message.clock, chars, reply));
    this.#send({ t: 'init', init: { ...init, toolChannel: { path: channel.path, token: this.#token } } });
  }

  #onToolCall(id: number, callId: number, tool: string, args: unknown, clock: number[] | false | undefined, chars: number, reply: ChannelReply): void {
    // Whether the run is this executor's is decided in one place, the pool, which answers a foreign one.
    const run = this.#inFlight.get(id);
    if (run) run.madeToolCall = true;
    this.emit('tool-call', id, callId, tool, args, clock, chars, reply);
  }

  #malformed = 0;

  /** Dropped, and said: a first few per spawn at warn, so a broken or hostile executor cannot flood the log. */
  #onMalformed(child: ChildProcess, what: string): void {
    if (child !== this.#child) return;
    this.#malformed++;
    const level = this.#malformed <= MALFORMED_LOGGED_PER_SPAWN ? 'warn' : 'debug';
    this.options.log[level]({ executor: this.options.index, malformed: this.#malformed }, `executor sent ${what}; dropped`);
  }

  /** A run's answer that does not fit the protocol fails that run now, instead of at its deadline. */
  #onMalformedDone(child: ChildProcess, id: number): void {
    this.#onMalformed(child, `a malformed answer for run ${id}`);
    if (child !== this.#child) return;
    const run = this.#inFlight.get(id);
    if (!run) return;
    this.#inFlight.delete(id);
    run.resolve({ ok: false, error: { code: 'INTERNAL', message: 'the executor sent a malformed answer for this run' }, logs: [], warnings: [], stats: { toolCalls: 0, iterations: 0, runMs: 0 } });
  }

  #onMessage(child: ChildProcess, message: ExecutorMessage): void {
    if (child !== this.#child) return;
    switch (message.t) {
      case 'ready':
        this.#state = 'ready';
        this.lastStats ??= { threads: message.threads, queueSize: 0, utilization: 0, rssBytes: 0 };
        this.emit('ready');
        break;
      case 'done': {
        const run = this.#inFlight.get(message.id);
        if (!run) return;
        this.#inFlight.delete(message.id);
        if (!('lost' in message.outcome)) this.#consecutiveCrashes = 0;
        // Tool calls bypass the executor's main thread, so the front, not the host, knows about them.
        run.resolve('lost' in message.outcome ? { ...message.outcome, madeToolCall: message.outcome.madeToolCall || run.madeToolCall } : message.outcome);
        break;
      }
      case 'pool-stats':
        this.lastStats = { threads: message.threads, queueSize: message.queueSize, utilization: message.utilization, rssBytes: message.rssBytes };
        break;
      case 'log':
        this.options.log[message.level]({ executor: this.options.index }, message.message);
        break;
      default:
        break;
    }
  }

  #onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.#child) return;
    this.#child = undefined;
    this.lastExitAt = Date.now();
    if (this.#token) this.channel?.unregister(this.#token);
    const lost = [...this.#inFlight.values()];
    this.#inFlight.clear();
    const sole = lost.length === 1;
    for (const run of lost) {
      run.resolve({ lost: true, reason: 'executor-exited', madeToolCall: run.madeToolCall, sole, message: `executor exited (code ${code}, signal ${signal})` });
    }
    if (this.#state === 'stopped') return;
    this.restarts++;
    this.#consecutiveCrashes++;
    const { restartBackoffMs, restartBackoffMaxMs, log } = this.options;
    const delay = restartDelayMs(this.#consecutiveCrashes, restartBackoffMs, restartBackoffMaxMs);
    log.warn({ executor: this.options.index, code, signal, inFlight: lost.length, restartInMs: delay }, 'executor exited; restarting');
    this.#state = 'backoff';
    this.emit('exit');
    this.#restartTimer = setTimeout(() => this.start(), delay);
    this.#restartTimer.unref();
  }

  #batch: { push(message: FrontMessage): void; flush(): void } | undefined;

  /** Queues a message for this turn's batch; false when the executor cannot receive it. */
  #send(message: FrontMessage): boolean {
    const child = this.#child;
    if (!child || !child.connected || !this.#batch) return false;
    this.#batch.push(message);
    return true;
  }

  #sendNow(child: ChildProcess, message: FrontMessage | BatchMessage<FrontMessage>): void {
    // The child may have died since the message was queued: its runs are failed by the exit handler.
    if (!child.connected) return;
    try {
      child.send(message, (err) => {
        if (err) this.options.log.debug({ err, executor: this.options.index }, 'send to executor failed');
      });
    } catch (err) {
      // A value the serializer rejects (e.g. an unpaired surrogate in a context key) must not take the front down.
      this.options.log.warn({ err, executor: this.options.index }, 'message to executor could not be serialised');
      this.#failUnsendable(message);
    }
  }

  /** Resends a batch message by message so one bad message does not lose the others. */
  #failUnsendable(message: FrontMessage | BatchMessage<FrontMessage>): void {
    if (message.t !== 'batch') return;
    for (const m of message.m) {
      try {
        this.#child?.send(m);
      } catch {
        // This one cannot be sent; its run ends at its deadline.
      }
    }
  }

  run(task: Omit<SandboxTask, 'slot'>): Promise<RunOutcome> {
    return new Promise((resolveRun) => {
      if (!this.ready || !this.#send({ t: 'run', task })) {
        resolveRun({ lost: true, reason: 'executor-exited', madeToolCall: false, sole: false, message: 'executor not available' });
        return;
      }
      this.#inFlight.set(task.id, { task, resolve: resolveRun, madeToolCall: false });
    });
  }

  holds(id: number): boolean {
    return this.#inFlight.has(id);
  }

  cancel(id: number, reason: CancelReason): void {
    this.#send({ t: 'cancel', id, reason });
  }

  /** The executor stopped answering: kill it; its runs fail and it restarts. */
  kill(): void {
    this.#child?.kill('SIGKILL');
  }

  async stop(timeoutMs = 5_000): Promise<void> {
    this.#state = 'stopped';
    clearTimeout(this.#restartTimer);
    const child = this.#child;
    if (!child) return;
    await new Promise<void>((done) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        done();
      }, timeoutMs);
      child.once('exit', () => {
        clearTimeout(timer);
        done();
      });
      if (!this.#send({ t: 'shutdown' })) child.kill('SIGKILL');
    });
  }
}
