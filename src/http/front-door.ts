import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Caller } from '../auth';
import type { GatewayApi } from '../gateway';
import type { Logger } from '../log';
import { answerPlainCall, plainCall, sendBodyError, type McpFace } from '../mcp';
import { admitRequest, authChallenge, hangUpHook, header, isJsonContentType, requestIdFrom, sendFailure, sendJson, type JsonRoute } from './routes';

export interface FrontDoorOptions {
  api: GatewayApi;
  log: Logger;
  face: McpFace;
  routes: Readonly<Record<string, JsonRoute>>;
  bodyLimitBytes: number;
  isDraining: () => boolean;
}

/** Thrown for a body that cannot be taken, typed as body-parser types its errors so both map alike. */
const bodyError = (type: string, message: string): Error => Object.assign(new Error(message), { type });

/** Only a UTF-8 (or unstated) charset is read here; express answers anything else. */
const utf8OrNoCharset = (contentType: string | undefined): boolean => {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '')?.[1];
  return charset === undefined || /^utf-?8$/i.test(charset);
};

/**
 * Reads a JSON body as express.json would: nothing without a body, `{}` for an empty one, the byte
 * limit enforced from Content-Length before reading and while reading, and (strict) only an object or
 * array at the top. A refused body is drained before the error, so the connection stays usable.
 */
export function readJsonBody(req: IncomingMessage, limit: number, strict: boolean): Promise<unknown> {
  const declared = req.headers['content-length'];
  if (declared === undefined && req.headers['transfer-encoding'] === undefined) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    // Too large: answered at once, without waiting for the rest of the body (a client may trickle a
    // declared 100 MB for ever); the answer closes the connection (sendFailure), the rest is discarded.
    const tooLarge = () => {
      req.removeAllListeners('data');
      req.resume();
      reject(bodyError('entity.too.large', 'request entity too large'));
    };
    if (declared !== undefined && Number(declared) > limit) return tooLarge();
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge();
      else chunks.push(chunk);
    });
    req.once('error', () => reject(bodyError('request.aborted', 'request aborted')));
    req.once('close', () => {
      if (!req.readableEnded) reject(bodyError('request.aborted', 'request aborted'));
    });
    req.once('end', () => {
      if (size > limit) return;
      let text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      if (text.length === 0) return resolve({});
      const start = /\S/.exec(text)?.[0];
      if (strict && start !== '{' && start !== '[') return reject(bodyError('entity.parse.failed', `Unexpected token ${JSON.stringify(start ?? '')}: the body must be a JSON object or array`));
      try {
        resolve(JSON.parse(text));
      } catch (err) {
        reject(bodyError('entity.parse.failed', (err as Error).message));
      }
    });
  });
}

/**
 * The hot API requests, answered on Node's request and response before express: POST to the JSON
 * routes and plain MCP calls, with identity encoding and a UTF-8 JSON body. Express's router,
 * body-parser and res.json cost more per request than the rest of an execute's front work (DESIGN
 * §8, docs/performance.md). Everything else goes on to express: other routes, other encodings and
 * media types (which express answers or refuses), and MCP messages the SDK transport must see, handed
 * on with the caller admitted and the body read.
 */
export function createFrontDoor(options: FrontDoorOptions, next: RequestListener): RequestListener {
  const { api, log, routes, bodyLimitBytes } = options;
  const routeFor = new Map(Object.entries(routes));

  const fail = (res: ServerResponse, err: unknown, challenge: string | undefined, requestId: string): void =>
    sendFailure(res, err, { bodyLimitBytes, log, challenge, where: { requestId } });

  async function serve(req: IncomingMessage, res: ServerResponse, route: JsonRoute | undefined): Promise<void> {
    const requestId = requestIdFrom(header(req.headers, 'x-request-id'));
    res.setHeader('X-Request-Id', requestId);
    if (options.isDraining()) res.setHeader('Connection', 'close');
    const challenge = authChallenge(api, req);
    let caller: Caller;
    try {
      caller = await admitRequest(api, req);
    } catch (err) {
      return fail(res, err, challenge, requestId);
    }
    let body: unknown;
    try {
      body = await readJsonBody(req, bodyLimitBytes, route !== undefined);
    } catch (err) {
      if (route === undefined && sendBodyError(res, err, bodyLimitBytes)) return;
      return fail(res, err, challenge, requestId);
    }
    if (route === undefined) {
      const call = plainCall(body, req.headers);
      if (call) return answerPlainCall(options.face, log, call, res, caller, requestId);
      // express keeps what is already set: the body (body-parser skips a request already read) and locals.
      Object.assign(req, { body });
      Object.assign(res, { locals: { requestId, caller, ...(challenge !== undefined ? { wwwAuthenticate: challenge } : {}) } });
      return next(req, res);
    }
    try {
      sendJson(res, await route({ body, caller, requestId, header: (name) => header(req.headers, name.toLowerCase()), cancel: hangUpHook(res) }));
    } catch (err) {
      fail(res, err, challenge, requestId);
    }
  }

  return (req, res) => {
    if (req.method !== 'POST') return next(req, res);
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    const route = routeFor.get(path);
    if (route === undefined && path !== '/mcp') return next(req, res);
    const contentType = header(req.headers, 'content-type');
    const encoding = header(req.headers, 'content-encoding');
    if ((encoding !== undefined && encoding.toLowerCase() !== 'identity') || !utf8OrNoCharset(contentType)) return next(req, res);
    if (route !== undefined && !isJsonContentType(contentType)) return next(req, res);
    serve(req, res, route).catch((err: unknown) => {
      if (res.headersSent) log.error({ err, path }, 'front door failed after answering');
      else sendFailure(res, err, { bodyLimitBytes, log, challenge: undefined, where: { path } });
    });
  };
}
