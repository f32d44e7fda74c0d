import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import type { Gateway } from '../gateway';
import { GatewayError } from '../errors';
import { errorOutcome, metaTools, type MetaTool, type MetaToolOutcome } from './meta-tools';

export const SERVER_INFO = Object.freeze({ name: 'scriptgate', version: '0.1.0' });

const INSTRUCTIONS =
  'This server gathers many tools behind four meta-tools. To get something done: search_tools to find candidate tools, ' +
  'describe_tools to learn their arguments, then execute_script with a JavaScript script that calls them with ' +
  "`await callTool('source:tool', args)` and returns only what you need. invoke_tool runs a single call.";

function toResult(outcome: MetaToolOutcome): CallToolResult {
  return {
    content: [{ type: 'text', text: JSON.stringify(outcome.structured) }],
    ...(outcome.conforms === false ? {} : { structuredContent: outcome.structured }),
    ...(outcome.isError ? { isError: true } : {}),
  };
}

/**
 * The MCP face of a gateway: the meta-tools always, and in `codecall_opt_in` / `metadata_driven` modes
 * the raw tools the access decision lists, under their provider-safe aliases (MCP tool names may not
 * contain `:`). Built once per transport connection; the gateway behind it is shared.
 */
export class McpFace {
  readonly #gateway: Gateway;
  readonly #tools: MetaTool[];
  readonly #byName: Map<string, MetaTool>;

  constructor(gateway: Gateway) {
    this.#gateway = gateway;
    this.#tools = metaTools(gateway.config.effectiveLimits);
    this.#byName = new Map(this.#tools.map((t) => [t.name, t]));
  }

  /** Raw tools to list: those the access decision marks as listed, by alias. */
  #rawTools(): Tool[] {
    const { catalog, access } = this.#gateway;
    if (this.#gateway.config.access.mode === 'codecall_only') return [];
    const listed: Tool[] = [];
    for (const tool of catalog.list()) {
      if (!access.decide(tool.name).listed) continue;
      const alias = catalog.aliasOf(tool.name);
      if (!alias || this.#byName.has(alias)) continue;
      listed.push({
        name: alias,
        title: tool.annotations?.title ?? tool.name,
        description: tool.description,
        inputSchema: { type: 'object', ...tool.inputSchema } as Tool['inputSchema'],
        ...(tool.annotations ? { annotations: tool.annotations } : {}),
      });
    }
    return listed;
  }

  listTools(): Tool[] {
    const meta: Tool[] = this.#tools.map((t) => ({
      name: t.name,
      title: t.title,
      description: t.description,
      inputSchema: t.inputSchema as Tool['inputSchema'],
      outputSchema: t.outputSchema as Tool['outputSchema'],
      annotations: t.annotations,
    }));
    return [...meta, ...this.#rawTools()];
  }

  async callTool(name: string, args: unknown, progress?: (count: number, message: string) => void, signal?: AbortSignal): Promise<CallToolResult> {
    const meta = this.#byName.get(name);
    try {
      if (meta) return toResult(await meta.run({ gateway: this.#gateway, args, ...(progress ? { progress } : {}), ...(signal ? { signal } : {}) }));
      return await this.#callRaw(name, args);
    } catch (err) {
      return toResult(errorOutcome(err));
    }
  }

  /** A listed raw tool called by its alias: the same path as invoke_tool, refused unless it is listed. */
  async #callRaw(name: string, args: unknown): Promise<CallToolResult> {
    const { catalog, access } = this.#gateway;
    const canonical = catalog.resolve(name);
    if (canonical === undefined || this.#gateway.config.access.mode === 'codecall_only' || !access.decide(canonical).listed) {
      throw new GatewayError('TOOL_NOT_FOUND', `unknown tool '${name}'`, { tool: name });
    }
    const answer = await this.#gateway.invokeListed({ name: canonical, input: args ?? {} });
    if (answer.status === 'ok') {
      const value = answer.result;
      const structured = value !== null && typeof value === 'object' && !Array.isArray(value) ? { structuredContent: value as Record<string, unknown> } : {};
      return { content: [{ type: 'text', text: JSON.stringify(value) ?? 'null' }], ...structured };
    }
    return { content: [{ type: 'text', text: JSON.stringify({ error: answer.error }) }], isError: true };
  }

  /** A Server wired to this face; connect it to one transport. */
  createServer(): Server {
    const server = new Server(SERVER_INFO, { capabilities: { tools: { listChanged: true } }, instructions: INSTRUCTIONS });
    server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: this.listTools() }));
    server.setRequestHandler(CallToolRequestSchema, (request, extra) => {
      const token = request.params._meta?.progressToken;
      const progress =
        token === undefined
          ? undefined
          : (count: number, message: string) => {
              void extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: count, message } }).catch(() => undefined);
            };
      return this.callTool(request.params.name, request.params.arguments, progress, extra.signal);
    });
    return server;
  }
}

