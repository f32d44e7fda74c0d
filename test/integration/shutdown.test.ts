import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { httpRequest, postJson } from '../helpers/http';
import { MAIN, startServerProcess as startServer, untilReceived } from '../helpers/server-process';
import { startTestGateway } from '../helpers/gateway';

/** Resolves once the child has printed `text` (the server logs JSON lines to stdout). */
function waitForOutput(child: ChildProcess, text: string): Promise<void> {
  return new Promise((resolve) => {
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (!out.includes(text)) return;
      child.stdout!.off('data', onData);
      resolve();
    };
    child.stdout!.on('data', onData);
  });
}

describe('graceful shutdown', () => {
  test('SIGTERM with scripts in flight loses none, refuses new work and exits 0', async () => {
    const { child, url, exited } = await startServer({ SCRIPTGATE_LIMITS_LOOP_ITERATIONS: '1000000000000' });
    // Each script keeps a worker busy for ~400 ms, so several are still running when SIGTERM lands.
    const script = 'const end = Date.now() + 400; let n = 0; while (Date.now() < end) n++; return "done"';
    const inFlight = Array.from({ length: 6 }, () => postJson(`${url}/v1/execute`, { script, timeoutMs: 10_000 }));
    // SIGTERM once every request has reached the gateway: one not yet accepted would be reset by the
    // listener closing (the kernel's backlog is not part of a drain).
    await untilReceived(url, 6);
    child.kill('SIGTERM');
    const results = await Promise.all(inFlight);
    expect(results.map((r) => [r.status, (r.body as { status: string }).status])).toEqual(Array(6).fill([200, 'ok']));
    await expect(httpRequest(`${url}/health`)).rejects.toThrow();
    expect(await exited).toBe(0);
  });

  test('a connection made before SIGTERM whose request arrives after it is served, not reset', async () => {
    const { child, url, exited } = await startServer({});
    const { port } = new URL(url);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    let reply = '';
    socket.on('data', (chunk: Buffer) => (reply += chunk.toString()));
    const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    child.kill('SIGTERM');
    // The drain has begun (its log line) before the request is written.
    await waitForOutput(child, 'draining');
    const body = JSON.stringify({ script: 'return 41 + 1' });
    socket.write(`POST /v1/execute HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    await ended;
    expect(reply).toMatch(/^HTTP\/1\.1 200 /);
    expect(reply.toLowerCase()).toContain('connection: close');
    expect(reply).toContain('"result":42');
    expect(await exited).toBe(0);
  });

  test('the CLI refuses unknown commands and options with exit code 2', async () => {
    for (const args of [['frobnicate'], ['serve', '--nope']]) {
      const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
      const code = await new Promise<number | null>((done) => child.on('exit', done));
      expect(code).toBe(2);
      expect(err).toContain('Usage:');
    }
  });

  test('an invalid configuration stops startup with a clear message', async () => {
    const child = spawn(process.execPath, [MAIN, 'serve'], { env: { PATH: process.env.PATH, SCRIPTGATE_POOL_MAX_THREADS: 'lots' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((done) => child.on('exit', done));
    expect(code).toBe(1);
    expect(err).toContain('SCRIPTGATE_POOL_MAX_THREADS must be a number');
  });
});

describe('Gateway.close', () => {
  test('runs every step even when one fails, names the failed step, and a second call is the same promise', async () => {
    const g = await startTestGateway({ pool: { minThreads: 1, maxThreads: 1 } });
    const executors = g.gateway.pool.executors.map((ex) => ex.pid).filter((pid): pid is number => pid !== undefined);
    expect(executors.length).toBeGreaterThan(0);
    // A step early in the order fails: the executors, later in it, are still stopped.
    g.gateway.search.close = () => Promise.reject(new Error('search would not stop'));
    const first = g.gateway.close();
    expect(g.gateway.close()).toBe(first);
    await expect(first).rejects.toThrow('shutdown steps failed: search');
    for (const pid of executors) expect(() => process.kill(pid, 0)).toThrow();
    expect(g.gateway.pool.ready).toBe(false);
  });
});
