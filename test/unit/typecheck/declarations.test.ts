import { anyForUnknown, lowerLevel, toolDeclarations } from '../../../src/typecheck';
import { compilerSuggestion, missingPropertyAdvice, possiblyEmptyAdvice } from '../../../src/typecheck/advice';

describe('anyForUnknown', () => {
  test('turns unknown types into any, and leaves comments, strings and property keys alone', () => {
    const text = [
      '/** unknown things */',
      "interface A { unknown?: string; 'unknown': number; \"unknown\": boolean; kind: 'unknown' | 'known'; x: unknown; y: unknown[]; z: Record<string, unknown>; [key: string]: unknown }",
      '// unknown',
      'type R = unknown;',
      'type UnknownThing = { myunknown: unknownish };',
    ].join('\n');
    expect(anyForUnknown(text)).toBe(
      [
        '/** unknown things */',
        "interface A { unknown?: string; 'unknown': number; \"unknown\": boolean; kind: 'unknown' | 'known'; x: any; y: any[]; z: Record<string, any>; [key: string]: any }",
        '// unknown',
        'type R = any;',
        'type UnknownThing = { myunknown: unknownish };',
      ].join('\n'),
    );
  });
});

describe('toolDeclarations', () => {
  const tool = {
    name: 'users:get',
    description: 'Gets a user.',
    inputSchema: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
  };

  test('an entry per tool in the ScriptgateTools map, any for a tool without an output schema, aliases pointing at it', () => {
    const text = toolDeclarations([{ written: 'users:get', tool }, { written: 'users__get', tool }]);
    expect(text).toContain('interface ScriptgateTools { "users:get": [UsersGetArgs, UsersGetResult] }');
    expect(text).toContain('type UsersGetResult = any;');
    expect(text).toContain('interface ScriptgateTools { "users__get": ScriptgateTools["users:get"] }');
    expect(text).not.toContain('declare function');
    expect(text).not.toContain('/**');
  });

  test('an object that allows more properties is open to the checker (an extra argument the tool accepts is no error)', () => {
    const open = { name: 'bench:echo', description: 'Echo.', inputSchema: { type: 'object', properties: { i: { type: 'integer' } }, additionalProperties: true } };
    const closed = { name: 'bench:strict', description: 'Strict.', inputSchema: { type: 'object', properties: { i: { type: 'integer' } }, additionalProperties: false } };
    const text = toolDeclarations([{ written: 'bench:echo', tool: open }, { written: 'bench:strict', tool: closed }]);
    expect(text).toMatch(/interface BenchEchoArgs \{\s*i\?: number;\s*\[key: string\]: any;\s*\}/);
    expect(text).toMatch(/interface BenchStrictArgs \{\s*i\?: number;\s*\}/);
  });
});

describe('advice', () => {
  test("the compiler's own suggestion is taken as it is", () => {
    expect(compilerSuggestion("Property 'emial' does not exist on type 'U'. Did you mean 'email'?")).toBe('email');
    expect(compilerSuggestion("Object literal may only specify known properties, but 'staus' does not exist in type 'A'. Did you mean to write 'status'?")).toBe('status');
    expect(compilerSuggestion("Type 'string' is not assignable to type 'number'.")).toBeUndefined();
  });

  test('a collection word names the one collection field; an array method on a page names its field', () => {
    expect(missingPropertyAdvice("Property 'data' does not exist on type 'Page'.", ['items', 'total', 'nextOffset'])).toEqual({
      message: "Property 'data' does not exist on type 'Page'. Did you mean 'items'? 'Page' has 'items', 'total', 'nextOffset'.",
      suggestion: 'items',
    });
    expect(missingPropertyAdvice("Property 'map' does not exist on type 'Page'.", ['items', 'total']).suggestion).toBe('items.map');
    // Two collections: no guess, the fields are listed.
    expect(missingPropertyAdvice("Property 'data' does not exist on type 'T'.", ['items', 'results'])).toEqual({ message: "Property 'data' does not exist on type 'T'. 'T' has 'items', 'results'." });
  });

  test('a close spelling is suggested; a Promise is a missing await', () => {
    expect(missingPropertyAdvice("Property 'fullname' does not exist on type 'U'.", ['fullName', 'id']).suggestion).toBe('fullName');
    expect(missingPropertyAdvice("Property 'items' does not exist on type 'Promise<Page>'.", undefined)).toEqual({
      message: "Property 'items' does not exist on type 'Promise<Page>'. Did you forget to use 'await'? callTool returns a Promise: (await callTool(…)).items.",
      suggestion: 'await',
    });
  });

  test('a nullable field read without a check: only a field chain, with the optional read to write', () => {
    expect(possiblyEmptyAdvice("'t.assigneeId' is possibly 'null'.")).toEqual({
      message: "'t.assigneeId' is possibly 'null'. The tool may leave it out: check it first, or read it as t.assigneeId?.… or t.assigneeId ?? a default.",
      suggestion: 't.assigneeId?.',
    });
    expect(possiblyEmptyAdvice("'u' is possibly 'undefined'.")).toBeUndefined();
    expect(possiblyEmptyAdvice("Object is possibly 'undefined'.")).toBeUndefined();
  });
});

test('a request lowers the level, never raises it', () => {
  expect(lowerLevel('block', 'warn')).toBe('warn');
  expect(lowerLevel('block', 'off')).toBe('off');
  expect(lowerLevel('warn', 'block')).toBe('warn');
  expect(lowerLevel('off', 'block')).toBe('off');
});
