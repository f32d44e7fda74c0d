/**
 * The type check as a part of the service: levels and their lowering, a type that would keep the
 * compiler busy forever, scripts that run when the check cannot answer, and the request field on REST.
 */
import { ExecuteBody } from '../../src/gateway';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

/** Checking this takes the compiler minutes: a union of ten thousand tuples of up to 9,999 elements. */
const SLOW_TYPE = [
  'type D = 0|1|2|3|4|5|6|7|8|9;',
  'type N4 = `${D}${D}${D}${D}`;',
  'type Tup<N extends number, A extends unknown[] = []> = A["length"] extends N ? A : Tup<N, [...A, unknown]>;',
  'type Each<K extends string> = K extends `${infer A extends number}` ? Tup<A> : never;',
  'const x: Each<N4> = [] as any;',
  "const page = await callTool('users:list', { limit: 1 });",
  'return [x.length, page.items.length];',
].join('\n');

const BUGGY = "const page = await callTool('users:list', { limit: 2 });\nreturn page.data;";

describe('a type the compiler cannot finish', () => {
  let g: TestGateway;
  beforeAll(async () => {
    // The default budget: enough for the check queued behind it on a busy machine (it waits up to twice this).
    g = await startTestGateway();
  }, 60_000);
  afterAll(() => g.close());

  test('costs its own script the check, not the run; a script checked after it gets its verdict', async () => {
    const slow = g.run(SLOW_TYPE);
    const buggy = g.run(BUGGY);
    const [s, b] = await Promise.all([slow, buggy]);
    expect({ status: s.status, result: s.result }).toEqual({ status: 'ok', result: [0, 1] });
    expect(s.warnings).toEqual(['type check skipped: the type check took longer than 2000 ms']);
    // Queued behind it, then checked by a fresh compiler process.
    expect({ status: b.status, code: b.error?.code, warnings: b.warnings }).toEqual({ status: 'type_error', code: 'TYPE_ERROR', warnings: [] });
    // The verdict is kept: the same script is not given the compiler again.
    const again = await g.run(SLOW_TYPE);
    expect(again.warnings).toEqual(['type check skipped: the type check took longer than 2000 ms']);
    expect(again.stats.durationMs).toBeLessThan(2_000);
    expect((await g.run("return (await callTool('users:list', { limit: 3 })).items.length")).result).toBe(3);
  }, 30_000);
});

describe('levels', () => {
  let warn: TestGateway;
  let off: TestGateway;
  beforeAll(async () => {
    [warn, off] = await Promise.all([startTestGateway({ gate: { typecheck: 'warn' } }), startTestGateway({ gate: { typecheck: 'off' } })]);
  }, 60_000);
  afterAll(() => Promise.all([warn.close(), off.close()]));

  test('a request cannot raise the level: block asked of a warn server warns', async () => {
    const r = await warn.run(BUGGY, { typecheck: 'block' });
    expect(r.status).toBe('ok');
    expect(r.warnings).toEqual([expect.stringMatching(/^type check \(TS2339, line 2, column 12\): Property 'data' does not exist on type 'UsersListResult'\. Did you mean 'items'\?/)]);
  });

  test('off: no check, no finding, whatever the request asks', async () => {
    for (const typecheck of [undefined, 'warn', 'block'] as const) {
      const r = await off.run(BUGGY, typecheck ? { typecheck } : {});
      expect({ status: r.status, warnings: r.warnings }).toEqual({ status: 'ok', warnings: [] });
    }
  });

  test('a tool whose source has not loaded is not called unknown', async () => {
    const g = await startTestGateway({ sources: { startupBudgetMs: 100, mcp: [{ name: 'later', transport: 'http', url: 'http://127.0.0.1:1/mcp' }] } });
    try {
      const r = await g.run("try { await callTool('later:thing', {}); } catch (e) { return e.code; }");
      expect({ status: r.status, result: r.result }).toEqual({ status: 'ok', result: 'TOOL_NOT_FOUND' });
      expect(r.warnings).toEqual([]);
    } finally {
      await g.close();
    }
  }, 30_000);
});

test('the request field takes off, warn and block only', () => {
  expect(ExecuteBody.safeParse({ script: 'return 1', typecheck: 'warn' }).success).toBe(true);
  const bad = ExecuteBody.safeParse({ script: 'return 1', typecheck: 'strict' });
  expect(bad.success).toBe(false);
});
