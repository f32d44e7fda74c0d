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

/** Caps on what a thrown value may carry out of the sandbox (a 20 MB error name must not be a 40 MB answer). */
export const MAX_ERROR_MESSAGE_CHARS = 4_096;
const MAX_ERROR_NAME_CHARS = 100;
const MAX_ERROR_DATA_CHARS = 16_384;
const MAX_ERROR_DATA_DEPTH = 32;

const capText = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** Deepest bracket nesting of a JSON text (outside strings). */
function jsonDepth(json: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) max = Math.max(max, ++depth);
    else if (c === 125 || c === 93) depth--;
  }
  return max;
}

/**
 * A value the script attached to an error, as plain JSON data within caps, or a note saying why not.
 * JSON.stringify may run the script's getters, proxies and toJSON: they run under the script's guards and
 * anything they throw is caught here, so only this script's error says so.
 */
export function plainErrorData(value: unknown): unknown {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (err) {
    return { unserialisable: capText(String((err as Error)?.message ?? err), 200) };
  }
  if (json === undefined) return undefined;
  if (json.length > MAX_ERROR_DATA_CHARS) return { truncated: true, chars: json.length, limit: MAX_ERROR_DATA_CHARS };
  if (jsonDepth(json) > MAX_ERROR_DATA_DEPTH) return { truncated: true, reason: `nested deeper than ${MAX_ERROR_DATA_DEPTH} levels` };
  return JSON.parse(json) as unknown;
}

/** Codes the gateway itself answers a tool call with; they stay the envelope's code (any other is the tool's own). */
export const GATEWAY_TOOL_CODES: ReadonlySet<string> = new Set([
  'TOOL_NOT_FOUND',
  'TOOL_VALIDATION',
  'TOOL_TIMEOUT',
  'UPSTREAM_CREDENTIAL_MISSING',
  'UPSTREAM_AUTH_FAILED',
  'UPSTREAM_AUTH_UNAVAILABLE',
  'PLUGIN_ERROR',
  'PLUGIN_TIMEOUT',
  'TOOL_BLOCKED',
  'APPROVAL_DENIED',
  'APPROVAL_EXPIRED',
  'APPROVAL_REQUIRED',
]);

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
      // A script may build its own ToolError: every field is text or plain data within caps from here on.
      const code = capText(String(thrown.code), MAX_ERROR_NAME_CHARS);
      const tool = capText(String(thrown.tool), 300);
      const text = capText(String(thrown.message), MAX_ERROR_MESSAGE_CHARS);
      const data = thrown.data === undefined ? undefined : plainErrorData(thrown.data);
      const known = GATEWAY_TOOL_CODES.has(code);
      // Tool messages built by the catalog already name the tool.
      const named = text.startsWith(`${tool}:`) || text.includes(`'${tool}'`);
      return {
        code: known ? code : 'TOOL_ERROR',
        message: named ? text : `${tool}: ${text}`,
        details: { tool, toolCode: code, ...(data !== undefined ? { data } : {}) },
      };
    }
    if (thrown instanceof Error) {
      const name = capText(errorName(thrown), MAX_ERROR_NAME_CHARS);
      const message = capText(String(thrown.message), MAX_ERROR_MESSAGE_CHARS);
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
    return { code: 'RUNTIME_ERROR', message: `Uncaught ${capText(describeValue(thrown), 500)}`, details: { name: typeof thrown } };
  } catch {
    return { code: 'RUNTIME_ERROR', message: 'Uncaught exception (its value could not be read)' };
  }
}
