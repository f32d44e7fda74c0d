import type { SandboxOutcome, ToolReply } from './protocol';

const EMPTY_STATS = Object.freeze({ toolCalls: 0, iterations: 0, runMs: 0 });

export function failed(code: string, message: string, details?: Record<string, unknown>): SandboxOutcome {
  return { ok: false, error: { code, message, ...(details ? { details } : {}) }, logs: [], warnings: [], stats: { ...EMPTY_STATS } };
}

/**
 * Serialises a tool reply for the channel, replacing results that are not JSON or are over the run's
 * toolResultBytes with a tool error, so a huge answer never reaches (or stalls) a sandbox thread.
 */
export function serialiseReply(id: number, callId: number, tool: string, reply: ToolReply, maxBytes: number): string {
  const failWith = (message: string): string =>
    JSON.stringify({ t: 'tool-result', id, callId, reply: { ok: false, error: { code: 'TOOL_ERROR', message } } });
  let line: string;
  try {
    line = JSON.stringify({ t: 'tool-result', id, callId, reply });
  } catch (err) {
    return failWith(`${tool}: the tool returned data that is not JSON (${(err as Error).message})`);
  }
  // UTF-8 takes at least one byte per UTF-16 unit and at most three, so most lines skip the byte count.
  if (line.length * 3 > maxBytes) {
    const bytes = Buffer.byteLength(line, 'utf8');
    if (bytes > maxBytes) return failWith(`${tool}: the result is ${bytes} bytes, over the limit toolResultBytes (${maxBytes})`);
  }
  return line;
}
