import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { ZodType } from 'zod';
import type { Caller } from '../auth';
import type { CancelHook } from '../executor';
import { formatZodError } from '../config';
import { ERROR_CODES, GatewayError, toPublicError, type ErrorCode } from '../errors';
import type { Logger } from '../log';
import { CAPACITY_CODES, DescribeBody, ExecuteBody, IDEMPOTENCY_KEY, InvokeBody, SearchBody, answerJson, type ExecuteBodyValue, type GatewayApi } from '../gateway';

/**
 * The REST API's JSON routes, written against plain inputs so the express app and the front door
 * (server.ts) answer them with one implementation.
 */
export interface RouteInput {
  body: unknown;
  caller: Caller;
  requestId: string;
  header(name: string): string | undefined;
  /** Fires when the client hangs up before its answer is sent. */
  readonly cancel: CancelHook;
}

/** The hang-up listener of each response whose run is waiting on it; the server calls it on 'close'. */
const hangUpListeners = new WeakMap<ServerResponse, () => void>();

/**
 * The client leaving, as a CancelHook. No listener is added to the response per request: the server's
 * own 'close' handler calls `responseClosed`, which finds the run's listener here (an AbortController
 * and signal per request, or even a listener per request, showed in the front's CPU per request).
 */
export function hangUpHook(res: ServerResponse): CancelHook {
  let left = false;
  return {
    get cancelled() {
      return left || (!res.writableFinished && res.destroyed);
    },
    onCancel(listener) {
      if (!res.writableFinished && res.destroyed) {
        left = true;
        listener();
        return () => undefined;
      }
      hangUpListeners.set(res, () => {
        left = true;
        listener();
      });
      return () => hangUpListeners.delete(res);
    },
  };
}

/** Called by the server for every response that closes: one that closed before it was answered cancels its run. */
export function responseClosed(res: ServerResponse): void {
  if (res.writableFinished) return;
  hangUpListeners.get(res)?.();
}

export interface JsonReply {
  status: number;
  headers?: Record<string, string>;
  payload: unknown;
}

export type JsonRoute = (input: RouteInput) => Promise<JsonReply>;

/** A request header's (first) value; `name` in lower case, as Node keys them. */
export const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** A caller's id is kept when it is a sane token, so one id follows a request through proxies and logs. */
export function requestIdFrom(given: string | undefined): string {
  return given !== undefined && /^[A-Za-z0-9._:-]{1,128}$/.test(given) ? given : randomUUID();
}

/** `application/json`, with any parameters: the only body REST routes take. */
export function isJsonContentType(contentType: string | undefined): boolean {
  return contentType !== undefined && /^application\/json\s*(?:;|$)/i.test(contentType);
}

/** The WWW-Authenticate challenge a 401 carries: with JWT on, it points at the protected-resource metadata. */
export function authChallenge(api: GatewayApi, req: IncomingMessage): string | undefined {
  if (!api.jwtEnabled) return undefined;
  const proto = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
  return `Bearer resource_metadata="${proto}://${header(req.headers, 'host') ?? 'localhost'}/.well-known/oauth-protected-resource"`;
}

/** Who is calling, then whether their tenant may send one more request; both before any body is read. */
export async function admitRequest(api: GatewayApi, req: IncomingMessage): Promise<Caller> {
  const caller = await api.authenticate({ authorization: header(req.headers, 'authorization'), apiKey: header(req.headers, 'x-api-key') });
  if (req.method === 'POST' || req.method === 'DELETE') await api.admit(caller);
  return caller;
}

const RETRY_CODES = new Set<string>(['SATURATED', 'NOT_READY', 'SHUTTING_DOWN', 'RATE_LIMITED', 'TOO_MANY_EXECUTIONS', 'QUEUE_UNAVAILABLE']);

function retryAfterSeconds(code: string, retryAfterMs: unknown): number | undefined {
  if (!RETRY_CODES.has(code)) return undefined;
  return typeof retryAfterMs === 'number' ? Math.max(1, Math.ceil(retryAfterMs / 1000)) : 1;
}

/** Every REST error body has this one shape: `{ error: { code, message, hint, ... } }`. */
export function errorReply(err: GatewayError, challenge: string | undefined): JsonReply {
  const headers: Record<string, string> = {};
  const retryAfter = retryAfterSeconds(err.code, err.details.retryAfterMs);
  if (retryAfter !== undefined) headers['Retry-After'] = String(retryAfter);
  if (err.code === 'UNAUTHORIZED') headers['WWW-Authenticate'] = challenge ?? 'Bearer';
  return { status: err.httpStatus, headers, payload: { error: toPublicError(err) } };
}

/** body-parser's error types (and the front door's own, named alike) → our codes. */
const BODY_ERRORS: Record<string, ErrorCode> = {
  'entity.parse.failed': 'MALFORMED_JSON',
  'entity.too.large': 'BODY_TOO_LARGE',
  'encoding.unsupported': 'UNSUPPORTED_MEDIA_TYPE',
  'charset.unsupported': 'UNSUPPORTED_MEDIA_TYPE',
  'request.aborted': 'BAD_REQUEST',
  'request.size.invalid': 'BAD_REQUEST',
};

