import { schemaToTypeScript, toolDeclaration, toolTypeNames, type TypeScriptOptions } from '../../src/describe';
import { expectCompiles, typeCheck } from '../helpers/typescript-check';

/** Emits and type-checks in one go: no declaration in this file escapes the compiler. */
function ts(schema: unknown, name = 'T', options?: TypeScriptOptions): string {
  const out = schemaToTypeScript(schema, name, options);
  expectCompiles(out);
  return out;
}

function tool(name: string, inputSchema: Record<string, unknown>, outputSchema?: Record<string, unknown>, description = 'Does a thing.'): string {
  const out = toolDeclaration(outputSchema === undefined ? { name, description, inputSchema } : { name, description, inputSchema, outputSchema });
  expectCompiles(out);
  return out;
}

describe('schemaToTypeScript: objects', () => {
  test('required properties are plain, the rest optional', () => {
    expect(ts({ type: 'object', properties: { a: { type: 'string' }, b: { type: 'integer' } }, required: ['a'] }, 'Foo')).toBe(
      'interface Foo {\n  a: string;\n  b?: number;\n}',
    );
  });

  test('nested objects are inlined with two-space indentation', () => {
    const out = ts({
      type: 'object',
      properties: { owner: { type: 'object', properties: { name: { type: 'string' }, tags: { type: 'array', items: { type: 'string' } } }, required: ['name'] } },
      required: ['owner'],
    });
    expect(out).toBe('interface T {\n  owner: {\n    name: string;\n    tags?: string[];\n  };\n}');
  });

  test('additionalProperties: absent/true on an empty object is a record, false is a closed empty object', () => {
    expect(ts({ type: 'object' })).toBe('type T = Record<string, unknown>;');
    expect(ts({ type: 'object', properties: {}, additionalProperties: true })).toBe('type T = Record<string, unknown>;');
    expect(ts({ type: 'object', properties: {}, additionalProperties: false })).toBe('type T = Record<string, never>;');
  });

  test('an additionalProperties schema becomes an index signature every property fits', () => {
    expect(ts({ type: 'object', additionalProperties: { type: 'number' } })).toBe('interface T {\n  [key: string]: number;\n}');
    const out = ts({ type: 'object', properties: { id: { type: 'string' }, n: { type: 'integer' } }, required: ['id'], additionalProperties: { type: 'boolean' } });
    expect(out).toContain('[key: string]: boolean | string | number | undefined;');
    expect(ts({ type: 'object', properties: { a: { type: 'string' } }, additionalProperties: true })).not.toContain('[key');
  });

  test('patternProperties are treated like an index signature', () => {
    expect(ts({ type: 'object', patternProperties: { '^x-': { type: 'string' }, '^n-': { type: 'number' } } })).toBe(
      'interface T {\n  [key: string]: string | number;\n}',
    );
  });

  test('keys that are not identifiers are quoted with JSON escaping', () => {
    const keys = ['a-b', '1st', 'with space', 'quo"te', "apo'strophe", 'back\\slash', 'ключ', 'line\u2028sep', '', '$ok', '_ok2'];
    const out = ts({ type: 'object', properties: Object.fromEntries(keys.map((k) => [k, { type: 'string' }])), required: keys });
    for (const line of ['"a-b": string;', '"1st": string;', '"with space": string;', '"quo\\"te": string;', `"apo'strophe": string;`, '"back\\\\slash": string;', '"ключ": string;', '"line\\u2028sep": string;', '"": string;', '$ok: string;', '_ok2: string;']) {
      expect(out).toContain(line);
    }
  });

  test('__proto__ and constructor from JSON are ordinary properties', () => {
    const schema = JSON.parse('{"type":"object","properties":{"__proto__":{"type":"string"},"constructor":{"type":"number"}},"required":["__proto__"]}') as unknown;
    expect(ts(schema)).toBe('interface T {\n  __proto__: string;\n  constructor?: number;\n}');
  });
});

