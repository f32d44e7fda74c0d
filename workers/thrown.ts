/**
 * What the front learns about a value a script threw: its code and message, where in the compiled code
 * it was thrown (the front maps that back to the script's own line and column), and, for a TypeError
 * that reads something a tool result does not have, the shape of each tool's last result, so the front
 * can say what the tool really returned.
 */
import type { SandboxError } from '../src/executor/protocol';
import { jsonStringify } from './primordials';
import { describeValue, errorName } from './sandbox-console';

/** SES leaves the start compartment a privileged reader of error stacks (installed by lockdown). */
const stackReader = (): ((error: Error) => string) | undefined => (globalThis as { getStackString?: (error: Error) => string }).getStackString;

/** Messages worth a shape: reading through undefined, calling or iterating what is not a list. */
const SHAPE_WORTHY = /^Cannot read properties of (?:undefined|null)|is not a function|is not iterable|^Cannot destructure/;

const MAX_KEYS = 30;
const SHAPE_DEPTH = 3;
const MAX_TOOLS = 10;

export interface ThrownContext {
  /** The class the bridge throws for tool failures. */
  ToolError: new (...args: never[]) => Error & { code: string; tool: string; data?: unknown };
  /** The last result of each tool the script called. */
  lastResults: ReadonlyMap<string, unknown>;
}

/** Line and column (1-based, as V8 reports them) of the innermost frame in the script's own code. */
export function scriptLocation(error: Error): [number, number] | undefined {
  const getStackString = stackReader();
  if (!getStackString) return undefined;
  for (const frame of getStackString(error).split('\n')) {
    const m = /<anonymous>:(\d+):(\d+)\)?\s*$/.exec(frame);
    if (m) return [Number(m[1]), Number(m[2])];
  }
  return undefined;
}

/** A bounded summary of plain data; reads data properties only, so no script getter runs. */
function shapeOf(value: unknown, depth: number): unknown {
  if (value === null) return { kind: 'null' };
  if (Array.isArray(value)) {
    const first = Object.getOwnPropertyDescriptor(value, 0)?.value;
    return { kind: 'array', length: value.length, ...(depth > 0 && value.length > 0 ? { element: shapeOf(first, depth - 1) } : {}) };
  }
  if (typeof value === 'object') {
    const keys = Object.keys(value).slice(0, MAX_KEYS);
    if (depth === 0) return { kind: 'object', keys };
    const fields: Record<string, unknown> = {};
    for (const key of keys) fields[key] = shapeOf(Object.getOwnPropertyDescriptor(value, key)?.value, depth - 1);
    return { kind: 'object', keys, fields };
  }
  const kind = typeof value;
  return { kind: kind === 'string' || kind === 'number' || kind === 'boolean' || kind === 'undefined' ? kind : 'other' };
}

function resultShapes(results: ReadonlyMap<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let n = 0;
  for (const [tool, value] of results) {
    if (n++ >= MAX_TOOLS) break;
    out[tool] = shapeOf(value, SHAPE_DEPTH);
  }
  return out;
}

export function describeThrown(thrown: unknown, context: ThrownContext): SandboxError {
  try {
    if (thrown instanceof context.ToolError) {
      const known = thrown.code === 'TOOL_NOT_FOUND' || thrown.code === 'TOOL_VALIDATION' || thrown.code === 'TOOL_TIMEOUT';
      // Tool messages built by the catalog already name the tool.
      const named = thrown.message.startsWith(`${thrown.tool}:`) || thrown.message.includes(`'${thrown.tool}'`);
      return {
        code: known ? thrown.code : 'TOOL_ERROR',
        message: named ? thrown.message : `${thrown.tool}: ${thrown.message}`,
        details: { tool: thrown.tool, toolCode: thrown.code, ...(thrown.data !== undefined ? { data: thrown.data } : {}) },
      };
    }
    if (thrown instanceof Error) {
      const name = errorName(thrown);
      const message = String(thrown.message);
      const location = scriptLocation(thrown);
      const shapes = name === 'TypeError' && SHAPE_WORTHY.test(message) ? resultShapes(context.lastResults) : undefined;
      return {
        code: 'RUNTIME_ERROR',
        message: `${name}: ${message}`,
        details: { name, ...(location ? { location } : {}), ...(shapes ? { shapes } : {}) },
      };
    }
    if (typeof thrown === 'string' || thrown instanceof String) {
      return { code: 'RUNTIME_ERROR', message: `Uncaught ${jsonStringify(String(thrown).slice(0, 500))}`, details: { name: 'string' } };
    }
    return { code: 'RUNTIME_ERROR', message: `Uncaught ${describeValue(thrown).slice(0, 500)}`, details: { name: typeof thrown } };
  } catch {
    return { code: 'RUNTIME_ERROR', message: 'Uncaught exception (its value could not be read)' };
  }
}
