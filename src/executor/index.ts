export { ExecutorPool, RunScope } from './executor-pool';
export type { ExecutorPoolOptions, RunRequest, RunResult, ToolCallHandler } from './executor-pool';
export { ExecutorProcess, restartDelayMs, EXECUTOR_HOST_FILE, SANDBOX_WORKER_FILE, permissionFlags, scrubbedEnv } from './executor-process';
export type { PoolStats } from './executor-process';
export { ToolChannelServer } from './tool-channel';
export type { SandboxLimits, SandboxOutcome, LogEntry, ToolReply, SandboxError } from './protocol';
