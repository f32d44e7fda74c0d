import { resolve } from 'node:path';
import { Piscina } from 'piscina';
import { GatewayError } from '../errors';
import type { GateLimits, GateResult, ScriptCompiler } from '../gate';

/** dist/src/gateway → dist/src/gate/compile-worker.js */
const COMPILE_WORKER_FILE = resolve(__dirname, '..', 'gate', 'compile-worker.js');

/**
 * Scripts at least this long are compiled off the event loop when not cached. The gate is linear, but a
 * 1 MiB script (the experimental preset allows it) costs a third of a second or more: on the loop, that
 * stalls every other request, /health included. Below it the thread hop would cost more than it saves.
 */
export const OFF_LOOP_SCRIPT_CHARS = 16 * 1024;
/** Large compilations waiting for the gate thread; past it, SATURATED (small scripts are not affected). */
const MAX_QUEUED = 256;

/**
 * The front's compile step: the cache first, then small scripts on the loop and large ones on one
 * worker thread of their own (started on first need), so a flood of large scripts waits on itself only.
 */
export class GatePool {
  #pool: Piscina | undefined;

  constructor(readonly compiler: ScriptCompiler) {}

  async compile(source: string, limits: GateLimits): Promise<GateResult> {
    if (source.length < OFF_LOOP_SCRIPT_CHARS) return this.compiler.compile(source, limits);
    const found = this.compiler.lookup(source, limits);
    if ('result' in found) return found.result;
    this.#pool ??= new Piscina({ filename: COMPILE_WORKER_FILE, minThreads: 0, maxThreads: 1, idleTimeout: 60_000, maxQueue: MAX_QUEUED });
    let result: GateResult;
    try {
      result = (await this.#pool.run({ source, limits, hash: found.hash })) as GateResult;
    } catch (err) {
      if (/queue is at limit/i.test((err as Error)?.message ?? '')) throw new GatewayError('SATURATED', `more than ${MAX_QUEUED} large scripts are waiting to be checked`);
      throw err;
    }
    this.compiler.remember(found.key, result);
    return result;
  }

  async close(): Promise<void> {
    await this.#pool?.destroy();
  }
}
