import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { ConfigError } from '../config';
import { apiOf, type Gateway } from '../gateway';
import type { Logger } from '../log';
import { createRequestHandler } from './app';
import { createHostGuard, isLoopbackAddress } from './host-guard';
import { responseClosed } from './routes';

/** How long a drain waits for the first request of a connection accepted before it began. */
const FIRST_REQUEST_WAIT_MS = 1_000;

export interface HttpServerOptions {
  gateway: Gateway;
  log: Logger;
  host: string;
  port: number;
  bodyLimitBytes: number;
  shutdownGraceMs: number;
  /** Receiving a whole request (headers and body) takes at most this long; else 408. @defaultValue 30_000 */
  requestReadTimeoutMs?: number;
  /** Serve only /health, /ready and /metrics: nothing that runs scripts, so no authentication is needed to bind anywhere. */
  opsOnly?: boolean;
}

export interface RunningServer {
  server: Server;
  url: string;
  port: number;
  /** Stop accepting, let in-flight requests finish (within the grace), stop executors. Idempotent. */
  close(): Promise<void>;
}

export async function startHttpServer(options: HttpServerOptions): Promise<RunningServer> {
  const { log } = options;
  // The transports see the gateway only through its API.
  const api = apiOf(options.gateway);
  if (!options.opsOnly && !api.authEnabled && !isLoopbackAddress(options.host)) {
    throw new ConfigError(
      `refusing to listen on ${options.host} without authentication: anyone who can reach it could run scripts. ` +
        'Configure API keys (auth.apiKeys or SCRIPTGATE_API_KEYS="key:tenant") or JWT (auth.jwt), or bind to 127.0.0.1.',
    );
  }
  let draining = false;
  const readTimeoutMs = options.requestReadTimeoutMs ?? 30_000;
  // Node checks the request timeouts on this interval (30 s by default, which would let a slow client
  // hold its socket for up to twice the timeout).
  const server = createServer({ connectionsCheckingInterval: Math.max(250, Math.min(5_000, Math.floor(readTimeoutMs / 4))) }, createRequestHandler({
      api,
      log,
      bodyLimitBytes: options.bodyLimitBytes,
      isDraining: () => draining,
      hostGuard: createHostGuard({ bindHost: options.host, allowedHosts: api.settings.allowedHosts, allowedOrigins: api.settings.allowedOrigins }),
      ...(options.opsOnly ? { opsOnly: true } : {}),
    }));
  // Keep-alive sockets outlive a load balancer's idle timeout by default; a few seconds is plenty here.
  server.keepAliveTimeout = 5_000;
  // Node answers 408 and closes a connection whose request (headers and body) has not arrived in time: a
  // trickled body or a headers-only connection cannot hold a socket. The answer's time is not counted.
  server.requestTimeout = readTimeoutMs;
  server.headersTimeout = Math.min(10_000, readTimeoutMs);
  let active = 0;
  let wakeIdle: (() => void) | undefined;
  // Node's closeIdleConnections would also reset a connection whose first request is still arriving:
  // its client is sending, so a drain serves it instead. Only kept-alive connections between requests
  // are closed at once.
  const awaitingFirstRequest = new Set<Socket>();
  const betweenRequests = new Set<Socket>();
  const settled = () => active === 0 && awaitingFirstRequest.size === 0;
  server.on('connection', (socket: Socket) => {
    awaitingFirstRequest.add(socket);
    socket.once('close', () => {
      betweenRequests.delete(socket);
      if (awaitingFirstRequest.delete(socket) && settled()) wakeIdle?.();
    });
  });
  server.on('request', (req, res) => {
    const socket = req.socket;
    awaitingFirstRequest.delete(socket);
    betweenRequests.delete(socket);
    active++;
    res.on('close', () => {
      responseClosed(res);
      if (!socket.destroyed) betweenRequests.add(socket);
      --active;
      if (settled()) wakeIdle?.();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      draining = true;
      log.info({ inFlight: active }, 'draining: no new connections; waiting for in-flight requests');
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      // A connection still sending its first request is served (with Connection: close) if that request
      // arrives within FIRST_REQUEST_WAIT_MS.
      for (const socket of betweenRequests) socket.destroy();
      if (!settled()) {
        const firstRequests = setTimeout(() => {
          for (const socket of awaitingFirstRequest) socket.destroy();
        }, Math.min(FIRST_REQUEST_WAIT_MS, options.shutdownGraceMs)).unref();
        await Promise.race([
          new Promise<void>((resolve) => (wakeIdle = resolve)),
          new Promise<void>((resolve) => setTimeout(resolve, options.shutdownGraceMs).unref()),
        ]);
        clearTimeout(firstRequests);
      }
      server.closeAllConnections();
      await stopped;
      try {
        await api.close();
      } catch (err) {
        log.error({ err }, 'stopping executors failed');
      }
      log.info('stopped');
    })());

  return { server, url, port, close };
}