describe('schemaToTypeScript: scalars, arrays and combinators', () => {
  test('primitive types, integer as number, type arrays and nullable', () => {
    expect(ts({ type: 'string' })).toBe('type T = string;');
    expect(ts({ type: 'integer' })).toBe('type T = number;');
    expect(ts({ type: 'null' })).toBe('type T = null;');
    expect(ts({ type: ['string', 'null'] })).toBe('type T = string | null;');
    expect(ts({ type: 'string', nullable: true })).toBe('type T = string | null;');
    expect(ts({ anyOf: [{ type: 'number' }, { type: 'null' }] })).toBe('type T = number | null;');
    expect(ts({ type: ['object', 'null'], properties: { a: { type: 'boolean' } } })).toBe('type T = {\n  a?: boolean;\n} | null;');
  });

  test('arrays, unions inside arrays get parentheses', () => {
    expect(ts({ type: 'array', items: { type: 'string' } })).toBe('type T = string[];');
    expect(ts({ type: 'array' })).toBe('type T = unknown[];');
    expect(ts({ type: 'array', items: { type: ['string', 'number'] } })).toBe('type T = (string | number)[];');
    expect(ts({ type: 'array', items: { type: 'array', items: { enum: ['a', 'b'] } } })).toBe("type T = ('a' | 'b')[][];");
  });

  test('tuples: prefixItems, draft-4 items arrays, minItems and rest', () => {
    expect(ts({ type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }], items: false, minItems: 2 })).toBe('type T = [string, number];');
    expect(ts({ type: 'array', prefixItems: [{ type: 'string' }, { type: ['number', 'null'] }], minItems: 1 })).toBe('type T = [string, (number | null)?, ...unknown[]];');
    expect(ts({ type: 'array', items: [{ type: 'string' }], additionalItems: { type: 'boolean' } })).toBe('type T = [string?, ...boolean[]];');
    expect(ts({ type: 'array', items: [{ type: 'string' }], additionalItems: false })).toBe('type T = [string?];');
    expect(ts({ type: 'array', items: false })).toBe('type T = [];');
  });

  test('enum and const are escaped literal unions', () => {
    expect(ts({ enum: ['a', "it's", 'back\\slash', 'new\nline', 'q"uote', 1, -2.5, true, null] })).toBe(
      "type T = 'a' | 'it\\'s' | 'back\\\\slash' | 'new\\nline' | 'q\"uote' | 1 | -2.5 | true | null;",
    );
    expect(ts({ const: 'fixed' })).toBe("type T = 'fixed';");
    expect(ts({ const: { a: 1 } })).toBe('type T = Record<string, unknown>;');
    expect(ts({ enum: [] })).toBe('type T = never;');
    expect(ts({ enum: ['a', 'a', 'b'] })).toBe("type T = 'a' | 'b';");
  });

  test('anyOf/oneOf are unions, allOf intersections, with precedence kept', () => {
    expect(ts({ oneOf: [{ type: 'string' }, { type: 'number' }] })).toBe('type T = string | number;');
    const both = ts({
      allOf: [
        { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] },
        { anyOf: [{ type: 'object', properties: { b: { type: 'number' } } }, { type: 'object', properties: { c: { type: 'number' } } }] },
      ],
    });
    expect(both).toBe('type T = {\n  a: string;\n} & ({\n  b?: number;\n} | {\n  c?: number;\n});');
    // Constraint-only members (no type information) drop out instead of widening to unknown.
    expect(ts({ type: 'object', properties: { a: { type: 'string' } }, oneOf: [{ required: ['a'] }, { required: ['b'] }] })).toContain('interface T');
  });

  test('true, {} and garbage are unknown; false is never', () => {
    for (const schema of [true, {}, undefined, null, 'string', 42, [], { type: 'frobnicate' }, { type: 42 }]) expect(ts(schema)).toBe('type T = unknown;');
    expect(ts(false)).toBe('type T = never;');
    expect(ts({ type: 'object', properties: [], required: 'a' })).toBe('type T = Record<string, unknown>;');
  });
});

