import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Limits, TypecheckLevel } from '../config';
import { formatZodError } from '../config';
import { z, type ZodType } from 'zod';
import {
  DescribeBody,
  DescribeResponseSchema,
  ExecuteBody,
  ExecutionEnvelopeSchema,
  GetJobBody,
  InvokeBody,
  InvokeResponseSchema,
  JobViewSchema,
  QueuedAnswerSchema,
  SearchBody,
  SearchResponseSchema,
  requestJsonSchema,
  responseJsonSchema,
  type GatewayApi,
} from '../gateway';
import { GatewayError, toPublicError } from '../errors';
import type { Caller } from '../auth';
import { withMediaBlocks } from './content-blocks';

/** What a meta-tool handler returns before it becomes an MCP CallToolResult. */
export interface MetaToolOutcome {
  structured: Record<string, unknown>;
  isError: boolean;
  /**
   * False for request-level failures: clients validate structuredContent against the tool's output
   * schema even on errors, so those answer with text only.
   */
  conforms?: boolean;
}

export interface MetaToolCall {
  api: GatewayApi;
  args: unknown;
  caller: Caller;
  /** Reports one step of an execution (one per tool call) when the client asked for progress. */
  progress?: (count: number, message: string) => void;
  signal?: AbortSignal;
  /** Correlates the execution's audit records with the HTTP request. */
  requestId?: string;
}

export interface MetaTool {
  name: string;
  title: string;
  description: string;
  inputSchema: Record<string, unknown>;
  outputSchema: Record<string, unknown>;
  annotations: { title: string; readOnlyHint: boolean; destructiveHint?: boolean; idempotentHint?: boolean; openWorldHint: boolean };
  run(call: MetaToolCall): Promise<MetaToolOutcome>;
}

/** What execute_script says of the type check, by gate.typecheck (short: descriptions stay under 1,024 characters). */
const TYPECHECK_NOTE: Readonly<Record<TypecheckLevel, string>> = {
  off: '',
  warn: "Type-checked against the tools' types first; findings come as warnings. ",
  block: "Type-checked against the tools' types first; misuse is refused as type_error. ",
};

const inputSchemaOf = (schema: Parameters<typeof requestJsonSchema>[0]): Record<string, unknown> => requestJsonSchema(schema, 'tool');

/** An outcome as an MCP tool result: structured content plus its text rendering. */
export function toResult(outcome: MetaToolOutcome): CallToolResult {
  return {
    content: withMediaBlocks(outcome.structured, JSON.stringify(outcome.structured)),
    ...(outcome.conforms === false ? {} : { structuredContent: outcome.structured }),
    ...(outcome.isError ? { isError: true } : {}),
  };
}

function parseArgs<T>(schema: ZodType<T>, args: unknown): T {
  const parsed = schema.safeParse(args ?? {});
  if (!parsed.success) throw new GatewayError('BAD_REQUEST', `invalid arguments: ${formatZodError(parsed.error)}`);
  return parsed.data;
}

/** MCP wants an object at the top of an output schema; a union of objects says so once more above its anyOf. */
const outputSchemaOf = (schema: ZodType): Record<string, unknown> => ({ type: 'object', ...responseJsonSchema(schema) });

/**
 * The four meta-tools. Descriptions carry the deployment's real limits, because the model reads them
 * before it writes a script and cannot ask.
 */
