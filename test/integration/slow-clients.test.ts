import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { startHttpServer, type RunningServer } from '../../src/http';
import { silentLogger } from '../../src/log';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { httpRequest, postJson } from '../helpers/http';

/** Clients that send slowly, too much, or garbage cannot hold a socket or get a 500. */
let g: TestGateway;
let server: RunningServer;
beforeAll(async () => {
  g = await startTestGateway();
  server = await startHttpServer({ gateway: g.gateway, log: silentLogger(), host: '127.0.0.1', port: 0, bodyLimitBytes: 64 * 1024, shutdownGraceMs: 5_000, requestReadTimeoutMs: 1_000 });
});
afterAll(async () => {
  await server.close();
  await g.close();
});

/** Writes raw bytes and resolves with the status line and how long until the server closed the socket. */
function raw(text: string): Promise<{ statusLine: string; closedAfterMs: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect(server.port, '127.0.0.1');
    let data = '';
    socket.on('data', (chunk) => (data += chunk.toString()));
    socket.on('close', () => resolve({ statusLine: data.split('\r\n')[0] ?? '', closedAfterMs: Date.now() - started }));
    socket.write(text);
  });
}

test('a declared body over the limit is answered 413 at once and the connection closed, without reading it', async () => {
  const r = await raw('POST /v1/execute HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000000\r\n\r\n{"scr');
  expect(r.statusLine).toBe('HTTP/1.1 413 Payload Too Large');
  expect(r.closedAfterMs).toBeLessThan(900);
});

test('a body that never finishes, or headers that never end, get 408 after server.requestReadTimeoutMs', async () => {
  const [body, headers] = await Promise.all([
    raw('POST /v1/execute HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"scr'),
    raw('POST /v1/execute HTTP/1.1\r\nHost: 127.0.0.1\r\n'),
  ]);
  expect([body.statusLine, headers.statusLine]).toEqual(['HTTP/1.1 408 Request Timeout', 'HTTP/1.1 408 Request Timeout']);
  // Meanwhile ordinary requests are answered.
  expect((await postJson(`${server.url}/v1/execute`, { script: 'return 1' })).status).toBe(200);
});

test('a long execution is not cut by the read timeout (answering is not counted)', async () => {
  const r = await postJson(`${server.url}/v1/execute`, { script: "await callTool('test:sleep', { ms: 1500 }); return 'done';" });
  expect([r.status, (r.body as { result?: unknown }).result]).toEqual([200, 'done']);
});

test.each(['gzip', 'deflate', 'br'])('a body that does not decompress as %s says is 400 BAD_REQUEST, not 500', async (encoding) => {
  const r = await httpRequest(`${server.url}/v1/execute`, { method: 'POST', body: Buffer.from('not compressed'), headers: { 'content-type': 'application/json', 'content-encoding': encoding } });
  expect(r.status).toBe(400);
  expect(JSON.stringify(r.body)).toContain('could not be decompressed');
});

test('a real gzip body is still served', async () => {
  const r = await httpRequest(`${server.url}/v1/execute`, { method: 'POST', body: gzipSync(JSON.stringify({ script: 'return 2' })), headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } });
  expect([r.status, (r.body as { result?: unknown }).result]).toEqual([200, 2]);
});
