/**
 * `npm run bench:tokens [-- --json] [--catalog demo|github]`
 * What a model reads to use tools, in o200k_base tokens (gpt-tokenizer), for the demo catalog and for
 * GitHub's REST API (1,223 operations, loaded from `@octokit/openapi` through our OpenAPI source; no
 * network is used):
 * - a plain listing: tools/list of every tool with its full JSON Schema, as a plain MCP server sends it;
 * - our path: the meta-tools' tools/list, one search_tools answer and one describe_tools answer for three
 *   tools (text content, what the model reads), per describe format;
 * - describe sizes in bytes (text, and the whole JSON-RPC response, which carries it twice), for the three
 *   tools, a few others, and every tool alone;
 * - whether scripts written from the TypeScript call every tool right (token-catalogs.ts, checkCalls);
 * - the service's front process RSS and heap after describing every tool (/metrics).
 */
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DESCRIBE_FORMATS } from '../src/gateway';
import type { ToolDefinition } from '../src/catalog';
import { percentile, startChildServer, stringOption, type ChildServer } from './harness';
import { CATALOGS, callTool, checkCalls, countTokens, mcpRequest, memoryMetrics, plainListing, type BenchCatalog, type CallCheck } from './token-catalogs';

const MAIN = resolve(__dirname, '../src/main.js');
const asJson = process.argv.includes('--json');
const only = stringOption('catalog');
const BATCH = 50;

interface DescribeFigures {
  format: string;
  tokens: number;
  textBytes: number;
  wireBytes: number;
}

interface CatalogFigures {
  catalog: string;
  tools: number;
  loadMs: number;
  serviceStartMs: number;
  plainTokens: number;
  plainWithOutputTokens: number;
  metaListTokens: number;
  searchTokens: number;
  described: string[];
  describe: DescribeFigures[];
  ourPathTokens: number;
  ratio: number;
  others: { name: string; typescriptTokens: number; jsonSchemaTokens: number; bothTokens: number }[];
  everyTool: { maxTextBytes: number; p50TextBytes: number; p99TextBytes: number; maxTokens: number; shortened: number };
  calls: CallCheck;
  memory: { startRssMb: number; rssMb: number; heapUsedMb: number; bothRssMb: number; bothHeapUsedMb: number };
}

const describeText = async (url: string, names: readonly string[], format: string) => callTool(url, 'describe_tools', { names, format });

async function measure(catalog: BenchCatalog): Promise<CatalogFigures> {
  let started = performance.now();
  const tools = await catalog.load();
  const loadMs = Math.round(performance.now() - started);
  const byName = new Map<string, ToolDefinition>(tools.map((t) => [t.name, t]));
  started = performance.now();
  const service: ChildServer = await startChildServer(MAIN, { SCRIPTGATE_PORT: '0', ...catalog.env }, ['serve']);
  const serviceStartMs = Math.round(performance.now() - started);
  try {
    const startMemory = await memoryMetrics(service.url);
    const list = await mcpRequest(service.url, 'tools/list', {});
    const metaListTokens = countTokens(JSON.stringify(list.result.tools));
    const search = await callTool(service.url, 'search_tools', { query: catalog.query });
    const hits = (JSON.parse(search.text) as { tools: { name: string }[] }).tools.map((t) => t.name);
    const described = [...(catalog.describe ?? hits.slice(0, 3))];
    const describe: DescribeFigures[] = [];
    for (const format of DESCRIBE_FORMATS) {
      const answer = await describeText(service.url, described, format);
      describe.push({ format, tokens: countTokens(answer.text), textBytes: Buffer.byteLength(answer.text), wireBytes: answer.wireBytes });
    }
    const others = [];
    for (const name of catalog.others ?? []) {
      const [typescriptTokens, jsonSchemaTokens, bothTokens] = await Promise.all(DESCRIBE_FORMATS.map(async (f) => countTokens((await describeText(service.url, [name], f)).text)));
      others.push({ name, typescriptTokens: typescriptTokens!, jsonSchemaTokens: jsonSchemaTokens!, bothTokens: bothTokens! });
    }
    // Every tool alone, in the default format: sizes, and the blocks the call check compiles.
    const sizes: number[] = [];
    let maxTokens = 0;
    let shortened = 0;
    const checks: { tool: ToolDefinition; typescript: string; example: string }[] = [];
    for (const tool of tools) {
      const answer = await describeText(service.url, [tool.name], 'typescript');
      sizes.push(Buffer.byteLength(answer.text));
      maxTokens = Math.max(maxTokens, countTokens(answer.text));
      const body = JSON.parse(answer.text) as { typescript: string; tools: { examples: string[] }[] };
      if (body.typescript.includes('… marks what was left out')) shortened++;
      checks.push({ tool: byName.get(tool.name) ?? tool, typescript: body.typescript, example: body.tools[0]?.examples[0] ?? '' });
    }
    const memory = await memoryMetrics(service.url);
    // The heaviest answers too: every tool with its JSON Schemas and TypeScript, 50 at a time.
    for (let i = 0; i < tools.length; i += BATCH) await describeText(service.url, tools.slice(i, i + BATCH).map((t) => t.name), 'both');
    const both = await memoryMetrics(service.url);
    sizes.sort((a, b) => a - b);
    const plainTokens = countTokens(plainListing(tools, false));
    const ourPathTokens = metaListTokens + countTokens(search.text) + describe.find((d) => d.format === 'typescript')!.tokens;
    return {
      catalog: catalog.label,
      tools: tools.length,
      loadMs,
      serviceStartMs,
      plainTokens,
      plainWithOutputTokens: countTokens(plainListing(tools, true)),
      metaListTokens,
      searchTokens: countTokens(search.text),
      described,
      describe,
      ourPathTokens,
      ratio: Math.round((plainTokens / ourPathTokens) * 10) / 10,
      others,
      everyTool: { maxTextBytes: sizes[sizes.length - 1] ?? 0, p50TextBytes: percentile(sizes, 50), p99TextBytes: percentile(sizes, 99), maxTokens, shortened },
      calls: checkCalls(checks),
      memory: { startRssMb: startMemory.rssMb, rssMb: memory.rssMb, heapUsedMb: memory.heapUsedMb, bothRssMb: both.rssMb, bothHeapUsedMb: both.heapUsedMb },
    };
  } finally {
    await service.stop();
  }
}

