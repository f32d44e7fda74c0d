import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ElicitResultSchema, ListToolsRequestSchema, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { portableInputSchema } from './portable-schema';
import type { GatewayApi } from '../gateway';
import { ANONYMOUS, type Caller } from '../auth';
import { GatewayError } from '../errors';
import { errorOutcome, getJobTool, metaTools, toResult, type MetaTool } from './meta-tools';
import { JobTaskStore, TASK_TOOL } from './job-tasks';
import { contentOfValue } from './content-blocks';
import { answerOf, approvalElicitation, decideAndWait, pendingApprovalOf } from './approval-prompts';

export const SERVER_INFO = Object.freeze({ name: 'scriptgate', version: '0.1.0' });

export const INSTRUCTIONS =
  'This server gathers many tools behind four meta-tools. To get something done: search_tools to find candidate tools, ' +
  'describe_tools to learn their arguments, then execute_script with a JavaScript script that calls them with ' +
  "`await callTool('source:tool', args)` and returns only what you need. invoke_tool runs a single call.";

/**
 * The MCP face of a gateway: the meta-tools always, and in `codecall_opt_in` / `metadata_driven` modes
 * the raw tools the access decision lists, under their provider-safe aliases (MCP tool names may not
 * contain `:`). Built once per transport connection; the gateway behind it is shared.
 */
/** What an MCP tool call carries besides its arguments. */
export interface McpCallOptions {
  /** Reports one step of an execution when the client asked for progress. */
  progress?: (count: number, message: string) => void;
  /** Aborted when the client cancels or hangs up. */
  signal?: AbortSignal;
  /** The HTTP request's X-Request-Id, so audit records of an MCP call correlate as REST ones do. */
  requestId?: string;
}

/** The HTTP transport puts the request id beside the caller in the SDK's authInfo; stdio has none. */
const requestIdOf = (authInfo: unknown): string | undefined => {
  const id = (authInfo as { extra?: { requestId?: unknown } } | undefined)?.extra?.requestId;
  return typeof id === 'string' ? id : undefined;
};

/** Approvals one tool call may ask its user about in a row (a script pausing again after each decision). */
const MAX_APPROVAL_ROUNDS = 10;
/** How long the user has to answer one approval prompt; unanswered, the job keeps waiting for a decision. */
const APPROVAL_ASK_MS = 10 * 60_000;

export class McpFace {
  readonly #api: GatewayApi;

  /** The API behind the face, for protocol surfaces that are not tools (2026-07-28 tasks). */
  get api(): GatewayApi {
    return this.#api;
  }
  readonly #tools: MetaTool[];
  readonly #byName: Map<string, MetaTool>;
  readonly #tasks: JobTaskStore;

  /**
   * The rest of a JSON-RPC batch against the tenant's rate limit: the HTTP request paid for one message,
   * and a batch of a hundred scripts must not cost what one does.
   */
  async admitBatch(caller: Caller, messages: number): Promise<void> {
    if (messages > 1) await this.#api.admit(caller, messages - 1);
  }

  constructor(api: GatewayApi) {
    this.#api = api;
    this.#tasks = new JobTaskStore(api);
    this.#tools = [...metaTools(api.settings.limits, api.settings.typecheck), getJobTool(api.settings.jobMaxWaitMs)];
    this.#byName = new Map(this.#tools.map((t) => [t.name, t]));
  }

  /** Raw tools to list: those the access decision marks as listed, by alias. */
  #rawTools(caller: Caller): Tool[] {
    const listed: Tool[] = [];
    for (const { alias, tool } of this.#api.listedTools(caller)) {
      if (this.#byName.has(alias)) continue;
      listed.push({
        name: alias,
        title: tool.annotations?.title ?? tool.name,
        description: tool.description,
        inputSchema: portableInputSchema(tool.inputSchema) as Tool['inputSchema'],
        ...(tool.annotations ? { annotations: tool.annotations } : {}),
      });
    }
    return listed;
  }

