export { ExecutorPool, PAUSE_RUN, RunScope, cancelHookOf } from './executor-pool';
export type { ExecutorPoolOptions, CancelHook, RunResult } from './executor-pool';
export type { ReplaySnapshot } from './replay-log';
export { restartDelayMs, SANDBOX_WORKER_FILE } from './executor-process';
export { SANDBOX_LIMIT_KEYS } from './protocol';
export type { SandboxLimits, SandboxOutcome, LogEntry, ToolReply, SandboxError } from './protocol';
