/**
 * The one registry of stable error codes. Each code has the envelope status it maps to (for script
 * executions), the HTTP status it maps to (for REST errors outside an envelope), whether retrying the
 * same request may succeed, and a hint written for the model that wrote the script: it must be valid
 * advice inside this sandbox. docs/errors.md documents every entry (a test keeps them in step).
 */

export type ExecutionStatus =
  | 'ok'
  | 'syntax_error'
  | 'illegal_access'
  | 'blocked'
  | 'type_error'
  | 'runtime_error'
  | 'tool_error'
  | 'timeout'
  | 'limit_exceeded'
  /** Paused at a tool call that waits for a person: the execution became a job (not an error code's status). */
  | 'input_required';

export interface ErrorSpec {
  readonly status: ExecutionStatus;
  readonly httpStatus: number;
  readonly retriable: boolean;
  readonly hint: string;
}

const spec = (status: ExecutionStatus, httpStatus: number, hint: string, retriable = false): ErrorSpec =>
  Object.freeze({ status, httpStatus, retriable, hint });

export const ERROR_CODES = Object.freeze({
  // Request shape (REST / MCP input), outside any execution.
  BAD_REQUEST: spec('runtime_error', 400, 'Fix the request body: the message names the field and what it expects.'),
  MALFORMED_JSON: spec('runtime_error', 400, 'Send a valid JSON object with Content-Type: application/json.'),
  UNSUPPORTED_MEDIA_TYPE: spec('runtime_error', 415, 'Send the body as JSON with Content-Type: application/json.'),
  BODY_TOO_LARGE: spec('runtime_error', 413, 'Send a smaller request body; the limit is server.bodyLimitBytes.'),
  UNAUTHORIZED: spec('runtime_error', 401, 'Send a valid API key (X-API-Key or Authorization: Bearer) or a valid JWT for this server.'),
  RATE_LIMITED: spec('runtime_error', 429, 'This tenant sent too many requests; wait for Retry-After seconds, then batch work into fewer scripts.', true),
  TOO_MANY_EXECUTIONS: spec('runtime_error', 429, 'This tenant has the most executions allowed running at once; wait for one to finish, then retry.', true),
  RUNNER_LOST: spec('runtime_error', 500, 'The job runner stopped mid-job; check what the script already did before submitting it again.'),
  QUEUE_UNAVAILABLE: spec('runtime_error', 503, "The job queue's Redis is unreachable or slow; retry after Retry-After with the same Idempotency-Key, so a job that was accepted is not submitted twice.", true),
  JOB_NOT_FOUND: spec('runtime_error', 404, 'Use a jobId returned by an async execution; finished jobs are kept for jobs.retentionSeconds only.'),
  ROUTE_NOT_FOUND: spec('runtime_error', 404, 'Check the path and method against docs/api.md.'),
  HOST_NOT_ALLOWED: spec('runtime_error', 403, 'Call the service by a name of this machine (127.0.0.1, localhost), or list the name you use in server.allowedHosts.'),
  ORIGIN_NOT_ALLOWED: spec('runtime_error', 403, 'A browser page may call the service only from a loopback origin or one listed in server.allowedOrigins.'),
  NOT_READY: spec('runtime_error', 503, 'The service is starting or its executors are restarting; retry shortly.', true),
  SHUTTING_DOWN: spec('runtime_error', 503, 'This instance is draining; retry, another instance will answer.', true),
  SATURATED: spec('runtime_error', 503, 'All executors are busy and the queue is full; retry with backoff.', true),
  INTERNAL: spec('runtime_error', 500, 'An unexpected server error; retry once, then report it with the executionId.', true),

  // Gate: the script was refused before it ran.
  SCRIPT_TOO_LARGE: spec('limit_exceeded', 200, 'Shorten the script: move data into tool arguments and loop over it instead of inlining it.'),
  TOO_DEEP: spec('limit_exceeded', 200, 'Flatten the code: extract nested callbacks into named functions and build nested data step by step.'),
  UNSAFE_REGEX: spec('illegal_access', 200, 'Rewrite the regex without nested or overlapping quantifiers, e.g. /^a+$/ instead of /^(a+)+$/, or split the text first.'),
  ILLEGAL_CHARACTER: spec('illegal_access', 200, 'Remove control or invisible characters outside string literals; keep Unicode text inside quotes.'),
  SYNTAX_ERROR: spec('syntax_error', 200, 'Fix the syntax at the reported line and column. Scripts are JavaScript, or TypeScript whose types are stripped (no enums, namespaces or decorators); top-level await and return are allowed.'),
  UNSUPPORTED_SYNTAX: spec('syntax_error', 200, 'TypeScript in scripts may only carry types: the rule names the construct and the message says what to write instead.'),
  ILLEGAL_ACCESS: spec('illegal_access', 200, 'Use only callTool, console, context and standard JavaScript built-ins; the rule id names what was refused.'),

  TYPE_ERROR: spec('type_error', 200, "The script uses a tool's arguments or result in a way its types rule out (see diagnostics, each with line, column and suggestion); describe_tools shows the types. Fix those lines and send it again; nothing ran."),

  BLOCKED: spec('blocked', 200, 'The script scored too high on risk (see signals): act on fewer items, avoid sending tool data outside, or split the work.'),

  // Run time.
  RUNTIME_ERROR: spec('runtime_error', 200, 'The script threw: read the message, fix the logic, and guard values that may be undefined.'),
  RESULT_NOT_SERIALIZABLE: spec('runtime_error', 200, 'Return plain JSON data (objects, arrays, strings, numbers, booleans, null): String(x) for a BigInt, Object.fromEntries(map) for a Map, [...set] for a Set; no functions, symbols or cycles.'),
  TIMEOUT: spec('timeout', 200, 'Do less per execution: fetch fewer items, avoid unbounded loops, or pass a larger timeoutMs (capped by the preset).'),
  LIMIT_EXCEEDED: spec('limit_exceeded', 200, 'The named limit was reached: reduce tool calls, loop iterations, recursion, logging or result size.'),
  CANCELLED: spec('runtime_error', 200, 'The execution was cancelled by its caller or by a shutdown; submit it again if it is still wanted.'),
  EXECUTOR_RESTARTED: spec('runtime_error', 200, 'The sandbox restarted because of another script and this run could not be resumed (see the message); retry the same request.', true),
  EXECUTOR_CRASHED: spec('runtime_error', 200, 'This script crashed its sandbox (usually by building a huge string or array); work on smaller data. It runs isolated for a while.'),

  // Tools.
  TOOL_NOT_FOUND: spec('tool_error', 404, 'Use a tool name returned by search_tools, exactly as written (source:tool).'),
  TOOL_VALIDATION: spec('tool_error', 400, 'Fix the arguments at the reported JSON pointer; describe_tools shows the schema.'),
  TOOL_ERROR: spec('tool_error', 200, 'The tool reported a failure: check its arguments, or catch ToolError and handle error.code.'),
  TOOL_TIMEOUT: spec('tool_error', 200, 'The tool did not answer in time; retry later or call it with less work.', true),

  // Operator plugins around tool calls (plugins.sources).
  PLUGIN_ERROR: spec('tool_error', 200, "An operator plugin around this tool failed (the message names it); retrying will not help unless the operator fixes or disables it."),
  PLUGIN_TIMEOUT: spec('tool_error', 200, 'An operator plugin around this tool did not answer in time; retry later, or call the tool with less work.', true),

  // Approvals (approvals.*): calls that wait for a person.
  TOOL_BLOCKED: spec('tool_error', 200, "The operator's approval policy blocks this tool for this tenant; do the work without it, or ask the operator."),
  APPROVAL_DENIED: spec('tool_error', 200, 'A person denied this call (the message gives their reason); catch ToolError with this code and do without it, or ask again with other arguments.'),
  APPROVAL_EXPIRED: spec('tool_error', 200, 'Nobody decided on this call within approvals.ttlSeconds; catch ToolError with this code, or run the script again when someone can approve it.'),
  APPROVAL_REQUIRED: spec('tool_error', 200, 'This tool needs a person to approve each call, and this execution could not wait for one (the message says why); run a smaller script that calls it.'),
  REPLAY_DIVERGED: spec('runtime_error', 200, 'Resumed after its pause, the script asked for other tool calls than before (it depends on timing, or on data it read outside its tool results); the calls made before the pause happened once: check them before running it again.'),
  APPROVAL_NOT_FOUND: spec('runtime_error', 404, 'Use the approvalId of the pending approval that GET /v1/jobs/:id shows.'),
  APPROVAL_DECIDED: spec('runtime_error', 409, 'This approval was already decided or has expired; read the job to see its outcome.'),
  NOT_APPROVER: spec('runtime_error', 403, 'Deciding approvals needs the approvals.approverScope scope; use an approver key or token of this tenant.'),

  // A source's credentials for its upstream (OAuth 2.0 tokens, per-tenant secrets).
  UPSTREAM_CREDENTIAL_MISSING: spec('tool_error', 200, 'The gateway has no credential for this source (or for this tenant of it); retrying will not help, ask the operator to configure one.'),
  UPSTREAM_AUTH_FAILED: spec('tool_error', 200, "The source's token endpoint or upstream refused the gateway's credentials; retrying will not help, report the message to the operator."),
  UPSTREAM_AUTH_UNAVAILABLE: spec('tool_error', 200, "The source's token endpoint did not answer or failed; retry in a few seconds.", true),
} as const satisfies Record<string, ErrorSpec>);

export type ErrorCode = keyof typeof ERROR_CODES;

export const isErrorCode = (value: unknown): value is ErrorCode =>
  typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERROR_CODES, value);
