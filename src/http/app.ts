import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { ZodType } from 'zod';
import { formatZodError } from '../config';
import { ERROR_CODES, GatewayError, toPublicError, type ErrorCode } from '../errors';
import type { Gateway } from '../gateway';
import type { Logger } from '../log';
import { McpFace, SERVER_INFO, mcpRouter } from '../mcp';
import { openApiDocument } from './openapi';
import { ANONYMOUS, type Caller } from '../auth';
import { DescribeBody, ExecuteBody, InvokeBody, SearchBody, IDEMPOTENCY_KEY, jobSubmission, rejectJobFields } from '../gateway';

export interface AppOptions {
  gateway: Gateway;
  log: Logger;
  bodyLimitBytes: number;
  /** True once SIGTERM arrived: /ready answers 503 and responses close their connection. */
  isDraining: () => boolean;
  /** Only /health, /ready and /metrics (a job runner's HTTP). */
  opsOnly?: boolean;
}

/** Every REST error body has this one shape: `{ error: { code, message, hint, ... } }`. */
export function sendError(res: Response, err: GatewayError): void {
  const retryAfter = retryAfterSeconds(err.code, err.details.retryAfterMs);
  if (retryAfter !== undefined) res.set('Retry-After', String(retryAfter));
  if (err.code === 'UNAUTHORIZED') res.set('WWW-Authenticate', String(res.locals.wwwAuthenticate ?? 'Bearer'));
  res.status(err.httpStatus).json({ error: toPublicError(err) });
}

const RETRY_CODES = new Set<string>(['SATURATED', 'NOT_READY', 'SHUTTING_DOWN', 'RATE_LIMITED', 'TOO_MANY_EXECUTIONS', 'QUEUE_UNAVAILABLE']);

function retryAfterSeconds(code: string, retryAfterMs: unknown): number | undefined {
  if (!RETRY_CODES.has(code)) return undefined;
  return typeof retryAfterMs === 'number' ? Math.max(1, Math.ceil(retryAfterMs / 1000)) : 1;
}

const callerOf = (res: Response): Caller => (res.locals.caller as Caller | undefined) ?? ANONYMOUS;

function parseBody<T>(schema: ZodType<T>, req: Request): T {
  if (!req.is('application/json')) {
    throw new GatewayError('UNSUPPORTED_MEDIA_TYPE', `expected Content-Type: application/json, got ${req.get('content-type') ?? 'none'}`);
  }
  const body: unknown = req.body;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new GatewayError('BAD_REQUEST', 'the request body must be a JSON object');
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new GatewayError('BAD_REQUEST', `invalid request: ${formatZodError(parsed.error)}`);
  return parsed.data;
}

/** body-parser's error types → our codes. */
const BODY_ERRORS: Record<string, ErrorCode> = {
  'entity.parse.failed': 'MALFORMED_JSON',
  'entity.too.large': 'BODY_TOO_LARGE',
  'encoding.unsupported': 'UNSUPPORTED_MEDIA_TYPE',
  'charset.unsupported': 'UNSUPPORTED_MEDIA_TYPE',
  'request.aborted': 'BAD_REQUEST',
  'request.size.invalid': 'BAD_REQUEST',
};

