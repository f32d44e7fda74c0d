import { startHttpServer, type RunningServer } from '../../src/http';
import { silentLogger } from '../../src/log';
import type { TraceEntry } from '../../src/gateway';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { httpRequest, postJson } from '../helpers/http';

let g: TestGateway;
let withArgs: TestGateway;
let server: RunningServer;
beforeAll(async () => {
  g = await startTestGateway();
  withArgs = await startTestGateway({ trace: { includeArguments: true } });
  server = await startHttpServer({ gateway: g.gateway, log: silentLogger(), host: '127.0.0.1', port: 0, bodyLimitBytes: 64 * 1024, shutdownGraceMs: 5_000 });
});
afterAll(async () => {
  await server.close();
  await withArgs.close();
});

const SCRIPT = `
const user = await callTool('users:get', { id: 'u_0001' });
const failed = await callTool('test:fail', {}, { throwOnError: false });
const slept = await Promise.all([callTool('test:sleep', { ms: 60 }), callTool('test:sleep', { ms: 20 })]);
return [user.id, failed.ok, slept.length];`;

describe('trace: true', () => {
  test('lists every tool call in start order with its offset, duration and outcome, and no arguments', async () => {
    const r = await g.run(SCRIPT, { trace: true });
    expect(r.status).toBe('ok');
    const trace = r.trace as TraceEntry[];
    expect(trace.map((t) => [t.tool, t.outcome, t.error])).toEqual([
      ['users:get', 'ok', undefined],
      ['test:fail', 'error', 'BROKEN'],
      ['test:sleep', 'ok', undefined],
      ['test:sleep', 'ok', undefined],
    ]);
    const starts = trace.map((t) => t.startMs);
    expect([...starts].sort((a, b) => a - b)).toEqual(starts);
    expect(starts[0]).toBeGreaterThanOrEqual(0);
    // The parallel sleeps start together and last about as long as they sleep.
    expect(trace[3]!.startMs - trace[2]!.startMs).toBeLessThan(15);
    expect(trace[2]!.durationMs).toBeGreaterThanOrEqual(55);
    expect(trace[3]!.durationMs).toBeGreaterThanOrEqual(15);
    expect(trace[3]!.durationMs).toBeLessThan(trace[2]!.durationMs);
    expect(trace.every((t) => !('arguments' in t))).toBe(true);
  });

  test('a call still running at the deadline is reported unfinished', async () => {
    const r = await g.run("await callTool('test:echo', { a: 1 }); await callTool('test:hang', {});", { trace: true, timeoutMs: 200 });
    expect(r.status).toBe('timeout');
    expect(r.trace!.map((t) => [t.tool, t.outcome])).toEqual([
      ['test:echo', 'ok'],
      ['test:hang', 'unfinished'],
    ]);
    expect(r.trace![1]!.durationMs).toBeGreaterThan(100);
  });

  test('unknown tools and refused scripts are traced too; without trace there is no trace', async () => {
    const unknown = await g.run("try { await callTool('nope:nothing', {}); } catch (e) { return e.code; }", { trace: true, typecheck: 'off' });
    expect(unknown).toMatchObject({ status: 'ok', result: 'TOOL_NOT_FOUND', trace: [{ tool: 'nope:nothing', outcome: 'error', error: 'TOOL_NOT_FOUND' }] });
    expect((await g.run('return process.env', { trace: true })).trace).toEqual([]);
    expect('trace' in (await g.run(SCRIPT))).toBe(false);
  });

  test('trace.includeArguments adds arguments, cut at 2 KiB of JSON', async () => {
    const r = await withArgs.run("await callTool('test:echo', { a: 1 }); await callTool('test:echo', { big: 'x'.repeat(5000) }); return 1", { trace: true });
    expect(r.trace![0]).toMatchObject({ tool: 'test:echo', arguments: { a: 1 } });
    expect(r.trace![0]!.argumentsTruncated).toBeUndefined();
    expect(r.trace![1]!.argumentsTruncated).toBe(true);
    expect(String(r.trace![1]!.arguments)).toHaveLength(2048);
  });

  test('over REST and MCP, and in an async job\'s envelope', async () => {
    const rest = await postJson(`${server.url}/v1/execute`, { script: SCRIPT, trace: true });
    expect((rest.body as { trace: TraceEntry[] }).trace).toHaveLength(4);
    const mcp = await postJson(
      `${server.url}/mcp`,
      { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'execute_script', arguments: { script: SCRIPT, trace: true } } },
      { accept: 'application/json, text/event-stream' },
    );
    expect((mcp.body as { result: { structuredContent: { trace: TraceEntry[] } } }).result.structuredContent.trace).toHaveLength(4);
    const queued = await postJson(`${server.url}/v1/execute`, { script: SCRIPT, trace: true, async: true });
    expect(queued.status).toBe(202);
    const { jobId } = queued.body as { jobId: string };
    const job = await httpRequest(`${server.url}/v1/jobs/${jobId}?waitMs=10000`);
    expect(job.body).toMatchObject({ state: 'completed', result: { status: 'ok' } });
    expect((job.body as { result: { trace: TraceEntry[] } }).result.trace.map((t) => t.tool)).toEqual(['users:get', 'test:fail', 'test:sleep', 'test:sleep']);
  });
});
