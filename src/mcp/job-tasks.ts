import { AsyncLocalStorage } from 'node:async_hooks';
import type { CreateTaskOptions, TaskStore } from '@modelcontextprotocol/sdk/experimental/tasks/interfaces.js';
import { ErrorCode, McpError, type CallToolResult, type Request, type RequestId, type Result, type Task } from '@modelcontextprotocol/sdk/types.js';
import { ANONYMOUS, type Caller } from '../auth';
import { formatZodError } from '../config';
import { GatewayError, toPublicError } from '../errors';
import { ExecuteBody, type GatewayApi } from '../gateway';
import type { JobView } from '../jobs';
import { toResult } from './meta-tools';

/** The one tool that runs as an MCP task: a long script is what needs one. */
export const TASK_TOOL = 'execute_script';

/** How often clients are told to poll tasks/get (and how often a blocked tasks/result rechecks); both revisions. */
export const POLL_INTERVAL_MS = 500;
/** tasks/cancel answers with the task's state after the stop, which a running script reaches within this. */
const CANCEL_SETTLE_MS = 2_000;

/**
 * Who sent the MCP request being handled. The SDK calls task stores with a session id only (none in
 * stateless HTTP), so the transport runs each request inside the caller's scope and the store reads it
 * here; outside any scope (stdio) the caller is the local, anonymous one.
 */
export const mcpCaller = new AsyncLocalStorage<Caller>();
const currentCaller = (): Caller => mcpCaller.getStore() ?? ANONYMOUS;

function taskNotFound(taskId: string): McpError {
  return new McpError(ErrorCode.InvalidParams, `Task not found: ${taskId}`);
}

/** A job waiting for a person, as a task's status message (both revisions). */
export function approvalMessage(view: JobView): string {
  const a = view.approval;
  return a ? `waiting for approval of ${a.tool} (POST /v1/jobs/${view.jobId}/approvals/${a.approvalId}) until ${a.expiresAt}` : 'waiting for an approval';
}

/** A running job's progress as a task's status message ("40%: step"), in both revisions. */
export const progressMessage = (progress: NonNullable<JobView['progress']>): string =>
  `${Math.round(progress.fraction * 100)}%${progress.message ? `: ${progress.message}` : ''}`;

/** The execute_script result for an envelope: the same shape a direct call answers with. */
export function envelopeResult(envelope: Record<string, unknown>): CallToolResult {
  return toResult({ structured: { ...envelope }, isError: envelope.status !== 'ok' });
}

/**
 * MCP Tasks on the job queue: a task-augmented execute_script is an async job, and tasks/get,
 * tasks/result and tasks/cancel read and stop that job, so a task survives the instance that created
 * it wherever jobs do (Redis) and any instance can answer for it. Task ids are job ids and, like them,
 * belong to the tenant: another tenant's id is "not found".
 */
export class JobTaskStore implements TaskStore {
  readonly #api: GatewayApi;

  constructor(api: GatewayApi) {
    this.#api = api;
  }

  get #ttlMs(): number {
    return this.#api.settings.jobRetentionMs;
  }

  async createTask(_options: CreateTaskOptions, _requestId: RequestId, request: Request): Promise<Task> {
    const params = request.params as { name?: unknown; arguments?: unknown } | undefined;
    if (params?.name !== TASK_TOOL) throw new McpError(ErrorCode.InvalidParams, `only ${TASK_TOOL} runs as a task`);
    const parsed = ExecuteBody.safeParse(params.arguments ?? {});
    if (!parsed.success) throw new McpError(ErrorCode.InvalidParams, `invalid arguments: ${formatZodError(parsed.error)}`);
    // The requested ttl is not honoured: results live as long as jobs do (jobs.retentionSeconds), and the task says so.
    const view = await this.#api.submitJob(parsed.data, currentCaller());
    return this.#task(view);
  }

  async getTask(taskId: string): Promise<Task | null> {
    const view = await this.#view(taskId);
    return view ? this.#task(view) : null;
  }

  async getTaskResult(taskId: string): Promise<Result> {
    const view = await this.#view(taskId);
    if (!view) throw taskNotFound(taskId);
    if (view.result !== undefined) return envelopeResult(view.result as Record<string, unknown>);
    // A job that failed before producing an envelope (RUNNER_LOST, a cancelled wait): its error, as any failed call answers.
    return toResult({ structured: { error: view.error ?? toPublicError(new GatewayError('INTERNAL', `task ${taskId} has no result`)) }, isError: true, conforms: false });
  }

  /** Only cancellation comes from outside: the queue sets every other status itself. */
  async updateTaskStatus(taskId: string, status: Task['status']): Promise<void> {
    if (status !== 'cancelled') throw new McpError(ErrorCode.InvalidRequest, `a task's status is set by its job; only cancelling is possible`);
    const caller = currentCaller();
    if (!(await this.#api.cancelJob(caller, taskId))) throw taskNotFound(taskId);
    await this.#api.waitJob(caller, taskId, CANCEL_SETTLE_MS);
  }

  async storeTaskResult(): Promise<void> {
    throw new McpError(ErrorCode.InvalidRequest, 'task results are stored by the job that runs them');
  }

  /** Not offered (no `tasks.list` capability): a task id, like a job id, is what lets a client read it. */
  async listTasks(): Promise<{ tasks: Task[] }> {
    throw new McpError(ErrorCode.MethodNotFound, 'tasks/list is not offered; keep the taskId that execute_script returned');
  }

  #view(taskId: string): Promise<JobView | undefined> {
    return this.#api.job(currentCaller(), taskId);
  }

  #task(view: JobView): Task {
    const task: Task = {
      taskId: view.jobId,
      status: 'working',
      ttl: this.#ttlMs,
      createdAt: view.createdAt,
      lastUpdatedAt: view.finishedAt ?? view.startedAt ?? view.createdAt,
      pollInterval: POLL_INTERVAL_MS,
    };
    const envelope = view.result as { status?: string; error?: { code: string; message: string } } | undefined;
    if (view.state === 'queued' || view.state === 'running') {
      if (view.progress) task.statusMessage = progressMessage(view.progress);
    } else if (view.state === 'input_required') {
      // Still working as far as the client can act: a person decides over REST or the playground, not through tasks/result.
      task.statusMessage = approvalMessage(view);
    } else if (view.state === 'cancelled') {
      task.status = 'cancelled';
    } else if (view.state === 'completed' && envelope?.status === 'ok') {
      task.status = 'completed';
    } else {
      // The specification counts a tool result with isError as a failed task; tasks/result still has the envelope.
      task.status = 'failed';
      const error = envelope?.error ?? view.error;
      if (error) task.statusMessage = `${error.code}: ${error.message}`;
    }
    return task;
  }
}
