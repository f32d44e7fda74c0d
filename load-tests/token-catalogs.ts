/**
 * The catalogs and the measuring tools of `npm run bench:tokens`: the demo catalog and GitHub's REST API
 * (the `@octokit/openapi` spec through our OpenAPI source), an MCP client that is a plain JSON-RPC POST,
 * o200k_base token counts, and the check that a declaration block lets a script call each tool right.
 */
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { createDemoTools } from '../demo/catalog';
import type { ToolDefinition } from '../src/catalog';
import { GITHUB_SOURCE, loadGithubCatalog } from './github-catalog';
import { checkSnippets } from '../test/helpers/typescript-check';

export { countTokens };

export interface BenchCatalog {
  label: string;
  /** Environment of the service process that serves this catalog. */
  env: Record<string, string>;
  load(): Promise<ToolDefinition[]>;
  /** The one search of "our path". */
  query: string;
  /** The three tools described; unset: the search's top three. */
  describe?: readonly string[];
  /** More tools whose describe sizes are reported. */
  others?: readonly string[];
}

export const CATALOGS: readonly BenchCatalog[] = [
  {
    label: 'demo',
    env: {},
    load: async () => createDemoTools(),
    query: 'list overdue invoices and email the customer a reminder',
  },
  {
    label: 'github',
    env: { SCRIPTGATE_SOURCES_DEMO: 'false', SCRIPTGATE_SOURCES_OPENAPI: JSON.stringify([GITHUB_SOURCE]) },
    load: loadGithubCatalog,
    query: 'create an issue in a repository',
    describe: ['github:issues_create', 'github:issues_list', 'github:repos_get'],
    others: ['github:pulls_create', 'github:repos_list-for-org', 'github:actions_list-workflow-runs-for-repo', 'github:issues_list-events-for-timeline', 'github:search_issues-and-pull-requests'],
  },
];

/** What a plain MCP server sends in tools/list: every tool with its full input (and optionally output) schema. */
export function plainListing(tools: readonly ToolDefinition[], withOutput: boolean): string {
  return JSON.stringify({
    tools: tools.map((t) => ({ name: t.name, description: t.description, inputSchema: t.inputSchema, ...(withOutput && t.outputSchema ? { outputSchema: t.outputSchema } : {}) })),
  });
}

export interface McpAnswer {
  /** The tool result's text content: what the model reads. */
  text: string;
  /** The whole JSON-RPC response as sent (text and structuredContent both). */
  wireBytes: number;
  result: Record<string, unknown>;
}

let nextId = 1;

/** One JSON-RPC request to a stateless Streamable HTTP endpoint, answered as plain JSON. */
export async function mcpRequest(url: string, method: string, params: Record<string, unknown>): Promise<McpAnswer> {
  const response = await fetch(`${url}/mcp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({ jsonrpc: '2.0', id: nextId++, method, params }),
  });
  const raw = await response.text();
  const message = JSON.parse(raw) as { result?: Record<string, unknown>; error?: { message: string } };
  if (!message.result) throw new Error(`${method}: ${message.error?.message ?? raw.slice(0, 200)}`);
  const content = message.result.content as { type: string; text: string }[] | undefined;
  return { text: content?.[0]?.text ?? JSON.stringify(message.result), wireBytes: Buffer.byteLength(raw), result: message.result };
}

export const callTool = (url: string, name: string, args: Record<string, unknown>): Promise<McpAnswer> => mcpRequest(url, 'tools/call', { name, arguments: args });

/** `scriptgate_*` gauges from /metrics, in MiB. */
export async function memoryMetrics(url: string): Promise<{ rssMb: number; heapUsedMb: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const gauge = (name: string): number => Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1] ?? NaN) / 1024 / 1024;
  return { rssMb: Math.round(gauge('scriptgate_process_resident_memory_bytes')), heapUsedMb: Math.round(gauge('scriptgate_nodejs_heap_size_used_bytes')) };
}

const REQUIRED_CALL = /^const r = await callTool\('(?:[^'\\]|\\.)*', ([\s\S]*)\);$/;

export interface CallCheck {
  tools: number;
  /** The declarations and the example call with the required arguments type-check together. */
  compiles: number;
  /** …and leaving out any one required argument (or passing undefined) is a type error. */
  requiredEnforced: number;
  /** Tools with required arguments, and how many of those arguments there are. */
  withRequired: number;
  requiredArgs: number;
  failures: string[];
}

/**
 * Whether a script written from the TypeScript calls each tool right: the example with the required
 * arguments (values drawn from the JSON Schema) must compile against the declarations under
 * `tsc --strict`, and the same call with any one required argument set to `undefined` must not: so the
 * declaration keeps every required argument, required and typed.
 */
export function checkCalls(items: readonly { tool: ToolDefinition; typescript: string; example: string }[]): CallCheck {
  const out: CallCheck = { tools: items.length, compiles: 0, requiredEnforced: 0, withRequired: 0, requiredArgs: 0, failures: [] };
  const snippets = items.map(({ tool, typescript, example }) => {
    const args = REQUIRED_CALL.exec(example)?.[1] ?? '{}';
    const required = Array.isArray(tool.inputSchema.required) ? (tool.inputSchema.required as string[]) : [];
    const name = JSON.stringify(tool.name);
    // `satisfies` gives the literal its contextual type, as passing it to callTool directly would.
    const argsType = /declare function callTool\(name: '(?:[^'\\]|\\.)*', args: (\w+)\)/.exec(typescript)?.[1] ?? 'never';
    const lines = [`const args = ${args} satisfies ${argsType};`, `await callTool(${name}, args);`];
    for (const key of required) lines.push('// @ts-expect-error a required argument left out', `await callTool(${name}, { ...args, ${JSON.stringify(key)}: undefined });`);
    return `${typescript}\nexport async function check(): Promise<void> {\n${lines.join('\n')}\n}`;
  });
  const BATCH = 300;
  for (let i = 0; i < snippets.length; i += BATCH) {
    const diagnostics = checkSnippets(snippets.slice(i, i + BATCH));
    diagnostics.forEach((errors, j) => {
      const { tool } = items[i + j]!;
      const required = Array.isArray(tool.inputSchema.required) ? tool.inputSchema.required.length : 0;
      out.requiredArgs += required;
      if (required > 0) out.withRequired++;
      const unused = errors.filter((e) => e.includes("Unused '@ts-expect-error' directive")).length;
      if (errors.length === unused) out.compiles++;
      if (errors.length === 0) out.requiredEnforced++;
      else if (out.failures.length < 5) out.failures.push(`${tool.name}: ${errors[0]}`);
    });
  }
  return out;
}
