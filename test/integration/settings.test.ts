import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { permissionFlags } from '../../src/executor/executor-process';
import { restartDelayMs } from '../../src/executor';
import { startHttpServer } from '../../src/http';
import { silentLogger } from '../../src/log';
import { startTestGateway } from '../helpers/gateway';
import { postJson } from '../helpers/http';

/** Each documented setting changes behaviour; config.test.ts shows each one is read from env. */

const cmdline = (pid: number): string[] => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);

describe('settings change behaviour', () => {
  test('a first crash restarts at once; executor.restartBackoffMs then doubles per consecutive crash up to executor.restartBackoffMaxMs', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => restartDelayMs(n, 100, 1000))).toEqual([0, 100, 200, 400, 800, 1000, 1000]);
    expect(restartDelayMs(2, 0, 1000)).toBe(0);
  });

  test('gate.cacheEntries: 0 disables the compiled-script cache', async () => {
    const cached = await startTestGateway();
    const uncached = await startTestGateway({ gate: { cacheEntries: 0 } });
    try {
      for (const g of [cached, uncached]) for (let i = 0; i < 3; i++) await g.run('return 42');
      expect(cached.gateway.compiler.stats).toMatchObject({ hits: 2, misses: 1 });
      expect(uncached.gateway.compiler.stats).toMatchObject({ hits: 0, misses: 3 });
    } finally {
      await Promise.all([cached.close(), uncached.close()]);
    }
  });

  test('server.shutdownGraceMs bounds how long a drain waits for slow requests', async () => {
    const g = await startTestGateway();
    const server = await startHttpServer({ gateway: g.gateway, log: silentLogger(), host: '127.0.0.1', port: 0, bodyLimitBytes: 65536, shutdownGraceMs: 300 });
    const slow = postJson(`${server.url}/v1/execute`, { script: 'await callTool("test:sleep", { ms: 5000 })', timeoutMs: 10000 }).catch((err: Error) => err);
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(2500);
    // The cut connection surfaces as a client-side socket error, not a response.
    expect(String((await slow as { message?: unknown }).message)).toMatch(/socket hang up|ECONNRESET/);
  });

  test('sources.demo: false leaves only the tools given explicitly', async () => {
    const g = await startTestGateway({ sources: { demo: false } });
    try {
      expect(g.gateway.catalog.list().every((t) => t.name.startsWith('test:'))).toBe(true);
      expect((await g.run('await callTool("users:list", {})', { typecheck: 'off' })).error?.code).toBe('TOOL_NOT_FOUND');
      expect((await g.run('await callTool("users:list", {})')).error?.message).toMatch(/^unknown tool 'users:list'/);
    } finally {
      await g.close();
    }
  });

  test('executor.permissionModel runs executors under Node permissions, or not', async () => {
    const on = await startTestGateway();
    const off = await startTestGateway({ executor: { permissionModel: false } });
    try {
      const argsOn = cmdline(on.gateway.pool.executors[0]!.pid!);
      expect(argsOn).toContain('--permission');
      expect(argsOn.filter((a) => a.startsWith('--allow-fs-read=')).length).toBeGreaterThan(0);
      expect(argsOn).not.toContain('--allow-child-process');
      const argsOff = cmdline(off.gateway.pool.executors[0]!.pid!);
      expect(argsOff.some((a) => a.includes('permission'))).toBe(false);
      // executor.parallelGc: off (the default) keeps V8's GC on each sandbox thread.
      expect(argsOn).toContain('--single-threaded-gc');
      expect(argsOff).toContain('--single-threaded-gc');
      // Either way the executor sees none of the front's environment.
      const env = readFileSync(`/proc/${on.gateway.pool.executors[0]!.pid!}/environ`, 'utf8');
      expect(env).not.toContain('PATH=');
    } finally {
      await Promise.all([on.close(), off.close()]);
    }
  });

  test('the permission flags an executor runs with refuse writes, reads outside the app and child processes, and allow workers', () => {
    const probe = `
      const fs = require('node:fs'), os = require('node:os'), cp = require('node:child_process'), { Worker } = require('node:worker_threads');
      const tryIt = (f) => { try { f(); return 'allowed'; } catch (e) { return e.code ?? e.message; } };
      const out = {
        write: tryIt(() => fs.writeFileSync(os.tmpdir() + '/scriptgate-permission-probe', 'x')),
        readOutside: tryIt(() => fs.readFileSync('/etc/hostname')),
        readApp: tryIt(() => fs.readFileSync(${JSON.stringify(require.resolve('ses/package.json'))})),
        spawn: tryIt(() => cp.execFileSync('true')),
        worker: tryIt(() => new Worker('0', { eval: true }).terminate()),
      };
      process.stdout.write(JSON.stringify(out));`;
    const out = JSON.parse(execFileSync(process.execPath, [...permissionFlags(), '-e', probe], { encoding: 'utf8' })) as Record<string, string>;
    expect(out).toEqual({ write: 'ERR_ACCESS_DENIED', readOutside: 'ERR_ACCESS_DENIED', readApp: 'allowed', spawn: 'ERR_ACCESS_DENIED', worker: 'allowed' });
  });

  test('executor.parallelGc: true leaves V8 its GC helper threads', async () => {
    const g = await startTestGateway({ executor: { parallelGc: true } });
    try {
      expect(cmdline(g.gateway.pool.executors[0]!.pid!)).not.toContain('--single-threaded-gc');
      expect((await g.run('return 6 * 7')).result).toBe(42);
    } finally {
      await g.close();
    }
  });

  test('executor.processes starts that many executors', async () => {
    const g = await startTestGateway({ executor: { processes: 2 }, pool: { minThreads: 1, maxThreads: 1 } });
    try {
      expect(g.gateway.pool.executors.map((e) => e.ready)).toEqual([true, true]);
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => g.run(`return ${i}`)));
      expect(results.map((r) => r.result)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    } finally {
      await g.close();
    }
  });

  test('pool.maxQueue: past capacity, requests get 503 SATURATED with Retry-After', async () => {
    const g = await startTestGateway({ pool: { minThreads: 1, maxThreads: 1, tasksPerThread: 1, maxQueue: 0 } });
    const server = await startHttpServer({ gateway: g.gateway, log: silentLogger(), host: '127.0.0.1', port: 0, bodyLimitBytes: 65536, shutdownGraceMs: 1000 });
    try {
      const busy = postJson(`${server.url}/v1/execute`, { script: 'await callTool("test:sleep", { ms: 400 })' });
      await new Promise((r) => setTimeout(r, 100));
      const refused = await postJson(`${server.url}/v1/execute`, { script: 'return 1' });
      expect(refused.status).toBe(503);
      expect(refused.headers['retry-after']).toBe('1');
      expect(refused.body).toMatchObject({ error: { code: 'SATURATED', retriable: true } });
      expect((await busy).status).toBe(200);
      expect((await postJson(`${server.url}/v1/execute`, { script: 'return 2' })).body).toMatchObject({ result: 2 });
    } finally {
      await server.close();
    }
  });

  test('executor.watchdogMs: an executor that stops answering is killed and the run times out', async () => {
    const g = await startTestGateway({ executor: { watchdogMs: 300, restartBackoffMs: 50 } });
    try {
      const ex = g.gateway.pool.executors[0]!;
      const pid = ex.pid!;
      const pending = g.run('await callTool("test:sleep", { ms: 5000 })', { timeoutMs: 300 });
      await new Promise((r) => setTimeout(r, 50));
      process.kill(pid, 'SIGSTOP'); // frozen: it can neither finish the run nor report
      const started = Date.now();
      const r = await pending;
      expect(r).toMatchObject({ status: 'timeout', error: { code: 'TIMEOUT' } });
      expect(r.error?.message).toContain('stopped answering');
      expect(Date.now() - started).toBeLessThan(2000);
      expect((await g.run('return "recovered"', { timeoutMs: 5000 })).result).toBe('recovered');
      expect(ex.pid).not.toBe(pid);
    } finally {
      await g.close();
    }
  });

  test('executor.rssLimitMb: an executor over its RSS cap recycles itself when idle', async () => {
    const g = await startTestGateway({ executor: { rssLimitMb: 1, restartBackoffMs: 50 } });
    try {
      const first = g.gateway.pool.executors[0]!.pid;
      await new Promise((r) => setTimeout(r, 1600));
      expect(g.gateway.pool.stats().restarts).toBeGreaterThanOrEqual(1);
      expect(g.gateway.pool.executors[0]!.pid).not.toBe(first);
      expect((await g.run('return 1', { timeoutMs: 5000 })).result).toBe(1);
    } finally {
      await g.close();
    }
  });

  test('executor.terminateGraceMs: how long a native-stuck script may overrun', async () => {
    const g = await startTestGateway({ executor: { terminateGraceMs: 800 } });
    try {
      const started = Date.now();
      const r = await g.run('const re = new RegExp(["^(a+)+", "$"].join("")); return re.test("a".repeat(40) + "b")', { timeoutMs: 200 });
      expect(r.status).toBe('timeout');
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    } finally {
      await g.close();
    }
  });

  test('pool.idleTimeoutMs: threads above minThreads are reaped when idle', async () => {
    const g = await startTestGateway({ pool: { minThreads: 1, maxThreads: 2, tasksPerThread: 1, idleTimeoutMs: 200 } });
    try {
      const ex = g.gateway.pool.executors[0]!;
      const seen: number[] = [];
      const sampler = setInterval(() => seen.push(ex.lastStats?.threads ?? 0), 100);
      // Two long runs at once need a second thread (one task per thread); stats arrive once a second.
      await Promise.all([1, 2].map(() => g.run('await callTool("test:sleep", { ms: 1500 })', { timeoutMs: 5000 })));
      await new Promise((r) => setTimeout(r, 1500));
      clearInterval(sampler);
      expect(Math.max(...seen)).toBe(2);
      expect(ex.lastStats?.threads).toBe(1);
    } finally {
      await g.close();
    }
  });
});
