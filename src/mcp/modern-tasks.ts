import { CLIENT_CAPABILITIES_META_KEY } from '@modelcontextprotocol/server';
import type { Caller } from '../auth';
import { formatZodError } from '../config';
import { ExecuteBody, type GatewayApi } from '../gateway';
import type { JobView } from '../jobs';
import { POLL_INTERVAL_MS, approvalMessage, envelopeResult, progressMessage } from './job-tasks';

/**
 * MCP 2026-07-28's tasks extension (SEP-2663) on the job queue: an `execute_script` with `async: true` from a
 * client that declared the extension becomes a task, which is our job under its id, so any pod answers
 * tasks/get and tasks/cancel for it. Tasks are the caller's tenant's, as jobs are: another tenant's id is
 * "not found". A client that did not declare the extension gets the queued answer and get_job, as before.
 */
export const TASKS_EXTENSION = 'io.modelcontextprotocol/tasks';

export class TaskProtocolError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** -32021: the request did not declare the extension in its client capabilities. */
const MISSING_CAPABILITY = -32021;
const INVALID_PARAMS = -32602;

/** Whether a request's `_meta` declares the tasks extension among its client capabilities. */
export function declaresTasks(meta: unknown): boolean {
  const capabilities = (meta as Record<string, { extensions?: Record<string, unknown> } | undefined> | undefined)?.[CLIENT_CAPABILITIES_META_KEY];
  return capabilities?.extensions?.[TASKS_EXTENSION] !== undefined;
}

/** An execute_script call that runs as a task: `async: true`, from a client that declared the extension. */
export function runsAsTask(name: unknown, args: unknown, meta: unknown): boolean {
  return name === 'execute_script' && (args as { async?: unknown } | undefined)?.async === true && declaresTasks(meta);
}

export function requireTasks(meta: unknown, method: string): void {
  if (!declaresTasks(meta)) {
    throw new TaskProtocolError(MISSING_CAPABILITY, `${method} needs the ${TASKS_EXTENSION} extension in the request's client capabilities`, { requiredCapabilities: { extensions: { [TASKS_EXTENSION]: {} } } });
  }
}

function taskFields(view: JobView, ttlMs: number): Record<string, unknown> {
  const status = view.state === 'queued' || view.state === 'running' || view.state === 'input_required' ? 'working' : view.state === 'cancelled' ? 'cancelled' : view.state === 'completed' ? 'completed' : 'failed';
  return {
    taskId: view.jobId,
    status,
    createdAt: view.createdAt,
    lastUpdatedAt: view.finishedAt ?? view.startedAt ?? view.createdAt,
    ttlMs,
    pollIntervalMs: POLL_INTERVAL_MS,
    ...(view.state === 'input_required' ? { statusMessage: approvalMessage(view) } : view.progress ? { statusMessage: progressMessage(view.progress) } : {}),
  };
}

/** The flat CreateTaskResult: the task's fields beside the result type, no result yet. */
export async function createTask(api: GatewayApi, caller: Caller, args: unknown): Promise<Record<string, unknown>> {
  const parsed = ExecuteBody.safeParse(args ?? {});
  if (!parsed.success) throw new TaskProtocolError(INVALID_PARAMS, `invalid arguments: ${formatZodError(parsed.error)}`);
  const view = await api.submitJob(parsed.data, caller);
  return { resultType: 'task', ...taskFields(view, api.settings.jobRetentionMs) };
}

/**
 * tasks/get: the task, with the tool result inlined once it completed. A script that failed is still a
 * completed task whose result has isError (the tool ran); `failed` is a job that never produced an
 * envelope (its runner was lost), with the error inlined.
 */
export async function getTask(api: GatewayApi, caller: Caller, taskId: string): Promise<Record<string, unknown>> {
  const view = await api.job(caller, taskId);
  if (!view) throw new TaskProtocolError(INVALID_PARAMS, `Task not found: ${taskId}`);
  const task = taskFields(view, api.settings.jobRetentionMs);
  if (view.state === 'completed' && view.result !== undefined) {
    task.result = envelopeResult(view.result as Record<string, unknown>);
  } else if (view.state === 'failed') {
    task.error = { code: -32603, message: view.error ? `${view.error.code}: ${view.error.message}` : 'the job failed', ...(view.error ? { data: view.error } : {}) };
  }
  return { resultType: 'complete', ...task };
}

/** tasks/cancel: an empty acknowledgement, also for a task that already ended; the status shows on the next tasks/get. */
export async function cancelTask(api: GatewayApi, caller: Caller, taskId: string): Promise<Record<string, unknown>> {
  const view = await api.job(caller, taskId);
  if (!view) throw new TaskProtocolError(INVALID_PARAMS, `Task not found: ${taskId}`);
  if (view.state === 'queued' || view.state === 'running') await api.cancelJob(caller, taskId);
  return { resultType: 'complete' };
}
