import { z, type ZodType } from 'zod';
import { ERROR_CODES, type ErrorCode, type ExecutionStatus, type PublicError } from '../errors';
import type { LogEntry } from '../executor';
import type { RiskSignal } from '../gate';
import type { JobView } from '../jobs';
import type { SearchResponse } from '../search';

/**
 * The answers of the API as zod schemas: the one source of the TypeScript types (`z.infer`), the MCP
 * tools' output schemas and the OpenAPI document's response components. Shapes owned by a lower area
 * (a log entry, a search answer, a job view) keep their interface there, and the assertions at the end of
 * this file stop the build when schema and interface part.
 */

const ERROR_CODE_NAMES = Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]];
const EXECUTION_STATUSES = ['ok', 'syntax_error', 'illegal_access', 'blocked', 'type_error', 'runtime_error', 'tool_error', 'timeout', 'limit_exceeded', 'input_required'] as const satisfies readonly ExecutionStatus[];

/** Open for the details a code carries (rule, snippet, violations, data, score, …): they vary by code. */
export const PublicErrorSchema = z
  .object({
    code: z.enum(ERROR_CODE_NAMES),
    message: z.string(),
    hint: z.string(),
    retriable: z.literal(true).optional().describe('set when the same request may succeed later'),
    line: z.number().int().optional().describe("the script's line, when the error has one"),
    column: z.number().int().optional(),
    tool: z.string().optional(),
  })
  .catchall(z.unknown());

const LogEntrySchema = z.object({ level: z.enum(['log', 'info', 'warn', 'error', 'debug']), message: z.string() });

const RiskSignalSchema = z.object({ id: z.string(), points: z.number(), message: z.string(), line: z.number().int().optional(), tool: z.string().optional() });

const TraceEntrySchema = z.object({
  tool: z.string(),
  startMs: z.number(),
  durationMs: z.number(),
  outcome: z.enum(['ok', 'error', 'unfinished']),
  error: z.string().optional().describe("the error code when outcome is 'error'"),
  arguments: z.unknown().optional().describe('only with trace.includeArguments; cut at 2 KB of JSON'),
  argumentsTruncated: z.literal(true).optional(),
});

const ApprovalDecisionSchema = z.object({
  outcome: z.enum(['approved', 'denied', 'expired']),
  at: z.string(),
  by: z.object({ tenantId: z.string(), userId: z.string().optional() }).optional(),
  reason: z.string().optional(),
});

/** The call a paused execution waits on, as the approver sees it: the tool, its arguments and the whole script. */
export const PendingApprovalSchema = z.object({
  approvalId: z.string(),
  tool: z.string(),
  args: z.unknown(),
  script: z.string(),
  scriptHash: z.string(),
  requestedAt: z.string(),
  expiresAt: z.string().describe('undecided by then, the script gets APPROVAL_EXPIRED'),
});

const ApprovalSchema = z.object({
  approvalId: z.string(),
  tool: z.string(),
  args: z.unknown(),
  callId: z.number().int().describe("the call's place among the script's tool calls, from 1"),
  requestedAt: z.string(),
  expiresAt: z.string(),
  decision: ApprovalDecisionSchema.optional(),
});

export const ExecutionEnvelopeSchema = z.object({
  status: z.enum(EXECUTION_STATUSES),
  result: z.unknown().optional().describe("what the script returned (JSON), when status is 'ok'"),
  error: PublicErrorSchema.optional(),
  logs: z.array(LogEntrySchema),
  warnings: z.array(z.string()),
  stats: z.object({ durationMs: z.number(), toolCalls: z.number().int(), iterations: z.number().int() }),
  executionId: z.string(),
  risk: z.object({ score: z.number(), signals: z.array(RiskSignalSchema) }).optional().describe('present when the risk scorer found anything'),
  trace: z.array(TraceEntrySchema).optional().describe('the tool calls in start order, when the request asked for trace'),
  jobId: z.string().optional().describe("with status input_required: the job the paused execution became; read it with GET /v1/jobs/{jobId}"),
  approval: PendingApprovalSchema.optional().describe('with status input_required: the tool call waiting for a person to approve or deny it'),
});

/** What an execute with `async: true` answers at once. */
export const QueuedAnswerSchema = z.object({ status: z.literal('queued'), jobId: z.string() });

export const SearchResponseSchema = z.object({
  tools: z.array(
    z.object({
      name: z.string(),
      description: z.string(),
      score: z.number().min(0).max(1),
      matchedQueries: z.array(z.number().int()).optional().describe('which of the queries found it, when several were sent'),
    }),
  ),
  total: z.number().int().describe('hits above minScore before topK was applied'),
  strategy: z.enum(['tfidf', 'ml']).describe('which ranking answered: tfidf (lexical), or ml (lexical fused with embeddings)'),
});

