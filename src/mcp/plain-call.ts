import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { CallToolRequestSchema, SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/sdk/types.js';
import type { Caller } from '../auth';
import type { Logger } from '../log';
import { SERVER_INFO, type McpFace } from './mcp-server';
import { MODERN_META, MODERN_REVISION, TOOLS_LIST_HINTS } from './modern';
import { TaskProtocolError, cancelTask, createTask, declaresTasks, getTask, runsAsTask } from './modern-tasks';
import { callAskingApprovals } from './approval-prompts';

/**
 * The common case, answered without an SDK transport or server: one JSON-RPC request for tools/call or
 * tools/list (or ping, in 2025-11-25; tasks/get and tasks/cancel, in 2026-07-28), no progress token, and
 * headers the SDK would accept. Anything
 * else (initialize, discover, notifications, batches, progress, malformed messages, headers or `_meta`
 * that are not exactly right) goes to the SDK of its revision, which answers it as the specification says.
 * Measured with `npm run bench` (a trivial 2026-07-28 execute_script, 32 connections, Node 24):
 * mcp2026Trivial 4,225 req/s on this path against mcp2026TrivialSdk 1,694 through the SDK (2.49x).
 */
export interface PlainCall {
  id: string | number;
  /** tasks/get and tasks/cancel: 2026-07-28 only (the tasks extension). */
  method: 'tools/call' | 'tools/list' | 'ping' | 'tasks/get' | 'tasks/cancel';
  params: unknown;
  /** 2026-07-28 answers carry the revision's result fields. */
  modern: boolean;
}

/** A JSON-RPC request (or batch) carrying a progress token in params._meta. */
export function wantsProgress(body: unknown): boolean {
  if (Array.isArray(body)) return body.some(wantsProgress);
  const meta = (body as { params?: { _meta?: { progressToken?: unknown } } } | null)?.params?._meta;
  return meta?.progressToken !== undefined;
}

export function sendJsonRpc(res: ServerResponse, status: number, payload: unknown): void {
  const body = JSON.stringify(payload);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * A 2026-07-28 request this path may answer: every rule the SDK checks holds trivially (the revision in
 * header and `_meta`, client capabilities an object, client info well formed, Mcp-Method and Mcp-Name equal
 * to the body) and `_meta` holds nothing else of the protocol's. A request off in any way goes to the SDK.
 */
function plainModern(method: string, params: Record<string, unknown> | undefined, headers: IncomingHttpHeaders): boolean {
  const meta = params?._meta;
  if (!isRecord(meta) || header(headers, 'mcp-protocol-version') !== MODERN_REVISION || header(headers, 'mcp-method') !== method) return false;
  if (meta[MODERN_META.protocolVersion] !== MODERN_REVISION || !isRecord(meta[MODERN_META.clientCapabilities])) return false;
  const info = meta[MODERN_META.clientInfo];
  if (info !== undefined && !(isRecord(info) && typeof info.name === 'string' && typeof info.version === 'string')) return false;
  for (const key of Object.keys(meta)) if (key.startsWith('io.modelcontextprotocol/') && !MODERN_META_KEYS.has(key)) return false;
  const named = method === 'tools/call' ? params?.name : method === 'tasks/get' || method === 'tasks/cancel' ? params?.taskId : undefined;
  if (header(headers, 'mcp-name') !== named) return false;
  // Task methods without the extension get the SDK's -32021.
  if (method === 'tasks/get' || method === 'tasks/cancel') return typeof params?.taskId === 'string' && params.taskId.length > 0 && declaresTasks(meta);
  return method !== 'ping';
}
const MODERN_META_KEYS: ReadonlySet<string> = new Set(Object.values(MODERN_META));

export function plainCall(body: unknown, headers: IncomingHttpHeaders): PlainCall | undefined {
  const message = body as { jsonrpc?: unknown; id?: unknown; method?: unknown; params?: unknown } | null;
  if (message === null || typeof message !== 'object' || Array.isArray(message) || message.jsonrpc !== '2.0') return undefined;
  const { id, method } = message;
  if (typeof id !== 'string' && typeof id !== 'number') return undefined;
  if (method !== 'tools/call' && method !== 'tools/list' && method !== 'ping' && method !== 'tasks/get' && method !== 'tasks/cancel') return undefined;
  if (wantsProgress(message)) return undefined;
  const accept = header(headers, 'accept') ?? '';
  if (!accept.includes('application/json') || !accept.includes('text/event-stream') || !/^application\/json\s*(?:;|$)/i.test(header(headers, 'content-type') ?? '')) return undefined;
  const params = isRecord(message.params) ? message.params : undefined;
  if (message.params !== undefined && params === undefined) return undefined;
  const version = header(headers, 'mcp-protocol-version');
  const modern = version === MODERN_REVISION || (isRecord(params?._meta) && params._meta[MODERN_META.protocolVersion] !== undefined);
  if (modern ? !plainModern(method, params, headers) : version !== undefined && !SUPPORTED_PROTOCOL_VERSIONS.includes(version)) return undefined;
  if (!modern && (method === 'tasks/get' || method === 'tasks/cancel')) return undefined;
  if (method === 'tools/call' && !CallToolRequestSchema.safeParse({ method, params: message.params }).success) return undefined;
  // A task-augmented call answers with a task, which the SDK server handles.
  if (params?.task !== undefined) return undefined;
  return { id, method, params: message.params, modern };
}

/** What 2026-07-28 adds to every result: its type, and who answered; a tool list also says how long to keep it. */
function modernResult(method: PlainCall['method'], result: Record<string, unknown>): Record<string, unknown> {
  return { ...result, resultType: result.resultType ?? 'complete', ...(method === 'tools/list' ? TOOLS_LIST_HINTS : {}), _meta: { [MODERN_META.serverInfo]: SERVER_INFO } };
}

/** Answers a plain call on Node's response (express's Response is one). */
export async function answerPlainCall(face: McpFace, log: Logger, call: PlainCall, res: ServerResponse, caller: Caller, requestId: string | undefined): Promise<void> {
  // A client that hangs up cancels its execution, as the SDK transport would.
  const abort = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) abort.abort();
  });
  try {
    let result: Record<string, unknown>;
    const params = call.params as { name?: string; arguments?: Record<string, unknown>; taskId?: string; _meta?: unknown; requestState?: unknown; inputResponses?: unknown } | undefined;
    if (call.method === 'tools/list') result = { tools: face.listTools(caller, !call.modern) };
    else if (call.method === 'ping') result = {};
    else if (call.method === 'tasks/get') result = await getTask(face.api, caller, String(params?.taskId));
    else if (call.method === 'tasks/cancel') result = await cancelTask(face.api, caller, String(params?.taskId));
    else if (call.modern && runsAsTask(params?.name, params?.arguments, params?._meta)) result = await createTask(face.api, caller, params?.arguments);
    else {
      const run = () => face.callTool(String(params?.name), params?.arguments, caller, { signal: abort.signal, ...(requestId !== undefined ? { requestId } : {}) });
      result = call.modern ? await callAskingApprovals(face.api, caller, { ...(params ?? {}), name: String(params?.name) }, params?._meta, run) : await run();
    }
    sendJsonRpc(res, 200, { jsonrpc: '2.0', id: call.id, result: call.modern ? modernResult(call.method, result) : result });
  } catch (err) {
    // A task that is not the caller's, or arguments that do not fit: the JSON-RPC error the SDK would send.
    if (err instanceof TaskProtocolError) return sendJsonRpc(res, 200, { jsonrpc: '2.0', id: call.id, error: { code: err.code, message: err.message, ...(err.data ? { data: err.data } : {}) } });
    log.error({ err }, 'MCP request failed');
    if (!res.headersSent) sendJsonRpc(res, 500, { jsonrpc: '2.0', id: call.id, error: { code: -32603, message: 'internal error' } });
  }
}
