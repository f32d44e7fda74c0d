import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from '../log';
import type { McpFace } from './mcp-server';

export interface McpHttpOptions {
  face: McpFace;
  log: Logger;
  bodyLimitBytes: number;
  /** Host header values accepted (DNS-rebinding protection); empty accepts any host. */
  allowedHosts: readonly string[];
}

/** Idle Servers kept for reuse; past this, a finished request's Server is dropped. */
const POOL_MAX = 64;

/** A JSON-RPC request (or batch) carrying a progress token in params._meta. */
function wantsProgress(body: unknown): boolean {
  if (Array.isArray(body)) return body.some(wantsProgress);
  const meta = (body as { params?: { _meta?: { progressToken?: unknown } } } | null)?.params?._meta;
  return meta?.progressToken !== undefined;
}

function jsonRpcError(res: Response, status: number, code: number, message: string): void {
  res.status(status).json({ jsonrpc: '2.0', error: { code, message }, id: null });
}

/**
 * Streamable HTTP at /mcp, stateless so any pod can answer any request. The SDK needs a fresh transport
 * per request in stateless mode, but not a fresh Server: a Server is closed (which detaches it) when its
 * response is done and handed to the next request, saving the handler setup on every call.
 */
export function mcpRouter(options: McpHttpOptions): express.Router {
  const { face, log } = options;
  const idle: Server[] = [];
  const router = express.Router();

  const json = express.json({ limit: options.bodyLimitBytes, strict: false, type: () => true });

  router.post('/mcp', json, async (req: Request, res: Response) => {
    const server = idle.pop() ?? face.createServer();
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      // A plain JSON answer is cheapest; a request that asked for progress gets an event stream so the
      // notifications can travel before the result.
      enableJsonResponse: !wantsProgress(req.body),
      ...(options.allowedHosts.length > 0 ? { enableDnsRebindingProtection: true, allowedHosts: [...options.allowedHosts] } : {}),
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
      await transport.handleRequest(req, res, req.body);
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
    const type = (err as { type?: unknown } | null)?.type;
    if (type === 'entity.parse.failed') return jsonRpcError(res, 400, -32700, `Parse error: ${(err as Error).message}`);
    if (type === 'entity.too.large') return jsonRpcError(res, 413, -32600, `Request too large: at most ${options.bodyLimitBytes} bytes`);
    next(err);
  });

  return router;
}
