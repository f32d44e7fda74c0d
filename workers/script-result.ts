import type { SandboxError } from '../src/executor/protocol';
import { byteLength, jsonStringify } from './primordials';

/** What serialising a run's result needs of the run (its Execution). */
export interface ResultHost {
  warnings: string[];
  readonly trip: { outcome: SandboxError } | undefined;
  limit(name: string, value: number): Error;
  readonly task: { limits: { resultBytes: number } };
}

/** Values JSON silently turns into `{}`: a Map or Set in the result, at the top or one level down. */
function lossyCollections(value: unknown): string | undefined {
  const kind = (v: unknown): string | undefined => (v instanceof Map ? 'Map' : v instanceof Set ? 'Set' : undefined);
  const top = kind(value);
  if (top) return `the result is a ${top}`;
  if (value === null || typeof value !== 'object') return undefined;
  for (const key of Object.keys(value).slice(0, 100)) {
    const inner = kind(Object.getOwnPropertyDescriptor(value, key)?.value);
    if (inner) return `the result's ${Array.isArray(value) ? `item ${key}` : `field '${key}'`} is a ${inner}`;
  }
  return undefined;
}

export function serialiseResult(exec: ResultHost, value: unknown): { json: string | undefined } | SandboxError {
  if (value === undefined) return { json: undefined };
  const lossy = lossyCollections(value);
  if (lossy) exec.warnings.push(`${lossy}, which JSON shows as {}: return Object.fromEntries(map) or [...set] instead`);
  let json: string | undefined;
  try {
    json = jsonStringify(value);
  } catch (err) {
    if (exec.trip) return exec.trip.outcome;
    const reason = String((err as Error)?.message ?? err);
    const fix = /BigInt/.test(reason) ? ' (turn BigInt values into strings with String(x), or numbers with Number(x))' : /circular/i.test(reason) ? ' (return a copy without the cycle)' : '';
    return { code: 'RESULT_NOT_SERIALIZABLE', message: `the result cannot be turned into JSON: ${reason}${fix}` };
  }
  if (json !== undefined && byteLength(json) > exec.task.limits.resultBytes) {
    exec.limit('resultBytes', exec.task.limits.resultBytes);
    return exec.trip?.outcome ?? { code: 'LIMIT_EXCEEDED', message: 'result too large' };
  }
  return { json };
}
