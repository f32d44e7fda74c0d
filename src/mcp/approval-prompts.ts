import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { CLIENT_CAPABILITIES_META_KEY, inputRequired, inputResponse } from '@modelcontextprotocol/server';
import type { Caller } from '../auth';
import type { GatewayApi } from '../gateway';
import type { JobView } from '../jobs';
import { errorOutcome, toResult } from './meta-tools';
import { contentOfValue } from './content-blocks';

/**
 * Approvals over MCP. A tool call whose execution paused answers with the job it became (status
 * input_required, jobId, approval). Where the client can ask its user (elicitation: over stdio on
 * 2025-11-25, as an input_required result on 2026-07-28), the gateway asks with the call, its arguments
 * and the script, decides the approval with the answer on the caller's behalf (same tenant and approver
 * scope as REST), waits for the job, and answers the original call with the job's outcome.
 */

export interface PendingApproval {
  jobId: string;
  approval: { approvalId: string; tool: string; args: unknown; script: string; scriptHash: string; expiresAt: string };
}

export type ApprovalAnswer = { decision: 'approve' | 'deny'; reason?: string } | undefined;

/** The approval a tool result waits on, when it is one that paused. */
export function pendingApprovalOf(result: CallToolResult): PendingApproval | undefined {
  const s = result.structuredContent as { status?: unknown; jobId?: unknown; approval?: unknown } | undefined;
  if (!s || s.status !== 'input_required' || typeof s.jobId !== 'string' || s.approval === null || typeof s.approval !== 'object') return undefined;
  return { jobId: s.jobId, approval: s.approval as PendingApproval['approval'] };
}

const ARGS_CHARS = 2_000;
const SCRIPT_CHARS = 6_000;

/** The elicitation/create params that ask the client's user to decide. */
export function approvalElicitation(pending: PendingApproval): { mode: 'form'; message: string; requestedSchema: { type: 'object'; properties: Record<string, Record<string, unknown>>; required: string[] } } {
  const { approval } = pending;
  const args = JSON.stringify(approval.args, null, 2) ?? 'undefined';
  const script = approval.script.length > SCRIPT_CHARS ? `${approval.script.slice(0, SCRIPT_CHARS)}\n… (${approval.script.length} characters in all)` : approval.script;
  return {
    mode: 'form',
    message:
      `A script wants to call ${approval.tool}, which needs your approval (job ${pending.jobId}, undecided by ${approval.expiresAt} it expires).\n\n` +
      `Arguments:\n${args.length > ARGS_CHARS ? `${args.slice(0, ARGS_CHARS)}…` : args}\n\nScript (sha256 ${approval.scriptHash.slice(0, 16)}):\n${script}`,
    requestedSchema: {
      type: 'object',
      properties: {
        decision: { type: 'string', title: 'Decision', enum: ['approve', 'deny'], description: `Run ${approval.tool} with these arguments, or refuse it` },
        reason: { type: 'string', title: 'Reason', description: 'Optional; a denial passes it to the script', maxLength: 1000 },
      },
      required: ['decision'],
    },
  };
}

/** An elicitation's answer as a decision: accept carries it, decline denies, cancel (or anything else) leaves it pending. */
export function answerOf(result: { action?: unknown; content?: unknown } | undefined): ApprovalAnswer {
  if (!result) return undefined;
  if (result.action === 'decline') return { decision: 'deny', reason: 'declined by the user' };
  if (result.action !== 'accept') return undefined;
  const content = (result.content ?? {}) as { decision?: unknown; reason?: unknown };
  if (content.decision !== 'approve' && content.decision !== 'deny') return undefined;
  return { decision: content.decision, ...(typeof content.reason === 'string' && content.reason !== '' ? { reason: content.reason.slice(0, 1000) } : {}) };
}

/**
 * Decides the pending approval with the user's answer and waits (up to jobs.maxWaitMs) for the job: its
 * outcome as the answer `tool` gives, the next pending approval as a paused answer, or the job's state
 * when it is still running.
 */