  /** `tasks`: say which tool may run as an MCP task (2025-11-25; 2026-07-28 moved tasks to an extension not offered yet). */
  listTools(caller: Caller = ANONYMOUS, tasks = true): Tool[] {
    const meta: Tool[] = this.#tools.map((t) => ({
      name: t.name,
      title: t.title,
      description: t.description,
      inputSchema: t.inputSchema as Tool['inputSchema'],
      outputSchema: t.outputSchema as Tool['outputSchema'],
      annotations: t.annotations,
      // A long script may run as an MCP task (tasks/get, tasks/result, tasks/cancel) instead of holding the call open.
      ...(tasks && t.name === TASK_TOOL ? { execution: { taskSupport: 'optional' as const } } : {}),
    }));
    return [...meta, ...this.#rawTools(caller)];
  }

  async callTool(name: string, args: unknown, caller: Caller, options: McpCallOptions = {}): Promise<CallToolResult> {
    const meta = this.#byName.get(name);
    try {
      if (meta) return toResult(await meta.run({ api: this.#api, args, caller, ...options }));
      return await this.#callRaw(name, args, caller);
    } catch (err) {
      return toResult(errorOutcome(err));
    }
  }

  /** A listed raw tool called by its alias: the same path as invoke_tool, refused unless it is listed. */
  async #callRaw(name: string, args: unknown, caller: Caller): Promise<CallToolResult> {
    const canonical = this.#api.canonicalTool(name);
    if (canonical === undefined) throw new GatewayError('TOOL_NOT_FOUND', `unknown tool '${name}'`, { tool: name });
    const answer = await this.#api.invoke({ name: canonical, input: (args ?? {}) as Record<string, unknown> }, { caller }, true);
    if (answer.status === 'ok') {
      const value = answer.result;
      const content = contentOfValue(value);
      // Media and mixed answers travel as their content blocks; only plain data is structured content.
      const plain = value !== null && typeof value === 'object' && !Array.isArray(value) && (content.length !== 1 || content[0]?.type === 'text') && !('content' in value && Object.keys(value).length === 1);
      return { content, ...(plain ? { structuredContent: value as Record<string, unknown> } : {}) };
    }
    // Waiting for a person is no failure: the text says which job runs the call once it is approved.
    if (answer.status === 'input_required') return { content: [{ type: 'text', text: JSON.stringify(answer) }], structuredContent: { ...answer } };
    return { content: [{ type: 'text', text: JSON.stringify({ error: answer.error }) }], isError: true };
  }

  /**
   * A Server wired to this face; connect it to one transport. `callerOf` names who sent a request
   * (HTTP: from the authenticated request; stdio: the local, anonymous caller).
   */
  /**
   * Asks the client's user about each approval the call waits on (elicitation), as long as they answer,
   * and answers with where the job got to. Round trips are bounded: a script asks for at most one
   * approval per pause, and a user who answers nothing leaves the job waiting.
   */
  async settleApprovals(name: string, result: CallToolResult, caller: Caller, ask: (params: ReturnType<typeof approvalElicitation>) => Promise<{ action?: unknown; content?: unknown } | undefined>): Promise<CallToolResult> {
    for (let round = 0; round < MAX_APPROVAL_ROUNDS; round++) {
      const pending = pendingApprovalOf(result);
      if (!pending) return result;
      const answer = answerOf(await ask(approvalElicitation(pending)).catch(() => undefined));
      if (!answer) return result;
      result = await decideAndWait(this.#api, caller, name, pending, answer).catch((err: unknown) => toResult(errorOutcome(err)));
    }
    return result;
  }

  createServer(callerOf: (authInfo: unknown) => Caller = () => ANONYMOUS, options: { elicit?: boolean } = {}): Server {
    const server = new Server(SERVER_INFO, {
      // Tasks: cancel and tool calls, not list (a task id is what lets a client read its task).
      capabilities: { tools: { listChanged: true }, tasks: { cancel: {}, requests: { tools: { call: {} } } } },
      instructions: INSTRUCTIONS,
      taskStore: this.#tasks,
    });
    server.setRequestHandler(ListToolsRequestSchema, (_request, extra) => ({ tools: this.listTools(callerOf(extra.authInfo)) }));
    server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
      if (request.params.task && extra.taskStore) return { task: await extra.taskStore.createTask(request.params.task) };
      const token = request.params._meta?.progressToken;
      const progress =
        token === undefined
          ? undefined
          : (count: number, message: string) => {
              void extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: count, message } }).catch(() => undefined);
            };
      const requestId = requestIdOf(extra.authInfo);
      const caller = callerOf(extra.authInfo);
      const result = await this.callTool(request.params.name, request.params.arguments, caller, { ...(progress ? { progress } : {}), signal: extra.signal, ...(requestId !== undefined ? { requestId } : {}) });
      // Elicitation needs a connection the answer comes back on: stdio. Stateless HTTP has none (the
      // 2026-07-28 revision asks through the result instead), so there the paused answer stands.
      if (!options.elicit || !server.getClientCapabilities()?.elicitation || !pendingApprovalOf(result) || !this.#api.mayDecide(caller)) return result;
      return this.settleApprovals(request.params.name, result, caller, (params) => extra.sendRequest({ method: 'elicitation/create', params }, ElicitResultSchema, { signal: extra.signal, timeout: APPROVAL_ASK_MS }));
    });
    return server;
  }
}

