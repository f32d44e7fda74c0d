import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestRedis {
  url: string;
  /** A prefix no other test run uses, so runs against a shared Redis never see each other's keys. */
  keyPrefix: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** True when something at host:port answers PING with PONG within the timeout. */
function answersPing(host: string, port: number, timeoutMs = 300): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, host, () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

export interface PrivateRedis extends TestRedis {
  port: number;
  /** Kills the server (SIGKILL): the "Redis went away" case. */
  kill(): Promise<void>;
  /** Starts it again on the same port. */
  restart(): Promise<void>;
}

export interface PrivateRedisOptions {
  /**
   * Persist every write to an append-only file (fsync always) in a private directory, so a restart,
   * even after SIGKILL, comes back with everything Redis acknowledged.
   */
  appendOnly?: boolean;
}

/** A redis-server of our own on a free port (needed where a test stops Redis). Fails loudly if the binary is missing. */
export async function startPrivateRedis(options: PrivateRedisOptions = {}): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = options.appendOnly ? mkdtempSync(join(tmpdir(), 'sg-redis-')) : undefined;
  const persistence = dir ? ['--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
  let child: ChildProcess | undefined;
  const launch = async () => {
    const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence], { stdio: 'ignore' });
    child = proc;
    const failed = new Promise<never>((_, reject) => {
      proc.once('error', (err) => reject(new Error(`redis-server could not start (install it: apt-get install -y redis-server): ${err.message}`)));
    });
    const deadline = Date.now() + 10_000;
    const up = (async () => {
      while (!(await answersPing('127.0.0.1', port))) {
        if (Date.now() > deadline) throw new Error(`redis-server did not answer on port ${port}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    await Promise.race([up, failed]);
  };
  const kill = async () => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGKILL');
    });
  };
  const stop = async () => {
    await kill();
    if (dir) rmSync(dir, { recursive: true, force: true });
  };
  await launch();
  return { url: `redis://127.0.0.1:${port}`, port, keyPrefix: `sgtest:${randomUUID()}:`, stop, kill, restart: launch };
}

/**
 * Redis for tests: REDIS_URL when set, else a server on 127.0.0.1:6379 when one answers, else a private
 * redis-server on a free port. Never skips: if none of these works the test fails and says why.
 */
export async function acquireRedis(): Promise<TestRedis> {
  const keyPrefix = `sgtest:${randomUUID()}:`;
  const fromEnv = process.env.REDIS_URL;
  if (fromEnv) return { url: fromEnv, keyPrefix, stop: async () => undefined };
  if (await answersPing('127.0.0.1', 6379)) return { url: 'redis://127.0.0.1:6379', keyPrefix, stop: async () => undefined };
  const own = await startPrivateRedis();
  return { ...own, keyPrefix };
}
