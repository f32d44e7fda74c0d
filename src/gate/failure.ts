import { explainRuntimeError, soleStatement, type ValueShape } from './explain';
import { scriptPosition } from './positions';
import { createLocator, lineStartOffset, snippetAt } from './source-location';
import type { CompiledScript } from './types';

/** A failure as the sandbox reports it (the executor is not trusted: every detail is checked here). */
export interface ScriptFailure {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

export interface LocatedFailure {
  message: string;
  /** The sandbox's own details, without the ones only the front reads (location, shapes). */
  details: Record<string, unknown>;
  line?: number;
  column?: number;
  snippet?: string;
}

/** Largest script whose TypeErrors are explained (see locateFailure). */
export const EXPLAIN_MAX_SCRIPT_CHARS = 20_000;

const isPosition = (v: unknown): v is [number, number] =>
  Array.isArray(v) && v.length === 2 && v.every((n) => Number.isInteger(n) && (n as number) > 0 && (n as number) < 1e9);

const isShapes = (v: unknown): v is Record<string, ValueShape> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Puts a run-time failure in the script the model wrote: line and column of where it was thrown (or of
 * the failing tool's call site), and for a TypeError on a tool result, what that result really held.
 */
export function locateFailure(failure: ScriptFailure, script: Pick<CompiledScript, 'code' | 'shifts' | 'facts'>, source: string): LocatedFailure {
  const { location, shapes, ...details } = failure.details ?? {};
  let message = failure.message;
  let at: { line: number; column: number } | undefined;
  if (isPosition(location)) at = scriptPosition(script, source, location[0], location[1]);
  const tool = details.tool;
  if (!at && failure.code.startsWith('TOOL_') && typeof tool === 'string') {
    // The bridge settles tool calls asynchronously, so their stacks do not reach the script: the
    // call site comes from the gate's facts (the first call naming that tool).
    const site = script.facts.toolCalls.find((c) => c.tool === tool);
    if (site) at = { line: site.line, column: site.column };
  }
  // A thrown string or object, or a result JSON cannot hold, has no stack: when the script has only one
  // statement that could have done it, that is where.
  if (!at && source.length <= EXPLAIN_MAX_SCRIPT_CHARS) {
    const kind = failure.code === 'RESULT_NOT_SERIALIZABLE' ? 'return' : failure.code === 'RUNTIME_ERROR' && message.startsWith('Uncaught ') ? 'throw' : undefined;
    const offset = kind ? soleStatement(source, kind) : undefined;
    if (offset !== undefined) at = createLocator(source)(offset);
  }
  // Explaining parses the script again: bounded to scripts of the size models write, so a cached large
  // script that keeps throwing cannot make the front parse it on every run.
  if (at && failure.code === 'RUNTIME_ERROR' && details.name === 'TypeError' && source.length <= EXPLAIN_MAX_SCRIPT_CHARS) {
    const offset = (lineStartOffset(source, at.line) ?? 0) + at.column;
    try {
      const why = explainRuntimeError({ source, offset, message: message.replace(/^TypeError: /, ''), shapes: isShapes(shapes) ? shapes : {} });
      if (why) message = `${message}. ${why}`;
    } catch {
      // An explanation is a courtesy: a shape that does not fit leaves the message as the engine said it.
    }
  }
  // JSON.parse of what callTool returned: results arrive parsed already.
  if (failure.code === 'RUNTIME_ERROR' && details.name === 'SyntaxError' && /\[object Object\]|Unexpected token o in JSON/.test(message)) {
    message = `${message}. callTool returns the result already parsed (objects, arrays): use it directly instead of JSON.parse`;
  }
  if (!at) return { message, details };
  return { message, details, line: at.line, column: at.column, snippet: snippetAt(source, at.line) };
}
