import { compileUncached, locateFailure, scriptPosition } from '../../../src/gate';
import { explainRuntimeError, type ValueShape } from '../../../src/gate/explain';

const LIMITS = { scriptBytes: 100 * 1024, scriptLines: 5000, lineLength: 4000, nestingDepth: 64 };

/** The shape the sandbox records for a users:list page. */
const USER: ValueShape = { kind: 'object', keys: ['id', 'email', 'firstName'] };
const PAGE: ValueShape = {
  kind: 'object',
  keys: ['items', 'total', 'nextOffset'],
  fields: { items: { kind: 'array', length: 2, element: USER }, total: { kind: 'number' }, nextOffset: { kind: 'null' } },
};
const SHAPES = { 'users:list': PAGE };

/** Explains `message` thrown at the first occurrence of `marker` in `source`. */
const explain = (source: string, marker: string, message: string, shapes: Record<string, ValueShape> = SHAPES): string | undefined =>
  explainRuntimeError({ source, offset: source.indexOf(marker), message, shapes });

describe('explaining a TypeError on a tool result', () => {
  test.each([
    ['a field the result does not have', "const page = await callTool('users:list', {});\nreturn page.data.map((u) => u.id);", '.map', "Cannot read properties of undefined (reading 'map')", /page\.data is undefined: users:list returned \{ items, total, nextOffset \}\. The list is items/],
    ['a misspelled field gets the closest one (V8 points at the property)', "const page = await callTool('users:list', {});\nreturn page.itmes.length;", 'length', "Cannot read properties of undefined (reading 'length')", /Use items\./],
    ['through destructuring', "const { data } = await callTool('users:list', {});\nreturn data.length;", '.length', "Cannot read properties of undefined (reading 'length')", /data is undefined: users:list returned/],
    ['an element in a for-of loop', "const page = await callTool('users:list', {});\nfor (const u of page.items) u.profile.name;", '.name', "Cannot read properties of undefined (reading 'name')", /u\.profile is undefined: in the users:list result, items\[i\] has \{ id, email, firstName \}/],
    ['an element in a map callback, in an optional chain (V8 points at the dot)', "const page = await callTool('users:list', {});\nreturn page.items.map((u) => u?.profile.name);", '.name', "Cannot read properties of undefined (reading 'name')", /items\[i\] has/],
    ['TypeScript casts in between', "const page = (await callTool('users:list', {})) as Page;\nreturn page!.data.length;", '.length', "Cannot read properties of undefined (reading 'length')", /users:list returned/],
    ['a page used as an array', "const page = await callTool('users:list', {});\nreturn page.reduce((a) => a, 0);", 'reduce', 'page.reduce is not a function', /page is not an array: users:list returned .*; the list is page\.items/],
    ['a page iterated', "const page = await callTool('users:list', {});\nfor (const u of page) {}", 'page)', 'page is not iterable', /the list is page\.items/],
    ['a forgotten await', "const page = callTool('users:list', {});\nreturn page.items.length;", '.length', "Cannot read properties of undefined (reading 'length')", /await callTool\('users:list'/],
    ['a map of callTool without Promise.all', "const users = ['a', 'b'].map((id) => callTool('users:get', { id }));\nreturn users.map((u) => u.email.toLowerCase());", 'toLowerCase', "Cannot read properties of undefined (reading 'toLowerCase')", /await Promise\.all\(list\.map/],
    ['an element of such a map', "const first = ['a'].map((id) => { return callTool('users:get', { id }); })[0].user.email;", 'email', "Cannot read properties of undefined (reading 'email')", /one per item/],
    ['Promise.all without await', "const all = Promise.all([callTool('users:get', {})]);\nreturn all.map((u) => u.id);", 'map', 'all.map is not a function', /await Promise\.all/],
  ])('%s', (_label, source, marker, message, expected) => {
    expect(explain(source, marker, message)).toMatch(expected);
  });

  test('a value that did not come from a tool is not explained', () => {
    expect(explain('const o = {};\nreturn o.a.b;', '.b', "Cannot read properties of undefined (reading 'b')")).toBeUndefined();
  });

  test('a tool whose result was never seen says so without inventing fields', () => {
    expect(explain("const r = await callTool('x:y', {});\nreturn r.a.b;", '.b', "Cannot read properties of undefined (reading 'b')", {})).toMatch(/x:y did not return that field/);
  });
});

describe('positions of run-time failures', () => {
  const compiled = (source: string) => {
    const r = compileUncached(source, LIMITS);
    if (!r.ok) throw new Error(JSON.stringify(r.violations));
    return r.script;
  };
  /** Where V8 would report `marker` in the compiled code (1-based line and column). */
  const v8Position = (code: string, marker: string): [number, number] => {
    const at = code.indexOf(marker);
    const before = code.slice(0, at).split('\n');
    return [before.length, before[before.length - 1]!.length + 1];
  };

  test.each([
    ['after guards inserted on the same line', 'const f = (x) => x.y.z; for (const a of [1]) { f(a); }', 'x.y.z'],
    ['in TypeScript after blanked types', 'const f = (x: { y?: { z: number } }): number => x.y!.z;\nreturn f({});', 'x.y'],
    ['after a literal rewritten for SES', 'const s = "a --> b"; const t = s.q.r;', 's.q.r'],
  ])('%s', (_label, source, marker) => {
    const script = compiled(source);
    const [line, column] = v8Position(script.code, marker);
    const offset = source.indexOf(marker);
    const before = source.slice(0, offset).split('\n');
    expect(scriptPosition(script, source, line, column)).toEqual({ line: before.length, column: before[before.length - 1]!.length });
  });

  test('a failure the executor reports with a forged location outside the script gets none', () => {
    const source = 'return 1;';
    const script = compiled(source);
    for (const location of [[1, 1], [99, 1], [2, 1e6], ['2', 1], [2], -1]) {
      const located = locateFailure({ code: 'RUNTIME_ERROR', message: 'TypeError: x', details: { name: 'TypeError', location } }, script, source);
      expect(located.details).not.toHaveProperty('location');
      if (located.line !== undefined) expect(located.line).toBe(1);
    }
  });

  test('a thrown string and an unserialisable result are placed at the only statement that can have done it', () => {
    const thrown = "const n = 2;\nif (n > 1) throw 'too many';\nreturn n;";
    expect(locateFailure({ code: 'RUNTIME_ERROR', message: 'Uncaught "too many"', details: { name: 'string' } }, compiled(thrown), thrown)).toMatchObject({ line: 2, column: 11 });
    const twoThrows = "if (Date.now() > 0) throw 'a';\nthrow 'b';";
    expect(locateFailure({ code: 'RUNTIME_ERROR', message: 'Uncaught "a"', details: { name: 'string' } }, compiled(twoThrows), twoThrows).line).toBeUndefined();
    const cyclic = 'const a = {};\na.self = a;\nconst f = () => { return 1; };\nreturn a;';
    expect(locateFailure({ code: 'RESULT_NOT_SERIALIZABLE', message: 'the result cannot be turned into JSON' }, compiled(cyclic), cyclic)).toMatchObject({ line: 4, column: 0 });
  });

  test('JSON.parse of a tool result says the result is parsed already', () => {
    const source = "return JSON.parse(await callTool('users:get', {}));";
    const located = locateFailure({ code: 'RUNTIME_ERROR', message: 'SyntaxError: "[object Object]" is not valid JSON', details: { name: 'SyntaxError' } }, compiled(source), source);
    expect(located.message).toMatch(/use it directly instead of JSON\.parse/);
  });

  test('a tool failure is placed at the call that names the tool', () => {
    const source = "const a = 1;\nconst r = await callTool('users:lst', {});";
    const located = locateFailure({ code: 'TOOL_NOT_FOUND', message: "unknown tool 'users:lst'", details: { tool: 'users:lst' } }, compiled(source), source);
    expect(located).toMatchObject({ line: 2, column: 16 });
  });
});