describe('schemaToTypeScript: documentation', () => {
  test('descriptions become single-line JSDoc with hints, and */ cannot close the comment', () => {
    const out = ts({
      type: 'object',
      properties: {
        limit: { type: 'integer', description: 'Page size.', default: 10, minimum: 1, maximum: 100 },
        when: { type: 'string', description: 'Start\n  of the   window.', format: 'date-time' },
        code: { type: 'string', minLength: 2, maxLength: 2, pattern: '^[A-Z]{2}$' },
        evil: { type: 'string', description: 'ends the comment */ type X = 1; /*' },
        old: { type: 'string', description: 'Use name instead.', deprecated: true },
      },
    });
    expect(out).toContain('  /** Page size (default 10, 1..100). */\n  limit?: number;');
    expect(out).toContain('/** Start of the window (format: date-time). */');
    expect(out).toContain('/** length 2..2, pattern: ^[A-Z]{2}$ */');
    expect(out).toContain('/** ends the comment *\\/ type X = 1; /* */');
    expect(out).toContain('/** @deprecated Use name instead. */');
  });

  test('long descriptions are cut to docMaxChars; docMaxChars 0 drops docs', () => {
    const long = 'word '.repeat(500);
    const out = ts({ type: 'object', properties: { a: { type: 'string', description: long } } }, 'T', { docMaxChars: 50 });
    const doc = /\/\*\* (.*) \*\//.exec(out)?.[1] ?? '';
    expect(doc.length).toBeLessThanOrEqual(50);
    expect(doc.endsWith('…')).toBe(true);
    expect(ts({ type: 'object', description: 'x', properties: { a: { type: 'string', description: 'y' } } }, 'T', { docMaxChars: 0 })).not.toContain('/**');
  });

  test('the root description documents the declaration', () => {
    expect(ts({ type: 'string', description: 'An ISO date.' }, 'Day')).toBe('/** An ISO date. */\ntype Day = string;');
  });
});

