import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Gateway } from '../gateway';
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
  const face = new McpFace(gateway);
  const server = face.createServer();
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    server.onclose = () => resolve();
  });
  await server.connect(transport);
  if (gateway.config.access.mode !== 'codecall_only') {
    gateway.search.onSwap((_version, _previous, catalogChanged) => {
      // The catalog's embeddings arriving changes the ranking, not the tool list.
      if (!catalogChanged) return;
      void server.sendToolListChanged().catch((err: unknown) => log.debug({ err }, 'tools/list_changed not delivered'));
    });
  }
  process.stdin.once('end', () => void server.close());
  return { closed, close: () => server.close() };
}
