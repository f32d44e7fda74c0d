import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'acorn';
import { createDemoTools } from '../../demo/catalog';
import { schemaToTypeScript, toolDeclaration, usageExamples, type ToolSchemas } from '../../src/describe';
import { typeCheck } from '../helpers/typescript-check';

// Tests run from dist/test/unit; the data lives in the source tree.
const BENCHMARK_TOOLS = resolve(__dirname, '../../../load-tests/data/search/tools.json');

const parses = (snippet: string): boolean => {
  try {
    parse(snippet, { ecmaVersion: 'latest', sourceType: 'module', allowAwaitOutsideFunction: true });
    return true;
  } catch {
    return false;
  }
};

/** Declares every tool, type-checks them (one module per tool, one program per batch) and parses every example. */
function describeAll(tools: readonly ToolSchemas[]): { declarations: string[]; badExamples: string[]; errors: string[] } {
  const declarations = tools.map((t) => toolDeclaration(t));
  const badExamples = tools.flatMap((t) => usageExamples(t).filter((e) => !parses(e)));
  const errors: string[] = [];
  for (let i = 0; i < declarations.length; i += 1_000) errors.push(...typeCheck(declarations.slice(i, i + 1_000), { modules: true }));
  return { declarations, badExamples, errors };
}

/** Seeded generator of tangled schemas: refs to everything (including missing and external targets), mixed keywords. */
function randomSchemas(seed: number, count: number): unknown[] {
  let state = seed;
  const rnd = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const keys = ['a', 'b', 'x-y', '0', '__proto__', 'constructor', "q'", 'Node'];
  const refs = ['#', '#/$defs/A', '#/$defs/Node', '#/$defs/Array', '#/$defs/c~1d', '#/definitions/A', '#/properties/a', '#/properties/a/items', '#/$defs/missing', 'http://x/y', '#/anyOf/0'];
  const leaves: unknown[] = [true, false, {}, { type: 'string' }, { type: 'integer', minimum: 1 }, { enum: ['a', 1, null, "x'y"] }];
  const gen = (depth: number): unknown => {
    if (depth > 4 || rnd() < 0.15) return rnd() < 0.3 ? { $ref: pick(refs) } : pick(leaves);
    const s: Record<string, unknown> = {};
    const r = rnd();
    if (r < 0.2) s.type = 'object';
    else if (r < 0.3) s.type = 'array';
    else if (r < 0.4) s.type = [pick(['string', 'null', 'object', 'array']), pick(['null', 'boolean', 'object'])];
    else if (r < 0.5) s.$ref = pick(refs);
    else if (r < 0.55) s.const = pick(['x', 1, null, { a: 1 }]);
    if (rnd() < 0.4) s.properties = Object.fromEntries(Array.from({ length: Math.floor(rnd() * 4) }, () => [pick(keys), gen(depth + 1)]));
    if (rnd() < 0.3) s.required = [pick(keys), pick(keys)];
    if (rnd() < 0.3) s.items = rnd() < 0.7 ? gen(depth + 1) : [gen(depth + 1), gen(depth + 1)];
    for (const k of ['anyOf', 'oneOf', 'allOf']) if (rnd() < 0.15) s[k] = [gen(depth + 1), gen(depth + 1)];
    if (rnd() < 0.2) s.additionalProperties = gen(depth + 1);
    if (rnd() < 0.1) s.nullable = true;
    if (rnd() < 0.2) s.description = pick(['ends */ early', 'multi\nline', 'ok']);
    if (depth === 0 && rnd() < 0.7) s.$defs = Object.fromEntries(['A', 'Node', 'Array', 'c/d'].map((k) => [k, gen(2)]));
    if (depth === 0 && rnd() < 0.3) s.definitions = { A: gen(2) };
    return s;
  };
  return Array.from({ length: count }, () => gen(0));
}

describe('describe over real catalogs', () => {
  test('every demo tool declares, compiles and has parsing examples', () => {
    const tools = createDemoTools();
    expect(tools.length).toBeGreaterThan(100);
    const { declarations, badExamples, errors } = describeAll(tools);
    expect(errors).toEqual([]);
    expect(badExamples).toEqual([]);
    // Demo tools all declare outputs, so every result type is concrete.
    expect(declarations.filter((d) => /Result = unknown;/.test(d))).toEqual([]);
    for (const tool of tools) expect(usageExamples(tool).length).toBeGreaterThanOrEqual(2);
  });

  test('the 3,000 benchmark tools declare, compile and have parsing examples', () => {
    const tools = JSON.parse(readFileSync(BENCHMARK_TOOLS, 'utf8')) as ToolSchemas[];
    expect(tools).toHaveLength(3_000);
    const started = performance.now();
    for (const tool of tools) toolDeclaration(tool);
    const perToolMs = (performance.now() - started) / tools.length;
    expect(perToolMs).toBeLessThan(1);
    const { errors, badExamples } = describeAll(tools);
    expect(errors).toEqual([]);
    expect(badExamples).toEqual([]);
  });

  test('generated tangled schemas always give compiling declarations and parsing examples', () => {
    const schemas = randomSchemas(20240131, 300);
    const outputs = schemas.flatMap((schema, i) => [
      schemaToTypeScript(schema, 'T'),
      schemaToTypeScript(schema, 'T', { maxChars: 400 + i * 7, maxDepth: i % 4 }),
      toolDeclaration({ name: `t:x${i}`, description: 'd', inputSchema: schema as Record<string, unknown>, outputSchema: schemas[(i + 1) % schemas.length] as Record<string, unknown> }),
    ]);
    expect(typeCheck(outputs, { modules: true })).toEqual([]);
    const bad = schemas.flatMap((schema) => usageExamples({ name: 't:x', inputSchema: schema as Record<string, unknown>, outputSchema: schema as Record<string, unknown> }).filter((e) => !parses(e)));
    expect(bad).toEqual([]);
  });
});