export function metaTools(limits: Readonly<Limits>, typecheck: TypecheckLevel = 'off'): MetaTool[] {
  return [
    {
      name: 'search_tools',
      title: 'Search tools',
      description:
        'Find tools by what they do. Give a natural-language `query` (or up to 10 `queries` to look for several things at once); ' +
        'returns the best matches as { tools: [{ name, description, score }], total, strategy }, score 0..1. ' +
        'Then call describe_tools on the names you need before using them in execute_script.',
      inputSchema: inputSchemaOf(SearchBody),
      outputSchema: outputSchemaOf(SearchResponseSchema),
      annotations: { title: 'Search tools', readOnlyHint: true, idempotentHint: true, openWorldHint: false },
      async run({ api, args, caller }) {
        return { structured: { ...(await api.search(parseArgs(SearchBody, args), { caller })) }, isError: false };
      },
    },
    {
      name: 'describe_tools',
      title: 'Describe tools',
      description:
        'Get how to call tools: for each of up to 50 `names` (as returned by search_tools) its description and usage examples, ' +
        'and one TypeScript declaration block for them all (argument and result types, a callTool overload per tool; shortened ' +
        "to fit, `…` marks what was left out). format: 'typescript' (default), 'json-schema' (each tool's full JSON Schemas " +
        "instead) or 'both'. Unknown names are listed in notFound with suggestions.",
      inputSchema: inputSchemaOf(DescribeBody),
      outputSchema: outputSchemaOf(DescribeResponseSchema),
      annotations: { title: 'Describe tools', readOnlyHint: true, idempotentHint: true, openWorldHint: false },
      async run({ api, args, caller }) {
        return { structured: { ...(await api.describe(parseArgs(DescribeBody, args), { caller })) }, isError: false };
      },
    },
    {
      name: 'execute_script',
      title: 'Execute a script',
      description:
        'Run a script that orchestrates tools and get back only what it returns. JavaScript or TypeScript (types are stripped; ' +
        'no enum, namespace or decorators). `await callTool(name, args)` with names from search_tools; a failure throws ToolError ' +
        '(.code, .tool). Top-level await and return. Also: console (captured), context (caller data), progress(fraction), ' +
        'JSON, Math, Date, Map, Set, Promise, RegExp, Intl, URL, URLSearchParams, structuredClone, atob, btoa, Object.groupBy. ' +
        'Absent: fetch and network (call a tool), require/import, process, timers (no sleep), eval, Buffer, TextEncoder, ' +
        'typed arrays, crypto. ' +
        `Limits: ${limits.timeoutMs} ms (timeoutMs up to ${limits.timeoutMaxMs}), ${limits.toolCalls} tool calls ` +
        `(${limits.parallelToolCalls} at once), ${limits.loopIterations} loop iterations, result ${limits.resultBytes} bytes, ` +
        `script ${limits.scriptBytes} bytes. Returns { status (ok or what failed), result?, error?: { code, message, hint, line?, column? }, logs, warnings, stats }. ` +
        TYPECHECK_NOTE[typecheck] +
        'async: true queues it and answers { status: "queued", jobId } for get_job.',
      inputSchema: inputSchemaOf(ExecuteBody),
      // A queued execution answers { status: 'queued', jobId } instead of an envelope.
      outputSchema: outputSchemaOf(z.union([ExecutionEnvelopeSchema, QueuedAnswerSchema])),
      annotations: { title: 'Execute a script', readOnlyHint: false, destructiveHint: true, openWorldHint: true },
      async run({ api, args, caller, progress, signal, requestId }) {
        const answer = await api.execute(parseArgs(ExecuteBody, args), {
          caller,
          ...(requestId !== undefined ? { requestId } : {}),
          ...(signal ? { signal } : {}),
          ...(progress ? { onToolCall: (tool: string, count: number) => progress(count, `calling ${tool}`) } : {}),
        });
        if ('queued' in answer) return { structured: { status: 'queued', jobId: answer.queued.jobId }, isError: false };
        const { envelope } = answer;
        return { structured: { ...envelope }, isError: envelope.status !== 'ok' && envelope.status !== 'input_required' };
      },
    },
    {
      name: 'invoke_tool',
      title: 'Invoke one tool',
      description:
        'Call a single tool directly with `name` and `input` (arguments object); returns { status: "ok", result } or ' +
        '{ status: "tool_error", error }. For more than one call, or to filter a large result, use execute_script instead.',
      inputSchema: inputSchemaOf(InvokeBody),
      outputSchema: outputSchemaOf(InvokeResponseSchema),
      annotations: { title: 'Invoke one tool', readOnlyHint: false, destructiveHint: true, openWorldHint: true },
      async run({ api, args, caller }) {
        const answer = await api.invoke(parseArgs(InvokeBody, args), { caller });
        return { structured: { ...answer }, isError: answer.status === 'tool_error' };
      },
    },
  ];
}

/** get_job: reads (and optionally cancels) an async execution of the caller's tenant. */
export function getJobTool(maxWaitMs: number): MetaTool {
  return {
    name: 'get_job',
    title: 'Get a job',
    description:
      'Read an async execution started with execute_script { async: true }, or one that paused for an approval: { jobId, state (queued, running, ' +
      'input_required: a tool call waits for a person, see approval; completed, failed, cancelled), ' +
      `progress?, result? (the execution envelope), error? }. waitMs (at most ${maxWaitMs}) waits for it to finish; cancel: true stops it.`,
    inputSchema: inputSchemaOf(GetJobBody),
    outputSchema: outputSchemaOf(JobViewSchema),
    annotations: { title: 'Get a job', readOnlyHint: false, destructiveHint: false, openWorldHint: false },
    async run({ api, args, caller }) {
      const body = parseArgs(GetJobBody, args);
      if (body.cancel === true) await api.cancelJob(caller, body.jobId);
      const view = await api.waitJob(caller, body.jobId, body.waitMs ?? 0);
      if (!view) throw new GatewayError('JOB_NOT_FOUND', `no job '${body.jobId}'`);
      return { structured: { ...view }, isError: false };
    },
  };
}

/** A request-level failure of a meta-tool, as the structured body of an isError result. */
export function errorOutcome(err: unknown): MetaToolOutcome {
  const error = err instanceof GatewayError ? err : new GatewayError('INTERNAL', 'internal error');
  return { structured: { error: toPublicError(error) }, isError: true, conforms: false };
}