describe('schemaToTypeScript: $ref', () => {
  test('$defs and definitions targets are declared once, named after the definition', () => {
    const out = ts({
      type: 'object',
      properties: { home: { $ref: '#/$defs/address' }, work: { $ref: '#/$defs/address' }, owner: { $ref: '#/definitions/Person' } },
      $defs: { address: { type: 'object', description: 'A postal address.', properties: { city: { type: 'string' } }, required: ['city'] } },
      definitions: { Person: { type: 'object', properties: { name: { type: 'string' } } } },
    }, 'Contact');
    expect(out).toBe(
      [
        'interface Contact {',
        '  home?: ContactAddress;',
        '  work?: ContactAddress;',
        '  owner?: ContactPerson;',
        '}',
        '/** A postal address. */',
        'interface ContactAddress {',
        '  city: string;',
        '}',
        'interface ContactPerson {',
        '  name?: string;',
        '}',
      ].join('\n'),
    );
  });

  test('other local pointers, escaped segments and the root itself', () => {
    const out = ts({
      type: 'object',
      properties: {
        list: { type: 'array', items: { type: 'integer' } },
        first: { $ref: '#/properties/list/items' },
        slashed: { $ref: '#/$defs/a~1b' },
        parent: { $ref: '#' },
      },
      $defs: { 'a/b': { type: 'boolean' } },
    }, 'Doc');
    expect(out).toContain('first?: DocListItems;');
    expect(out).toContain('type DocListItems = number;');
    expect(out).toContain('slashed?: DocAB;');
    expect(out).toContain('parent?: Doc;');
  });

  test('a recursive tree node terminates', () => {
    const out = ts({
      $ref: '#/$defs/Node',
      $defs: { Node: { type: 'object', properties: { value: { type: 'number' }, children: { type: 'array', items: { $ref: '#/$defs/Node' } } }, required: ['value'] } },
    }, 'Tree');
    expect(out).toBe('type Tree = TreeNode;\ninterface TreeNode {\n  value: number;\n  children?: TreeNode[];\n}');
  });

  test('mutually recursive definitions terminate and reference each other', () => {
    const out = ts({
      type: 'object',
      properties: { root: { $ref: '#/$defs/Folder' } },
      $defs: {
        Folder: { type: 'object', properties: { files: { type: 'array', items: { $ref: '#/$defs/File' } } } },
        File: { type: 'object', properties: { parent: { $ref: '#/$defs/Folder' }, alias: { anyOf: [{ $ref: '#/$defs/File' }, { type: 'null' }] } } },
      },
    }, 'Fs');
    expect(out).toContain('interface FsFolder {\n  files?: FsFile[];\n}');
    expect(out).toContain('interface FsFile {\n  parent?: FsFolder;\n  alias?: FsFile | null;\n}');
  });

  test('aliases that would reference themselves directly degrade to unknown instead of failing to compile', () => {
    ts({ $ref: '#' });
    ts({ allOf: [{ $ref: '#' }], type: 'object', properties: { a: { type: 'string' } } });
    const mutual = ts({ $ref: '#/$defs/A', $defs: { A: { anyOf: [{ $ref: '#/$defs/B' }, { type: 'string' }] }, B: { oneOf: [{ $ref: '#/$defs/A' }, { type: 'number' }] } } });
    expect(mutual).toContain('recursive $ref');
    // Through an array the reference is deferred, which TypeScript accepts.
    expect(ts({ $defs: { J: { anyOf: [{ type: 'string' }, { type: 'array', items: { $ref: '#/$defs/J' } }] } }, $ref: '#/$defs/J' })).toContain('type TJ = string | TJ[];');
  });

  test('definitions named like lib globals do not collide with them', () => {
    const defs = Object.fromEntries(['Node', 'Array', 'Record', 'Date', 'string', 'Promise', 'Element'].map((n) => [n, { type: 'object', properties: { v: { type: 'string' } } }]));
    ts({ type: 'object', properties: Object.fromEntries(Object.keys(defs).map((n) => [n, { $ref: `#/$defs/${n}` }])), $defs: defs }, 'Node');
    ts({ type: 'string' }, 'string');
  });

  test('external and unresolvable references are unknown with a note', () => {
    const out = ts({
      type: 'object',
      properties: { a: { $ref: 'http://example.com/schema.json#/x' }, b: { $ref: '#/$defs/missing' }, c: { $ref: '#anchor' }, d: { $ref: '#/properties/%zz' } },
    });
    expect(out).toContain('/** unresolved $ref http://example.com/schema.json#/x */\n  a?: unknown;');
    expect(out).toContain('b?: unknown;');
    expect(out).toContain('c?: unknown;');
    expect(out).toContain('d?: unknown;');
  });
});