export function createApp(options: AppOptions): express.Express {
  const { gateway, log } = options;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.use((req, res, next) => {
    if (options.isDraining()) res.set('Connection', 'close');
    // A caller's id is kept when it is a sane token, so one id follows a request through proxies and logs.
    const given = req.get('x-request-id');
    const requestId = given !== undefined && /^[A-Za-z0-9._:-]{1,128}$/.test(given) ? given : randomUUID();
    res.locals.requestId = requestId;
    res.set('X-Request-Id', requestId);
    next();
  });

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/ready', (_req, res) => {
    const stats = gateway.pool.stats();
    const ready = gateway.ready && gateway.redisReady && !options.isDraining();
    res.status(ready ? 200 : 503).json({
      status: ready ? 'ready' : options.isDraining() ? 'draining' : 'starting',
      executors: { total: stats.executors, ready: stats.ready, restarts: stats.restarts, threads: stats.threads },
      tools: gateway.catalog.size,
      search: { version: gateway.search.version ?? null },
      ...(gateway.redis ? { redis: { status: gateway.redis.status } } : {}),
      // Upstreams degrade the catalog, not readiness: a down upstream's tools fail clearly until it returns.
      upstreams: gateway.upstreams.map((u) => u.health()),
    });
  });

  const openapi = openApiDocument(SERVER_INFO.version);
  app.get('/openapi.json', (_req, res) => {
    res.json(openapi);
  });

  app.get('/metrics', async (_req, res, next) => {
    try {
      res.set('Content-Type', gateway.metrics.registry.contentType).send(await gateway.metrics.registry.metrics());
    } catch (err) {
      next(err);
    }
  });

  // A job runner serves only the operational routes above: probes and metrics, no API to protect.
  if (!options.opsOnly) {
    const json = express.json({ limit: options.bodyLimitBytes, strict: true, type: ['application/json', 'application/*+json'] });

    if (gateway.auth.jwtEnabled) {
      app.get('/.well-known/oauth-protected-resource', (req, res) => {
        res.json(gateway.auth.protectedResourceMetadata(`${req.protocol}://${req.get('host') ?? 'localhost'}`));
      });
    }

    // Who is calling, then whether their tenant may send one more request; both before any body is read.
    app.use(['/v1', '/mcp'], async (req, res, next) => {
      try {
        if (gateway.auth.jwtEnabled) res.locals.wwwAuthenticate = `Bearer resource_metadata="${req.protocol}://${req.get('host') ?? 'localhost'}/.well-known/oauth-protected-resource"`;
        const caller = await gateway.auth.authenticate({ authorization: req.get('authorization'), apiKey: req.get('x-api-key') });
        res.locals.caller = caller;
        if (req.method === 'POST' || req.method === 'DELETE') await gateway.tenants.admit(caller.tenantId);
        next();
      } catch (err) {
        next(err);
      }
    });

    app.use(mcpRouter({ face: new McpFace(gateway), log, bodyLimitBytes: options.bodyLimitBytes, allowedHosts: gateway.config.mcp.allowedHosts }));

    app.post('/v1/execute', json, async (req, res, next) => {
      try {
        // No draining check here: a request that reached the handler was accepted before the drain and is
        // served (the listener stopped accepting connections; responses carry Connection: close).
        const body = parseBody(ExecuteBody, req);
        if (body.async === true) {
          await enqueue(req, res, body);
          return;
        }
        rejectJobFields(body);
        if (!gateway.ready) throw new GatewayError('NOT_READY', 'executors are starting');
        const envelope = await gateway.execute({
          script: body.script,
          caller: callerOf(res),
          requestId: String(res.locals.requestId),
          ...(body.context ? { context: body.context } : {}),
          ...(body.timeoutMs !== undefined ? { timeoutMs: body.timeoutMs } : {}),
          ...(body.limits ? { limits: body.limits } : {}),
        });
        // An execution that could not start for capacity reasons is an HTTP-level condition, not an outcome.
        const code = envelope.error?.code;
        if (code === 'SATURATED' || code === 'NOT_READY' || code === 'SHUTTING_DOWN' || code === 'TOO_MANY_EXECUTIONS') {
          res.set('Retry-After', '1').status(ERROR_CODES[code].httpStatus).json(envelope);
          return;
        }
        res.json(envelope);
      } catch (err) {
        next(err);
      }
    });

    async function enqueue(req: Request, res: Response, body: ReturnType<typeof ExecuteBody.parse>): Promise<void> {
      const header = req.get('idempotency-key');
      if (header !== undefined && !IDEMPOTENCY_KEY.test(header)) throw new GatewayError('BAD_REQUEST', 'Idempotency-Key must be 1-200 visible ASCII characters');
      if (header !== undefined && body.idempotencyKey !== undefined && header !== body.idempotencyKey) {
        throw new GatewayError('BAD_REQUEST', 'the Idempotency-Key header and the idempotencyKey field differ; send one');
      }
      const view = await gateway.jobs.submit(jobSubmission(body, callerOf(res), header ?? body.idempotencyKey));
      res.status(202).set('Location', `/v1/jobs/${view.jobId}`).json({ status: 'queued', jobId: view.jobId });
    }

    app.post('/v1/jobs', json, async (req, res, next) => {
      try {
        await enqueue(req, res, parseBody(ExecuteBody, req));
      } catch (err) {
        next(err);
      }
    });

    app.get('/v1/jobs/:id', async (req, res, next) => {
      try {
        const raw = req.query.waitMs;
        const waitMs = typeof raw === 'string' && /^\d{1,9}$/.test(raw) ? Math.min(Number(raw), gateway.config.jobs.maxWaitMs) : 0;
        if (raw !== undefined && typeof raw !== 'string') throw new GatewayError('BAD_REQUEST', 'waitMs must be a number of milliseconds');
        if (typeof raw === 'string' && !/^\d{1,9}$/.test(raw)) throw new GatewayError('BAD_REQUEST', 'waitMs must be a number of milliseconds');
        const view = await gateway.jobs.wait(callerOf(res).tenantId, req.params.id, waitMs);
        if (!view) throw new GatewayError('JOB_NOT_FOUND', `no job '${req.params.id}'`);
        res.json(view);
      } catch (err) {
        next(err);
      }
    });

    app.delete('/v1/jobs/:id', async (req, res, next) => {
      try {
        const view = await gateway.jobs.cancel(callerOf(res).tenantId, req.params.id);
        if (!view) throw new GatewayError('JOB_NOT_FOUND', `no job '${req.params.id}'`);
        res.json(view);
      } catch (err) {
        next(err);
      }
    });

    app.post('/v1/invoke', json, async (req, res, next) => {
      try {
        const body = parseBody(InvokeBody, req);
        res.json(await gateway.invoke({ name: body.name, input: body.input ?? {}, caller: callerOf(res) }));
      } catch (err) {
        next(err);
      }
    });

    app.post('/v1/search', json, async (req, res, next) => {
      try {
        const body = parseBody(SearchBody, req);
        res.json(
          await gateway.discovery.search({
            tenant: gateway.discoveryTenant(callerOf(res)),
            queries: body.queries ?? [body.query as string],
            ...(body.topK !== undefined ? { topK: body.topK } : {}),
            ...(body.minScore !== undefined ? { minScore: body.minScore } : {}),
          }),
        );
      } catch (err) {
        next(err);
      }
    });

    app.post('/v1/describe', json, async (req, res, next) => {
      try {
        const body = parseBody(DescribeBody, req);
        res.json(await gateway.discovery.describe(body.names, gateway.discoveryTenant(callerOf(res))));
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
    if (err instanceof GatewayError) {
      sendError(res, err);
      return;
    }
    const type = (err as { type?: unknown } | null)?.type;
    const mapped = typeof type === 'string' ? BODY_ERRORS[type] : undefined;
    if (mapped) {
      const message = mapped === 'MALFORMED_JSON'
        ? `the body is not valid JSON: ${(err as Error).message}`
        : mapped === 'BODY_TOO_LARGE'
          ? `the body is larger than ${options.bodyLimitBytes} bytes`
          : (err as Error).message;
      sendError(res, new GatewayError(mapped, message));
      return;
    }
    log.error({ err, path: req.path, requestId: res.locals.requestId }, 'unhandled request error');
    sendError(res, new GatewayError('INTERNAL', 'internal server error'));
  });

  return app;
}
