export { MemoryJobQueue } from './memory-queue';
export { BullJobQueue } from './bullmq-queue';
export { ParkJob, SETTLED, TERMINAL } from './types';
export type { JobQueue, JobSubmission, JobView, JobState, ParkedSubmission } from './types';
