import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { apiOf, type Gateway } from '../gateway';
import type { Logger } from '../log';
import { McpFace } from './mcp-server';

export interface StdioSession {
  /** Resolves when the client closes stdin (or the transport ends). */
  closed: Promise<void>;
  close(): Promise<void>;
}

/**
 * MCP over this process's stdin/stdout for a local client (an IDE or desktop agent that spawns us).
 * stdout carries the protocol only, so the caller must log to stderr. A session lasts as long as the
 * pipe, so catalog changes that alter the listed raw tools are announced with tools/list_changed.
 */
export async function serveStdio(gateway: Gateway, log: Logger): Promise<StdioSession> {
  const api = apiOf(gateway);
  const face = new McpFace(api);
  const server = face.createServer();
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    server.onclose = () => resolve();
  });
  await server.connect(transport);
  if (api.settings.rawToolsListed) {
    api.onToolListChange(() => void server.sendToolListChanged().catch((err: unknown) => log.debug({ err }, 'tools/list_changed not delivered')));
  }
  process.stdin.once('end', () => void server.close());
  return { closed, close: () => server.close() };
}
