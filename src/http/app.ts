import type { RequestListener } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import { GatewayError } from '../errors';
import { DecideApprovalBody, type GatewayApi } from '../gateway';
import type { Logger } from '../log';
import { McpFace, SERVER_INFO, mcpRouter } from '../mcp';
import { openApiDocument } from './openapi';
import { playgroundRouter } from '../playground';
import { ANONYMOUS, type Caller } from '../auth';
import { createFrontDoor } from './front-door';
import type { HostGuard } from './host-guard';
import { admitRequest, authChallenge, hangUpHook, isJsonContentType, jsonRoutes, parseBody, requestIdFrom, sendFailure, sendJson, type JsonRoute } from './routes';

export interface AppOptions {
  api: GatewayApi;
  log: Logger;
  bodyLimitBytes: number;
  /** True once SIGTERM arrived: /ready answers 503 and responses close their connection. */
  isDraining: () => boolean;
  /** Only /health, /ready and /metrics (a job runner's HTTP). */
  opsOnly?: boolean;
  /** Refuses requests by Host and Origin before anything else runs (DNS-rebinding protection). */
  hostGuard?: HostGuard | undefined;
}

const callerOf = (res: Response): Caller => (res.locals.caller as Caller | undefined) ?? ANONYMOUS;

/** What the express app and the front door share, built once. */
interface SharedHandlers {
  face: McpFace;
  routes: Readonly<Record<string, JsonRoute>>;
}

/** The server's request listener: the front door for hot API requests, express for the rest. */
export function createRequestHandler(options: AppOptions): RequestListener {
  const shared: SharedHandlers = { face: new McpFace(options.api), routes: jsonRoutes(options.api) };
  const app = createApp(options, shared);
  const handler = options.opsOnly ? app : createFrontDoor({ api: options.api, log: options.log, bodyLimitBytes: options.bodyLimitBytes, isDraining: options.isDraining, ...shared }, app);
  const guard = options.hostGuard;
  if (!guard) return handler;
  return (req, res) => {
    const refused = guard(req.headers, req.url);
    if (refused === undefined) return handler(req, res);
    res.setHeader('X-Request-Id', requestIdFrom(req.headers['x-request-id'] as string | undefined));
    // The body is not read: close the connection once answered.
    res.setHeader('Connection', 'close');
    sendFailure(res, refused, { bodyLimitBytes: options.bodyLimitBytes, log: options.log, challenge: undefined, where: {} });
  };
}

export function createApp(options: AppOptions, shared: SharedHandlers = { face: new McpFace(options.api), routes: jsonRoutes(options.api) }): express.Express {
  const { api, log } = options;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.use((req, res, next) => {
    if (options.isDraining()) res.set('Connection', 'close');
    // The front door (server.ts) may have named the request already.
    const requestId = typeof res.locals.requestId === 'string' ? res.locals.requestId : requestIdFrom(req.get('x-request-id'));
    res.locals.requestId = requestId;
    res.set('X-Request-Id', requestId);
    next();
  });

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/ready', (_req, res) => {
    const { ready, body } = api.readiness(options.isDraining());
    res.status(ready ? 200 : 503).json(body);
  });

  const openapi = openApiDocument(SERVER_INFO.version);
  app.get('/openapi.json', (_req, res) => {
    res.json(openapi);
  });

  app.get('/metrics', async (_req, res, next) => {
    try {
      const { contentType, text } = await api.metrics();
      res.set('Content-Type', contentType).send(text);
    } catch (err) {
      next(err);
    }
  });

  // A job runner serves only the operational routes above: probes and metrics, no API to protect.
  if (!options.opsOnly) {
    const json = express.json({ limit: options.bodyLimitBytes, strict: true, type: ['application/json', 'application/*+json'] });

    const playground = api.settings.playground ? playgroundRouter(log) : undefined;
    if (playground) app.use(playground);

    if (api.jwtEnabled) {
      app.get('/.well-known/oauth-protected-resource', (req, res) => {
        res.json(api.protectedResourceMetadata(`${req.protocol}://${req.get('host') ?? 'localhost'}`));
      });
    }

    app.use(['/v1', '/mcp'], async (req, res, next) => {
      // A request the front door admitted and handed on (an MCP message the SDK must see) is not counted twice.
      if (res.locals.caller !== undefined) return next();
      try {
        res.locals.wwwAuthenticate = authChallenge(api, req);
        res.locals.caller = await admitRequest(api, req);
        next();
      } catch (err) {
        next(err);
      }
    });

    app.use(mcpRouter({ face: shared.face, log, bodyLimitBytes: options.bodyLimitBytes }));

    for (const [path, route] of Object.entries(shared.routes)) {
      app.post(path, json, async (req, res, next) => {
        try {
          if (!isJsonContentType(req.get('content-type'))) {
            throw new GatewayError('UNSUPPORTED_MEDIA_TYPE', `expected Content-Type: application/json, got ${req.get('content-type') ?? 'none'}`);
          }
          sendJson(res, await route({ body: req.body as unknown, caller: callerOf(res), requestId: String(res.locals.requestId), header: (name) => req.get(name), cancel: hangUpHook(res) }));
        } catch (err) {
          next(err);
        }
      });
    }

    app.get('/v1/jobs/:id', async (req, res, next) => {
      try {
        const raw = req.query.waitMs;
        const waitMs = typeof raw === 'string' && /^\d{1,9}$/.test(raw) ? Number(raw) : 0;
        if (raw !== undefined && typeof raw !== 'string') throw new GatewayError('BAD_REQUEST', 'waitMs must be a number of milliseconds');
        if (typeof raw === 'string' && !/^\d{1,9}$/.test(raw)) throw new GatewayError('BAD_REQUEST', 'waitMs must be a number of milliseconds');
        const view = await api.waitJob(callerOf(res), req.params.id, waitMs);
        if (!view) throw new GatewayError('JOB_NOT_FOUND', `no job '${req.params.id}'`);
        res.json(view);
      } catch (err) {
        next(err);
      }
    });

    app.get('/v1/approvals', async (_req, res, next) => {
      try {
        res.json(await api.pendingApprovals(callerOf(res)));
      } catch (err) {
        next(err);
      }
    });

    app.post('/v1/jobs/:id/approvals/:approvalId', json, async (req, res, next) => {
      try {
        if (!isJsonContentType(req.get('content-type'))) throw new GatewayError('UNSUPPORTED_MEDIA_TYPE', `expected Content-Type: application/json, got ${req.get('content-type') ?? 'none'}`);
        const body = parseBody(DecideApprovalBody, req.body);
        res.json(await api.decideApproval(callerOf(res), req.params.id, req.params.approvalId, body));
      } catch (err) {
        next(err);
      }
    });

    app.delete('/v1/jobs/:id', async (req, res, next) => {
      try {
        const view = await api.cancelJob(callerOf(res), req.params.id);
        if (!view) throw new GatewayError('JOB_NOT_FOUND', `no job '${req.params.id}'`);
        res.json(view);
      } catch (err) {
        next(err);
      }
    });

  }

  app.use((req, _res, next) => {
    next(new GatewayError('ROUTE_NOT_FOUND', `no route for ${req.method} ${req.path}`));
  });

  // Express recognises error handlers by arity, so all four parameters stay.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const challenge = typeof res.locals.wwwAuthenticate === 'string' ? res.locals.wwwAuthenticate : undefined;
    sendFailure(res, err, { bodyLimitBytes: options.bodyLimitBytes, log, challenge, where: { path: req.path, requestId: res.locals.requestId } });
  });

  return app;
}
