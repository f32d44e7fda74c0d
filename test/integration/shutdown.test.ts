import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { httpRequest, postJson } from '../helpers/http';

const MAIN = resolve(__dirname, '..', '..', 'src', 'main.js');

/** Starts `scriptgate serve` as a real process on a free port and resolves its URL from the startup log. */
function startServer(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [MAIN, 'serve'], {
    env: { PATH: process.env.PATH, SCRIPTGATE_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return new Promise((resolveStart, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 20_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /"url":"(http:[^"]+)"/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolveStart({ child, url: match[1]!, exited });
      }
    });
    child.on('exit', (code) => reject(new Error(`server exited early (${code}): ${out}`)));
  });
}

describe('graceful shutdown', () => {
  test('SIGTERM with scripts in flight loses none, refuses new work and exits 0', async () => {
    const { child, url, exited } = await startServer({ SCRIPTGATE_LIMITS_LOOP_ITERATIONS: '1000000000000' });
    // Each script keeps a worker busy for ~400 ms, so several are still running when SIGTERM lands.
    const script = 'const end = Date.now() + 400; let n = 0; while (Date.now() < end) n++; return "done"';
    const inFlight = Array.from({ length: 6 }, () => postJson(`${url}/v1/execute`, { script, timeoutMs: 10_000 }));
    await new Promise((r) => setTimeout(r, 150));
    child.kill('SIGTERM');
    const results = await Promise.all(inFlight);
    expect(results.map((r) => [r.status, (r.body as { status: string }).status])).toEqual(Array(6).fill([200, 'ok']));
    await expect(httpRequest(`${url}/health`)).rejects.toThrow();
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
