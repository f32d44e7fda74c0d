/** How a remote source (an upstream MCP server or an OpenAPI spec) is doing, for /ready, logs and metrics. */
export interface SourceHealth {
  name: string;
  kind: 'mcp' | 'openapi';
  /** connected: its tools are served; connecting: first attempt under way; disconnected: retrying with backoff. */
  state: 'connecting' | 'connected' | 'disconnected';
  tools: number;
  lastError?: string;
  /** Attempts after the first (reconnections of an MCP server, retries of a spec). */
  reconnects: number;
  /** The revision negotiated with an MCP server (2026-07-28, or 2025-11-25 and older), while connected. */
  protocolVersion?: string;
}
