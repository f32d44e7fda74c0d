import { request } from 'node:http';
import { startHttpServer, type RunningServer } from '../../src/http';
import { silentLogger } from '../../src/log';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { SEED } from '../helpers/seed-script';
import { httpRequest, postJson } from '../helpers/http';

let g: TestGateway;
let server: RunningServer;
beforeAll(async () => {
  g = await startTestGateway();
  server = await startHttpServer({ gateway: g.gateway, log: silentLogger(), host: '127.0.0.1', port: 0, bodyLimitBytes: 64 * 1024, shutdownGraceMs: 5_000 });
});
afterAll(() => server.close());

describe('REST execute', () => {
  test('the seed example runs end to end over HTTP', async () => {
    const res = await postJson(`${server.url}/v1/execute`, { script: SEED });
    expect(res.status).toBe(200);
    const body = res.body as { status: string; result: string[]; executionId: string; stats: { toolCalls: number } };
    expect(body.status).toBe('ok');
    expect(body.result).toHaveLength(10);
    expect(body.result.every((name) => name.toLowerCase().startsWith('me'))).toBe(true);
    expect(body.executionId).toMatch(/^exec_[0-9a-f-]{36}$/);
    expect(body.stats.toolCalls).toBeGreaterThanOrEqual(2);
  });

  test('every executed outcome is 200 with the envelope', async () => {
    const syntax = await postJson(`${server.url}/v1/execute`, { script: 'const a = ;' });
    expect(syntax.status).toBe(200);
    expect(syntax.body).toMatchObject({ status: 'syntax_error', error: { code: 'SYNTAX_ERROR', line: 1, column: 10 } });
    const illegal = await postJson(`${server.url}/v1/execute`, { script: 'return process.env' });
    expect(illegal.body).toMatchObject({ status: 'illegal_access', error: { code: 'ILLEGAL_ACCESS', rule: 'no-process' } });
    const timeout = await postJson(`${server.url}/v1/execute`, { script: 'await callTool("test:hang")', timeoutMs: 200 });
    expect(timeout.body).toMatchObject({ status: 'timeout', error: { code: 'TIMEOUT' } });
  });

  test('a client that hangs up cancels its script: no tool call after it left', async () => {
    const marker = `gone-${Date.now()}`;
    const script = `await callTool('test:sleep', { ms: 1500 }); await callTool('test:echo', { marker: '${marker}' }); return 1`;
    const before = g.calls.filter((c) => c === 'test:echo').length;
    const req = request(`${server.url}/v1/execute`, { method: 'POST', headers: { 'content-type': 'application/json' } });
    req.on('error', () => undefined);
    req.end(JSON.stringify({ script }));
    await new Promise((r) => setTimeout(r, 400));
    expect(g.calls).toContain('test:sleep');
    req.destroy();
    await new Promise((r) => setTimeout(r, 2_500));
    expect(g.calls.filter((c) => c === 'test:echo').length).toBe(before);
    // The same script from a client that waits runs to its end.
    const kept = await postJson(`${server.url}/v1/execute`, { script });
    expect(kept.body).toMatchObject({ status: 'ok', result: 1 });
    expect(g.calls.filter((c) => c === 'test:echo').length).toBe(before + 1);
  });

  test('context and per-request limits pass through', async () => {
    const res = await postJson(`${server.url}/v1/execute`, { script: 'return context.who', context: { who: 'ana' }, limits: { toolCalls: 0 } });
    expect(res.body).toMatchObject({ status: 'ok', result: 'ana' });
  });
});

