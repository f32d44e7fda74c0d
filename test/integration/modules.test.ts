import { resolve } from 'node:path';
import { httpRequest, postJson } from '../helpers/http';
import { startServerProcess, type ServerProcess } from '../helpers/server-process';

// Tool modules are ES modules loaded with import(); jest's module sandbox cannot do that without an
// experimental flag, so these tests run the real service as a process, as users do.
const FIXTURES = resolve(__dirname, '..', '..', '..', 'test', 'fixtures');
const modules = (dir: string): NodeJS.ProcessEnv => ({ SCRIPTGATE_SOURCES_MODULES: JSON.stringify([{ dir: resolve(FIXTURES, dir) }]) });

describe('local tool modules', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServerProcess(modules('tools'));
  });
  afterAll(() => server.stop());

  const execute = async (script: string, extra: Record<string, unknown> = {}) =>
    (await postJson(`${server.url}/v1/execute`, { script, ...extra })).body as { status: string; result?: unknown; error?: { code: string; message: string } };

  test('tools made with defineTool are registered, namespaced by file; non-tools are ignored', async () => {
    const ready = (await httpRequest(`${server.url}/ready`)).body as { tools: number };
    expect(ready.tools).toBe(157 + 5);
    const r = await execute("return (await callTool('warehouse-ext:countPallets', { warehouse: 'north' })).pallets");
    expect(r).toMatchObject({ status: 'ok', result: 50 });
  });

  test('a CommonJS module is loaded too, and its ToolFailure code reaches the script', async () => {
    expect((await execute("return (await callTool('ledger:balance', { account: 'a1' })).cents")).result).toBe(1200);
    const failed = await execute("try { await callTool('ledger:balance', { account: 'closed' }) } catch (e) { return [e.name, e.code, e.data] }");
    expect(failed.result).toEqual(['ToolError', 'ACCOUNT_CLOSED', { account: 'closed' }]);
  });

  test('a script calls a module tool; the handler gets the tenant, context, signal and deadline', async () => {
    const r = await execute("return await callTool('weather:forecast', { city: 'Oslo' })", { context: { userId: 'u1' } });
    expect(r).toMatchObject({ status: 'ok', result: { city: 'Oslo', tempC: 21, tenant: 'default', context: { userId: 'u1' }, hasSignal: true, deadlineAhead: true } });
  });

  test('aliases work in scripts and in invoke', async () => {
    expect((await execute("return (await callTool('weather__forecast', { city: 'Rome' })).city")).result).toBe('Rome');
    const invoked = await postJson(`${server.url}/v1/invoke`, { name: 'warehouse-ext__countPallets', input: { warehouse: 'south' } });
    expect(invoked.body).toEqual({ status: 'ok', result: { warehouse: 'south', pallets: 50 } });
  });

  test('arguments are validated against the module tool schema', async () => {
    // With the type check off: it would refuse the script first (the tool requires city).
    const r = await execute("await callTool('weather:forecast', {})", { typecheck: 'off' });
    expect(r).toMatchObject({ status: 'tool_error', error: { code: 'TOOL_VALIDATION' } });
    expect(r.error?.message).toContain('/city');
  });

  test('a module tool that waits sees its abort signal fire at the script deadline', async () => {
    expect((await execute("await callTool('weather:waitForAbort', {})", { timeoutMs: 300 })).status).toBe('timeout');
    await new Promise((resolveWait) => setTimeout(resolveWait, 50));
    const seen = await postJson(`${server.url}/v1/invoke`, { name: 'weather:abortsSeen', input: {} });
    expect(seen.body).toMatchObject({ status: 'ok', result: { count: 1 } });
  });
});

describe('broken module directories', () => {
  test.each([
    ['a module that throws on import', 'tools-broken', /tools-broken[/\\]bad\.mjs failed to load: this module is broken on purpose/],
    ['a directory that does not exist', 'no-such-dir', /cannot read directory/],
  ])('%s stops startup with a clear message', async (_label, dir, message) => {
    await expect(startServerProcess(modules(dir))).rejects.toThrow(message);
  });
});
