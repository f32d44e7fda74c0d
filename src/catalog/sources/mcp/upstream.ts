import type { Readable } from 'node:stream';
import { Client, ProtocolError, SdkError, SdkErrorCode, StreamableHTTPClientTransport, type Transport } from '@modelcontextprotocol/client';
import { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/client/stdio';
import type { Logger } from '../../../log';
import { ToolFailure, type JsonSchema, type ToolCallContext, type ToolDefinition } from '../../types';
import { mcpAuthFailure, mcpOAuth, type McpOAuth, type OAuth2Auth } from '../auth';
import type { SourceHealth } from '../source-health';
import { logStderr, stdioEnvironment } from './stdio-upstream';
import { resultOf, taskRequired } from './upstream-content';

/** How long a liveness ping after a transport error may take before the session counts as lost. */
const PROBE_TIMEOUT_MS = 2_000;

/** One configured upstream MCP server (config `sources.mcp[]`). */
export interface UpstreamConfig {
  /** Namespace: its tools become `name:tool`. */
  name: string;
  transport: 'stdio' | 'http';
  command?: string;
  args?: readonly string[];
  /** Extra environment for a stdio server (on top of a minimal safe default, never the gateway's own). */
  env?: Readonly<Record<string, string>>;
  cwd?: string;
  url?: string;
  headers?: Readonly<Record<string, string>>;
  /** Name of an environment variable holding a bearer token for an http server. */
  bearerTokenEnv?: string;
  /** OAuth 2.0 tokens the gateway obtains and renews for an http server. */
  auth?: OAuth2Auth | undefined;
  callTimeoutMs: number;
  maxConcurrency: number;
  reconnectInitialMs: number;
  reconnectMaxMs: number;
}


const TOOL_PART = /[^A-Za-z0-9_.-]/g;

/**
 * A connection to one upstream MCP server through the SDK client. Keeps the upstream's tools (with
 * schemas and annotations) as catalog definitions, refreshes them on `notifications/tools/list_changed`,
 * reconnects with exponential backoff, caps concurrent calls and bounds each call's time. A call's abort
 * signal (the script's deadline) cancels it upstream: the SDK sends `notifications/cancelled`.
 */
export class Upstream {
  #client: Client | undefined;
  #transportRef: Transport | undefined;
  #state: SourceHealth['state'] = 'disconnected';
  #tools: ToolDefinition[] = [];
  #lastError: string | undefined;
  #reconnects = 0;
  #attempt = 0;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  #inFlight = 0;
  readonly #waiting: (() => void)[] = [];
  /** Made once, so its tokens outlive reconnections. */
  #oauth: McpOAuth | undefined;

  constructor(
    readonly config: UpstreamConfig,
    readonly log: Logger,
    /** Called with the full tool list whenever it changes (connect, list_changed, disconnect). */
    readonly onTools: (tools: ToolDefinition[]) => void,
  ) {}

  /** Process id of a stdio upstream (operations and tests). */
  get pid(): number | undefined {
    const t = this.#transportRef;
    return t instanceof StdioClientTransport ? (t.pid ?? undefined) : undefined;
  }

  health(): SourceHealth {
    const protocolVersion = this.#state === 'connected' ? this.#client?.getNegotiatedProtocolVersion() : undefined;
    return {
      name: this.config.name,
      kind: 'mcp',
      state: this.#state,
      tools: this.#tools.length,
      reconnects: this.#reconnects,
      ...(this.#lastError ? { lastError: this.#lastError } : {}),
      ...(protocolVersion !== undefined ? { protocolVersion } : {}),
    };
  }

  #transport(): Transport {
    const c = this.config;
    if (c.transport === 'stdio') {
      if (!c.command) throw new Error(`sources.mcp ${c.name}: command is required for stdio`);
      const transport = new StdioClientTransport({ command: c.command, args: [...(c.args ?? [])], env: stdioEnvironment(getDefaultEnvironment(), c.env), ...(c.cwd ? { cwd: c.cwd } : {}), stderr: 'pipe' });
      if (transport.stderr) logStderr(transport.stderr as Readable, this.log, c.name);
      return transport;
    }
    if (!c.url) throw new Error(`sources.mcp ${c.name}: url is required for http`);
    const headers: Record<string, string> = { ...c.headers };
    if (c.bearerTokenEnv) {
      const token = process.env[c.bearerTokenEnv];
      if (!token) throw new Error(`sources.mcp ${c.name}: environment variable ${c.bearerTokenEnv} is not set`);
      headers.authorization = `Bearer ${token}`;
    }
    if (c.auth) this.#oauth ??= mcpOAuth(c.name, c.auth);
    const oauth = this.#oauth ? { authProvider: this.#oauth.authProvider, fetch: this.#oauth.fetch } : {};
    return new StreamableHTTPClientTransport(new URL(c.url), { requestInit: { headers }, ...oauth });
  }

  /** Connects and lists tools; on failure schedules a retry and resolves anyway (the service starts without it). */
  async connect(): Promise<void> {
    if (this.#closed) return;
    this.#state = 'connecting';
    // `auto`: ask server/discover first and speak 2026-07-28 where the server does, else 2025-11-25's initialize.
    const client = new Client({ name: 'scriptgate', version: '0.1.0' }, { capabilities: {}, versionNegotiation: { mode: 'auto' } });
    client.setNotificationHandler('notifications/tools/list_changed', () => {
      void this.#refresh(client).catch((err: unknown) => this.log.warn({ err, upstream: this.config.name }, 'tool list refresh failed'));
    });
    try {
      const transport = this.#transport();
      this.#transportRef = transport;
      transport.onclose = () => this.#onClose(client);
      // Streamable HTTP has no connection to lose: a dead server shows up as errors on its event
      // stream. Ask it whether it is still there rather than trusting a session that may be gone.
      // A token that cannot be had is not a lost server: the call that needed it reports it.
      transport.onerror = (err) => void (mcpAuthFailure(this.config.name, err) ? undefined : this.#probe(client));
      await client.connect(transport);
      this.#client = client;
      await this.#refresh(client);
      this.#state = 'connected';
      this.#attempt = 0;
      this.#lastError = undefined;
      this.log.info({ upstream: this.config.name, tools: this.#tools.length }, 'upstream MCP server connected');
    } catch (err) {
      this.#lastError = err instanceof Error ? err.message : String(err);
      this.log.warn({ upstream: this.config.name, err: this.#lastError }, 'upstream MCP server unavailable; retrying');
      void client.close().catch(() => undefined);
      this.#scheduleReconnect();
    }
  }

  #onClose(client: Client): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    this.#state = 'disconnected';
    // Its tools stay listed (describe keeps working); calls fail with UPSTREAM_UNAVAILABLE until it is back.
    if (!this.#closed) {
      this.log.warn({ upstream: this.config.name }, 'upstream MCP server connection closed; reconnecting');
      this.#scheduleReconnect();
    }
  }

  #probing = false;

  async #probe(client: Client): Promise<void> {
    if (this.#client !== client || this.#probing) return;
    this.#probing = true;
    try {
      // ping is gone in 2026-07-28; a tool list asks the same question there.
      if (client.getProtocolEra() === 'modern') await client.listTools(undefined, { timeout: PROBE_TIMEOUT_MS });
      else await client.ping({ timeout: PROBE_TIMEOUT_MS });
    } catch (err) {
      this.#connectionLost(client, err);
    } finally {
      this.#probing = false;
    }
  }

  /** The server stopped answering at the transport level: drop the session and reconnect from scratch. */
  #connectionLost(client: Client, err: unknown): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    this.#lastError = err instanceof Error ? err.message : String(err);
    this.log.warn({ upstream: this.config.name, err: this.#lastError }, 'upstream MCP server lost; reconnecting');
    void client.close().catch(() => undefined);
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    if (this.#closed || this.#timer) return;
    this.#state = 'disconnected';
    const delay = Math.min(this.config.reconnectMaxMs, this.config.reconnectInitialMs * 2 ** this.#attempt++);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#reconnects++;
      void this.connect();
    }, delay);
    this.#timer.unref();
  }

  async #refresh(client: Client): Promise<void> {
    const listed: ToolDefinition[] = [];
    const skipped: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor ? { cursor } : {});
      for (const tool of page.tools) {
        if (taskRequired(tool)) skipped.push(tool.name);
        else listed.push(this.#definition(tool));
      }
      cursor = page.nextCursor;
    } while (cursor);
    if (skipped.length > 0) this.log.info({ upstream: this.config.name, tools: skipped }, 'upstream tools that run only as tasks are not offered');
    if (this.#client !== client && this.#client !== undefined) return;
    this.#tools = listed;
    this.onTools(listed);
  }

  #definition(tool: { name: string; description?: string; inputSchema: unknown; outputSchema?: unknown; annotations?: Record<string, unknown> }): ToolDefinition {
    const upstreamName = tool.name;
    const annotations = tool.annotations ?? {};
    return {
      name: `${this.config.name}:${upstreamName.replace(TOOL_PART, '_')}`,
      description: tool.description ?? '',
      inputSchema: (tool.inputSchema ?? { type: 'object' }) as JsonSchema,
      ...(tool.outputSchema ? { outputSchema: tool.outputSchema as JsonSchema } : {}),
      annotations: {
        ...(typeof annotations.title === 'string' ? { title: annotations.title } : {}),
        ...(typeof annotations.readOnlyHint === 'boolean' ? { readOnlyHint: annotations.readOnlyHint } : {}),
        ...(typeof annotations.destructiveHint === 'boolean' ? { destructiveHint: annotations.destructiveHint } : {}),
        ...(typeof annotations.idempotentHint === 'boolean' ? { idempotentHint: annotations.idempotentHint } : {}),
        ...(typeof annotations.openWorldHint === 'boolean' ? { openWorldHint: annotations.openWorldHint } : {}),
      },
      tags: [this.config.name, 'mcp'],
      handler: (args, ctx) => this.call(upstreamName, args, ctx),
    };
  }

  async #slot(signal: AbortSignal): Promise<void> {
    if (this.#inFlight < this.config.maxConcurrency) {
      this.#inFlight++;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const go = () => {
        signal.removeEventListener('abort', onAbort);
        this.#inFlight++;
        resolve();
      };
      const onAbort = () => {
        const i = this.#waiting.indexOf(go);
        if (i !== -1) this.#waiting.splice(i, 1);
        reject(new ToolFailure('CANCELLED', 'the call was cancelled while waiting for a free upstream slot'));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(go);
    });
  }

  #release(): void {
    this.#inFlight--;
    this.#waiting.shift()?.();
  }

  async call(tool: string, args: Record<string, unknown>, ctx: ToolCallContext): Promise<unknown> {
    const client = this.#client;
    if (!client || this.#state !== 'connected') {
      const authFailure = this.#oauth?.failure();
      if (authFailure) throw authFailure;
      throw new ToolFailure('UPSTREAM_UNAVAILABLE', `upstream MCP server '${this.config.name}' is not connected (${this.#lastError ?? this.#state}); retry shortly`);
    }
    const signal = ctx.signal;
    await this.#slot(signal);
    try {
      const timeout = Math.max(1, Math.min(this.config.callTimeoutMs, ctx.deadlineAt - Date.now()));
      const result = await client.callTool({ name: tool, arguments: args }, { signal, timeout });
      if (result.isError === true) {
        const text = Array.isArray(result.content) ? (result.content as { text?: unknown }[]).map((c) => (typeof c.text === 'string' ? c.text : '')).join(' ').trim() : '';
        throw new ToolFailure('UPSTREAM_TOOL_ERROR', text || `${this.config.name}:${tool} reported an error`);
      }
      return resultOf(result as { content?: unknown; structuredContent?: unknown });
    } catch (err) {
      if (err instanceof ToolFailure) throw err;
      const authFailure = mcpAuthFailure(this.config.name, err);
      if (authFailure) throw authFailure;
      const message = err instanceof Error ? err.message : String(err);
      if (signal.aborted) throw new ToolFailure('CANCELLED', `cancelled: ${message}`);
      if ((err instanceof SdkError && err.code === SdkErrorCode.RequestTimeout) || /timed out|timeout/i.test(message)) {
        throw new ToolFailure('UPSTREAM_TIMEOUT', `${this.config.name}:${tool} did not answer within ${this.config.callTimeoutMs} ms`);
      }
      // A ProtocolError is the server's own answer; anything else (connection closed, HTTP failure) is the wire.
      if (!(err instanceof ProtocolError)) {
        // Not an answer from the server (refused connection, unknown session after its restart, HTTP
        // error): the session is unusable, so reconnect instead of failing every later call the same way.
        this.#connectionLost(client, err);
        throw new ToolFailure('UPSTREAM_UNAVAILABLE', `upstream MCP server '${this.config.name}' is not reachable (${message}); reconnecting, retry shortly`);
      }
      throw new ToolFailure('UPSTREAM_ERROR', `${this.config.name}:${tool} failed: ${message}`);
    } finally {
      this.#release();
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    const client = this.#client;
    this.#client = undefined;
    await client?.close().catch(() => undefined);
  }
}
