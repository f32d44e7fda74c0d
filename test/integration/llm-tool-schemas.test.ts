/**
 * Clients such as Claude Code, Claude Desktop and OpenAI-based agents forward our tools/list to an LLM
 * API, and one tool the API refuses fails every request. Every tool we list (the meta-tools, and raw
 * tools under their aliases in the opt-in modes, including an upstream server's badly shaped schemas) is
 * checked against the published rules of the Anthropic, OpenAI and Gemini function-calling APIs, read
 * through the official MCP client over HTTP.
 *
 * The rules, each with where it is published or where the API's own error text was seen:
 *  A1  Anthropic tool name ^[a-zA-Z0-9_-]{1,128}$ (docs: platform.claude.com/docs/en/agents-and-tools/tool-use/define-tools;
 *      Claude Desktop and Bedrock still enforce 64: anthropics/claude-code#5132).
 *  A2  Anthropic: "Tool names must be unique." (anthropics/claude-code#10687)
 *  A5  Anthropic input_schema.type is required and "object" (anthropic-sdk-python src/anthropic/types/tool_param.py).
 *  A6  Anthropic: "input_schema does not support oneOf, allOf, or anyOf at the top level" (anthropics/claude-code#5319).
 *  A7  Anthropic: "JSON schema is invalid. It must match JSON Schema draft 2020-12" (anthropics/anthropic-sdk-java#241).
 *  O1  OpenAI function name ^[a-zA-Z0-9_-]+$, at most 64 (openai-python types/shared_params/function_definition.py).
 *  O2  OpenAI description at most 1024 characters (enforced until 2025; Azure OpenAI and proxies still may:
 *      getsentry/sentry-mcp#106, modelcontextprotocol/servers#799).
 *  O5  OpenAI: "schema must be a JSON Schema of 'type: \"object\"'" (browserbase/stagehand#1159).
 *  O6  OpenAI: "schema must have type 'object' and not have 'oneOf'/'anyOf'/'allOf'/'enum'/'const'/'not' at the top level"
 *      (nspady/google-calendar-mcp#39, microsoft/vscode#307515).
 *  O7  OpenAI: "object schema missing properties" for a root without `properties` (openai/openai-agents-python#454).
 *  O8  OpenAI: "array schema missing items" at any depth (mark3labs/mcp-filesystem-server#23).
 *  G1  Gemini function name starts with a letter or _, then [A-Za-z0-9_.:-], at most 64 (server error in
 *      kaitranntt/ccs#25; googleapis/js-genai src/types.ts FunctionDeclaration.name).
 *  G15 Gemini: every `required` entry is a property of the same node ("property is not defined": vercel/ai#11319).
 *  G16 Gemini: arrays need items ("...items: missing field": cline/cline#7339).
 *  G18 Gemini parametersJsonSchema: a $ref is local and resolves (google-gemini/gemini-cli#13326).
 * The intersection (what all three accept in their default, non-strict modes) is asserted for every tool;
 * the 1024-character description is asserted for our own meta-tools (a raw tool's description is its source's).
 */
import { resolve } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { startHttpServer, type RunningServer } from '../../src/http';
import { silentLogger } from '../../src/log';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

const ODD_UPSTREAM = resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'mcp', 'odd-schemas-server.mjs');
const META_TOOLS = ['search_tools', 'describe_tools', 'execute_script', 'invoke_tool', 'get_job'];

type Schema = Record<string, unknown>;
const isSchema = (v: unknown): v is Schema => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Every subschema with the JSON pointer that reaches it. */
function* nodes(schema: unknown, pointer = ''): Generator<[string, Schema]> {
  if (!isSchema(schema)) return;
  yield [pointer, schema];
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'properties' || key === '$defs' || key === 'definitions' || key === 'patternProperties') {
      if (isSchema(value)) for (const [name, child] of Object.entries(value)) yield* nodes(child, `${pointer}/${key}/${name}`);
    } else if (Array.isArray(value) && ['anyOf', 'oneOf', 'allOf', 'prefixItems'].includes(key)) {
      for (const [i, child] of value.entries()) yield* nodes(child, `${pointer}/${key}/${i}`);
    } else if (isSchema(value) && ['items', 'additionalProperties', 'not', 'if', 'then', 'else', 'contains', 'propertyNames'].includes(key)) {
      yield* nodes(value, `${pointer}/${key}`);
    }
  }
}

