import { schemaToTypeScript, toolsDeclaration, type ToolSchemas } from '../../src/describe';
import { expectCompiles, typeCheck } from '../helpers/typescript-check';

type Schema = Record<string, unknown>;

/** A result like a big REST API's: a wide object referencing wide definitions that reference each other, deep inline nesting, long docs and enums. */
function hugeResult(width: number, defs: number): Schema {
  const doc = (i: number) => `Property number ${i}: ${'a long explanation of what it holds, '.repeat(6)}`;
  const enumValues = Array.from({ length: 40 }, (_, i) => `state_${i}`);
  let deep: Schema = { type: 'string' };
  for (let i = 0; i < 20; i++) deep = { type: 'object', description: doc(i), properties: { inner: deep, n: { type: 'integer' } }, required: ['inner'] };
  const definition = (d: number): Schema => ({
    type: 'object',
    description: doc(d),
    required: ['id'],
    properties: Object.fromEntries(
      Array.from({ length: width }, (_, i) => [
        `field_${i}`,
        i === 0 ? { type: 'integer' } : i % 7 === 0 ? { $ref: `#/$defs/def_${(d + 1) % defs}` } : i % 5 === 0 ? { enum: enumValues, description: doc(i) } : { type: ['string', 'null'], description: doc(i) },
      ]).concat([['id', { type: 'integer' }]]),
    ),
  });
  return {
    type: 'object',
    required: ['id', 'owner', 'nested'],
    properties: { id: { type: 'integer' }, owner: { $ref: '#/$defs/def_0' }, nested: deep, alternatives: { oneOf: Array.from({ length: 30 }, (_, i) => ({ $ref: `#/$defs/def_${i % defs}` })) } },
    $defs: Object.fromEntries(Array.from({ length: defs }, (_, d) => [`def_${d}`, definition(d)])),
  };
}

const args: Schema = {
  type: 'object',
  required: ['owner', 'repo', 'body'],
  properties: {
    owner: { type: 'string', description: 'The account owner. '.repeat(10) },
    repo: { type: 'string' },
    body: { type: 'object', required: ['title'], properties: { title: { oneOf: [{ type: 'string' }, { type: 'integer' }] }, labels: { type: 'array', items: { type: 'string' } } } },
    page: { type: 'integer', default: 1 },
  },
};

const tool = (name: string, outputSchema: Schema, inputSchema: Schema = args): ToolSchemas => ({ name, description: `Does ${name}. ${'More words about it. '.repeat(20)}`, inputSchema, outputSchema });

/** Compiles the block with a call that passes the required arguments, and one that leaves one out. */
function expectCallable(block: string, name: string): void {
  const ok = `${block}\nexport async function f(): Promise<void> {\n  await callTool('${name}', { owner: 'o', repo: 'r', body: { title: 'x' } });\n  // @ts-expect-error body is required\n  await callTool('${name}', { owner: 'o', repo: 'r' });\n}`;
  expect(typeCheck([ok])).toEqual([]);
}

