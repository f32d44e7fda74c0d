/**
 * `npm run bench:jobs [-- --jobs 2000 --submitters 16 --redis redis://127.0.0.1:6379]`
 * Trivial scripts as async jobs, in process: idle enqueue → start latency (p50/p99 over 300 jobs sent one
 * at a time, from the jobs' own millisecond timestamps) and end-to-end jobs/s with parallel submitters, for the in-process queue and,
 * when a Redis URL is given (or REDIS_URL is set), for BullMQ. Prints a table and one JSON line.
 */
import { loadConfig } from '../src/config';
import { createGateway } from '../src/gateway';
import { silentLogger } from '../src/log';
import { ANONYMOUS } from '../src/auth';
import { percentile, round } from './harness';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const JOBS = Number(opt('jobs') ?? 2000);
const REDIS = opt('redis') ?? process.env.REDIS_URL ?? '';
const LATENCY_RUNS = 300;
const SUBMITTERS = Number(opt('submitters') ?? 16);

async function measure(label: string, redisUrl: string): Promise<Record<string, number | string>> {
  const config = loadConfig({ env: {}, overrides: { log: { level: 'silent' }, redis: { url: redisUrl, keyPrefix: `bench:${Date.now()}:` }, jobs: { concurrency: 32 } } });
  const gateway = createGateway({ config, log: silentLogger(), processMetrics: false });
  await gateway.start();
  try {
    const submit = () => gateway.jobs.submit({ script: 'return 1', caller: ANONYMOUS });
    for (let i = 0; i < 50; i++) await gateway.jobs.wait('default', (await submit()).jobId, 5_000);
    // Idle latency: one job at a time, so the figure is the queue's own hop, not a backlog.
    const waits: number[] = [];
    for (let i = 0; i < LATENCY_RUNS; i++) {
      const view = await gateway.jobs.wait('default', (await submit()).jobId, 5_000);
      waits.push(Date.parse(view?.startedAt ?? '') - Date.parse(view?.createdAt ?? ''));
    }
    waits.sort((x, y) => x - y);
    // Throughput: SUBMITTERS clients submitting and waiting in parallel, JOBS in all.
    let next = 0;
    let completed = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: SUBMITTERS }, async () => {
        while (next++ < JOBS) if ((await gateway.jobs.wait('default', (await submit()).jobId, 60_000))?.state === 'completed') completed++;
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    return { queue: label, jobs: JOBS, completed, startP50Ms: round(percentile(waits, 50), 1), startP99Ms: round(percentile(waits, 99), 1), jobsPerSecond: Math.round(JOBS / seconds) };
  } finally {
    await gateway.close();
  }
}

async function main(): Promise<void> {
  const rows = [await measure('in-process', '')];
  if (REDIS) rows.push(await measure('BullMQ', REDIS));
  else console.log('(no --redis or REDIS_URL: BullMQ not measured)');
  console.log(`| queue | jobs | completed | enqueue → start p50 | p99 | jobs/s end to end (${SUBMITTERS} submitters) |`);
  console.log('|---|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.queue} | ${r.jobs} | ${r.completed} | ${r.startP50Ms} ms | ${r.startP99Ms} ms | ${r.jobsPerSecond} |`);
  console.log(JSON.stringify(rows));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
