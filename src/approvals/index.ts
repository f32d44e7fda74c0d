export { ApprovalPolicy } from './policy';
export { MemoryApprovalStore } from './memory-store';
export { RedisApprovalStore } from './redis-store';
export { pendingOf } from './types';
export type { Approval, ApprovalDecision, ApprovalOutcome, ApprovalStore, PausedExecution, PendingApprovalView, RecordedReply } from './types';