describe('the describe budget shortens progressively', () => {
  test('a huge, deep result keeps real argument types, compiles and fits at every budget', () => {
    const output = hugeResult(120, 12);
    for (const budget of [1_500, 3_000, 6_000, 12_000, 40_000]) {
      const block = toolsDeclaration([tool('big:get', output)], { maxChars: budget });
      expect(block.length).toBeLessThanOrEqual(budget);
      expectCallable(block, 'big:get');
      expect(block).not.toMatch(/BigGetArgs = (unknown|Record<string, unknown>);/);
      expect(block).not.toContain('type BigGetResult = unknown;');
    }
  });

  test('JSDoc goes before structure, the result before the arguments, far parts before near ones', () => {
    const output = hugeResult(40, 6);
    const full = toolsDeclaration([tool('big:get', output)], { maxChars: 1_000_000 });
    expect(full).toContain('/** Property number 1');
    expect(full).not.toMatch(/… \d+ more/);
    const budget = Math.floor(full.length / 3);
    const shorter = toolsDeclaration([tool('big:get', output)], { maxChars: budget });
    expect(shorter.length).toBeLessThanOrEqual(budget);
    // Result docs are gone, argument docs (shortened) stay, every argument property is still declared.
    expect(shorter).not.toContain('/** Property number');
    expect(shorter).toMatch(/\/\*\* The account owner\./);
    for (const property of ['owner: string;', 'repo: string;', 'title: string | number;', 'labels?: string[];', 'page?: number;']) expect(shorter).toContain(property);
    expect(shorter).not.toMatch(/… \d+ more properties/);
    // Tighter, properties go too, from the definitions first; the result keeps its own and the arguments all theirs.
    const tighter = toolsDeclaration([tool('big:get', output)], { maxChars: Math.floor(full.length / 8) });
    expect(tighter).toMatch(/interface BigDef\d+ \{[^}]*\/\/ … \d+ more properties/);
    expect(tighter).toMatch(/interface BigGetResult \{\n {2}id: number;\n {2}owner: BigDef0;\n {2}nested: \{/);
    for (const property of ['owner: string;', 'repo: string;', 'title: string | number;', 'labels?: string[];', 'page?: number;']) expect(tighter).toContain(property);
  });

  test('long enums and unions are cut with a … comment that still compiles', () => {
    const output = hugeResult(60, 8);
    const block = toolsDeclaration([tool('big:get', output)], { maxChars: 5_000 });
    expect(block).toMatch(/'state_\d+' \| string \/\* … \d+ more \*\//);
    expect(block).toMatch(/alternatives\?: [^;]*\/\* … \d+ more \*\/;/);
    expectCompiles(`${block}\nexport {};`);
  });

  test('past the shortest plan the text is cut hard, still compiles, and says so', () => {
    const wideArgs: Schema = { type: 'object', required: ['a0'], properties: Object.fromEntries(Array.from({ length: 3_000 }, (_, i) => [`a${i}`, { type: 'string' }])) };
    const block = toolsDeclaration([tool('wide:set', hugeResult(50, 5), wideArgs)], { maxChars: 2_000 });
    expect(block.length).toBeLessThanOrEqual(2_000);
    expect(block.endsWith('// … truncated')).toBe(true);
    expect(block).toContain('a0: string;');
    expectCompiles(`${block}\nexport {};`);
  });

  test('generated huge and deep schemas always compile within their budget', () => {
    const outputs: string[] = [];
    for (const width of [5, 60, 150]) {
      for (const defs of [1, 4, 15]) {
        for (const budget of [600, 2_500, 8_000]) {
          const text = schemaToTypeScript(hugeResult(width, defs), 'Out', { maxChars: budget });
          expect(text.length).toBeLessThanOrEqual(budget);
          outputs.push(text);
          outputs.push(toolsDeclaration([tool('gen:a', hugeResult(width, defs)), tool('gen:b', hugeResult(width + 1, defs))], { maxChars: budget }));
        }
      }
    }
    expect(typeCheck(outputs, { modules: true })).toEqual([]);
  });
});

describe('one block for several tools', () => {
  const shared = (extra: Schema = {}): Schema => ({ $defs: { user: { type: 'object', required: ['login'], properties: { login: { type: 'string' }, id: { type: 'integer' } } } }, ...extra });

  test('a named type used by several tools is declared once, named after the source', () => {
    const list = tool('gh:list', shared({ type: 'array', items: { $ref: '#/$defs/user' } }));
    const get = tool('gh:get', shared({ $ref: '#/$defs/user' }));
    const block = toolsDeclaration([list, get], { maxChars: 6_000, shortenedNote: '// shortened' });
    expect(block.match(/interface GhUser \{/g)).toHaveLength(1);
    expect(block).toContain('type GhListResult = GhUser[];');
    expect(block).toContain('type GhGetResult = GhUser;');
    expect(block).not.toContain('// shortened');
    expectCompiles(`${block}\nexport {};`);
  });

  test('a type shortened for one tool’s result is declared in full once another tool’s arguments need it', () => {
    const props = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`p${i}`, { type: 'string', description: 'x'.repeat(80) }]));
    const defs = { $defs: { item: { type: 'object', required: ['p59'], properties: props } } };
    const reader = tool('shop:read', { type: 'object', properties: { a: { type: 'object', properties: { b: { type: 'object', properties: { item: { $ref: '#/$defs/item' } } } } } }, ...defs });
    const writer = tool('shop:write', { type: 'object' }, { type: 'object', required: ['item'], properties: { item: { $ref: '#/$defs/item' } }, ...defs });
    const block = toolsDeclaration([reader, writer], { maxChars: 2_500, shortenedNote: '// shortened' });
    expect(block.match(/ShopItem (=|\{)/g)).toHaveLength(1);
    expect(block).toContain('p59: string;');
    const call = `${block}\nexport async function f(): Promise<void> {\n  // @ts-expect-error p59 is required\n  await callTool('shop:write', { item: { p0: 'x' } });\n}`;
    expect(typeCheck([call])).toEqual([]);
  });
});
