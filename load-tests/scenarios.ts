import type autocannon from 'autocannon';
import { SCRIPTS } from './bench-tools';
import { jsonPost } from './harness';

/** A load scenario: what every connection sends, in a cycle, and how the server under test is set up. */
export interface Scenario {
  name: string;
  description: string;
  requests(): autocannon.Request[];
  /** Server environment beyond the tool delay. */
  env?: Record<string, string>;
  /** Tool answer delays (ms) `load:all` runs it with; tools that call no tool run once. */
  toolDelays: readonly number[];
  /** Measured in the same run next to the scenario, which reports its throughput as a ratio to it. */
  baseline?: { label: string; scenario: string; env?: Record<string, string> };
}

/** MCP clients must accept both JSON and an event stream; stateless calls need no initialize first. */
const MCP_HEADERS = { accept: 'application/json, text/event-stream' };
/** Two tenants' keys, so the auth scenario also exercises the per-tenant paths. */
const API_KEYS = 'load-key-alpha-0123456789:alpha,load-key-beta-0123456789:beta';

const execute = (script: string, headers: Record<string, string> = {}) => jsonPost('/v1/execute', { script }, headers);
const mcpExecute = (script: string) =>
  jsonPost('/mcp', { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'execute_script', arguments: { script } } }, MCP_HEADERS);

export const FANOUT_SCRIPT =
  "const rows = await Promise.all(Array.from({ length: 20 }, (_, i) => callTool('bench:echo', { i })));\n" +
  'return rows.reduce((sum, row) => sum + row.i, 0);';

/**
 * About `bytes` of realistic script: one tool call, then helper functions, Map counting, regexes,
 * sorting and logging over its rows, so the gate has a real program to parse, check and rewrite.
 */
export function gateHeavyScript(bytes: number): string {
  let source = "const seed = await callTool('bench:echo', { i: 1, rows: [{ id: 'u1', country: 'DE', plan: 'pro', spend: 12.5 }, { id: 'u2', country: 'FR', plan: 'free', spend: 0 }] });\n";
  for (let i = 0; Buffer.byteLength(source) < bytes - 60; i++) {
    source += `
function summarise${i}(rows, minimum) {
  const byCountry = new Map();
  for (const row of rows) {
    const key = typeof row.country === 'string' && /^[A-Z]{2}$/.test(row.country) ? row.country : 'unknown';
    const entry = byCountry.get(key) ?? { count: 0, spend: 0, plans: new Set() };
    entry.count += 1;
    entry.spend += Number(row.spend) || 0;
    entry.plans.add(String(row.plan ?? 'none'));
    byCountry.set(key, entry);
  }
  return [...byCountry.entries()]
    .filter(([, e]) => e.spend >= minimum)
    .sort((a, b) => b[1].spend - a[1].spend || a[0].localeCompare(b[0]))
    .map(([country, e]) => ({ country, count: e.count, spend: Math.round(e.spend * 100) / 100, plans: [...e.plans].join(',') }));
}
const report${i} = summarise${i}(seed.rows, ${i % 3});
if (report${i}.length > 0) console.log('section ${i}', report${i}[0].country, report${i}.length);
`;
  }
  return `${source}return seed.rows.length;\n`;
}

const GATE_HEAVY = gateHeavyScript(14 * 1024);
/** A search whose query differs on every request (a counter in the text), so neither cache ever answers. */
function uniqueSearch(): autocannon.Request {
  let n = 0;
  const template = jsonPost('/v1/search', { query: 'list invoices for a user', topK: 5 });
  return {
    ...template,
    setupRequest: (request) => {
      n++;
      return { ...request, body: JSON.stringify({ query: `${SEARCH_QUERIES[n % SEARCH_QUERIES.length] ?? ''} number ${n}`, topK: 5 }) };
    },
  };
}

const SEARCH_QUERIES = ['list invoices for a user', 'refund a payment', 'active users by country', 'cancel subscription', 'open support tickets', 'daily revenue', 'change plan seats', 'user billing history'];

