import type { Worker } from 'bullmq';

const IDLE_POLL_MS = 50;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Closes a BullMQ worker: it takes no new job, the running ones finish, then its connections go.
 *
 * Not BullMQ's graceful close: that one waits for its blocking client's 'end', and ioredis never
 * ends a client told to disconnect between two reconnect attempts, having no socket to close
 * (taskforcesh/bullmq#4656). That is the state during and right after a Redis outage, so a pod
 * stopped then would hang its shutdown. Pausing stops the fetching, our own count says when the
 * last job ended, and a forced close of an idle worker then only disconnects: nothing to wait for.
 */
export async function closeWorker(worker: Worker, activeJobs: () => number): Promise<void> {
  await worker.pause(true);
  while (activeJobs() > 0) await sleep(IDLE_POLL_MS);
  await worker.close(true);
}
