import { z, type ZodType } from 'zod';
import type { Caller } from '../auth';
import { RETRY_POLICIES, RequestLimitsSchema, TYPECHECK_LEVELS } from '../config';
import { GatewayError } from '../errors';
import type { JobSubmission } from '../jobs';
import { DESCRIBE_FORMATS } from './response-schemas';

/** An idempotency key, from the Idempotency-Key header or the idempotencyKey field. */
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

/** Deepest `context` accepted: it crosses to the executor and is frozen there level by level. */
export const MAX_CONTEXT_DEPTH = 32;

/** How deep a JSON value nests (objects and arrays), counted without recursion; stops past `max`. */
export function jsonNesting(value: unknown, max: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    deepest = Math.max(deepest, depth);
    if (deepest > max) return deepest;
    for (const child of Object.values(v)) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return deepest;
}

const Context = z
  .record(z.string(), z.unknown())
  .refine((c) => jsonNesting(c, MAX_CONTEXT_DEPTH) <= MAX_CONTEXT_DEPTH, { message: `context nests deeper than ${MAX_CONTEXT_DEPTH} levels; flatten it` });

export const ExecuteBody = z
  .object({
    script: z.string().min(1, 'script must be a non-empty string'),
    context: Context.optional(),
    timeoutMs: z.number().int().min(1).optional(),
    limits: RequestLimitsSchema.optional(),
    /** Queue it and answer { status: 'queued', jobId } at once (see /v1/jobs). */
    async: z.boolean().optional(),
    /** Async only: the same key from the same tenant returns the same job (REST also takes the Idempotency-Key header). */
    idempotencyKey: z
      .string()
      .regex(IDEMPOTENCY_KEY, 'idempotencyKey must be 1-200 visible ASCII characters')
      .optional(),
    /** Async only: if the job runner dies mid-run, fail the job ('never') or run it again ('onCrash'); default jobs.retry. */
    retry: z.enum(RETRY_POLICIES).optional(),
    /** Add `trace` to the envelope: each tool call's name, start offset, duration and outcome (arguments only if the server allows). */
    trace: z.boolean().optional(),
    /** Lower the server's pre-flight type check for this script: 'warn' reports type errors without refusing, 'off' skips the check. */
    typecheck: z.enum(TYPECHECK_LEVELS).optional(),
  })
  .strict();

export type ExecuteBodyValue = z.infer<typeof ExecuteBody>;

/** An interactive execution cannot honour the job-only fields; saying so beats ignoring them. */
export function rejectJobFields(body: ExecuteBodyValue): void {
  const named = (['idempotencyKey', 'retry'] as const).filter((k) => body[k] !== undefined);
  if (named.length > 0) throw new GatewayError('BAD_REQUEST', `${named.join(' and ')} apply only to async executions; add "async": true`);
}

/** What a job is made from: an async execute body, or an execution that paused outside any job. */
export type JobFields = Pick<ExecuteBodyValue, 'script' | 'context' | 'timeoutMs' | 'limits' | 'trace' | 'typecheck' | 'retry' | 'idempotencyKey'>;

/** The queue submission for an async execute body (or an execution that paused and becomes a job). */
export function jobSubmission(body: JobFields, caller: Caller, idempotencyKey = body.idempotencyKey): JobSubmission {
  return {
    script: body.script,
    caller,
    ...(body.context ? { context: body.context } : {}),
    ...(body.timeoutMs !== undefined ? { timeoutMs: body.timeoutMs } : {}),
    ...(body.limits ? { limits: body.limits } : {}),
    ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
    ...(body.retry !== undefined ? { retry: body.retry } : {}),
    ...(body.trace === true ? { trace: true } : {}),
    ...(body.typecheck !== undefined ? { typecheck: body.typecheck } : {}),
  };
}

export const GetJobBody = z
  .object({
    jobId: z.string().min(1).max(100),
    /** Wait up to this long for the job to finish (capped by jobs.maxWaitMs). */
    waitMs: z.number().int().min(0).optional(),
    /** Cancel the job (waiting or running) before reading it. */
    cancel: z.boolean().optional(),
  })
  .strict();

/** A person's decision on a pending approval (POST /v1/jobs/{jobId}/approvals/{approvalId}). */
export const DecideApprovalBody = z
  .object({
    decision: z.enum(['approve', 'deny']),
    /** Shown to the script in a denial's message, and kept with the decision. */
    reason: z.string().max(1_000).optional(),
  })
  .strict();

export const InvokeBody = z
  .object({
    name: z.string().min(1, 'name must be a tool name such as users:list'),
    input: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

const Query = z.string().trim().min(1, 'a query must not be empty').max(1_000, 'a query is at most 1000 characters');

/**
 * "query or queries" is checked here, not in the advertised schema: LLM APIs refuse oneOf/anyOf at the
 * top of a tool's input schema (Anthropic, OpenAI), so the schema says it in words.
 */
export const SearchBody = z
  .object({
    query: Query.optional().describe('What the tool should do, in natural language. Send query or queries, not both.'),
    queries: z.array(Query).min(1).max(10, 'at most 10 queries').optional().describe('Up to 10 queries at once, instead of query.'),
    topK: z.number().int().min(1).max(50).optional().describe('How many tools to return (default 10).'),
    minScore: z.number().min(0).max(1).optional().describe('Leave out matches scoring below this (0..1).'),
  })
  .strict()
  .refine((b) => (b.query === undefined) !== (b.queries === undefined), { message: 'send either query or queries (one string, or an array of 1-10 strings), not both' });

export const DescribeBody = z
  .object({
    names: z.array(z.string().min(1).max(200)).min(1, 'names must list at least one tool').max(50, 'at most 50 names'),
    format: z
      .enum(DESCRIBE_FORMATS)
      .optional()
      .describe("typescript (default): one TypeScript declaration block for all the tools, shortened to fit; json-schema: each tool's full input and output JSON Schemas instead; both."),
  })
  .strict();

/**
 * JSON Schema of a request body. For /openapi.json (`document`), cross-field rules that zod expresses as
 * refinements are restated in JSON Schema terms, so the document says what is enforced. For an MCP tool's
 * input schema (`tool`) they are not: a combinator at the top of a tool schema makes Anthropic and OpenAI
 * refuse the client's whole tool list, so there the rule lives in the field descriptions and the server's
 * error.
 */
export function requestJsonSchema(schema: ZodType, audience: 'document' | 'tool'): Record<string, unknown> {
  const out = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete out.$schema;
  if (audience === 'document' && schema === SearchBody) out.oneOf = [{ required: ['query'] }, { required: ['queries'] }];
  return out;
}

export type InvokeBodyValue = z.infer<typeof InvokeBody>;
export type DecideApprovalBodyValue = z.infer<typeof DecideApprovalBody>;
export type SearchBodyValue = z.infer<typeof SearchBody>;
export type DescribeBodyValue = z.infer<typeof DescribeBody>;
