/**
 * `npm run bench:pool [-- --duration 8 --connections 50 --only "2 executors × 1"]`
 * The same REST load (3 tool calls answering after 5 ms, and at once) against the service under a few
 * pool settings, each a fresh server process configured only through SCRIPTGATE_* variables, as in
 * Kubernetes. Prints a table and one JSON line; docs/operations.md "Pool tuning" quotes it.
 */
import { resolve } from 'node:path';
import { SCRIPTS } from './bench-tools';
import { numberOption, loadHttp, round, startChildServer, stringOption } from './harness';

const opt = numberOption;
const DURATION_S = opt('duration', 8);
const CONNECTIONS = opt('connections', 50);
const SERVER = resolve(__dirname, 'servers', 'gateway-server.js');
/** `--only "<name prefix>"` runs one setting. */
const ONLY = stringOption('only');

const SETTINGS: { name: string; env: Record<string, string> }[] = [
  { name: '1 executor × 2 threads', env: { SCRIPTGATE_EXECUTORS: '1', SCRIPTGATE_POOL_MIN_THREADS: '2', SCRIPTGATE_POOL_MAX_THREADS: '2' } },
  { name: '2 executors × 2 threads', env: { SCRIPTGATE_EXECUTORS: '2', SCRIPTGATE_POOL_MIN_THREADS: '2', SCRIPTGATE_POOL_MAX_THREADS: '2' } },
  {
    name: '2 executors × 1 thread, 32 per thread (k8s ConfigMap)',
    env: { SCRIPTGATE_EXECUTORS: '2', SCRIPTGATE_POOL_MIN_THREADS: '1', SCRIPTGATE_POOL_MAX_THREADS: '1', SCRIPTGATE_POOL_TASKS_PER_THREAD: '32' },
  },
  { name: '1 executor × 1 thread, 64 per thread', env: { SCRIPTGATE_EXECUTORS: '1', SCRIPTGATE_POOL_MIN_THREADS: '1', SCRIPTGATE_POOL_MAX_THREADS: '1', SCRIPTGATE_POOL_TASKS_PER_THREAD: '64' } },
];

async function main(): Promise<void> {
  const rows: Record<string, unknown>[] = [];
  for (const setting of SETTINGS.filter((s) => ONLY === undefined || s.name.startsWith(ONLY))) {
    for (const delayMs of [0, 5]) {
      const server = await startChildServer(SERVER, { ...setting.env, SCRIPTGATE_PRESET: 'balanced', BENCH_TOOL_DELAY_MS: String(delayMs) });
      try {
        await loadHttp(`${server.url}/v1/execute`, { script: SCRIPTS.threeTools }, CONNECTIONS, 2);
        const figures = await loadHttp(`${server.url}/v1/execute`, { script: SCRIPTS.threeTools }, CONNECTIONS, DURATION_S);
        rows.push({ setting: setting.name, toolDelayMs: delayMs, ...figures });
      } finally {
        await server.stop();
      }
    }
  }
  console.log('| setting | tools answer after | req/s | p50 ms | p99 ms | errors |');
  console.log('|---|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${String(r.setting)} | ${String(r.toolDelayMs)} ms | ${round(Number(r.rps), 0)} | ${String(r.p50)} | ${String(r.p99)} | ${Number(r.errors) + Number(r.non2xx)} |`);
  console.log(JSON.stringify({ bench: 'pool-tuning', node: process.version, connections: CONNECTIONS, durationS: DURATION_S, rows }));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