function resolvePointer(root: Schema, ref: string): unknown {
  if (ref === '#') return root;
  if (!ref.startsWith('#/')) return undefined;
  let at: unknown = root;
  for (const part of ref.slice(2).split('/')) at = isSchema(at) ? at[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
  return at;
}

const metaSchema = new Ajv2020({ strict: false, validateFormats: false });

/** Every rule a tool breaks, as `rule: detail`; empty when all three APIs accept it. */
function violations(tool: Tool, names: string[]): string[] {
  const out: string[] = [];
  const schema = tool.inputSchema as unknown as Schema;
  if (!/^[A-Za-z_][A-Za-z0-9_-]{0,63}$/.test(tool.name)) out.push(`A1/O1/G1 name: ${tool.name}`);
  if (names.filter((n) => n === tool.name).length > 1) out.push(`A2 duplicate name: ${tool.name}`);
  if (tool.description !== undefined && typeof tool.description !== 'string') out.push('description is not a string');
  if (schema.type !== 'object') out.push(`A5/O5 root type: ${JSON.stringify(schema.type)}`);
  for (const k of ['oneOf', 'anyOf', 'allOf']) if (k in schema) out.push(`A6/O6 root ${k}`);
  for (const k of ['enum', 'const', 'not']) if (k in schema) out.push(`O6 root ${k}`);
  if ('$ref' in schema) out.push('root $ref');
  if (!isSchema(schema.properties)) out.push('O7 root without properties');
  if (!metaSchema.validateSchema(schema)) out.push(`A7 not JSON Schema 2020-12: ${metaSchema.errorsText(metaSchema.errors)}`);
  for (const [pointer, node] of nodes(schema)) {
    const types = Array.isArray(node.type) ? node.type : [node.type];
    if (types.includes('array') && node.items === undefined) out.push(`O8/G16 array without items at ${pointer || '/'}`);
    if (Array.isArray(node.required)) {
      const properties = isSchema(node.properties) ? node.properties : {};
      for (const name of node.required) if (typeof name !== 'string' || !Object.hasOwn(properties, name)) out.push(`G15 required '${String(name)}' undeclared at ${pointer || '/'}`);
    }
    if (typeof node.$ref === 'string' && resolvePointer(schema, node.$ref) === undefined) out.push(`G18 unresolved $ref ${node.$ref} at ${pointer || '/'}`);
  }
  return out;
}

async function serve(overrides: Record<string, unknown>): Promise<{ g: TestGateway; server: RunningServer; client: Client; close: () => Promise<void> }> {
  const g = await startTestGateway({ ...overrides, sources: { mcp: [{ name: 'odd', transport: 'stdio', command: process.execPath, args: [ODD_UPSTREAM] }] } });
  const server = await startHttpServer({ gateway: g.gateway, log: silentLogger(), host: '127.0.0.1', port: 0, bodyLimitBytes: 256 * 1024, shutdownGraceMs: 5_000 });
  const client = new Client({ name: 'schema-check', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`)));
  return {
    g,
    server,
    client,
    close: async () => {
      await client.close();
      await server.close();
      await g.close();
    },
  };
}

describe('every listed tool is accepted by the Anthropic, OpenAI and Gemini function-calling APIs', () => {
  test.each([
    ['codecall_opt_in (every tool listed)', { access: { mode: 'codecall_opt_in' } }],
    ['metadata_driven', { access: { mode: 'metadata_driven', tools: { 'users:list': { visibleInListTools: true }, 'odd:find_user': { visibleInListTools: true } } } }],
    ['codecall_only (meta-tools)', { access: { mode: 'codecall_only' } }],
  ])('%s', async (_label, overrides) => {
    const s = await serve(overrides);
    try {
      const { tools } = await s.client.listTools();
      const names = tools.map((t) => t.name);
      expect(names).toEqual(expect.arrayContaining(META_TOOLS));
      const broken = tools.map((t) => [t.name, violations(t, names)] as const).filter(([, v]) => v.length > 0);
      expect(broken).toEqual([]);
      for (const t of tools.filter((x) => META_TOOLS.includes(x.name))) expect({ name: t.name, over1024: (t.description ?? '').length > 1024 }).toEqual({ name: t.name, over1024: false });
      if (_label.startsWith('codecall_opt_in')) {
        // The upstream's odd tools are there, each listed in its portable form.
        expect(names).toEqual(expect.arrayContaining(['odd__find_user', 'odd__filter_rows', 'odd__merge_settings', 'odd__ping', 'odd__create_issue', 'odd__tag_items_v2']));
        expect(tools.length).toBeGreaterThan(150);
      }
    } finally {
      await s.close();
    }
  }, 60_000);

  test('the listed copy keeps what the model needs; calls are still checked against the original schema', async () => {
    const s = await serve({ access: { mode: 'codecall_opt_in' } });
    try {
      const { tools } = await s.client.listTools();
      const byName = new Map(tools.map((t) => [t.name, t.inputSchema as unknown as Schema]));
      // oneOf: both alternatives' arguments are declared, none required; the description says there are alternatives.
      expect(byName.get('odd__find_user')).toMatchObject({ type: 'object', properties: { id: { type: 'string' }, email: { type: 'string' } } });
      expect(byName.get('odd__find_user')).not.toHaveProperty('required');
      expect(String(byName.get('odd__find_user')!.description)).toMatch(/one of several/);
      // allOf: every branch's requirements hold.
      expect(byName.get('odd__merge_settings')).toMatchObject({ properties: { theme: {}, lang: {} }, required: ['theme'] });
      // A root $ref is inlined; a required name nobody declared stays required.
      expect(byName.get('odd__create_issue')).toMatchObject({ properties: { title: { type: 'string' }, labels: { type: 'array', items: {} }, assignee: {} }, required: ['title', 'assignee'] });
      expect(byName.get('odd__ping')).toEqual({ type: 'object', properties: {} });

      const call = async (name: string, args: Record<string, unknown>) => {
        const r = (await s.client.callTool({ name, arguments: args })) as CallToolResult;
        return { isError: r.isError === true, text: (r.content[0] as { text: string }).text };
      };
      expect(await call('odd__find_user', { email: 'a@b.c' })).toMatchObject({ isError: false, text: expect.stringContaining('a@b.c') });
      // Neither alternative: the original oneOf refuses it.
      expect(await call('odd__find_user', {})).toMatchObject({ isError: true, text: expect.stringContaining('TOOL_VALIDATION') });
      // search_tools takes query or queries; the rule is checked by the server, with a clear error.
      const neither = (await s.client.callTool({ name: 'search_tools', arguments: {} })) as CallToolResult;
      expect(neither.isError).toBe(true);
      expect((neither.content[0] as { text: string }).text).toContain('send either query');
      const both = (await s.client.callTool({ name: 'search_tools', arguments: { query: 'a', queries: ['b'] } })) as CallToolResult;
      expect(both.isError).toBe(true);
    } finally {
      await s.close();
    }
  }, 60_000);
});