const JsonSchemaObject = z.record(z.string(), z.unknown());

const AnnotationsSchema = z.object({
  title: z.string().optional(),
  readOnlyHint: z.boolean().optional(),
  destructiveHint: z.boolean().optional(),
  idempotentHint: z.boolean().optional(),
  openWorldHint: z.boolean().optional(),
});

/** What describe answers with: TypeScript declarations, JSON Schemas, or both. */
export const DESCRIBE_FORMATS = ['typescript', 'json-schema', 'both'] as const;
export type DescribeFormat = (typeof DESCRIBE_FORMATS)[number];

export const DescribedToolSchema = z.object({
  name: z.string(),
  description: z.string(),
  inputSchema: JsonSchemaObject.optional().describe("the arguments' JSON Schema, with format json-schema or both"),
  outputSchema: z
    .union([JsonSchemaObject, z.literal('unknown')])
    .optional()
    .describe("the result's JSON Schema, or 'unknown' when the tool declares none; with format json-schema or both"),
  annotations: AnnotationsSchema.optional(),
  examples: z.array(z.string()),
});

export const DescribeResponseSchema = z.object({
  format: z.enum(DESCRIBE_FORMATS),
  tools: z.array(DescribedToolSchema),
  typescript: z
    .string()
    .optional()
    .describe('with format typescript or both: one declaration block for all the tools (argument and result types, a callTool overload each, named types shared between them declared once)'),
  notFound: z.array(z.object({ name: z.string(), didYouMean: z.array(z.string()) })),
});

export const InvokeResponseSchema = z.union([
  z.object({ status: z.literal('ok'), result: z.unknown().optional() }),
  z.object({ status: z.literal('tool_error'), error: PublicErrorSchema }),
  z.object({ status: z.literal('input_required'), jobId: z.string(), approval: PendingApprovalSchema }).describe('the tool needs approval: the call became a job that runs it once approved'),
]);

export const JobViewSchema = z.object({
  jobId: z.string(),
  state: z.enum(['queued', 'running', 'input_required', 'completed', 'failed', 'cancelled']),
  createdAt: z.string(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  progress: z.object({ fraction: z.number(), message: z.string().optional() }).optional(),
  result: z.unknown().optional().describe('the execution envelope, when the job completed'),
  error: PublicErrorSchema.optional().describe('why the job failed or was cancelled'),
  restarts: z.number().int().optional().describe('times the job started again after its runner died'),
  approval: PendingApprovalSchema.optional().describe('while input_required: the call waiting for a decision (POST /v1/jobs/{jobId}/approvals/{approvalId})'),
  approvals: z.array(ApprovalSchema).optional().describe('every approval the job asked for, with its decision once made'),
});

/** GET /v1/approvals: the tenant's calls waiting for a person, soonest to expire first. */
export const PendingApprovalsSchema = z.object({ approvals: z.array(z.object({ jobId: z.string(), approval: PendingApprovalSchema })) });

/** A request-level failure: REST's error body, and the structured part of an MCP error result. */
export const ErrorBodySchema = z.object({ error: PublicErrorSchema });

export type ExecutionEnvelope = z.infer<typeof ExecutionEnvelopeSchema>;
export type DescribedTool = z.infer<typeof DescribedToolSchema>;
export type DescribeResponse = z.infer<typeof DescribeResponseSchema>;
export type InvokeResponse = z.infer<typeof InvokeResponseSchema>;
/** One tool call of an execution, as `trace` reports it. */
export type TraceEntry = z.infer<typeof TraceEntrySchema>;

/** JSON Schema of an answer, as served (no `$schema`; definitions inline). */
export function responseJsonSchema(schema: ZodType): Record<string, unknown> {
  const out = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any', reused: 'inline' }) as Record<string, unknown>;
  delete out.$schema;
  return out;
}

// Interfaces owned by other areas must stay what the schemas say: each line fails to compile when they part.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const same = <T extends true>(): T => true as T;
same<Same<z.infer<typeof LogEntrySchema>, LogEntry>>();
same<Same<z.infer<typeof RiskSignalSchema>, RiskSignal>>();
same<Same<z.infer<typeof SearchResponseSchema>, SearchResponse>>();
same<Same<z.infer<typeof JobViewSchema>, JobView>>();
same<Same<z.infer<typeof PublicErrorSchema>, PublicError>>();