describe('toolDeclaration', () => {
  test('args, result and a callTool overload', () => {
    const out = tool(
      'users:list',
      { type: 'object', properties: { limit: { type: 'integer', description: 'Page size.', default: 10, minimum: 1, maximum: 100 } } },
      { type: 'object', properties: { total: { type: 'integer' } }, required: ['total'] },
      'List users, newest first.',
    );
    expect(out).toBe(
      [
        '/** List users, newest first. */',
        'interface UsersListArgs {',
        '  /** Page size (default 10, 1..100). */',
        '  limit?: number;',
        '}',
        'interface UsersListResult {',
        '  total: number;',
        '}',
        "declare function callTool(name: 'users:list', args: UsersListArgs): Promise<UsersListResult>;",
      ].join('\n'),
    );
  });

  test('no input and no output schema', () => {
    expect(tool('x:y', { type: 'object', properties: {} })).toBe(
      "/** Does a thing. */\ntype XYArgs = Record<string, unknown>;\ntype XYResult = unknown;\ndeclare function callTool(name: 'x:y', args: XYArgs): Promise<XYResult>;",
    );
    expect(tool('x:y', {})).toContain('type XYArgs = Record<string, unknown>;');
    expect(tool('x:y', { type: 'object', properties: {}, additionalProperties: false })).toContain('type XYArgs = Record<string, never>;');
  });

  test('input and output that define the same $defs share one declaration, named after the source', () => {
    const defs = { $defs: { Item: { type: 'object', properties: { id: { type: 'string' } } } } };
    const out = tool('shop:sync', { type: 'object', properties: { item: { $ref: '#/$defs/Item' } }, ...defs }, { $ref: '#/$defs/Item', ...defs });
    expect(out.match(/interface ShopItem \{/g)).toHaveLength(1);
    expect(out).toContain('item?: ShopItem;');
    expect(out).toContain('type ShopSyncResult = ShopItem;');
  });

  test('definitions with the same name but different content get different names', () => {
    const item = (type: string) => ({ $defs: { Item: { type: 'object', properties: { id: { type } } } } });
    const out = tool('shop:sync', { type: 'object', properties: { item: { $ref: '#/$defs/Item' } }, ...item('string') }, { $ref: '#/$defs/Item', ...item('number') });
    expect(out).toContain('interface ShopItem {\n  id?: string;\n}');
    expect(out).toContain('interface ShopItem2 {\n  id?: number;\n}');
  });

  test('type names are PascalCase identifiers', () => {
    expect(toolTypeNames('users:list')).toEqual({ args: 'UsersListArgs', result: 'UsersListResult' });
    expect(toolTypeNames('crm:getUserById')).toEqual({ args: 'CrmGetUserByIdArgs', result: 'CrmGetUserByIdResult' });
    expect(toolTypeNames('a.b_c-d').args).toBe('ABCDArgs');
    expect(toolTypeNames('1password:get-item').args).toBe('_1passwordGetItemArgs');
    expect(toolTypeNames('').args).toBe('ToolArgs');
    tool("odd:'name'\\", { type: 'object', properties: { a: { type: 'string' } } });
  });
});

describe('hostile schemas never throw and stay bounded', () => {
  const bounded = (schema: unknown, options?: TypeScriptOptions): string => {
    const out = ts(schema, 'T', options);
    expect(out.length).toBeLessThanOrEqual(options?.maxChars ?? 20_000);
    return out;
  };

  test('plain-object cycles', () => {
    const a: Record<string, unknown> = { type: 'object', properties: {} };
    (a.properties as Record<string, unknown>).self = a;
    (a.properties as Record<string, unknown>).list = { type: 'array', items: a };
    const b: Record<string, unknown> = { anyOf: [] };
    (b.anyOf as unknown[]).push(b, { type: 'string' });
    bounded(a);
    bounded(b);
    bounded({ type: 'object', properties: { x: b } });
  });

  test('a wide DAG that would explode if expanded naively', () => {
    let node: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 30; i++) node = { type: 'object', properties: Object.fromEntries(Array.from({ length: 10 }, (_, k) => [`p${k}`, node])) };
    const started = Date.now();
    bounded(node);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  test('a huge enum shows 50 members and falls back to the widened type', () => {
    const out = bounded({ enum: [...Array.from({ length: 10_000 }, (_, i) => `v${i}`), 7] });
    expect(out).toContain("'v49' | string | number /* … 9951 more */;");
    expect(out).not.toContain("'v50'");
  });

  test('10k result properties are shortened to the first ones and an index signature', () => {
    const props = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`property_${i}`, { type: 'string', description: `The ${i}th property.` }]));
    const out = bounded({ type: 'object', properties: props, required: Object.keys(props) });
    expect(out).toMatch(/\/\/ … \d+ more properties/);
    expect(out).toContain('[key: string]: unknown;');
    expect(out).toContain('property_0: string;');
    expect(out).not.toContain('// … truncated');
  });

  test('depth 100 nesting stops at maxDepth', () => {
    let node: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 100; i++) node = { type: 'object', properties: { next: node } };
    const out = bounded(node);
    expect(out.split('next?:').length - 1).toBe(13);
    expect(out).toContain('nested deeper than 12 levels');
    expect(bounded(node, { maxDepth: 2 }).split('next?:').length - 1).toBe(3);
    let arrays: unknown = { type: 'string' };
    for (let i = 0; i < 100; i++) arrays = i % 2 ? { type: 'array', items: arrays } : { anyOf: [arrays, { type: 'null' }] };
    bounded(arrays);
  });

  test('maxChars shortens step by step: docs first, then properties and named types, and cuts only at the end', () => {
    const defs = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`D${i}`, { type: 'object', properties: { a: { type: 'string', description: 'x'.repeat(150) }, b: { type: 'number' } } }]));
    const schema = { type: 'object', properties: Object.fromEntries(Object.keys(defs).map((d) => [d.toLowerCase(), { $ref: `#/$defs/${d}` }])), $defs: defs };
    expect(ts(schema).length).toBeGreaterThan(4_000);
    // Docs go first: every definition is still declared in full.
    const noDocs = bounded(schema, { maxChars: 4_000 });
    expect(noDocs).not.toContain('/**');
    expect(noDocs.match(/interface TD\d+ \{\n {2}a\?: string;\n {2}b\?: number;\n\}/g)).toHaveLength(40);
    // Then properties past the first ones, and the named types only they used.
    const fewer = bounded(schema, { maxChars: 1_500 });
    expect(fewer).toMatch(/\/\/ … \d+ more properties/);
    expect(fewer).toContain('type TD0 = Record<string, unknown>;');
    expect(fewer).not.toContain('// … truncated');
    // Past the shortest plan the text is cut at a declaration boundary, and says so.
    const cut = bounded(schema, { maxChars: 600 });
    expect(cut.endsWith('// … truncated')).toBe(true);
    expect(cut).toMatch(/type TD\d+ = unknown;/);
  });

  test('huge strings: long keys, long literals, long descriptions', () => {
    const big = 'k'.repeat(100_000);
    const out = bounded({ type: 'object', properties: { [big]: { type: 'string' }, ok: { type: 'string', description: big }, lit: { const: big } } });
    expect(out).not.toContain(big);
    expect(out).toContain('lit?: string;');
    expect(out).toContain('[key: string]: unknown;');
  });

  test('throwing getters and proxies', () => {
    const trap = new Proxy({}, { get: () => { throw new Error('boom'); }, ownKeys: () => { throw new Error('boom'); } });
    expect(schemaToTypeScript(trap, 'T')).toBe('type T = unknown;');
    expect(toolDeclaration({ name: 'a:b', description: 'x', inputSchema: trap as Record<string, unknown> })).toContain("declare function callTool(name: 'a:b'");
    expectCompiles(toolDeclaration({ name: 'a:b', description: 'x', inputSchema: trap as Record<string, unknown> }));
  });

  test('deterministic', () => {
    const schema = { type: 'object', properties: { a: { $ref: '#/$defs/X' }, b: { enum: ['x', 'y'] } }, $defs: { X: { type: 'array', items: { $ref: '#/$defs/X' } } } };
    expect(schemaToTypeScript(schema, 'T')).toBe(schemaToTypeScript(JSON.parse(JSON.stringify(schema)), 'T'));
  });

  test('batches compile as separate modules even when names repeat', () => {
    expect(typeCheck([schemaToTypeScript({ type: 'string' }, 'Same'), schemaToTypeScript({ type: 'number' }, 'Same')], { modules: true })).toEqual([]);
  });
});
