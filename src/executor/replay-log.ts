import { randomFillSync } from 'node:crypto';
import { MAX_RECORDED_CLOCK_READS } from './protocol';

/**
 * What a run did that a replay must repeat without doing it again: each tool call (name, arguments,
 * the reply it got and in which order replies arrived), the clock values it read, and the seed of its
 * Math.random. A run lost with its thread or executor is resumed on a fresh one by running it again
 * from the start: its tool calls are answered from here (none is sent to a tool twice, a call still
 * running when the run was lost is awaited, not repeated), its clock reads return the recorded times,
 * and its random numbers repeat. Where the replay asks for something else (a different tool or
 * arguments at the same step), it has diverged and is stopped rather than trusted.
 *
 * The log lives on the front, outside everything that can die with a run, and is a building block: it
 * holds the whole history of a run's effects, which is what approvals and durable jobs need as well.
 */

/** Bytes of arguments and replies one run's log keeps; past it, the run is no longer resumable. */
export const MAX_REPLAY_LOG_BYTES = 8 * 1024 * 1024;

interface LoggedCall {
  tool: string;
  /**
   * As the run sent them, as JSON text: the parsed object goes on to the tool, and validation fills in
   * schema defaults in place, so a copy kept by reference would no longer be what the run sent.
   */
  args: string | undefined;
  /** The serialised reply line, once the tool answered. */
  reply?: string;
  /** Position among replies, in the order they reached the run. */
  arrival?: number;
  /** The current attempt made this call again and waits for its reply. */
  wanted?: (line: string) => void;
}

// Seeds come from one random block, refilled when used up: a syscall per 512 runs, not per run.
const seeds = new Uint32Array(1024);
let seedAt = seeds.length;
function nextSeed(): number {
  if (seedAt + 2 > seeds.length) {
    randomFillSync(seeds);
    seedAt = 0;
  }
  seedAt += 2;
  // 21 + 32 bits: an integer a JSON number carries exactly.
  return (seeds[seedAt - 2]! >>> 11) * 2 ** 32 + seeds[seedAt - 1]!;
}

/**
 * A run's log as plain JSON, to carry it past the run: a paused execution is resumed from it on any
 * process, later. Replies are kept without the run id they were addressed to; a restored log readdresses
 * them to the run that replays it.
 */
export interface ReplaySnapshot {
  seed: number;
  clock?: number[];
  calls: { tool: string; args: unknown; reply: unknown }[];
  /** Call numbers (from 1) in the order their replies arrived. */
  arrivals: number[];
}

/** Arguments as a divergence message quotes them. */
const clip = (json: string | undefined): string => (json === undefined ? '(arguments not kept)' : json.length > 120 ? `${json.slice(0, 119)}…` : json);

export class ReplayLog {
  /** The run's Math.random seed, the same for every attempt. */
  readonly seed: number;
  /** Clock values the run read, in order (kept only once it reads any). */
  clock: number[] | undefined;
  // Arrays are made on first use: most runs never read the clock, and a log costs every run.
  #calls: LoggedCall[] | undefined;
  /** Call ids in the order their replies arrived. */
  #arrivals: number[] | undefined;
  #bytes = 0;
  #unresumable: string | undefined;
  /** Replies of earlier arrivals handed to the current attempt so far. */
  #delivered = 0;
  /** Calls made by earlier attempts (the current attempt's replay covers these). */
  #replayable = 0;

