import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';
import type { Introspection } from './oauth-server';

export interface McpOAuthUpstream {
  url: string;
  /** Every HTTP request: the bearer token it carried and whether it was let in. */
  seen: { token: string | undefined; status: 200 | 401 }[];
  /** Tokens refused from now on, though still valid at the issuer (as after a revocation). */
  revoked: Set<string>;
  /** While set, every token is refused. */
  refuseAll: boolean;
  close(): Promise<void>;
}

const readBody = (req: IncomingMessage): Promise<unknown> =>
  new Promise((resolveBody) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolveBody(chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined));
  });

/**
 * An MCP server over Streamable HTTP (the SDK's, stateful sessions) that lets a request in only with a
 * bearer token the authorization server's introspection calls active and issued to `clientId`. Tool:
 * `whoami`, which answers the token's client.
 */
export async function startMcpOAuthUpstream(introspect: (authorization: string | undefined) => Promise<Introspection>, clientId: string): Promise<McpOAuthUpstream> {
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const state: Omit<McpOAuthUpstream, 'url' | 'close'> = { seen: [], revoked: new Set(), refuseAll: false };
  const http: Server = createServer(async (req, res) => {
    const token = /^Bearer\s+(\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    const claims = await introspect(req.headers.authorization);
    const allowed = claims.active && claims.client_id === clientId && token !== undefined && !state.revoked.has(token) && !state.refuseAll;
    state.seen.push({ token, status: allowed ? 200 : 401 });
    if (!allowed) {
      res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer error="invalid_token"' }).end('{"error":"invalid_token"}');
      return;
    }
    const sessionId = req.headers['mcp-session-id'];
    let transport = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
    const body = req.method === 'POST' ? await readBody(req) : undefined;
    if (!transport) {
      const created = new StreamableHTTPServerTransport({ sessionIdGenerator: () => randomUUID(), onsessioninitialized: (id) => void sessions.set(id, created) });
      const server = new McpServer({ name: 'oauth-upstream', version: '1.0.0' });
      server.registerTool('whoami', { description: 'Says which OAuth client the call came from.', inputSchema: { note: z.string().optional() } }, async ({ note }) => ({
        content: [{ type: 'text', text: JSON.stringify({ client: claims.client_id, note: note ?? null }) }],
      }));
      await server.connect(created);
      transport = created;
    }
    await transport.handleRequest(req, res, body);
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  return Object.assign(state, {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`,
    close: () =>
      new Promise<void>((r) => {
        http.closeAllConnections();
        http.close(() => r());
      }),
  });
}
