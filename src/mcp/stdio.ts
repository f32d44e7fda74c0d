import { PassThrough, Readable } from 'node:stream';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StdioServerTransport as ModernStdioTransport, serveStdio as serveModernStdio } from '@modelcontextprotocol/server/stdio';
import { apiOf, type Gateway } from '../gateway';
import type { Logger } from '../log';
import { McpFace } from './mcp-server';
import { MODERN_META, modernServer } from './modern';

export interface StdioSession {
  /** Resolves when the client closes stdin (or the transport ends). */
  closed: Promise<void>;
  close(): Promise<void>;
}

/** The first line the client sends, and a stream that yields it again followed by the rest of stdin. */
function openingLine(stdin: Readable): Promise<{ line: string | undefined; input: Readable }> {
  return new Promise((resolve) => {
    let buffered = '';
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const end = buffered.indexOf('\n');
      if (end === -1) return;
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      stdin.pause();
      const input = new PassThrough();
      input.write(buffered);
      stdin.pipe(input);
      resolve({ line: buffered.slice(0, end), input });
    };
    const onEnd = () => {
      stdin.off('data', onData);
      resolve({ line: undefined, input: Readable.from([]) as Readable });
    };
    stdin.on('data', onData);
    stdin.once('end', onEnd);
  });
}

/** A 2026-07-28 client opens with a request carrying its revision in `_meta` (usually server/discover). */
function opensModern(line: string): boolean {
  try {
    const message = JSON.parse(line) as { params?: { _meta?: Record<string, unknown> } };
    return message.params?._meta?.[MODERN_META.protocolVersion] !== undefined;
  } catch {
    return false;
  }
}

/**
 * MCP over this process's stdin/stdout for a local client (an IDE or desktop agent that spawns us).
 * stdout carries the protocol only, so the caller must log to stderr. The client's opening message picks
 * the revision for the life of the pipe: a 2025-11-25 `initialize` gets the v1 SDK server (with tasks, and
 * tools/list_changed when the catalog changes the listed raw tools), a 2026-07-28 request the v2 SDK's (the
 * same notification, on each subscriptions/listen that asked for it).
 */
export async function serveStdio(gateway: Gateway, log: Logger): Promise<StdioSession> {
  const api = apiOf(gateway);
  const face = new McpFace(api);
  const { line, input } = await openingLine(process.stdin);
  if (line !== undefined && opensModern(line)) {
    let ended!: () => void;
    const closed = new Promise<void>((resolve) => (ended = resolve));
    const transport = new ModernStdioTransport(input, process.stdout);
    // The connection's pinned instance is the last one made (a server/discover probe's is discarded).
    let pinned: ReturnType<typeof modernServer> | undefined;
    if (api.settings.rawToolsListed) {
      // The entry stamps the notification onto each open subscriptions/listen that asked for it.
      api.onToolListChange(() => void pinned?.sendToolListChanged().catch((err: unknown) => log.debug({ err }, 'tools/list_changed not delivered')));
    }
    const handle = serveModernStdio((ctx) => (pinned = modernServer(face, ctx)), {
      legacy: 'reject',
      transport,
      onerror: (err) => log.debug({ err }, 'MCP 2026-07-28 stdio message refused or failed'),
    });
    input.once('end', () => void handle.close().finally(ended));
    return { closed, close: () => handle.close().finally(ended) };
  }
  const server = face.createServer(undefined, { elicit: true });
  const transport = new StdioServerTransport(input, process.stdout);
  const closed = new Promise<void>((resolve) => {
    server.onclose = () => resolve();
  });
  await server.connect(transport);
  if (api.settings.rawToolsListed) {
    api.onToolListChange(() => void server.sendToolListChanged().catch((err: unknown) => log.debug({ err }, 'tools/list_changed not delivered')));
  }
  input.once('end', () => void server.close());
  return { closed, close: () => server.close() };
}
