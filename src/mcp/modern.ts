import type { IncomingMessage, ServerResponse } from 'node:http';
import { toNodeHandler, toWebRequest } from '@modelcontextprotocol/node';
import {
  CLIENT_CAPABILITIES_META_KEY,
  CLIENT_INFO_META_KEY,
  PROTOCOL_VERSION_META_KEY,
  ProtocolError,
  SERVER_INFO_META_KEY,
  Server,
  createMcpHandler,
  isLegacyRequest,
  type McpRequestContext,
} from '@modelcontextprotocol/server';
import { z } from 'zod';
import { ANONYMOUS, type Caller } from '../auth';
import type { Logger } from '../log';
import { INSTRUCTIONS, SERVER_INFO, type McpFace } from './mcp-server';
import { TASKS_EXTENSION, TaskProtocolError, cancelTask, getTask, requireTasks } from './modern-tasks';
import { callAskingApprovals } from './approval-prompts';

/**
 * MCP 2026-07-28, the stateless revision: no initialize handshake or session; every request carries its
 * protocol version and client capabilities in `_meta`. The SDK's v2 server does the revision's rules
 * (server/discover, `_meta` and Mcp-Method/Mcp-Name header validation, error ids, 404 for removed methods,
 * caching hints, result types); the v1 SDK does not know the revision, so 2025-11-25 traffic stays on its
 * transport and the front door's plain-call path, and only requests the v2 classifier calls modern come
 * here. The tools are the same McpFace serves the older revision.
 */

/** Who is asking: the HTTP layer authenticated the request and hands the caller through `req.auth`. */
export interface AuthenticatedRequest extends IncomingMessage {
  auth?: { token: string; clientId: string; scopes: string[]; extra: { caller: Caller; requestId?: string } };
}

const callerOf = (ctx: McpRequestContext): { caller: Caller; requestId?: string } => {
  const extra = ctx.authInfo?.extra as { caller?: Caller; requestId?: string } | undefined;
  return { caller: extra?.caller ?? ANONYMOUS, ...(extra?.requestId !== undefined ? { requestId: extra.requestId } : {}) };
};

export const MODERN_REVISION = '2026-07-28';

/** The `_meta` keys of the revision's request envelope and result, as the SDK names them. */
export const MODERN_META = Object.freeze({
  protocolVersion: PROTOCOL_VERSION_META_KEY,
  clientCapabilities: CLIENT_CAPABILITIES_META_KEY,
  clientInfo: CLIENT_INFO_META_KEY,
  serverInfo: SERVER_INFO_META_KEY,
});

/** A tool list depends on the caller's tenant policy, and changes when an upstream's does: short and private. */
export const TOOLS_LIST_HINTS = Object.freeze({ ttlMs: 30_000, cacheScope: 'private' as const });

/** One v2 SDK server over the face, for one HTTP request or one stdio connection. */
export function modernServer(face: McpFace, ctx: McpRequestContext): Server {
  const { caller, requestId } = callerOf(ctx);
  // The low-level Server is the v2 SDK's face for tools that are listed per caller rather than registered.
  const server = new Server(SERVER_INFO, {
    // listChanged: subscriptions/listen streams hear of catalog changes (as 2025-11-25 clients do over stdio).
    capabilities: { tools: { listChanged: true }, extensions: { [TASKS_EXTENSION]: {} } },
    instructions: INSTRUCTIONS,
    cacheHints: { 'tools/list': { ...TOOLS_LIST_HINTS } },
  });
  // McpFace speaks the v1 SDK's types; the wire shapes are the same, the v2 SDK's types are its own (hence
  // the casts). The v2 Server checks and completes what is returned (resultType, caching hints).
  server.setRequestHandler('tools/list', () => ({ tools: face.listTools(caller, false) }) as never);
  server.setRequestHandler('tools/call', async (request, extra) => {
    const token = request.params._meta?.progressToken;
    const progress =
      token === undefined
        ? undefined
        : (count: number, message: string) => {
            void extra.mcpReq.notify({ method: 'notifications/progress', params: { progressToken: token, progress: count, message } }).catch(() => undefined);
          };
    const call = () =>
      face.callTool(request.params.name, request.params.arguments, caller, {
        signal: extra.mcpReq.signal,
        ...(progress ? { progress } : {}),
        ...(requestId !== undefined ? { requestId } : {}),
      });
    // The SDK lifts a retry's requestState and inputResponses off the params into the request context.
    const retry = { requestState: extra.mcpReq.requestState<string>(), inputResponses: extra.mcpReq.inputResponses };
    return (await callAskingApprovals(face.api, caller, { name: request.params.name, ...retry }, extra.mcpReq.envelope, call)) as never;
  });
  // The tasks extension's methods (the SDK has no task store; they read the job queue through the face).
  const TaskParams = z.object({ taskId: z.string().min(1) }).loose();
  const taskMethod = (method: string, run: (taskId: string) => Promise<Record<string, unknown>>) =>
    server.setRequestHandler(method, { params: TaskParams }, async (params, extra) => {
      try {
        // The SDK lifts the revision's _meta keys (client capabilities among them) into the envelope.
        requireTasks(extra.mcpReq.envelope, method);
        return (await run(params.taskId)) as never;
      } catch (err) {
        if (err instanceof TaskProtocolError) throw new ProtocolError(err.code, err.message, err.data);
        throw err;
      }
    });
  taskMethod('tasks/get', (taskId) => getTask(face.api, caller, taskId));
  taskMethod('tasks/cancel', (taskId) => cancelTask(face.api, caller, taskId));
  return server;
}

export interface ModernMcp {
  /** True when the request belongs to 2025-era serving (the v1 transport and the front door's plain calls). */
  isLegacy(req: IncomingMessage, body: unknown): Promise<boolean>;
  /** Answers a 2026-07-28 request (or a modern-path rejection: unsupported revision, bad `_meta` or headers). */
  handle(req: AuthenticatedRequest, res: ServerResponse, body: unknown): Promise<void>;
  close(): Promise<void>;
}

export function createModernMcp(face: McpFace, log: Logger, maxRequestBodySize: number): ModernMcp {
  const handler = createMcpHandler((ctx) => modernServer(face, ctx), {
    legacy: 'reject',
    maxRequestBodySize,
    onerror: (err) => log.debug({ err }, 'MCP 2026-07-28 request refused or failed'),
  });
  const node = toNodeHandler(handler);
  // Open subscriptions/listen streams on this pod hear when its catalog changes the listed tools.
  if (face.api.settings.rawToolsListed) face.api.onToolListChange(() => handler.notify.toolsChanged());
  return {
    async isLegacy(req, body) {
      return isLegacyRequest(await toWebRequest(req, body), body);
    },
    handle: (req, res, body) => node(req, res, body),
    close: () => handler.close(),
  };
}
