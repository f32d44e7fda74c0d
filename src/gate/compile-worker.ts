/**
 * Worker-thread entry for compiling a large script off the front's event loop (src/gateway/gate-pool.ts):
 * the same pure function, its result plain data that crosses the thread boundary by structured clone.
 */
import { compileUncached } from './compile';
import type { GateLimits, GateResult } from './types';

export interface CompileTask {
  source: string;
  limits: GateLimits;
  hash: string;
}

export default function compileTask(task: CompileTask): GateResult {
  return compileUncached(task.source, task.limits, task.hash);
}
