import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { childPids, percentile, round, runLoad, jsonPost, serviceRss, startChildServer } from './harness';
import { SCRIPTS } from './bench-tools';

const MAIN = resolve(__dirname, '..', 'src', 'main.js');
const GATEWAY_SERVER = resolve(__dirname, 'servers', 'gateway-server.js');

async function executeOk(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/v1/execute`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ script: SCRIPTS.trivial }) });
    return res.ok && ((await res.json()) as { status?: unknown }).status === 'ok';
  } catch {
    return false;
  }
}

export interface RecoveryFigures {
  executors: number;
  trials: number;
  /** SIGKILL of the executor → first script answered ok (the front holds requests while it restarts). */
  p50Ms: number;
  maxMs: number;
  samplesMs: number[];
}

/**
 * Executor crash recovery on the default pool (one executor, so nothing else can answer): SIGKILL it,
 * then send scripts back to back; the time to the first `ok` is what a client waits.
 */
export async function measureRecovery(trials = 7): Promise<RecoveryFigures> {
  const server = await startChildServer(GATEWAY_SERVER, {});
  const samples: number[] = [];
  try {
    for (let i = 0; i < 50; i++) await executeOk(server.url);
    for (let trial = 0; trial < trials; trial++) {
      const [executor] = childPids(server.child.pid!);
      if (executor === undefined) throw new Error('the service has no executor process');
      const killedAt = performance.now();
      process.kill(executor, 'SIGKILL');
      while (!(await executeOk(server.url))) {
        if (performance.now() - killedAt > 10_000) throw new Error('no script served within 10 s of the executor crash');
      }
      samples.push(round(performance.now() - killedAt, 1));
      // Lets the consecutive-crash count reset, as it does between real, unrelated crashes.
      for (let i = 0; i < 20; i++) await executeOk(server.url);
      await sleep(300);
    }
  } finally {
    await server.stop();
  }
  const sorted = [...samples].sort((a, b) => a - b);
  return { executors: 1, trials, p50Ms: percentile(sorted, 50), maxMs: sorted[sorted.length - 1] ?? 0, samplesMs: samples };
}

export interface MemoryFigures {
  executors: number;
  /** Just started, nothing served. */
  fresh: { frontMb: number; executorsMb: number; totalMb: number };
  /** After 10 s of load, then 15 s idle. */
  afterLoad: { frontMb: number; executorsMb: number; totalMb: number };
  /** The same, 60 s later: V8 gives back heap it no longer needs only after a while idle. */
  afterLoadIdle: { frontMb: number; executorsMb: number; totalMb: number };
}

/** RSS of `scriptgate serve` on the embedded default (demo catalog, in-memory cache and queue). */
export async function measureIdleMemory(): Promise<MemoryFigures> {
  const server = await startChildServer(MAIN, { SCRIPTGATE_PORT: '0', SCRIPTGATE_LOG_LEVEL: 'info' }, ['serve']);
  try {
    await sleep(5_000);
    const pid = server.child.pid!;
    const fresh = serviceRss(pid);
    const requests = [
      jsonPost('/v1/search', { query: 'invoices for a user', topK: 5 }),
      jsonPost('/v1/describe', { names: ['billing:getSubscription'] }),
      jsonPost('/v1/execute', { script: "const u = await callTool('users:list', { limit: 20 }); return u.items.length;" }),
    ];
    await runLoad({ url: server.url, requests, connections: 20, durationS: 10 });
    await sleep(15_000);
    const afterLoad = serviceRss(pid);
    await sleep(60_000);
    return { executors: childPids(pid).length, fresh, afterLoad, afterLoadIdle: serviceRss(pid) };
  } finally {
    await server.stop();
  }
}
