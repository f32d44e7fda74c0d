import { startHttpServer, type RunningServer } from '../../src/http';
import { silentLogger } from '../../src/log';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { httpRequest } from '../helpers/http';

/** JSON-RPC answers with the codes the specification gives, and batches paid per message. */
let g: TestGateway;
let server: RunningServer;
beforeEach(async () => {
  // Fresh per test: the rate-limit test counts from zero.
  g = await startTestGateway({ tenants: { default: { rateLimit: { points: 12, durationSeconds: 60 } } } });
  server = await startHttpServer({ gateway: g.gateway, log: silentLogger(), host: '127.0.0.1', port: 0, bodyLimitBytes: 256 * 1024, shutdownGraceMs: 5_000 });
});
afterEach(async () => {
  await server.close();
  await g.close();
});

const HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const rpc = (body: string) => httpRequest(`${server.url}/mcp`, { method: 'POST', body, headers: HEADERS });
const call = (id: number, script: string) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'execute_script', arguments: { script } } });

test.each([
  ['JSON that is not JSON-RPC', '{"foo":1}', 400, -32600],
  ['a JSON string', '"x"', 400, -32600],
  ['a request without a method', '{"jsonrpc":"2.0","id":1}', 400, -32600],
  ['an empty batch', '[]', 400, -32600],
  ['tools/call without params', '{"jsonrpc":"2.0","id":1,"method":"tools/call"}', 200, -32602],
  ['tools/call with a number as name', '{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":5}}', 200, -32602],
  ['a body that is not JSON', '{"jsonrpc":', 400, -32700],
])('%s (%s) is answered %i with error %i on one line', async (_label, body, status, code) => {
  const r = await rpc(body);
  expect(r.status).toBe(status);
  const error = (r.body as { error: { code: number; message: string } }).error;
  expect(error.code).toBe(code);
  expect(error.message).not.toContain('\n');
});

test('a batch is counted message by message against the tenant rate limit', async () => {
  // 12 requests a minute: a batch of 5 calls costs 5; the third such batch is over.
  const batch = JSON.stringify([1, 2, 3, 4, 5].map((i) => call(i, `return ${i}`)));
  const first = await rpc(batch);
  const second = await rpc(batch);
  const third = await rpc(batch);
  expect([first.status, second.status, third.status]).toEqual([200, 200, 429]);
  expect((third.body as { error: { code: number } }).error.code).toBe(-32000);
  expect(Number(third.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  // Each call of an admitted batch is answered.
  const answers = first.body as { id: number; result: { isError?: boolean } }[];
  expect(answers.map((a) => a.id).sort()).toEqual([1, 2, 3, 4, 5]);
  expect(answers.every((a) => a.result.isError !== true)).toBe(true);
});
