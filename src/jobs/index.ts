export { MemoryJobQueue } from './memory-queue';
export { TERMINAL } from './types';
export type { JobQueue, JobRunner, JobSubmission, JobView, JobState } from './types';
