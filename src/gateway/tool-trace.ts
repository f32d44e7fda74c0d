import { performance } from 'node:perf_hooks';
import type { ToolReply } from '../executor';
import type { TraceEntry } from './response-schemas';

/** One tool call of a traced execution (`trace: true`), as the envelope reports it. */

/** Arguments can be large; a trace is for reading. */
export const TRACE_ARGUMENT_BYTES = 2_048;

const round = (ms: number): number => Math.round(ms * 100) / 100;

/**
 * Records the tool calls of one execution. Entries are created as calls start, so a call still running when
 * the envelope is built is reported (as `unfinished`) rather than lost.
 */
export class ToolTrace {
  readonly #entries: TraceEntry[] = [];
  readonly #pending = new Map<TraceEntry, number>();

  constructor(
    readonly startedAt: number,
    readonly includeArguments: boolean,
  ) {}

  track(tool: string, args: unknown, call: Promise<ToolReply>): Promise<ToolReply> {
    const started = performance.now();
    const entry: TraceEntry = { tool, startMs: round(started - this.startedAt), durationMs: 0, outcome: 'unfinished' };
    if (this.includeArguments) {
      const json = JSON.stringify(args ?? null);
      if (Buffer.byteLength(json) <= TRACE_ARGUMENT_BYTES) entry.arguments = args ?? null;
      else {
        entry.arguments = json.slice(0, TRACE_ARGUMENT_BYTES);
        entry.argumentsTruncated = true;
      }
    }
    this.#entries.push(entry);
    this.#pending.set(entry, started);
    return call.then((reply) => {
      this.#pending.delete(entry);
      entry.durationMs = round(performance.now() - started);
      entry.outcome = reply.ok ? 'ok' : 'error';
      if (!reply.ok) entry.error = reply.error.code;
      return reply;
    });
  }

  /** The entries in start order; unfinished ones carry their time so far. Later completions do not change it. */
  snapshot(): TraceEntry[] {
    const now = performance.now();
    return this.#entries.map((entry) => {
      const started = this.#pending.get(entry);
      return started === undefined ? { ...entry } : { ...entry, durationMs: round(now - started) };
    });
  }
}