describe('REST invoke', () => {
  test('a tool answers with { status, result }', async () => {
    const res = await postJson(`${server.url}/v1/invoke`, { name: 'users:get', input: { id: 'u_0001' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', result: { id: 'u_0001' } });
  });

  test('unknown tool 404, invalid input 400, failing tool 200 tool_error', async () => {
    const missing = await postJson(`${server.url}/v1/invoke`, { name: 'users:nope', input: {} });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error: { code: 'TOOL_NOT_FOUND' } });
    const invalid = await postJson(`${server.url}/v1/invoke`, { name: 'users:get', input: { id: 42 } });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({ error: { code: 'TOOL_VALIDATION', pointer: '/id' } });
    const failing = await postJson(`${server.url}/v1/invoke`, { name: 'users:get', input: { id: 'u_9999' } });
    expect(failing.status).toBe(200);
    expect(failing.body).toMatchObject({ status: 'tool_error', error: { code: 'TOOL_ERROR', toolCode: 'NOT_FOUND', tool: 'users:get' } });
  });
});

describe('bad input gets a clear error and the service keeps serving', () => {
  test.each([
    ['malformed JSON', { body: '{"script": 1', type: 'application/json' }, 400, 'MALFORMED_JSON'],
    ['wrong type', { body: JSON.stringify({ script: 5 }), type: 'application/json' }, 400, 'BAD_REQUEST'],
    ['unknown key', { body: JSON.stringify({ script: 'return 1', extra: true }), type: 'application/json' }, 400, 'BAD_REQUEST'],
    ['empty script', { body: JSON.stringify({ script: '' }), type: 'application/json' }, 400, 'BAD_REQUEST'],
    ['array body', { body: '[1,2]', type: 'application/json' }, 400, 'BAD_REQUEST'],
    ['negative timeout', { body: JSON.stringify({ script: 'return 1', timeoutMs: -1 }), type: 'application/json' }, 400, 'BAD_REQUEST'],
    ['not JSON content type', { body: 'script=1', type: 'text/plain' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['huge body', { body: JSON.stringify({ script: `return "${'x'.repeat(70 * 1024)}"` }), type: 'application/json' }, 413, 'BODY_TOO_LARGE'],
  ])('%s', async (_label, input, status, code) => {
    const res = await httpRequest(`${server.url}/v1/execute`, { method: 'POST', body: input.body, headers: { 'content-type': input.type } });
    expect(res.status).toBe(status);
    const error = (res.body as { error: { code: string; message: string; hint: string } }).error;
    expect(error.code).toBe(code);
    expect(error.message.length).toBeGreaterThan(5);
    expect(error.hint.length).toBeGreaterThan(5);
    expect((await postJson(`${server.url}/v1/execute`, { script: 'return 1' })).body).toMatchObject({ status: 'ok', result: 1 });
  });

  test('the error names the offending field', async () => {
    const res = await postJson(`${server.url}/v1/execute`, { script: 5 });
    expect((res.body as { error: { message: string } }).error.message).toMatch(/script/);
  });

  test('unknown routes answer 404 in the same error shape', async () => {
    const res = await httpRequest(`${server.url}/v1/nothing`);
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: { code: 'ROUTE_NOT_FOUND' } });
  });
});

describe('health and readiness', () => {
  test('/health is 200 and /ready reports warm executors', async () => {
    expect((await httpRequest(`${server.url}/health`)).body).toEqual({ status: 'ok' });
    const ready = await httpRequest(`${server.url}/ready`);
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ready', executors: { total: 1, ready: 1 } });
  });
});

describe('metrics', () => {
  const sample = (text: string, name: string, labels: string): number => {
    const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
    if (!line) throw new Error(`no sample ${name}{${labels}} in:\n${text.slice(0, 2000)}`);
    return Number(line.slice(line.lastIndexOf(' ') + 1));
  };

  test('/metrics counts cache hits and misses, statuses, gate refusals and durations', async () => {
    const script = `return ${Date.now()}`;
    await postJson(`${server.url}/v1/execute`, { script });
    await postJson(`${server.url}/v1/execute`, { script });
    await postJson(`${server.url}/v1/execute`, { script: 'return process.env' });
    const res = await httpRequest(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(String(res.headers['content-type'])).toContain('text/plain');
    expect(sample(res.text, 'scriptgate_gate_cache_total', 'result="hit"')).toBeGreaterThanOrEqual(1);
    expect(sample(res.text, 'scriptgate_gate_cache_total', 'result="miss"')).toBeGreaterThanOrEqual(2);
    expect(sample(res.text, 'scriptgate_executions_total', 'status="ok"')).toBeGreaterThanOrEqual(2);
    expect(sample(res.text, 'scriptgate_security_blocks_total', 'rule="no-process"')).toBeGreaterThanOrEqual(1);
    expect(sample(res.text, 'scriptgate_execution_duration_seconds_count', 'status="ok"')).toBeGreaterThanOrEqual(2);
    expect(res.text).toMatch(/^scriptgate_executor_restarts \d+$/m);
  });
});
