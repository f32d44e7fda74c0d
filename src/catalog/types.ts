/**
 * The shape every tool source produces. A tool is data (name, schemas, annotations) plus a handler;
 * the catalog validates arguments against `inputSchema` before the handler runs, so handlers may trust
 * the shape of `args`.
 */

/** A JSON Schema document (draft 2020-12 subset as understood by ajv). Kept open on purpose. */
export type JsonSchema = { [key: string]: unknown };

/** MCP tool annotations (hints, never guarantees). */
export interface ToolAnnotations {
  title?: string;
  readOnlyHint?: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint?: boolean;
}

/** What a handler learns about the call it serves. */
export interface ToolCallContext {
  /** Tenant the call runs for; `default` when auth is off. */
  tenantId: string;
  /** The authenticated user (JWT `sub`), when known. */
  userId?: string;
  /** The caller's scopes (JWT `scope`/`scp`); empty for API keys and anonymous calls. */
  scopes?: readonly string[];
  /** Caller-supplied context of the execution (frozen), if any. */
  context: Readonly<Record<string, unknown>>;
  /** Aborted when the calling script hits its deadline or is cancelled. Long handlers should honour it. */
  signal: AbortSignal;
  /** Epoch milliseconds after which the result is no longer wanted. */
  deadlineAt: number;
  /** Execution that made the call, absent for a direct invoke. */
  executionId?: string;
}

export type ToolHandler = (args: Record<string, unknown>, ctx: ToolCallContext) => unknown;

/**
 * What runs around every tool call (operator plugins): `request` may replace the arguments before they
 * are validated, `response` the result; either may throw a GatewayError to fail the call. A plain value
 * back means no work was needed (no promise is made then).
 */
export interface ToolCallHooks {
  request(tool: string, args: unknown, ctx: ToolCallContext): unknown;
  response(tool: string, result: unknown, ctx: ToolCallContext): unknown;
}

export interface ToolDefinition {
  /** Canonical name `source:tool`, e.g. `users:list`. */
  name: string;
  /** A sentence or two a person would write: what it does, what it returns. */
  description: string;
  /** JSON Schema of the arguments (type: object). */
  inputSchema: JsonSchema;
  /** JSON Schema of the result, when known. */
  outputSchema?: JsonSchema;
  annotations?: ToolAnnotations;
  /** Free-form labels that help search (e.g. `['billing', 'read']`). */
  tags?: readonly string[];
  handler: ToolHandler;
}

/**
 * Thrown by a handler to report a failure the caller should see with a stable code
 * (e.g. `NOT_FOUND`, `CONFLICT`). Anything else thrown by a handler is reported as `TOOL_FAILED`.
 */
export class ToolFailure extends Error {
  override name = 'ToolFailure';
  constructor(
    readonly code: string,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
}
