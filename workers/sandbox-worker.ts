/**
 * Worker-thread entry (loaded by Piscina inside an executor process). Runs `lockdown()` once, then each
 * task in a fresh SES Compartment. Tool calls leave over this thread's one long-lived MessagePort.
 *
 * Imports: only node built-ins, SES and the type-only protocol module, so a worker never loads the
 * front's dependencies.
 */
import { connect } from 'node:net';
import { MessageChannel, parentPort, resourceLimits, threadId, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { setImmediate as nextMacrotask } from 'node:timers/promises';
import { dateNow, freeze, jsonStringify, jsonParse } from './primordials';
import type { FrontChannelMessage, HostToWorker, LogEntry, SandboxError, SandboxOutcome, SandboxTask, ToolChannelAddress, ToolReply, WorkerChannelMessage } from '../src/executor/protocol';
import { CANCEL_NONE, CANCEL_TIMEOUT, GUARD_BATCH, MAX_PROGRESS_MESSAGE, MAX_PROGRESS_REPORTS, PORT_HANDSHAKE, PROGRESS_TOOL, PULSE_EVERY_MS, createLineReader, createLineWriter } from '../src/executor/protocol';
import { installSes } from './ses-setup';
import { makeConsole, type ConsoleSink } from './sandbox-console';
import { describeThrown, scriptLocation } from './thrown';
import { createLibrary } from './stdlib';
import { createRunClockFactory, type RunClock } from './run-clock';
import { serialiseResult } from './script-result';

// A script's un-awaited rejection must never take the thread (and its co-resident scripts) down.
process.on('unhandledRejection', () => undefined);

// Piscina starts us with the pool's heap limit; 64 MiB is the smallest preset's, for a thread started without one.
const { SharedError, InitialDate, InitialMath } = installSes(resourceLimits.maxOldGenerationSizeMb ?? 64);
const library = createLibrary(SharedError);
const runClock = createRunClockFactory(InitialDate, InitialMath);

interface SharedArrays {
  flags: Int32Array;
  owners: Int32Array;
  entered: Int32Array;
}
const shared = workerData as { flags: SharedArrayBuffer; owners: SharedArrayBuffer; entered: SharedArrayBuffer; toolChannel: ToolChannelAddress };
const arrays: SharedArrays = { flags: new Int32Array(shared.flags), owners: new Int32Array(shared.owners), entered: new Int32Array(shared.entered) };

/**
 * Stamps the run that is about to get control. If this thread dies (out of heap, say), the host reads
 * the stamps of the runs it held: the one with the latest stamp was running, the others were waiting.
 */
let enteredStamp = 0;
const markEntered = (slot: number): void => {
  Atomics.store(arrays.entered, slot, (enteredStamp = (enteredStamp + 1) | 0));
};

const { port1: hostPort, port2 } = new MessageChannel();
// This thread's pulse: its event loop writes the time here; the host reads it to find a thread that one
// script holds in a long native call while others wait on it.
const pulse = new Float64Array(new SharedArrayBuffer(Float64Array.BYTES_PER_ELEMENT));
pulse[0] = dateNow();
setInterval(() => (pulse[0] = dateNow()), PULSE_EVERY_MS).unref();
parentPort?.postMessage({ [PORT_HANDSHAKE]: true, port: port2, threadId, pulse: pulse.buffer }, [port2]);
hostPort.unref();

// Tool calls go straight to the front over its tool channel; writes before `connect` are buffered.
const channel = connect(shared.toolChannel.path);
channel.setEncoding('utf8');
channel.unref();
const writeLine = createLineWriter((chunk) => channel.write(chunk));
const toFront = (message: WorkerChannelMessage): void => writeLine(jsonStringify(message) ?? '{}');
toFront({ t: 'hello', token: shared.toolChannel.token, threadId });
// The front caps each reply at the run's toolResultBytes; this bound only guards the reader itself.
const readLines = createLineReader((raw) => onToolResult(raw as FrontChannelMessage), 1024 * 1024 * 1024);
channel.on('data', (chunk: string) => readLines(chunk));
// Without the channel no tool call can be answered; runs end at their deadlines and the host replaces us.
channel.on('error', () => channel.destroy());

/** Names a script must not see; some SES gives every compartment, others are listed in case it ever does. */
const SHADOW_CANDIDATES = [
  'eval', 'Function', 'Compartment', 'ArrayBuffer', 'SharedArrayBuffer', 'DataView', 'Atomics', 'WebAssembly',
  'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array',
  'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array', 'TextEncoder', 'TextDecoder', 'lockdown',
  'harden', 'assert', 'HandledPromise', 'ModuleSource', 'StaticModuleRecord',
] as const;
// Each endowment costs every compartment a property definition (measured ~17 µs for the absent ones),
// so shadow only what a fresh compartment really has.
const freshGlobals = new Compartment({ __options__: true }).globalThis;
const SHADOWED_GLOBALS = SHADOW_CANDIDATES.filter((name) => name in freshGlobals);

class ToolError extends SharedError {
  override name = 'ToolError';
  constructor(readonly code: string, readonly tool: string, message: string, readonly data?: unknown) {
    super(message);
  }
}
harden(ToolError);

interface PendingCall {
  callId: number;
  tool: string;
  args: unknown;
  throwOnError: boolean;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
  /** `CODE: message` when the tool failed, for the warning about calls nobody awaited. */
  failure?: string;
}

interface Trip {
  error: Error;
  outcome: SandboxError;
}

/** Everything one execution owns inside this thread. */
class Execution {
  trip: Trip | undefined;
  ticks = 0;
  toolCalls = 0;
  callSeq = 0;
  inflight = 0;
  readonly pending = new Map<number, PendingCall>();
  readonly queue: PendingCall[] = [];
  readonly logs: LogEntry[] = [];
  /** The last result of each tool, to explain a TypeError that reads what a result does not have. */
  readonly lastResults = new Map<string, unknown>();
  logBytes = 0;
  readonly warnings: string[] = [];
  progressReports = 0;
  #onTrip: ((trip: Trip) => void) | undefined;
  #onIdle: (() => void) | undefined;
  #clock: RunClock | undefined;

  constructor(readonly task: SandboxTask) {}

  /** This run's Date and Math (seeded random, recorded clock), built when the script names either. */
  clock(): RunClock {
    return (this.#clock ??= runClock(this.task.seed, this.task.replayClock));
  }

  /** Clock values read since the last tool call, for the front's replay log. */
  drainClock(): number[] | false | undefined {
    return this.#clock?.drain();
  }

  /** Ends the run: every guard, tool call and console call throws this from now on. */
  tripWith(code: string, message: string, details?: Record<string, unknown>): Error {
    if (this.trip) return this.trip.error;
    const error = harden(new SharedError(`${code}: ${message}`));
    // Tripped by a guard, console or callTool, the error's stack holds the script line that went over.
    const location = scriptLocation(error);
    const all = location ? { ...details, location } : details;
    this.trip = { error, outcome: { code, message, ...(all ? { details: all } : {}) } };
    for (const call of this.pending.values()) call.reject(error);
    this.pending.clear();
    this.queue.length = 0;
    this.#onTrip?.(this.trip);
    return error;
  }

  limit(name: string, value: number): Error {
    return this.tripWith('LIMIT_EXCEEDED', `limit ${name} (${value}) exceeded`, { limit: name, value });
  }

  whenTripped(): Promise<never> {
    return new Promise<never>((_, reject) => {
      if (this.trip) reject(this.trip.error);
      else this.#onTrip = (trip) => reject(trip.error);
    });
  }

  whenIdle(): Promise<void> {
    if (this.pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => (this.#onIdle = resolve));
  }

  settled(callId: number): PendingCall | undefined {
    const call = this.pending.get(callId);
    if (!call) return undefined;
    this.pending.delete(callId);
    this.inflight--;
    const next = this.queue.shift();
    if (next) this.send(next);
    if (this.pending.size === 0) this.#onIdle?.();
    return call;
  }

  send(call: PendingCall): void {
    this.inflight++;
    const clock = this.drainClock();
    toFront({ t: 'tool-call', id: this.task.id, callId: call.callId, tool: call.tool, args: call.args, ...(clock !== undefined ? { clock } : {}) });
  }
}

const live = new Map<number, Execution>();

hostPort.on('message', (message: HostToWorker) => {
  const exec = live.get(message.id);
  if (!exec) return; // the run already finished
  if (message.reason === 'timeout') exec.tripWith('TIMEOUT', `script exceeded its ${exec.task.timeoutMs} ms deadline`, { timeoutMs: exec.task.timeoutMs });
  else exec.tripWith('CANCELLED', 'the execution was cancelled');
});

function onToolResult(message: FrontChannelMessage): void {
  const exec = live.get(message.id);
  if (!exec) return; // late reply for a finished run
  // The deadline wins over a reply racing it (a tool that answers because its abort signal fired).
  if (dateNow() >= exec.task.deadlineAt) {
    exec.tripWith('TIMEOUT', `script exceeded its ${exec.task.timeoutMs} ms deadline`, { timeoutMs: exec.task.timeoutMs });
    return;
  }
  const call = exec.settled(message.callId);
  if (!call) return;
  if (message.reply.ok) exec.lastResults.set(call.tool, message.reply.value);
  markEntered(exec.task.slot);
  settleCall(call, message.reply);
}

function settleCall(call: PendingCall, reply: ToolReply): void {
  if (reply.ok) {
    call.resolve(call.throwOnError ? reply.value : { ok: true, data: reply.value });
    return;
  }
  const { code, message } = reply.error;
  call.failure = `${code}: ${message.length > 200 ? `${message.slice(0, 199)}…` : message}`;
  // Tool-specific facts (an HTTP status and body, say) travel as `data`.
  const data = reply.error.details?.data;
  if (call.throwOnError) call.reject(new ToolError(code, call.tool, message, data));
  else call.resolve({ ok: false, error: { code, message, tool: call.tool, ...(data !== undefined ? { data } : {}) } });
}

function makeCallTool(exec: Execution) {
  return function callTool(name: unknown, args?: unknown, options?: unknown): Promise<unknown> {
    if (exec.trip) return Promise.reject(exec.trip.error);
    // `#` starts the bridge's own message names (progress); no tool is named so.
    if (typeof name !== 'string' || name.length === 0 || name.length > 256 || name.startsWith('#')) {
      return Promise.reject(new TypeError('callTool(name, args): name must be a tool name string such as "users:list"'));
    }
    if (args !== undefined && (args === null || typeof args !== 'object' || Array.isArray(args))) {
      return Promise.reject(new TypeError(`callTool("${name}", args): args must be an object`));
    }
    let payload: unknown;
    try {
      // A JSON round trip keeps only data: no functions, getters or prototypes reach the front.
      payload = args === undefined ? {} : jsonParse(jsonStringify(args) ?? '{}');
    } catch (err) {
      return Promise.reject(new TypeError(`callTool("${name}", args): args must be JSON data (${(err as Error).message})`));
    }
    const throwOnError = !(options !== null && typeof options === 'object' && (options as { throwOnError?: unknown }).throwOnError === false);
    if (++exec.toolCalls > exec.task.limits.toolCalls) return Promise.reject(exec.limit('toolCalls', exec.task.limits.toolCalls));
    return new Promise((resolve, reject) => {
      const call: PendingCall = { callId: ++exec.callSeq, tool: name, args: payload, throwOnError, resolve, reject };
      exec.pending.set(call.callId, call);
      if (exec.inflight < exec.task.limits.parallelToolCalls) exec.send(call);
      else exec.queue.push(call);
    });
  };
}

/**
 * What a script receives for a host function: a bound copy, frozen, keeping the plain name. Bound
 * functions print as native code, so String(callTool) does not show the bridge's source.
 */
function bridgeFunction<F extends (...args: never[]) => unknown>(name: string, fn: F): F {
  const bound = fn.bind(undefined) as F;
  Object.defineProperty(bound, 'name', { value: name });
  return freeze(bound);
}

/** progress(fraction, message?): fire-and-forget, no reply awaited; excess reports are dropped. */
function makeProgress(exec: Execution) {
  return function progress(fraction: unknown, message?: unknown): void {
    if (exec.trip) throw exec.trip.error;
    if (typeof fraction !== 'number' || !Number.isFinite(fraction)) throw new TypeError('progress(fraction, message?): fraction must be a number from 0 to 1');
    if (message !== undefined && typeof message !== 'string') throw new TypeError('progress(fraction, message?): message must be a string');
    if (++exec.progressReports > MAX_PROGRESS_REPORTS) return;
    const args = { fraction: Math.min(1, Math.max(0, fraction)), ...(message !== undefined ? { message: message.slice(0, MAX_PROGRESS_MESSAGE) } : {}) };
    toFront({ t: 'tool-call', id: exec.task.id, callId: 0, tool: PROGRESS_TOOL, args });
  };
}

function consoleSink(exec: Execution): ConsoleSink {
  return {
    logs: exec.logs,
    get logBytes() {
      return exec.logBytes;
    },
    set logBytes(n: number) {
      exec.logBytes = n;
    },
    limits: exec.task.limits,
    checkLive() {
      if (exec.trip) throw exec.trip.error;
    },
    limit: (name, value) => exec.limit(name, value),
    now: () => performance.now(),
  };
}

/** Context arrives as fresh JSON data (IPC), so freezing own values is enough; harden would also walk prototypes. */
function deepFreezeData<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    freeze(value);
    for (const child of Object.values(value)) deepFreezeData(child);
  }
  return value;
}

function makeRuntime(exec: Execution) {
  const { flags } = arrays;
  const { slot, deadlineAt } = exec.task;
  const { loopIterations, callDepth } = exec.task.limits;
  const tick = (): number => {
    if (exec.trip) throw exec.trip.error;
    const ticks = ++exec.ticks;
    markEntered(slot);
    if (Atomics.load(flags, slot) !== CANCEL_NONE) {
      throw Atomics.load(flags, slot) === CANCEL_TIMEOUT
        ? exec.tripWith('TIMEOUT', `script exceeded its ${exec.task.timeoutMs} ms deadline`, { timeoutMs: exec.task.timeoutMs })
        : exec.tripWith('CANCELLED', 'the execution was cancelled');
    }
    // The host's timer also raises the flag; reading the clock here too keeps a busy thread honest.
    if ((ticks & 15) === 0 && dateNow() >= deadlineAt) {
      throw exec.tripWith('TIMEOUT', `script exceeded its ${exec.task.timeoutMs} ms deadline`, { timeoutMs: exec.task.timeoutMs });
    }
    if (ticks * (GUARD_BATCH + 1) > loopIterations) throw exec.limit('loopIterations', loopIterations);
    return GUARD_BATCH;
  };
  const depth = (): never => {
    throw exec.limit('callDepth', callDepth);
  };
  return freeze({ budget: GUARD_BATCH, maxDepth: callDepth, tick, depth });
}

function normaliseThrown(exec: Execution, thrown: unknown): SandboxError {
  if (exec.trip) return exec.trip.outcome;
  const described = describeThrown(thrown, { ToolError, lastResults: exec.lastResults });
  // Reading the thrown value runs script code (getters, toString) under the guards; if that tripped a
  // limit or the deadline, the trip is the real outcome.
  return exec.trip ? (exec.trip as Trip).outcome : described;
}

/** Calls the script never awaited: which tools, and the failures nobody saw (a fire-and-forget loop, say). */
function unawaitedWarning(calls: PendingCall[]): string {
  const tools = [...new Set(calls.map((c) => c.tool))];
  const failed = calls.filter((c) => c.failure !== undefined);
  const named = `${tools.slice(0, 3).join(', ')}${tools.length > 3 ? ', …' : ''}`;
  const base = `${calls.length} tool call(s) were not awaited (${named}); the result waited for them to finish`;
  if (failed.length === 0) return base;
  const shown = failed.slice(0, 3).map((c) => `${c.tool}: ${c.failure}`).join('; ');
  return `${base}, and ${failed.length} of them failed (${shown}). Await them, e.g. with Promise.all, to see and handle failures`;
}

function failure(exec: Execution, error: SandboxError, startedAt: number): SandboxOutcome {
  return { ok: false, error, logs: exec.logs, warnings: exec.warnings, stats: stats(exec, startedAt) };
}

function stats(exec: Execution, startedAt: number) {
  return { toolCalls: exec.toolCalls, iterations: exec.ticks * (GUARD_BATCH + 1), runMs: performance.now() - startedAt };
}

export default async function runSandboxTask(task: SandboxTask): Promise<SandboxOutcome> {
  const startedAt = performance.now();
  const exec = new Execution(task);
  const { flags, owners } = arrays;
  Atomics.store(owners, task.slot, threadId);
  live.set(task.id, exec);
  try {
    if (Atomics.load(flags, task.slot) !== CANCEL_NONE || dateNow() >= task.deadlineAt) {
      exec.tripWith('TIMEOUT', `script exceeded its ${task.timeoutMs} ms deadline before it started`, { timeoutMs: task.timeoutMs });
      return failure(exec, exec.trip!.outcome, startedAt);
    }
    const globals: Record<string, unknown> = {
      console: makeConsole(consoleSink(exec)),
      progress: bridgeFunction('progress', makeProgress(exec)),
      context: deepFreezeData(task.context ?? {}),
      ToolError,
    };
    for (const name of SHADOWED_GLOBALS) globals[name] = undefined;
    // Only what the script names: each endowment costs every compartment a property definition, and a
    // run's own Date and Math cost building them.
    for (const name of task.library ?? []) {
      if (name === 'Date' || name === 'Math') globals[name] = exec.clock()[name];
      else if (Object.hasOwn(library, name)) globals[name] = library[name as keyof typeof library];
    }
    const compartment = new Compartment({ __options__: true, globals });
    const factory = compartment.evaluate(task.code, { __rejectSomeDirectEvalExpressions__: false }) as (
      callTool: unknown,
      runtime: unknown,
    ) => () => Promise<unknown>;
    const main = factory(bridgeFunction('callTool', makeCallTool(exec)), makeRuntime(exec));
    markEntered(task.slot);
    const tripped = exec.whenTripped();
    tripped.catch(() => undefined);
    let value: unknown;
    try {
      value = await Promise.race([main(), tripped]);
      if (exec.pending.size > 0) {
        const unawaited = [...exec.pending.values()];
        await Promise.race([exec.whenIdle(), tripped]);
        exec.warnings.push(unawaitedWarning(unawaited));
      }
    } catch (thrown) {
      return failure(exec, normaliseThrown(exec, thrown), startedAt);
    }
    if (exec.trip) return failure(exec, exec.trip.outcome, startedAt);
    const serialised = serialiseResult(exec, value);
    if (!('json' in serialised)) return failure(exec, serialised, startedAt);
    return { ok: true, resultJson: serialised.json, logs: exec.logs, warnings: exec.warnings, stats: stats(exec, startedAt) };
  } catch (err) {
    // Evaluation itself failed: syntax the gate's parser accepts but this engine does not compile, or
    // text SES refuses. The gate checks for both, so this is the net below it.
    if (err instanceof SyntaxError) return failure(exec, { code: 'SYNTAX_ERROR', message: `the runtime cannot compile this script: ${String(err.message)}` }, startedAt);
    return failure(exec, normaliseThrown(exec, err), startedAt);
  } finally {
    // Answered only once the microtasks the run left behind have drained (a promise chain it started,
    // a tripped chain's rejections unwinding): until then they hold its memory and its thread, and the
    // next run here would be charged for them (run out of heap, be convicted). Work that never drains
    // keeps this run open, and its own deadline stops it.
    await nextMacrotask();
    live.delete(task.id);
    Atomics.store(owners, task.slot, 0);
  }
}
