import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { postJson } from '../helpers/http';
import { startServerProcess, type ServerProcess } from '../helpers/server-process';
import { expectCompiles, typeCheck } from '../helpers/typescript-check';

// GitHub's REST API (1,223 operations, 969 component schemas) through the OpenAPI source, served by one
// real service process for the whole file: loading the spec takes seconds. The spec parser cannot run in
// jest's module sandbox, which is why the service is a process.
const SPEC = resolve(__dirname, '..', '..', '..', 'node_modules', '@octokit', 'openapi', 'generated', 'api.github.com.json');
const THREE = ['github:issues_create', 'github:issues_list', 'github:repos_get'];

type Schema = Record<string, unknown>;
interface Described {
  format: string;
  tools: { name: string; inputSchema?: Schema; outputSchema?: Schema | 'unknown'; examples: string[] }[];
  typescript?: string;
  notFound: unknown[];
}

/** Names of the `$defs` a schema reaches from its root, following references through the definitions. */
function reachedDefinitions(schema: Schema): Set<string> {
  const defs = (schema.$defs ?? {}) as Record<string, unknown>;
  const reached = new Set<string>();
  const stack: unknown[] = [{ ...schema, $defs: undefined }];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== 'object' || node === null) continue;
    const ref = (node as Schema).$ref;
    if (typeof ref === 'string' && ref.startsWith('#/$defs/')) {
      const name = ref.slice(8).replace(/~1/g, '/').replace(/~0/g, '~');
      if (!reached.has(name)) {
        reached.add(name);
        stack.push(defs[name]);
      }
    }
    stack.push(...Object.values(node));
  }
  return reached;
}

describe('describe on GitHub’s REST API', () => {
  let server: ServerProcess;
  let names: string[];
  beforeAll(async () => {
    const spec = JSON.parse(readFileSync(SPEC, 'utf8')) as { paths: Record<string, Record<string, { operationId?: string }>> };
    names = Object.values(spec.paths).flatMap((item) => Object.values(item).flatMap((op) => (op.operationId ? [`github:${op.operationId.replace(/[^A-Za-z0-9_.-]+/g, '_')}`] : [])));
    const source = { name: 'github', spec: SPEC, baseUrl: 'https://api.github.com' };
    server = await startServerProcess({ SCRIPTGATE_SOURCES_DEMO: 'false', SCRIPTGATE_SOURCES_OPENAPI: JSON.stringify([source]) });
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });
  const describeTools = async (body: Record<string, unknown>): Promise<{ body: Described; bytes: number }> => {
    const res = await postJson(`${server.url}/v1/describe`, body);
    expect(res.status).toBe(200);
    return { body: res.body as Described, bytes: Buffer.byteLength(JSON.stringify(res.body)) };
  };
  const mcpCall = async (name: string, args: Record<string, unknown>): Promise<{ text: string; structured: unknown }> => {
    const res = await postJson(`${server.url}/mcp`, { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: args } }, { accept: 'application/json, text/event-stream' });
    const result = (res.body as { result: { content: { text: string }[]; structuredContent: unknown } }).result;
    return { text: result.content[0]!.text, structured: result.structuredContent };
  };

  test('each of the three tools alone answers in under 12 KB, with real argument and result types', async () => {
    for (const name of THREE) {
      const { body, bytes } = await describeTools({ names: [name] });
      expect(body.notFound).toEqual([]);
      expect(bytes).toBeLessThan(12_000);
      const typescript = body.typescript!;
      expect(typescript).not.toMatch(/Args = (unknown|Record<string, unknown>);/);
      expect(typescript).not.toMatch(/Result = unknown;/);
      expect(typescript).not.toContain('// … truncated');
      expectCompiles(`${typescript}\nexport {};`);
    }
  });

  test('issues/create has a real typed body: every required argument is enforced by the compiler', async () => {
    const { body } = await describeTools({ names: ['github:issues_create'] });
    const typescript = body.typescript!;
    expect(typescript).toMatch(/interface GithubIssuesCreateArgs \{[\s\S]*owner: string;[\s\S]*repo: string;[\s\S]*body: \{[\s\S]*title: string \| number;/);
    expect(typescript).toContain('type GithubIssuesCreateResult = GithubIssue;');
    expect(typescript).toMatch(/interface GithubIssue \{[\s\S]*number: number;[\s\S]*user: GithubSimpleUser \| null;/);
    const call = (args: string) => `${typescript}\nexport async function f(): Promise<number> {\n  const issue = await callTool('github:issues_create', ${args});\n  return issue.number;\n}`;
    expect(typeCheck([call("{ owner: 'o', repo: 'r', body: { title: 'Bug', labels: ['bug', { name: 'ui' }] } }")])).toEqual([]);
    for (const wrong of ["{ owner: 'o', repo: 'r', body: {} }", "{ owner: 'o', body: { title: 'Bug' } }", "{ owner: 'o', repo: 'r', body: { title: true } }"]) {
      expect(typeCheck([call(wrong)]).join('\n')).toMatch(/not assignable|missing/);
    }
  });

  test('three tools over MCP: one declaration block under 8,000 tokens, a named type shared once', async () => {
    const { text, structured } = await mcpCall('describe_tools', { names: THREE });
    expect(JSON.parse(text)).toEqual(structured);
    expect(countTokens(text)).toBeLessThanOrEqual(8_000);
    const body = structured as Described;
    expect(body.format).toBe('typescript');
    expect(body.tools.map((t) => t.name)).toEqual(THREE);
    expect(body.tools.every((t) => t.inputSchema === undefined && t.examples.length > 0)).toBe(true);
    const typescript = body.typescript!;
    // issues/create and issues/list both return issues: GithubIssue is declared once.
    expect(typescript.match(/interface GithubIssue \{/g)).toHaveLength(1);
    expect(typescript).toContain('type GithubIssuesListResult = GithubIssue[];');
    expect(typescript).toContain('type GithubReposGetResult = GithubFullRepository;');
    expectCompiles(`${typescript}\nexport {};`);
  });

  test('format json-schema over MCP gives each tool its schemas with only the definitions it reaches', async () => {
    const { structured } = await mcpCall('describe_tools', { names: THREE, format: 'json-schema' });
    const body = structured as Described;
    expect(body.typescript).toBeUndefined();
    const repos = body.tools.find((t) => t.name === 'github:repos_get')!;
    expect(repos.outputSchema).toMatchObject({ $ref: '#/$defs/full-repository' });
    expect(Object.keys((repos.outputSchema as Schema).$defs as Schema).length).toBeLessThan(20);
  });

  test('no tool carries a component schema it does not reach, and none carries them all', async () => {
    expect(names).toHaveLength(1_223);
    let largest = 0;
    for (let i = 0; i < names.length; i += 50) {
      const { body, bytes } = await describeTools({ names: names.slice(i, i + 50), format: 'json-schema' });
      expect(body.notFound).toEqual([]);
      largest = Math.max(largest, bytes);
      for (const tool of body.tools) {
        for (const schema of [tool.inputSchema, tool.outputSchema]) {
          if (typeof schema !== 'object') continue;
          expect(schema).not.toHaveProperty('components');
          const defs = Object.keys((schema.$defs ?? {}) as Schema);
          expect({ tool: tool.name, unreached: defs.filter((d) => !reachedDefinitions(schema).has(d)) }).toEqual({ tool: tool.name, unreached: [] });
          expect(defs.length).toBeLessThan(100);
        }
      }
    }
    // Fifty tools with every schema in full stay far from the 35 MB a single tool once carried.
    expect(largest).toBeLessThan(2_000_000);
  });
});