/** A thrown value as the GatewayError a client sees; undefined for a fault of ours. */
function toGatewayError(err: unknown, bodyLimitBytes: number): GatewayError | undefined {
  if (err instanceof GatewayError) return err;
  const type = (err as { type?: unknown } | null)?.type;
  const mapped = typeof type === 'string' ? BODY_ERRORS[type] : undefined;
  if (!mapped) {
    // A compressed body that does not decompress: body-parser passes zlib's error on, marked as a 400.
    const { code, status } = (err ?? {}) as { code?: unknown; status?: unknown };
    if (status === 400 && typeof code === 'string' && /^(Z_|ERR__ERROR)/.test(code)) {
      return new GatewayError('BAD_REQUEST', `the body could not be decompressed as its Content-Encoding says (${(err as Error).message})`);
    }
    return undefined;
  }
  const message =
    mapped === 'MALFORMED_JSON'
      ? `the body is not valid JSON: ${(err as Error).message}`
      : mapped === 'BODY_TOO_LARGE'
        ? `the body is larger than ${bodyLimitBytes} bytes`
        : (err as Error).message;
  return new GatewayError(mapped, message);
}

/**
 * Answers a request that failed with the REST error shape: our codes as they are, body-parser's mapped,
 * anything else logged (with `where`) and answered INTERNAL.
 */
export function sendFailure(res: ServerResponse, err: unknown, options: { bodyLimitBytes: number; log: Logger; challenge: string | undefined; where: Record<string, unknown> }): void {
  let known = toGatewayError(err, options.bodyLimitBytes);
  if (!known) {
    options.log.error({ err, ...options.where }, 'unhandled request error');
    known = new GatewayError('INTERNAL', 'internal server error');
  }
  // The rest of a too-large body is not read: close the connection once answered.
  if (known.code === 'BODY_TOO_LARGE') res.setHeader('Connection', 'close');
  sendJson(res, errorReply(known, options.challenge));
}

/** Writes a JSON reply on Node's response (express's Response is one). */
export function sendJson(res: ServerResponse, reply: JsonReply): void {
  const body = answerJson(reply.payload);
  if (reply.headers) for (const [name, value] of Object.entries(reply.headers)) res.setHeader(name, value);
  res.writeHead(reply.status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

export function parseBody<T>(schema: ZodType<T>, body: unknown): T {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new GatewayError('BAD_REQUEST', 'the request body must be a JSON object');
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new GatewayError('BAD_REQUEST', `invalid request: ${formatZodError(parsed.error)}`);
  return parsed.data;
}

const ok = (payload: unknown): JsonReply => ({ status: 200, payload });

export function jsonRoutes(api: GatewayApi): Readonly<Record<string, JsonRoute>> {
  /** The Idempotency-Key header, checked; it must agree with the body's idempotencyKey when both are sent. */
  function idempotencyKeyOf(input: RouteInput, body: ExecuteBodyValue): string | undefined {
    const key = input.header('idempotency-key');
    if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) throw new GatewayError('BAD_REQUEST', 'Idempotency-Key must be 1-200 visible ASCII characters');
    if (key !== undefined && body.idempotencyKey !== undefined && key !== body.idempotencyKey) {
      throw new GatewayError('BAD_REQUEST', 'the Idempotency-Key header and the idempotencyKey field differ; send one');
    }
    return key ?? body.idempotencyKey;
  }

  const queued = (view: { jobId: string }): JsonReply => ({ status: 202, headers: { Location: `/v1/jobs/${view.jobId}` }, payload: { status: 'queued', jobId: view.jobId } });

  return Object.freeze({
    '/v1/execute': async (input) => {
      const body = parseBody(ExecuteBody, input.body);
      const key = body.async === true ? idempotencyKeyOf(input, body) : undefined;
      // No draining check here: a request that reached the handler was accepted before the drain and is
      // served (the listener stopped accepting connections; responses carry Connection: close). No
      // readiness check either: while executors start or restart the run waits for one within its own
      // deadline, as MCP calls and jobs do, and only then is NOT_READY. A client that hangs up cancels
      // its script, as an MCP client's cancellation does.
      const answer = await api.execute(body, { caller: input.caller, requestId: input.requestId, cancel: input.cancel, ...(key !== undefined ? { idempotencyKey: key } : {}) });
      if ('queued' in answer) return queued(answer.queued);
      // Paused for an approval: the execution became a job, which the client reads (or an approver decides) by id.
      if (answer.envelope.status === 'input_required' && answer.envelope.jobId !== undefined) return { status: 202, headers: { Location: `/v1/jobs/${answer.envelope.jobId}` }, payload: answer.envelope };
      // An execution that could not start for capacity reasons is an HTTP-level condition, not an outcome.
      const code = answer.envelope.error?.code;
      if (code !== undefined && CAPACITY_CODES.has(code)) {
        return { status: ERROR_CODES[code as ErrorCode].httpStatus, headers: { 'Retry-After': '1' }, payload: answer.envelope };
      }
      return ok(answer.envelope);
    },
    '/v1/jobs': async (input) => {
      const body = parseBody(ExecuteBody, input.body);
      return queued(await api.submitJob(body, input.caller, idempotencyKeyOf(input, body)));
    },
    '/v1/invoke': async (input) => {
      const answer = await api.invoke(parseBody(InvokeBody, input.body), input);
      return answer.status === 'input_required' ? { status: 202, headers: { Location: `/v1/jobs/${answer.jobId}` }, payload: answer } : ok(answer);
    },
    '/v1/search': async (input) => ok(await api.search(parseBody(SearchBody, input.body), input)),
    '/v1/describe': async (input) => ok(await api.describe(parseBody(DescribeBody, input.body), input)),
  });
}
