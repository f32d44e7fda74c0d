export { ExecutorPool, RunScope } from './executor-pool';
export type { ExecutorPoolOptions } from './executor-pool';
export { restartDelayMs, SANDBOX_WORKER_FILE } from './executor-process';
export { SANDBOX_LIMIT_KEYS } from './protocol';
export type { SandboxLimits, SandboxOutcome, LogEntry, ToolReply, SandboxError } from './protocol';
