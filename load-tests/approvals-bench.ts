import { performance } from 'node:perf_hooks';
import { ANONYMOUS } from '../src/auth';
import type { LoadedConfig } from '../src/config';
import { apiOf, createGateway } from '../src/gateway';
import { silentLogger } from '../src/log';
import { benchTools } from './bench-tools';
import { percentile, round } from './harness';

/** Calls the script makes before the one that waits: each is replayed from the log on resume. */
const CALLS_BEFORE = 10;
const SCRIPT = `const seen = [];
for (let i = 0; i < ${CALLS_BEFORE}; i++) seen.push((await callTool('bench:echo', { i, at: Date.now() })).i);
await callTool('users:get', { id: 'u_0001' });
return seen.length;`;

/**
 * What waiting for a person costs the service (the person's own time aside), on the embedded default:
 * `pause` is an execute that stops at the approval call and answers with its job; `resume` is the
 * decision through the API until the job completed, which replays the ten calls made before the pause
 * from the log and makes the approved one.
 */
export async function approvalTimes(config: LoadedConfig, runs = 200): Promise<{ callsBefore: number; pauseP50: number; pauseP99: number; resumeP50: number; resumeP99: number }> {
  const gateway = createGateway({ config: { ...config, approvals: { ...config.approvals, tools: { 'users:get': 'approve' } } }, log: silentLogger(), extraTools: benchTools(), processMetrics: false });
  await gateway.start();
  const api = apiOf(gateway);
  const pause: number[] = [];
  const resume: number[] = [];
  try {
    for (let i = 0; i < runs + 20; i++) {
      const t0 = performance.now();
      const paused = await gateway.execute({ script: SCRIPT });
      const t1 = performance.now();
      if (paused.status !== 'input_required' || !paused.jobId || !paused.approval) throw new Error(`did not pause: ${JSON.stringify(paused).slice(0, 300)}`);
      await api.decideApproval(ANONYMOUS, paused.jobId, paused.approval.approvalId, { decision: 'approve' });
      const done = await api.waitJob(ANONYMOUS, paused.jobId, 30_000);
      const t2 = performance.now();
      if (done?.state !== 'completed' || (done.result as { result?: unknown } | undefined)?.result !== CALLS_BEFORE) throw new Error(`did not complete: ${JSON.stringify(done).slice(0, 300)}`);
      // The first runs warm the caches and threads.
      if (i < 20) continue;
      pause.push(t1 - t0);
      resume.push(t2 - t1);
    }
  } finally {
    await gateway.close();
  }
  const at = (list: number[], p: number) => round(percentile([...list].sort((a, b) => a - b), p), 2);
  return { callsBefore: CALLS_BEFORE, pauseP50: at(pause, 50), pauseP99: at(pause, 99), resumeP50: at(resume, 50), resumeP99: at(resume, 99) };
}