export async function decideAndWait(api: GatewayApi, caller: Caller, tool: string, pending: PendingApproval, answer: NonNullable<ApprovalAnswer>): Promise<CallToolResult> {
  await api.decideApproval(caller, pending.jobId, pending.approval.approvalId, answer);
  const view = await api.waitJob(caller, pending.jobId, api.settings.jobMaxWaitMs);
  return jobAnswer(tool, view, pending.jobId);
}

/** A job's state as the answer of the tool call that became it. */
function jobAnswer(tool: string, view: JobView | undefined, jobId: string): CallToolResult {
  if (view?.state === 'input_required' && view.approval) return toResult({ structured: { status: 'input_required', jobId, approval: view.approval }, isError: false });
  const envelope = view?.state === 'completed' ? (view.result as { status: string; result?: unknown; error?: unknown } | undefined) : undefined;
  if (!envelope) return toResult({ structured: { ...(view ?? { jobId, state: 'unknown' }) }, isError: view?.state === 'failed' || view?.state === 'cancelled' });
  if (tool === 'execute_script') return toResult({ structured: { ...envelope }, isError: envelope.status !== 'ok' });
  // invoke_tool and raw tools: the one call's answer, as a direct call would have given it.
  if (envelope.status !== 'ok') {
    const error = { error: envelope.error };
    return tool === 'invoke_tool' ? toResult({ structured: { status: 'tool_error', ...error }, isError: true }) : { content: [{ type: 'text', text: JSON.stringify(error) }], isError: true };
  }
  if (tool === 'invoke_tool') return toResult({ structured: { status: 'ok', result: envelope.result }, isError: false });
  const value = envelope.result;
  const plain = value !== null && typeof value === 'object' && !Array.isArray(value);
  return { content: contentOfValue(value), ...(plain ? { structuredContent: value as Record<string, unknown> } : {}) };
}

/** The key of the approval prompt among a result's input requests (2026-07-28). */
const APPROVAL_INPUT = 'approval';

/**
 * The pending approval a 2026-07-28 retry answers. requestState comes back from the client and is not
 * trusted: it only names a job and an approval, and deciding checks the caller's tenant and approver
 * scope as REST does, so a forged state can do nothing the caller could not do over REST.
 */
function stateOf(raw: unknown): PendingApproval | undefined {
  if (typeof raw !== 'string' || raw.length > 64 * 1024) return undefined;
  try {
    const state = JSON.parse(raw) as Partial<PendingApproval>;
    return typeof state.jobId === 'string' && typeof state.approval?.approvalId === 'string' ? (state as PendingApproval) : undefined;
  } catch {
    return undefined;
  }
}

function declaresElicitation(meta: unknown): boolean {
  const capabilities = (meta as Record<string, { elicitation?: unknown } | undefined> | undefined)?.[CLIENT_CAPABILITIES_META_KEY];
  return capabilities?.elicitation !== undefined;
}

/**
 * A 2026-07-28 tools/call, SDK or plain path: a retry that answers an approval prompt decides it and
 * reports where the job got to; a result that waits on an approval becomes an input_required result
 * asking the client's user, when the client declared elicitation (else the paused answer stands).
 */
export async function callAskingApprovals(
  api: GatewayApi,
  caller: Caller,
  params: { name: string; requestState?: unknown; inputResponses?: unknown },
  meta: unknown,
  call: () => Promise<CallToolResult>,
): Promise<Record<string, unknown>> {
  const asked = stateOf(params.requestState);
  let result: CallToolResult;
  if (asked) {
    const view = inputResponse(params.inputResponses as never, APPROVAL_INPUT);
    const answer = answerOf(view.kind === 'elicit' ? view : undefined);
    result = answer
      ? await decideAndWait(api, caller, params.name, asked, answer).catch((err: unknown) => toResult(errorOutcome(err)))
      : toResult({ structured: { status: 'input_required', ...asked }, isError: false });
  } else result = await call();
  const pending = pendingApprovalOf(result);
  // Asking a user whose answer could not count would only waste their time: the job waits for an approver.
  if (!pending || !declaresElicitation(meta) || !api.mayDecide(caller)) return result;
  return inputRequired({ inputRequests: { [APPROVAL_INPUT]: { method: 'elicitation/create', params: approvalElicitation(pending) as never } }, requestState: JSON.stringify(pending) }) as unknown as Record<string, unknown>;
}
