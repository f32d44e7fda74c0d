import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, JSONRPCMessageSchema, ListToolsRequestSchema, SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/sdk/types.js';
import { GatewayError } from '../errors';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import { ANONYMOUS, type Caller } from '../auth';
import type { Logger } from '../log';
import { mcpCaller } from './job-tasks';
import type { McpFace } from './mcp-server';
import { createModernMcp, type AuthenticatedRequest } from './modern';

/** Where a 2026-07-28 request names its protocol version. */
const MODERN_VERSION_KEY = 'io.modelcontextprotocol/protocolVersion';

export interface McpHttpOptions {
  face: McpFace;
  log: Logger;
  bodyLimitBytes: number;
}

const callerFromAuthInfo = (authInfo: unknown): Caller => ((authInfo as { extra?: { caller?: Caller } } | undefined)?.extra?.caller ?? ANONYMOUS);

/** Idle Servers kept for reuse; past this, a finished request's Server is dropped. */
const POOL_MAX = 64;

/** A JSON-RPC request (or batch) carrying a progress token in params._meta. */
function wantsProgress(body: unknown): boolean {
  if (Array.isArray(body)) return body.some(wantsProgress);
  const meta = (body as { params?: { _meta?: { progressToken?: unknown } } } | null)?.params?._meta;
  return meta?.progressToken !== undefined;
}

export interface PlainCall {
  id: string | number;
  method: 'tools/call' | 'tools/list' | 'ping';
  params: unknown;
}

function sendJsonRpc(res: ServerResponse, status: number, payload: unknown): void {
  const body = JSON.stringify(payload);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function jsonRpcError(res: ServerResponse, status: number, code: number, message: string): void {
  sendJsonRpc(res, status, { jsonrpc: '2.0', error: { code, message }, id: null });
}

/** Params checked here so a bad one is -32602 with one line, not the SDK's -32603 and a validator dump. */
const PARAMS_OF: Readonly<Record<string, { safeParse(v: unknown): { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } } }>> = {
  'tools/call': CallToolRequestSchema,
  'tools/list': ListToolsRequestSchema,
};

/**
 * What is wrong with a body that is JSON but not something to hand the SDK: -32600 for what is not a
 * JSON-RPC message (the SDK calls it a parse error), -32602 for a known method's malformed params.
 */
export function invalidMessage(body: unknown): { code: number; message: string; id: string | number | null } | undefined {
  const messages = Array.isArray(body) ? body : [body];
  if (messages.length === 0) return { code: -32600, message: 'Invalid Request: an empty batch', id: null };
  for (const m of messages) {
    if (!JSONRPCMessageSchema.safeParse(m).success) return { code: -32600, message: 'Invalid Request: not a JSON-RPC 2.0 message (jsonrpc: "2.0", method, and id for a request)', id: null };
  }
  if (Array.isArray(body)) return undefined;
  const { method, id } = body as { method?: unknown; id?: unknown };
  const schema = typeof method === 'string' ? PARAMS_OF[method] : undefined;
  const parsed = schema?.safeParse(body);
  if (!parsed || parsed.success) return undefined;
  const issue = parsed.error?.issues[0];
  const where = issue ? issue.path.map(String).join('.') || 'params' : 'params';
  return { code: -32602, message: `Invalid params: ${where}: ${issue?.message ?? 'invalid'}`, id: typeof id === 'string' || typeof id === 'number' ? id : null };
}

/**
 * A body that is not JSON (or too large) is a JSON-RPC error, not our REST error shape. False when
 * `err` is not a body error.
 */
export function sendBodyError(res: ServerResponse, err: unknown, bodyLimitBytes: number): boolean {
  const type = (err as { type?: unknown } | null)?.type;
  if (type === 'entity.parse.failed') jsonRpcError(res, 400, -32700, `Parse error: ${(err as Error).message}`);
  else if (type === 'entity.too.large') jsonRpcError(res, 413, -32600, `Request too large: at most ${bodyLimitBytes} bytes`);
  else return false;
  return true;
}

const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/**
 * The common case, answered without a per-request SDK transport: one JSON-RPC request for
 * tools/call, tools/list or ping, no progress token, and headers the SDK transport would accept
 * (Accept both JSON and event stream, JSON content type, a supported or absent protocol version, an
 * allowed Host). Anything else (initialize, notifications, batches, progress, malformed messages, bad
 * headers) goes to the SDK transport, which answers it exactly as the specification says.
 */
export function plainCall(body: unknown, headers: IncomingHttpHeaders): PlainCall | undefined {
  const message = body as { jsonrpc?: unknown; id?: unknown; method?: unknown; params?: unknown } | null;
  if (message === null || typeof message !== 'object' || Array.isArray(message) || message.jsonrpc !== '2.0') return undefined;
  const { id, method } = message;
  if ((typeof id !== 'string' && typeof id !== 'number') || (method !== 'tools/call' && method !== 'tools/list' && method !== 'ping')) return undefined;
  if (wantsProgress(message)) return undefined;
  const accept = header(headers, 'accept') ?? '';
  if (!accept.includes('application/json') || !accept.includes('text/event-stream') || !/^application\/json\s*(?:;|$)/i.test(header(headers, 'content-type') ?? '')) return undefined;
  const version = header(headers, 'mcp-protocol-version');
  if (version !== undefined && !SUPPORTED_PROTOCOL_VERSIONS.includes(version)) return undefined;
  if (method === 'tools/call' && !CallToolRequestSchema.safeParse({ method, params: message.params }).success) return undefined;
  // A task-augmented call answers with a task, which the SDK server handles.
  if ((message.params as { task?: unknown } | undefined)?.task !== undefined) return undefined;
  // A 2026-07-28 request (its version travels in _meta) is the v2 SDK's to answer.
  if ((message.params as { _meta?: Record<string, unknown> } | undefined)?._meta?.[MODERN_VERSION_KEY] !== undefined) return undefined;
  return { id, method, params: message.params };
}

