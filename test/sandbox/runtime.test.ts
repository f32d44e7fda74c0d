import { startTestGateway, type TestGateway } from '../helpers/gateway';

let g: TestGateway;
beforeAll(async () => {
  g = await startTestGateway();
});
afterAll(() => g.close());

describe('the sandbox environment (DESIGN §3)', () => {
  test('the seed example: users named me* who logged in within 10 days, top 10', async () => {
    const r = await g.run(`
      const tenDaysAgo = Date.now() - 10 * 24 * 3600 * 1000;
      const matches = [];
      for (let offset = 0; ; offset += 500) {
        const page = await callTool('users:list', { limit: 500, offset });
        for (const u of page.items) {
          if (u.firstName.toLowerCase().startsWith('me') && new Date(u.lastLogin).getTime() >= tenDaysAgo) matches.push(u);
        }
        if (offset + 500 >= page.total) break;
      }
      matches.sort((a, b) => b.lastLogin.localeCompare(a.lastLogin));
      return matches.slice(0, 10).map(u => ({ id: u.id, name: u.firstName + ' ' + u.lastName, lastLogin: u.lastLogin }));
    `);
    expect(r.status).toBe('ok');
    const rows = r.result as { id: string; name: string; lastLogin: string }[];
    expect(rows).toHaveLength(10);
    for (const row of rows) {
      expect(row.name.toLowerCase().startsWith('me')).toBe(true);
      expect(Date.now() - Date.parse(row.lastLogin)).toBeLessThanOrEqual(10 * 24 * 3600 * 1000);
    }
    const sorted = [...rows].sort((a, b) => b.lastLogin.localeCompare(a.lastLogin));
    expect(rows).toEqual(sorted);
    expect(r.stats.toolCalls).toBe(2);
  });

  test('Date.now(), new Date() and Math.random() work', async () => {
    const before = Date.now();
    const r = await g.run('const n = Date.now(); const d = new Date(); const x = Math.random(); return { n, iso: d.toISOString(), x, ok: x >= 0 && x < 1 }');
    const result = r.result as { n: number; iso: string; ok: boolean };
    expect(r.status).toBe('ok');
    expect(result.n).toBeGreaterThanOrEqual(before);
    expect(Date.parse(result.iso)).toBeGreaterThanOrEqual(before);
    expect(result.ok).toBe(true);
  });

  test('console.* is captured into logs with its level', async () => {
    const r = await g.run('console.log("a", 1, { b: 2 }); console.info("i"); console.warn("w"); console.error(new TypeError("e")); console.debug(undefined); return null');
    expect(r.logs).toEqual([
      { level: 'log', message: 'a 1 {"b":2}' },
      { level: 'info', message: 'i' },
      { level: 'warn', message: 'w' },
      { level: 'error', message: 'TypeError: e' },
      { level: 'debug', message: 'undefined' },
    ]);
    expect(r.result).toBeNull();
  });

  test('progress(fraction, message?) reports to the caller, clamped, outside the tool-call budget', async () => {
    const seen: [number, string | undefined][] = [];
    const r = await g.gateway.execute({
      script: "for (let i = 1; i <= 5; i++) progress(i / 4, 'step ' + i); progress(-3); await callTool('users:get', { id: 'u_0001' }); return 'done';",
      limits: { toolCalls: 1 },
      onProgress: (fraction, message) => seen.push([fraction, message]),
    });
    expect(r).toMatchObject({ status: 'ok', result: 'done' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen).toEqual([[0.25, 'step 1'], [0.5, 'step 2'], [0.75, 'step 3'], [1, 'step 4'], [1, 'step 5'], [0, undefined]]);
  });

  test('progress refuses what is not a number, and a flood is dropped past its cap without failing the script', async () => {
    expect(await g.run("try { progress('half') } catch (e) { return e.name + ': ' + e.message }")).toMatchObject({ result: expect.stringContaining('TypeError: progress(fraction, message?)') });
    expect(await g.run('try { progress(0.5, 42) } catch (e) { return e.name }')).toMatchObject({ result: 'TypeError' });
    let reports = 0;
    // Reports travel on the tool channel in order, so a tool call after them arrives after all of them.
    const flood = await g.gateway.execute({ script: "for (let i = 0; i < 5000; i++) progress(i / 5000); await callTool('users:get', { id: 'u_0001' }); return 1", onProgress: () => reports++ });
    expect(flood.status).toBe('ok');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(reports).toBe(1000);
  });

  test('context is the caller object, frozen', async () => {
    const r = await g.run('let threw = false; try { context.tenant = "x" } catch (e) { threw = e instanceof TypeError } return { tenant: context.tenant, nested: context.deep.a, threw, frozen: Object.isFrozen(context.deep) }', {
      context: { tenant: 'acme', deep: { a: 1 } },
    });
    expect(r.result).toEqual({ tenant: 'acme', nested: 1, threw: true, frozen: true });
  });

  test('absent capabilities are really absent', async () => {
    const r = await g.run('return [typeof ArrayBuffer, typeof SharedArrayBuffer, typeof Atomics, typeof WebAssembly, typeof Uint8Array, typeof TextEncoder, typeof setTimeout, typeof fetch, typeof Compartment]');
    expect(r.result).toEqual(Array(9).fill('undefined'));
  });

  test('a tool failure throws a ToolError with code and tool', async () => {
    const r = await g.run('try { await callTool("test:fail") } catch (e) { return [e.name, e.code, e.tool, e instanceof ToolError, e instanceof Error] }');
    expect(r.result).toEqual(['ToolError', 'BROKEN', 'test:fail', true, true]);
  });

  test('an uncaught tool failure ends the script with tool_error', async () => {
    const r = await g.run('await callTool("test:fail")');
    expect(r.status).toBe('tool_error');
    expect(r.error).toMatchObject({ code: 'TOOL_ERROR', tool: 'test:fail', toolCode: 'BROKEN' });
    expect(r.error?.message).toContain('failed on purpose');
  });

  test('throwOnError: false returns { ok, data } / { ok: false, error }', async () => {
    const r = await g.run('return [await callTool("test:echo", { a: 1 }, { throwOnError: false }), await callTool("test:fail", {}, { throwOnError: false })]');
    expect(r.result).toEqual([
      { ok: true, data: { echo: { a: 1 } } },
      { ok: false, error: { code: 'BROKEN', message: 'the test tool failed on purpose', tool: 'test:fail' } },
    ]);
  });

  // With the type check off: these are the run-time checks behind it (typecheck-scripts.test.ts has its verdicts).
  test('arguments are validated against inputSchema with a JSON pointer', async () => {
    const r = await g.run('await callTool("users:list", { limit: "ten" })', { typecheck: 'off' });
    expect(r.status).toBe('tool_error');
    expect(r.error?.code).toBe('TOOL_VALIDATION');
    expect(r.error?.message).toContain('/limit');
    const extra = await g.run('await callTool("users:list", { bogus: 1 })', { typecheck: 'off' });
    expect(extra.error?.message).toContain('/bogus');
  });

  test('unknown tools fail with TOOL_NOT_FOUND', async () => {
    const r = await g.run('await callTool("nope:nothing", {})', { typecheck: 'off' });
    expect(r).toMatchObject({ status: 'tool_error', error: { code: 'TOOL_NOT_FOUND' } });
  });

  test('bad callTool arguments are TypeErrors the script can catch', async () => {
    const r = await g.run('const out = []; for (const args of [[1], ["test:echo", 5], ["test:echo", { f() {} }]]) { try { await callTool(...args); out.push("ok") } catch (e) { out.push(e.name) } } return out');
    expect(r.result).toEqual(['TypeError', 'TypeError', 'ok']);
  });

  test('thrown non-Errors and Error subclasses keep their name and message', async () => {
    const cases: [string, string][] = [
      ['throw new RangeError("r")', 'RangeError: r'],
      ['class NotFound extends Error {}; throw new NotFound("gone")', 'NotFound: gone'],
      ['class Named extends Error { constructor(m) { super(m); this.name = "Custom" } }; throw new Named("n")', 'Custom: n'],
      ['throw "plain string"', 'Uncaught "plain string"'],
      ['throw { reason: 1 }', 'Uncaught {"reason":1}'],
      ['null.x', "TypeError: Cannot read properties of null (reading 'x')"],
    ];
    for (const [script, message] of cases) {
      const r = await g.run(script);
      expect(r.status).toBe('runtime_error');
      expect(r.error?.code).toBe('RUNTIME_ERROR');
      expect(r.error?.message).toBe(message);
    }
  });

  test('results must be JSON data', async () => {
    expect((await g.run('return 10n')).error?.code).toBe('RESULT_NOT_SERIALIZABLE');
    expect((await g.run('const a = {}; a.self = a; return a')).error?.code).toBe('RESULT_NOT_SERIALIZABLE');
    const none = await g.run('const x = 1');
    expect(none.status).toBe('ok');
    expect('result' in none).toBe(false);
  });

  test('tool calls that were not awaited still finish before the result returns', async () => {
    const before = g.calls.filter((c) => c === 'test:sleep').length;
    const r = await g.run('callTool("test:sleep", { ms: 50 }); callTool("test:sleep", { ms: 80 }); return "done"');
    expect(r.status).toBe('ok');
    expect(r.stats.durationMs).toBeGreaterThanOrEqual(75);
    expect(g.calls.filter((c) => c === 'test:sleep').length - before).toBe(2);
    expect(r.warnings).toEqual(['2 tool call(s) were not awaited (test:sleep); the result waited for them to finish']);
  });

  test('a result JSON would turn into {} warns; one JSON cannot hold says how to convert it', async () => {
    const map = await g.run("return { byPlan: new Map([['pro', 2]]) };");
    expect(map).toMatchObject({ status: 'ok', result: { byPlan: {} } });
    expect(map.warnings).toEqual([expect.stringContaining("the result's field 'byPlan' is a Map, which JSON shows as {}: return Object.fromEntries(map)")]);
    const big = await g.run('return { total: 10n };');
    expect(big).toMatchObject({ status: 'runtime_error', error: { code: 'RESULT_NOT_SERIALIZABLE', message: expect.stringContaining('String(x)') } });
  });

  test('logs show NaN, Infinity and BigInt as they are', async () => {
    const r = await g.run('console.log(NaN, { avg: 0 / 0, big: 2n ** 70n, inf: -Infinity });\nreturn 1;');
    expect(r.logs).toEqual([{ level: 'log', message: 'NaN {"avg":"NaN","big":"1180591620717411303424n","inf":"-Infinity"}' }]);
  });

  test('Set methods (union, intersection…) work on every Node the service runs on', async () => {
    const r = await g.run(
      'const a = new Set([1, 2, 3]), b = new Set([2, 3, 4]);\n' +
        'return [[...a.union(b)], [...a.intersection(b)], [...a.difference(b)], [...a.symmetricDifference(b)], a.isSubsetOf(new Set([1, 2, 3, 4])), a.isSupersetOf(new Set([1])), a.isDisjointFrom(new Set([9])), [...a.intersection(new Map([[3, "x"]]))]];',
    );
    expect(r).toMatchObject({ status: 'ok', result: [[1, 2, 3, 4], [2, 3], [1], [1, 4], true, true, true, [3]] });
  });

  test('un-awaited tool calls that failed are named in the warning', async () => {
    const r = await g.run('for (const n of [1, 2]) callTool("test:fail", {});\ncallTool("test:echo", {});\nreturn "queued"');
    expect(r).toMatchObject({ status: 'ok', result: 'queued' });
    expect(r.warnings).toEqual([expect.stringMatching(/^3 tool call\(s\) were not awaited \(test:fail, test:echo\); .*, and 2 of them failed \(test:fail: BROKEN: .*\)\. Await them, e\.g\. with Promise\.all/)]);
  });

  test('an un-awaited rejected promise does not disturb the thread', async () => {
    const r = await g.run('Promise.reject(new Error("ignored")); callTool("test:fail"); return 1');
    expect(r.status).toBe('ok');
    expect((await g.run('return 2')).result).toBe(2);
  });

  test('Promise.all over tool calls works', async () => {
    const r = await g.run('const ids = Array.from({ length: 20 }, (_, i) => i); const out = await Promise.all(ids.map(i => callTool("test:echo", { i }))); return out.map(o => o.echo.i)');
    expect(r.result).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(r.stats.toolCalls).toBe(20);
  });

  test('per-request limits above the preset are capped with a warning', async () => {
    const r = await g.run('return 1', { timeoutMs: 10_000_000 });
    expect(r.status).toBe('ok');
    expect(r.warnings).toEqual(['timeoutMs 10000000 was capped to 30000 by the preset']);
  });
});
