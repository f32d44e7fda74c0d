/**
 * `npm run bench:describe [-- --tools FILE --json]`
 * Converts the demo catalog's input/output schemas and the bundled 3,000 benchmark input schemas to
 * TypeScript with our emitter and with json-schema-to-typescript (format off, and format on for a fair
 * view of its default), and prints per-schema time (mean, p50, p99 in µs), total output characters and
 * how many outputs compile under `tsc --strict`. `--json` prints only the JSON line.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { compile, type JSONSchema } from 'json-schema-to-typescript';
import { createDemoTools } from '../demo/catalog';
import { schemaToTypeScript, toolTypeNames } from '../src/describe';
import { checkSnippets } from '../test/helpers/typescript-check';
import { percentile, round } from './harness';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const toolsFile = opt('tools') ?? resolve(__dirname, '../../load-tests/data/search/tools.json');
const asJson = args.includes('--json');
const WARMUP = 300;
const COMPILE_BATCH = 500;

interface NamedSchema {
  name: string;
  schema: Record<string, unknown>;
}

interface Row {
  dataset: string;
  emitter: string;
  schemas: number;
  /** Size of the JSON Schemas themselves, for scale. */
  schemaChars: number;
  meanUs: number;
  p50Us: number;
  p99Us: number;
  chars: number;
  compiles: number;
  failures: number;
}

type Emit = (item: NamedSchema) => string | Promise<string>;

const demoSchemas = (): NamedSchema[] =>
  createDemoTools().flatMap((tool) => {
    const names = toolTypeNames(tool.name);
    const list: NamedSchema[] = [{ name: names.args, schema: tool.inputSchema }];
    if (tool.outputSchema) list.push({ name: names.result, schema: tool.outputSchema });
    return list;
  });

const benchmarkSchemas = (): NamedSchema[] =>
  (JSON.parse(readFileSync(toolsFile, 'utf8')) as { name: string; inputSchema: Record<string, unknown> }[]).map((t) => ({
    name: toolTypeNames(t.name).args,
    schema: t.inputSchema,
  }));

const EMITTERS: Record<string, Emit> = {
  scriptgate: (item) => schemaToTypeScript(item.schema, item.name),
  // The library may annotate the schema objects it is given, so each call gets its own copy (made
  // outside the timed region, see run()).
  'json-schema-to-typescript': (item) => compile(item.schema as JSONSchema, item.name, { bannerComment: '', format: false }),
  'json-schema-to-typescript (format)': (item) => compile(item.schema as JSONSchema, item.name, { bannerComment: '', format: true }),
};

/** Counts outputs that compile, each in its own module so equal names across schemas do not collide. */
function countCompiling(outputs: readonly (string | undefined)[]): number {
  let ok = 0;
  for (let i = 0; i < outputs.length; i += COMPILE_BATCH) {
    const batch = outputs.slice(i, i + COMPILE_BATCH);
    const diagnostics = checkSnippets(batch.map((o) => o ?? 'type Failed = ;'), { modules: true });
    ok += diagnostics.filter((d, j) => d.length === 0 && batch[j] !== undefined).length;
  }
  return ok;
}

async function run(dataset: string, emitter: string, emit: Emit, items: readonly NamedSchema[]): Promise<Row> {
  const copies = (): NamedSchema[] => items.map((item) => ({ name: item.name, schema: structuredClone(item.schema) }));
  for (const item of copies().slice(0, WARMUP)) await emit(item);
  const times: number[] = [];
  const outputs: (string | undefined)[] = [];
  let failures = 0;
  for (const item of copies()) {
    const started = performance.now();
    try {
      const out = await emit(item);
      times.push(performance.now() - started);
      outputs.push(out);
    } catch {
      times.push(performance.now() - started);
      outputs.push(undefined);
      failures++;
    }
  }
  times.sort((a, b) => a - b);
  const mean = times.reduce((a, b) => a + b, 0) / Math.max(1, times.length);
  return {
    dataset,
    emitter,
    schemas: items.length,
    schemaChars: items.reduce((sum, item) => sum + JSON.stringify(item.schema).length, 0),
    meanUs: round(mean * 1_000, 1),
    p50Us: round(percentile(times, 50) * 1_000, 1),
    p99Us: round(percentile(times, 99) * 1_000, 1),
    chars: outputs.reduce((sum, o) => sum + (o?.length ?? 0), 0),
    compiles: countCompiling(outputs),
    failures,
  };
}

async function main(): Promise<void> {
  const datasets: [string, NamedSchema[]][] = [
    ['demo (input+output)', demoSchemas()],
    ['apigen (3,000 inputs)', benchmarkSchemas()],
  ];
  const rows: Row[] = [];
  for (const [dataset, items] of datasets) {
    for (const [name, emit] of Object.entries(EMITTERS)) rows.push(await run(dataset, name, emit, items));
  }
  if (asJson) {
    console.log(JSON.stringify({ rows }));
    return;
  }
  console.log('| dataset | emitter | schemas | schema JSON chars | mean µs | p50 µs | p99 µs | output chars | compile (strict) | errors |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(`| ${r.dataset} | ${r.emitter} | ${r.schemas} | ${r.schemaChars.toLocaleString('en-US')} | ${r.meanUs} | ${r.p50Us} | ${r.p99Us} | ${r.chars.toLocaleString('en-US')} | ${r.compiles}/${r.schemas} | ${r.failures} |`);
  }
  console.log(JSON.stringify({ rows }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
