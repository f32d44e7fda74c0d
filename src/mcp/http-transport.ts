import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, JSONRPCMessageSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { GatewayError } from '../errors';
import type { ServerResponse } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import { ANONYMOUS, type Caller } from '../auth';
import type { Logger } from '../log';
import { mcpCaller } from './job-tasks';
import type { McpFace } from './mcp-server';
import { createModernMcp, type AuthenticatedRequest } from './modern';
import { answerPlainCall, plainCall, sendJsonRpc, wantsProgress } from './plain-call';

export interface McpHttpOptions {
  face: McpFace;
  log: Logger;
  bodyLimitBytes: number;
}

const callerFromAuthInfo = (authInfo: unknown): Caller => ((authInfo as { extra?: { caller?: Caller } } | undefined)?.extra?.caller ?? ANONYMOUS);

/** Idle Servers kept for reuse; past this, a finished request's Server is dropped. */
const POOL_MAX = 64;

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
