import { parse } from 'acorn';
import { usageExamples, type ExampleTool } from '../../src/describe';

/** Every example must be a script the gateway would accept: module code with top-level await. */
function examples(tool: ExampleTool, max?: number): string[] {
  const out = usageExamples(tool, max);
  for (const snippet of out) expect(() => parse(snippet, { ecmaVersion: 'latest', sourceType: 'module', allowAwaitOutsideFunction: true })).not.toThrow();
  return out;
}

const object = (properties: Record<string, unknown>, required: string[] = []): Record<string, unknown> => ({ type: 'object', properties, required });

/** The argument object of the first (required-only) example when every property is required. */
function sampleOf(schema: unknown, name = 'value'): string {
  const [first] = examples({ name: 't:x', inputSchema: object({ [name]: schema }, [name]) });
  const match = /^const r = await callTool\('t:x', \{ (?:\w+|'[^']*'): ([\s\S]*) \}\);$/.exec(first ?? '');
  if (!match) throw new Error(`unexpected example: ${first}`);
  return match[1]!;
}

describe('usageExamples', () => {
  const listTool: ExampleTool = {
    name: 'users:list',
    inputSchema: object({ team: { type: 'string' }, limit: { type: 'integer', minimum: 1, maximum: 100 }, status: { enum: ['active', 'suspended'] } }, ['team']),
    outputSchema: object({
      total: { type: 'integer' },
      users: { type: 'array', items: object({ profile: object({}), id: { type: 'string' }, email: { type: 'string' } }) },
    }),
  };

  test('required-only call, all-arguments call and a result-usage example', () => {
    expect(examples(listTool)).toEqual([
      "const r = await callTool('users:list', { team: 'text' });",
      "const r = await callTool('users:list', { team: 'text', limit: 10, status: 'active' });",
      "const r = await callTool('users:list', { team: 'text' });\nfor (const user of r.users) console.log(user.id);",
    ]);
  });

  test('a tool without input gives an empty argument object and no second example', () => {
    expect(examples({ name: 'x:y', inputSchema: { type: 'object', properties: {} } })).toEqual(["const r = await callTool('x:y', {});"]);
    expect(examples({ name: 'x:y', inputSchema: {} })).toEqual(["const r = await callTool('x:y', {});"]);
  });

  test('the result example logs the first scalar when there is no array, reads a top-level array, or is left out', () => {
    const base = { name: 'a:b', inputSchema: {} };
    expect(examples({ ...base, outputSchema: object({ nested: object({}), total: { type: 'integer' } }) })[1]).toBe("const r = await callTool('a:b', {});\nconsole.log(r.total);");
    expect(examples({ ...base, outputSchema: object({ 'odd-key': { type: ['string', 'null'] } }) })[1]).toBe("const r = await callTool('a:b', {});\nconsole.log(r['odd-key']);");
    expect(examples({ ...base, outputSchema: { type: 'array', items: object({ name: { type: 'string' } }) } })[1]).toBe(
      "const r = await callTool('a:b', {});\nfor (const item of r) console.log(item.name);",
    );
    expect(examples({ ...base, outputSchema: object({ cases: { type: 'array', items: { type: 'string' } } }) })[1]).toBe(
      "const r = await callTool('a:b', {});\nfor (const item of r.cases) console.log(item);",
    );
    expect(examples({ ...base, outputSchema: object({ entries: { type: 'array', items: { $ref: '#/$defs/E' } } }, []) })[1]).toContain('for (const entry of r.entries) console.log(entry);');
    expect(examples({ ...base, outputSchema: object({ from: object({ site: { type: 'string' } }) }) })[1]).toBe("const r = await callTool('a:b', {});\nconsole.log(r.from.site);");
    expect(examples({ ...base, outputSchema: {} })).toHaveLength(1);
  });

  test('declared values win: examples, example, default, const, enum', () => {
    expect(sampleOf({ type: 'string', examples: ['ex'], example: 'no', default: 'no' })).toBe("'ex'");
    expect(sampleOf({ type: 'string', example: 'one', default: 'no' })).toBe("'one'");
    expect(sampleOf({ type: 'integer', default: 25, minimum: 1 })).toBe('25');
    expect(sampleOf({ const: 'fixed' })).toBe("'fixed'");
    expect(sampleOf({ type: 'string', enum: ["it's", 'b'] })).toBe("'it\\'s'");
    expect(sampleOf({ type: 'object', default: { a: [1, 'x'], 'b-c': null } })).toBe("{ a: [1, 'x'], 'b-c': null }");
  });

  test('sample values by format', () => {
    expect(sampleOf({ type: 'string', format: 'email' })).toBe("'user@example.com'");
    expect(sampleOf({ type: 'string', format: 'date' })).toBe("'2024-01-31'");
    expect(sampleOf({ type: 'string', format: 'date-time' })).toBe("'2024-01-31T12:00:00Z'");
    expect(sampleOf({ type: 'string', format: 'uri' })).toBe("'https://example.com'");
    expect(sampleOf({ type: 'string', format: 'url' })).toBe("'https://example.com'");
    expect(sampleOf({ type: 'string', format: 'uuid' })).toMatch(/^'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'$/);
    expect(sampleOf({ type: 'string', format: 'ipv4' })).toBe("'192.0.2.1'");
  });

  test('sample values by property name', () => {
    expect(sampleOf({ type: 'string' }, 'id')).toBe("'id_123'");
    expect(sampleOf({ type: 'string' }, 'user_id')).toBe("'user_123'");
    expect(sampleOf({ type: 'string' }, 'orderId')).toBe("'order_123'");
    expect(sampleOf({ type: 'integer' }, 'userId')).toBe('1');
    expect(sampleOf({ type: 'string' }, 'email')).toBe("'user@example.com'");
    expect(sampleOf({ type: 'string' }, 'name')).toBe("'Example'");
    expect(sampleOf({ type: 'integer' }, 'limit')).toBe('10');
    expect(sampleOf({ type: 'integer' }, 'count')).toBe('10');
    expect(sampleOf({ type: 'integer' }, 'page')).toBe('1');
    expect(sampleOf({ type: 'string' }, 'query')).toBe("'example'");
    expect(sampleOf({ type: 'string' }, 'q')).toBe("'example'");
    expect(sampleOf({}, 'limit')).toBe("10");
  });

  test('sample values by type, within bounds', () => {
    expect(sampleOf({ type: 'string' })).toBe("'text'");
    expect(sampleOf({ type: 'string', minLength: 6 })).toBe("'textxx'");
    expect(sampleOf({ type: 'string', maxLength: 2 })).toBe("'te'");
    expect(sampleOf({ type: 'number' })).toBe('1');
    expect(sampleOf({ type: 'integer', minimum: 5 })).toBe('5');
    expect(sampleOf({ type: 'integer', maximum: -3 })).toBe('-3');
    expect(sampleOf({ type: 'integer', exclusiveMinimum: 7 })).toBe('8');
    expect(sampleOf({ type: 'integer', minimum: 1, maximum: 5 }, 'limit')).toBe('5');
    expect(sampleOf({ type: 'number', minimum: 0.25, maximum: 0.75 })).toBe('0.75');
    expect(sampleOf({ type: 'boolean' })).toBe('true');
    expect(sampleOf({ type: ['null', 'string'] })).toBe("'text'");
    expect(sampleOf({ type: 'array', items: { type: 'string', format: 'email' } })).toBe("['user@example.com']");
    expect(sampleOf({ type: 'array' })).toBe('[]');
    expect(sampleOf({ type: 'array', prefixItems: [{ type: 'number' }, { type: 'boolean' }] })).toBe('[1, true]');
    expect(sampleOf(object({ city: { type: 'string' }, zip: { type: 'string' }, note: { type: 'string' } }, ['city', 'zip']))).toBe("{ city: 'Berlin', zip: 'text' }");
    expect(sampleOf({ anyOf: [{ type: 'null' }, { type: 'integer', minimum: 3 }] })).toBe('3');
    expect(sampleOf({ allOf: [object({ a: { type: 'boolean' } }, ['a']), object({ b: { type: 'number' } }, ['b'])] })).toBe('{ a: true, b: 1 }');
  });

  test('$refs are followed, and recursion ends in an empty value', () => {
    const inputSchema = {
      type: 'object',
      properties: { root: { $ref: '#/$defs/Node' }, tags: { $ref: '#/definitions/Tags' } },
      required: ['root', 'tags'],
      $defs: { Node: object({ label: { type: 'string' }, parent: { $ref: '#/$defs/Node' }, kids: { type: 'array', items: { $ref: '#/$defs/Node' } } }, ['label', 'parent', 'kids']) },
      definitions: { Tags: { type: 'array', items: { type: 'string' } } },
    };
    expect(examples({ name: 'tree:put', inputSchema })[0]).toBe(
      "const r = await callTool('tree:put', { root: { label: 'text', parent: {}, kids: [{}] }, tags: ['text'] });",
    );
    const loop = { $ref: '#/$defs/A', $defs: { A: { $ref: '#/$defs/B' }, B: { $ref: '#/$defs/A' } } };
    expect(examples({ name: 'x:loop', inputSchema: object({ a: loop }, ['a']) })).toHaveLength(1);
  });

  test('an object whose alternatives say what it requires is sampled from the first alternative', () => {
    const either = {
      type: 'object',
      oneOf: [object({ digests: { type: 'array', items: { type: 'string' } } }, ['digests']), object({ ids: { type: 'array', items: { type: 'integer' } } }, ['ids'])],
    };
    expect(sampleOf(either)).toBe("{ digests: ['text'] }");
    // Alternatives that only name required properties take them from the object itself.
    expect(sampleOf({ ...object({ state: { enum: ['open', 'closed'] }, note: { type: 'string' } }), anyOf: [{ required: ['state'] }, { required: ['note'] }] })).toBe("{ state: 'open' }");
  });

  test('keys and names that need quoting, long argument lists go multi-line', () => {
    const inputSchema = object({ 'x-api-key': { type: 'string' }, ['__proto__']: { type: 'string' } }, ['x-api-key', '__proto__']);
    expect(examples({ name: "odd:'tool'", inputSchema })[0]).toBe("const r = await callTool('odd:\\'tool\\'', { 'x-api-key': 'text', ['__proto__']: 'text' });");
    const wide = object(Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`field${i}`, { type: 'string' }])));
    const [, all] = examples({ name: 'w:w', inputSchema: wide });
    expect(all?.split('\n')).toHaveLength(14);
  });

  test('max limits the count to at most 3', () => {
    expect(examples(listTool, 1)).toHaveLength(1);
    expect(examples(listTool, 0)).toEqual([]);
    expect(examples(listTool, 10)).toHaveLength(3);
  });

  test('deterministic, never throws, bounded on hostile input', () => {
    expect(usageExamples(listTool)).toEqual(usageExamples(JSON.parse(JSON.stringify(listTool)) as ExampleTool));
    const cyclic: Record<string, unknown> = { type: 'object', properties: {} };
    (cyclic.properties as Record<string, unknown>).self = cyclic;
    cyclic.required = ['self'];
    const many = object(Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`p${i}`, { type: 'string' }])), Array.from({ length: 10_000 }, (_, i) => `p${i}`));
    const trap = new Proxy({}, { get: () => { throw new Error('boom'); } });
    for (const inputSchema of [cyclic, many, trap as Record<string, unknown>, { type: 'object', properties: { d: { default: 'x'.repeat(100_000) } } }]) {
      const out = examples({ name: 'h:h', inputSchema, outputSchema: inputSchema });
      expect(out.length).toBeGreaterThan(0);
      for (const snippet of out) expect(snippet.length).toBeLessThan(5_000);
    }
  });
});