  /** A new log, or one restored from a snapshot whose replies are readdressed to run `runId`. */
  constructor(restored?: { snapshot: ReplaySnapshot; runId: number }) {
    if (!restored) {
      this.seed = nextSeed();
      return;
    }
    const { snapshot, runId } = restored;
    this.seed = snapshot.seed;
    if (snapshot.clock) this.clock = [...snapshot.clock];
    this.#calls = snapshot.calls.map((c, i) => ({ tool: c.tool, args: JSON.stringify(c.args), reply: JSON.stringify({ t: 'tool-result', id: runId, callId: i + 1, reply: c.reply }) }));
    this.#arrivals = [...snapshot.arrivals];
    this.#arrivals.forEach((callId, at) => {
      const call = this.#calls?.[callId - 1];
      if (call) call.arrival = at;
    });
    for (const call of this.#calls) this.#bytes += call.reply?.length ?? 0;
  }

  /**
   * The log as JSON to resume from, once every call made has its reply; undefined when it cannot be
   * resumed (too large, too many clock reads, or a call still unanswered).
   */
  snapshot(): ReplaySnapshot | undefined {
    if (this.#unresumable) return undefined;
    const calls: ReplaySnapshot['calls'] = [];
    for (const call of this.#calls ?? []) {
      if (call.reply === undefined) return undefined;
      calls.push({ tool: call.tool, args: call.args === undefined ? undefined : (JSON.parse(call.args) as unknown), reply: (JSON.parse(call.reply) as { reply: unknown }).reply });
    }
    return { seed: this.seed, ...(this.clock ? { clock: [...this.clock] } : {}), calls, arrivals: [...(this.#arrivals ?? [])] };
  }

  /** Why the run cannot be resumed, or undefined when it can. */
  get unresumable(): string | undefined {
    return this.#unresumable;
  }

  /** Calls recorded so far. */
  get calls(): number {
    return this.#calls?.length ?? 0;
  }

  #giveUp(reason: string): void {
    if (this.#unresumable) return;
    this.#unresumable = reason;
    // Nothing of it will be used: let the memory go.
    for (const call of this.#calls ?? []) {
      call.args = undefined;
      delete call.reply;
    }
    this.clock = undefined;
  }

  /** Clock values a run reported with a tool call; `false`: it read more than can be kept. */
  noteClock(values: unknown): void {
    if (values === undefined || this.#unresumable) return;
    // From an executor, which is not trusted with anything but shape-checked data.
    const clock = (this.clock ??= []);
    if (!Array.isArray(values) || clock.length + values.length > MAX_RECORDED_CLOCK_READS) {
      this.#giveUp('it read the clock more often than a replay can reproduce');
      return;
    }
    for (const v of values) clock.push(typeof v === 'number' ? v : 0);
  }

  /** A new attempt starts: everything recorded so far is replayed to it, in the original order of arrival. */
  beginAttempt(): void {
    this.#delivered = 0;
    this.#replayable = this.calls;
    for (const call of this.#calls ?? []) delete call.wanted;
  }

  /** Whether call `callId` of the current attempt is one an earlier attempt already made. */
  isReplay(callId: number): boolean {
    return callId >= 1 && callId <= this.#replayable;
  }

  /**
   * Answers a call the current attempt repeats, through `send`, once every reply that reached the lost
   * attempt before this one has been handed over. Returns why the replay diverged, or undefined.
   */
  replay(callId: number, tool: string, args: unknown, send: (line: string) => void): string | undefined {
    const call = this.#calls?.[callId - 1];
    if (!call) return `call ${callId} was never made`;
    // Both parsed from JSON lines, so both stringify, to the same text when they are the same data.
    const now = JSON.stringify(args);
    if (call.tool !== tool || call.args !== now) return `call ${callId} was ${call.tool} ${clip(call.args)} before, now ${tool} ${clip(now)}`;
    call.wanted = send;
    this.#pump();
    return undefined;
  }

  #pump(): void {
    for (;;) {
      const callId = this.#arrivals?.[this.#delivered];
      if (callId === undefined) return;
      // This attempt's own new calls were answered directly, in their real order.
      if (callId > this.#replayable) {
        this.#delivered++;
        continue;
      }
      const next = this.#calls?.[callId - 1];
      if (!next?.wanted || next.reply === undefined) return;
      const send = next.wanted;
      delete next.wanted;
      this.#delivered++;
      send(next.reply);
    }
  }

  /**
   * A call made live (not a replay), its arguments as JSON text taken before anything ran (validation
   * fills in schema defaults in place): returns its record, to complete with `answered`.
   */
  made(tool: string, argsJson: string | undefined, chars: number): number {
    this.#bytes += chars;
    const calls = (this.#calls ??= []);
    calls.push({ tool, args: this.#unresumable ? undefined : argsJson });
    if (this.#bytes > MAX_REPLAY_LOG_BYTES) this.#giveUp(`its tool calls and results exceed ${MAX_REPLAY_LOG_BYTES} bytes`);
    return calls.length;
  }

  /** The reply to call `callId` (made by this attempt or a lost one) has been produced. */
  answered(callId: number, line: string): void {
    const call = this.#calls?.[callId - 1];
    if (!call || call.arrival !== undefined) return;
    const arrivals = (this.#arrivals ??= []);
    call.arrival = arrivals.length;
    arrivals.push(callId);
    this.#bytes += line.length;
    if (this.#bytes > MAX_REPLAY_LOG_BYTES) this.#giveUp(`its tool calls and results exceed ${MAX_REPLAY_LOG_BYTES} bytes`);
    if (this.#unresumable) return;
    call.reply = line;
    // A call still running when its attempt was lost may be awaited by the replay now.
    if (call.wanted) this.#pump();
  }
}
