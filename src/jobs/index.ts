export { MemoryJobQueue } from './memory-queue';
export { BullJobQueue } from './bullmq-queue';
export { TERMINAL } from './types';
export type { JobQueue, JobSubmission, JobView, JobState } from './types';
