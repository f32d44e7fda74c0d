export { ExecutorPool, RunScope, cancelHookOf } from './executor-pool';
export type { ExecutorPoolOptions, CancelHook } from './executor-pool';
export { restartDelayMs, SANDBOX_WORKER_FILE } from './executor-process';
export { SANDBOX_LIMIT_KEYS } from './protocol';
export type { SandboxLimits, SandboxOutcome, LogEntry, ToolReply, SandboxError } from './protocol';