function print(f: CatalogFigures): void {
  const n = (x: number) => x.toLocaleString('en-US');
  console.log(`\n== ${f.catalog}: ${n(f.tools)} tools (loaded in ${n(f.loadMs)} ms; service ready in ${n(f.serviceStartMs)} ms)`);
  console.log(`plain listing (tools/list, input schemas): ${n(f.plainTokens)} tokens; with output schemas: ${n(f.plainWithOutputTokens)}`);
  const ts = f.describe.find((d) => d.format === 'typescript')!;
  console.log(`our path: meta-tools ${n(f.metaListTokens)} + search ${n(f.searchTokens)} + describe of 3 ${n(ts.tokens)} = ${n(f.ourPathTokens)} tokens (${f.ratio}x fewer)`);
  console.log(`described: ${f.described.join(', ')}`);
  for (const d of f.describe) console.log(`  describe format ${d.format.padEnd(11)} ${n(d.tokens).padStart(7)} tokens  ${n(d.textBytes).padStart(9)} B text  ${n(d.wireBytes).padStart(9)} B JSON-RPC`);
  for (const o of f.others) console.log(`  ${o.name}: typescript ${n(o.typescriptTokens)}, json-schema ${n(o.jsonSchemaTokens)}, both ${n(o.bothTokens)} tokens`);
  const e = f.everyTool;
  console.log(`every tool alone (typescript): text p50 ${n(e.p50TextBytes)} B, p99 ${n(e.p99TextBytes)} B, max ${n(e.maxTextBytes)} B (${n(e.maxTokens)} tokens); shortened to fit: ${n(e.shortened)}`);
  const c = f.calls;
  console.log(`calls from the TypeScript: required-argument example compiles for ${n(c.compiles)}/${n(c.tools)}; every required argument enforced for ${n(c.requiredEnforced)}/${n(c.tools)} (${n(c.withRequired)} tools, ${n(c.requiredArgs)} required arguments)`);
  for (const failure of c.failures) console.log(`  ${failure.split('\n')[0]}`);
  const m = f.memory;
  console.log(`front process: RSS ${n(m.startRssMb)} MB at start, ${n(m.rssMb)} MB (heap used ${n(m.heapUsedMb)} MB) after describing every tool; ${n(m.bothRssMb)} MB (heap ${n(m.bothHeapUsedMb)} MB) after every tool again in format both`);
}

async function main(): Promise<void> {
  const results: CatalogFigures[] = [];
  for (const catalog of CATALOGS) {
    if (only !== undefined && catalog.label !== only) continue;
    const figures = await measure(catalog);
    results.push(figures);
    if (!asJson) print(figures);
  }
  if (asJson) console.log(JSON.stringify(results));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