export const SCENARIOS: readonly Scenario[] = [
  { name: 'execute-trivial', description: 'POST /v1/execute `return 1`', requests: () => [execute(SCRIPTS.trivial)], toolDelays: [0] },
  {
    name: 'execute-3tools',
    description: 'POST /v1/execute, three sequential tool calls',
    requests: () => [execute(SCRIPTS.threeTools)],
    toolDelays: [0, 5],
    baseline: { label: 'noDeadlines', scenario: 'execute-3tools', env: { BENCH_DEADLINES: 'off' } },
  },
  { name: 'execute-fanout', description: 'POST /v1/execute, 20 tool calls through Promise.all', requests: () => [execute(FANOUT_SCRIPT)], toolDelays: [0, 5] },
  {
    name: 'execute-gate-heavy',
    description: 'POST /v1/execute, a 14 KB script, different on every request (no compile-cache hit)',
    requests: () => {
      let n = 0;
      // The difference is code, not a comment: the gate keeps comments, so V8 in the sandbox must compile
      // every request too (a comment-only difference once let V8's own cache skip that).
      return [{ ...execute(GATE_HEAVY), setupRequest: (req) => ({ ...req, body: JSON.stringify({ script: `const requestNumber = ${++n};\n${GATE_HEAVY}` }) }) }];
    },
    toolDelays: [0],
  },
  { name: 'invoke', description: 'POST /v1/invoke, one tool', requests: () => [jsonPost('/v1/invoke', { name: 'bench:echo', input: { i: 1 } })], toolDelays: [0, 5] },
  { name: 'search', description: 'POST /v1/search, 8 queries in turn over the demo catalog', requests: () => SEARCH_QUERIES.map((query) => jsonPost('/v1/search', { query, topK: 5 })), toolDelays: [0] },
  {
    name: 'search-ml',
    description: 'POST /v1/search with search.strategy ml, every query different (never cached): the model in its worker is the limit, and searches past its queue answer lexically',
    requests: () => [uniqueSearch()],
    env: { SCRIPTGATE_SEARCH_STRATEGY: 'ml' },
    toolDelays: [0],
  },
  {
    name: 'describe',
    description: 'POST /v1/describe, two tools (the default format: one TypeScript block and examples)',
    requests: () => [jsonPost('/v1/describe', { names: ['billing:getSubscription', 'billing:changePlan'] })],
    toolDelays: [0],
  },
  {
    name: 'mcp-execute',
    description: 'MCP tools/call execute_script (Streamable HTTP), three tool calls',
    requests: () => [mcpExecute(SCRIPTS.threeTools)],
    toolDelays: [0],
    baseline: { label: 'rest', scenario: 'execute-3tools' },
  },
  {
    name: 'mixed',
    description: 'per 10 requests: 2 search, 1 describe, 3 three-tool executes, 1 trivial, 1 fan-out, 1 invoke, 1 MCP execute',
    requests: () => [
      jsonPost('/v1/search', { query: SEARCH_QUERIES[0], topK: 5 }),
      execute(SCRIPTS.threeTools),
      jsonPost('/v1/describe', { names: ['billing:getSubscription'] }),
      execute(SCRIPTS.trivial),
      execute(SCRIPTS.threeTools),
      jsonPost('/v1/search', { query: SEARCH_QUERIES[4], topK: 5 }),
      execute(FANOUT_SCRIPT),
      jsonPost('/v1/invoke', { name: 'bench:echo', input: { i: 2 } }),
      execute(SCRIPTS.threeTools),
      mcpExecute(SCRIPTS.threeTools),
    ],
    toolDelays: [0, 5],
  },
  {
    name: 'auth',
    description: 'execute-3tools with API keys on, two tenants alternating',
    requests: () => [execute(SCRIPTS.threeTools, { 'x-api-key': 'load-key-alpha-0123456789' }), execute(SCRIPTS.threeTools, { 'x-api-key': 'load-key-beta-0123456789' })],
    env: { SCRIPTGATE_API_KEYS: API_KEYS },
    toolDelays: [0],
    baseline: { label: 'noAuth', scenario: 'execute-3tools' },
  },
];

export function scenarioNamed(name: string): Scenario {
  const found = SCENARIOS.find((s) => s.name === name);
  if (!found) throw new Error(`unknown scenario '${name}'; one of: ${SCENARIOS.map((s) => s.name).join(', ')}, all, soak`);
  return found;
}
