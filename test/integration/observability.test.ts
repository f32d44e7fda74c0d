import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config';
import { createGateway, type Gateway } from '../../src/gateway';
import { startHttpServer, type RunningServer } from '../../src/http';
import { createLogger } from '../../src/log';
import { createTestTools } from '../helpers/test-tools';
import { httpRequest, postJson } from '../helpers/http';

/** Prometheus text exposition: `# TYPE name kind` lines and `name{labels} value` samples. */
function parseExposition(text: string): { types: Map<string, string>; samples: { name: string; labels: Record<string, string>; value: number }[] } {
  const types = new Map<string, string>();
  const samples: { name: string; labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) types.set(type[1]!, type[2]!);
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not exposition format: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return { types, samples };
}

describe('metrics, request ids and audit records', () => {
  const lines: Record<string, unknown>[] = [];
  let gateway: Gateway;
  let server: RunningServer;
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const config = loadConfig({
      env: {},
      overrides: { log: { level: 'info' }, auth: { apiKeys: [{ key: 'metrics-key-0123456789', tenant: 'acme' }, { key: 'mcp-key-0123456789', tenant: 'beta' }] }, tenants: { acme: { rateLimit: { points: 8, durationSeconds: 60 } } } },
    });
    gateway = createGateway({ config, log: createLogger('info', sink), extraTools: createTestTools().tools, processMetrics: false });
    await gateway.start();
    server = await startHttpServer({ gateway, log: createLogger('info', sink), host: '127.0.0.1', port: 0, bodyLimitBytes: 64 * 1024, shutdownGraceMs: 2_000 });
  });
  afterAll(() => server.close());
  const key = { 'x-api-key': 'metrics-key-0123456789' };

  test('startup says, once and as a warning, that the demo catalog is on', () => {
    const demo = lines.filter((l) => typeof l.msg === 'string' && l.msg.startsWith('the demo catalog is on'));
    expect(demo).toHaveLength(1);
    expect(demo[0]).toMatchObject({ level: 40, msg: expect.stringContaining('SCRIPTGATE_SOURCES_DEMO=false') });
  });

  test('after a short workload /metrics exposes every named metric in valid exposition format', async () => {
    const secret = 'SECRET-SCRIPT-TEXT';
    const run = (script: string, typecheck?: 'off') => postJson(`${server.url}/v1/execute`, { script, ...(typecheck ? { typecheck } : {}) }, key);
    await run(`const s = '${secret}'; const u = await callTool('users:get', { id: 'u_0001' }); return u.id;`);
    await run("await callTool('users:nope', {})");
    await run("await callTool('users:nope', {})", 'off');
    await run('eval("1")');
    await postJson(`${server.url}/v1/search`, { query: 'users' }, key);
    await postJson(`${server.url}/v1/search`, { query: 'users' }, key);
    await postJson(`${server.url}/v1/invoke`, { name: 'test:fail', input: {} }, key);
    for (let i = 0; i < 4; i++) await postJson(`${server.url}/v1/describe`, { names: ['users:get'] }, key);
    const res = await httpRequest(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    const { types, samples } = parseExposition(res.text);
    const has = (name: string, labels: Record<string, string> = {}) => samples.some((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
    expect(types.get('scriptgate_execution_duration_seconds')).toBe('histogram');
    expect(has('scriptgate_execution_duration_seconds_count', { status: 'ok' })).toBe(true);
    for (const stage of ['prescan', 'parse', 'rules_transform', 'generate', 'score', 'typecheck', 'queue_wait', 'run', 'sanitize']) expect([stage, has('scriptgate_stage_duration_seconds_count', { stage })]).toEqual([stage, true]);
    expect(has('scriptgate_tool_calls_total', { tool: 'users:get', outcome: 'ok' })).toBe(true);
    expect(has('scriptgate_tool_calls_total', { tool: '(unknown)', outcome: 'not_found' })).toBe(true);
    expect(has('scriptgate_typechecks_total', { outcome: 'clean' })).toBe(true);
    expect(has('scriptgate_typechecks_total', { outcome: 'diagnostics' })).toBe(true);
    expect(has('scriptgate_executions_total', { status: 'type_error' })).toBe(true);
    expect(has('scriptgate_tool_calls_total', { tool: 'test:fail', outcome: 'tool_error' })).toBe(true);
    expect(has('scriptgate_tool_call_duration_seconds_count', { tool: 'users:get' })).toBe(true);
    expect(has('scriptgate_security_blocks_total', { rule: 'no-eval' })).toBe(true);
    expect(has('scriptgate_executor_restarts')).toBe(true);
    for (const measure of ['threads', 'queue', 'in_flight', 'utilization', 'executors_ready', 'executors']) expect(has('scriptgate_pool', { measure })).toBe(true);
    expect(samples.find((s) => s.name === 'scriptgate_pool' && s.labels.measure === 'threads')?.value).toBeGreaterThanOrEqual(1);
    // The autoscaling signals: pool utilisation (API pods) and queue depth (job runners).
    const utilization = samples.find((s) => s.name === 'scriptgate_pool_utilization')?.value;
    expect(utilization).toBeGreaterThanOrEqual(0);
    expect(utilization).toBeLessThanOrEqual(1);
    expect(samples.find((s) => s.name === 'scriptgate_jobs' && s.labels.state === 'queued')?.value).toBe(0);
    expect(samples.find((s) => s.name === 'scriptgate_jobs' && s.labels.state === 'running')?.value).toBe(0);
    expect(has('scriptgate_cache_requests_total', { area: 'search', result: 'hit' })).toBe(true);
    expect(has('scriptgate_gate_cache_total', { result: 'miss' })).toBe(true);
    expect(has('scriptgate_rate_limit_rejections_total', { tenant: 'acme', reason: 'rate' })).toBe(true);
    expect(has('scriptgate_executions_total', { status: 'illegal_access' })).toBe(true);

    // Audit records: the four events, with tenant, hash and request id, and never the script text.
    const audit = lines.filter((l) => typeof l.audit === 'string');
    for (const event of ['execute.start', 'tool.call', 'execute.complete', 'security.blocked']) expect([event, audit.some((l) => l.audit === event)]).toEqual([event, true]);
    const complete = audit.find((l) => l.audit === 'execute.complete' && l.status === 'ok');
    expect(complete).toMatchObject({ tenantId: 'acme', scriptHash: expect.stringMatching(/^[0-9a-f]{64}$/), requestId: expect.any(String) });
    // Error codes are what an operator filters audit records by: never redacted.
    expect(audit.find((l) => l.audit === 'tool.call' && l.outcome === 'tool_error')).toMatchObject({ code: 'TOOL_ERROR' });
    expect(audit.find((l) => l.audit === 'security.blocked' && l.rule === 'no-eval')).toMatchObject({ code: 'ILLEGAL_ACCESS' });
    expect(audit.find((l) => l.audit === 'execute.complete' && l.status === 'illegal_access')).toMatchObject({ code: 'ILLEGAL_ACCESS' });
    expect(JSON.stringify(lines)).not.toContain(secret);
    expect(JSON.stringify(lines)).not.toContain('metrics-key-0123456789');
  });

  test('an MCP execute_script carries the HTTP request id into its audit records, as REST does', async () => {
    const headers = { 'x-api-key': 'mcp-key-0123456789', accept: 'application/json, text/event-stream' };
    const call = (id: string, meta?: Record<string, unknown>) =>
      postJson(`${server.url}/mcp`, { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'execute_script', arguments: { script: `return '${id}'` }, ...(meta ? { _meta: meta } : {}) } }, { ...headers, 'x-request-id': id });
    // Without progress the front answers the call itself; with a progress token the SDK transport does.
    const plain = await call('mcp-plain-1');
    const viaSdk = await call('mcp-sdk-1', { progressToken: 't1' });
    for (const [res, id] of [[plain, 'mcp-plain-1'], [viaSdk, 'mcp-sdk-1']] as const) {
      expect(res.status).toBe(200);
      expect(res.headers['x-request-id']).toBe(id);
      const records = lines.filter((l) => l.requestId === id);
      expect(records.map((l) => l.audit)).toEqual(expect.arrayContaining(['execute.start', 'execute.complete']));
      expect(records.every((l) => l.tenantId === 'beta')).toBe(true);
    }
  });

  test('every response carries X-Request-Id; a sane caller-supplied id is kept', async () => {
    const fresh = await httpRequest(`${server.url}/health`);
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const kept = await httpRequest(`${server.url}/health`, { headers: { 'x-request-id': 'abc-123' } });
    expect(kept.headers['x-request-id']).toBe('abc-123');
    const replaced = await httpRequest(`${server.url}/health`, { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(replaced.headers['x-request-id']).not.toBe('bad id with spaces');
  });
});