/** Answers a plain call on Node's response (express's Response is one). */
export async function answerPlainCall(face: McpFace, log: Logger, call: PlainCall, res: ServerResponse, caller: Caller, requestId: string | undefined): Promise<void> {
  // A client that hangs up cancels its execution, as the SDK transport would.
  const abort = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) abort.abort();
  });
  try {
    let result: unknown;
    if (call.method === 'tools/list') result = { tools: face.listTools(caller) };
    else if (call.method === 'ping') result = {};
    else {
      const params = call.params as { name: string; arguments?: Record<string, unknown> };
      result = await face.callTool(params.name, params.arguments, caller, { signal: abort.signal, ...(requestId !== undefined ? { requestId } : {}) });
    }
    sendJsonRpc(res, 200, { jsonrpc: '2.0', id: call.id, result });
  } catch (err) {
    log.error({ err }, 'MCP request failed');
    if (!res.headersSent) sendJsonRpc(res, 500, { jsonrpc: '2.0', id: call.id, error: { code: -32603, message: 'internal error' } });
  }
}

/**
 * Streamable HTTP at /mcp, stateless so any pod can answer any request. The SDK needs a fresh transport
 * per request in stateless mode, but not a fresh Server: a Server is closed (which detaches it) when its
 * response is done and handed to the next request, saving the handler setup on every call.
 */
export function mcpRouter(options: McpHttpOptions): express.Router {
  const { face, log } = options;
  const idle: Server[] = [];
  const modern = createModernMcp(face, log, options.bodyLimitBytes);
  const router = express.Router();

  const json = express.json({ limit: options.bodyLimitBytes, strict: false, type: () => true });

  router.post('/mcp', json, async (req: Request, res: Response) => {
    const caller = (res.locals.caller as Caller | undefined) ?? ANONYMOUS;
    const requestId = typeof res.locals.requestId === 'string' ? res.locals.requestId : undefined;
    const call = plainCall(req.body, req.headers);
    if (call) {
      await answerPlainCall(face, log, call, res, caller, requestId);
      return;
    }
    if (!(await modern.isLegacy(req, req.body))) {
      (req as AuthenticatedRequest).auth = { token: '', clientId: caller.tenantId, scopes: [...caller.scopes], extra: { caller, ...(requestId !== undefined ? { requestId } : {}) } };
      try {
        await modern.handle(req, res, req.body);
      } catch (err) {
        log.error({ err }, 'MCP request failed');
        if (!res.headersSent) jsonRpcError(res, 500, -32603, 'internal error');
      }
      return;
    }
    const invalid = invalidMessage(req.body);
    if (invalid) {
      sendJsonRpc(res, invalid.code === -32600 ? 400 : 200, { jsonrpc: '2.0', error: { code: invalid.code, message: invalid.message }, id: invalid.id });
      return;
    }
    if (Array.isArray(req.body)) {
      try {
        await face.admitBatch(caller, req.body.length);
      } catch (err) {
        if (!(err instanceof GatewayError) || err.code !== 'RATE_LIMITED') throw err;
        const retryAfterMs = Number(err.details.retryAfterMs ?? 1000);
        res.setHeader('Retry-After', String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
        jsonRpcError(res, 429, -32000, err.message);
        return;
      }
    }
    const server = idle.pop() ?? face.createServer(callerFromAuthInfo);
    // The SDK hands req.auth to handlers as extra.authInfo: how the caller reaches them.
    (req as Request & { auth?: unknown }).auth = { token: '', clientId: caller.tenantId, scopes: [...caller.scopes], extra: { caller, requestId } };
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      // A plain JSON answer is cheapest; a request that asked for progress gets an event stream so the
      // notifications can travel before the result.
      enableJsonResponse: !wantsProgress(req.body),
    });
    res.on('close', () => {
      // Closing detaches the Server (and aborts a handler whose client went away).
      void server.close().then(
        () => {
          if (idle.length < POOL_MAX) idle.push(server);
        },
        () => undefined,
      );
    });
    try {
      await server.connect(transport);
      // Task stores are called without the request's auth; they read the caller from this scope.
      await mcpCaller.run(caller, () => transport.handleRequest(req, res, req.body));
    } catch (err) {
      log.error({ err }, 'MCP request failed');
      if (!res.headersSent) jsonRpcError(res, 500, -32603, 'internal error');
    }
  });

  // Stateless: no server-initiated stream to open and no session to end.
  router.all('/mcp', (_req, res) => {
    res.set('Allow', 'POST');
    jsonRpcError(res, 405, -32000, 'Method not allowed: this server is stateless; send JSON-RPC with POST');
  });

  // A body that is not JSON (or too large) is a JSON-RPC error, not our REST error shape.
  router.use('/mcp', (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (!sendBodyError(res, err, options.bodyLimitBytes)) next(err);
  });

  return router;
}
