import type { ExecutorMessage, LogEntry, LostOutcome, RunOutcome, SandboxError, SandboxStats, WorkerChannelMessage } from './protocol';

/**
 * The front's reading of what an executor sends. Executors run untrusted scripts, so nothing they send
 * is taken at its declared type: each message is checked here, once, before anything acts on it, and a
 * message that does not fit is dropped (and reported) as a whole. Plain checks rather than a schema
 * library: this runs for every message, thousands a second, and allocates nothing on the way.
 */

/** Longest text an executor may have logged through the front, per message. */
const MAX_EXECUTOR_LOG_CHARS = 4_000;
const LOG_LEVELS: ReadonlySet<string> = new Set(['log', 'info', 'warn', 'error', 'debug']);
const LOST_REASONS: ReadonlySet<string> = new Set(['worker-exited', 'worker-oom', 'worker-hogged', 'executor-exited']);

type Fields = Record<string, unknown>;
const isObject = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
/** Run and call ids: what the front handed out, never negative or fractional. */
const isId = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

function isStats(v: unknown): v is SandboxStats {
  return isObject(v) && isCount(v.toolCalls) && isCount(v.iterations) && isCount(v.runMs);
}

function isSandboxError(v: unknown): v is SandboxError {
  return isObject(v) && typeof v.code === 'string' && typeof v.message === 'string' && (v.details === undefined || isObject(v.details));
}

function isLogs(v: unknown): v is LogEntry[] {
  return Array.isArray(v) && v.every((e) => isObject(e) && typeof e.level === 'string' && LOG_LEVELS.has(e.level) && typeof e.message === 'string');
}

function isLost(v: Fields): v is Fields & LostOutcome {
  return (
    v.lost === true &&
    typeof v.reason === 'string' &&
    LOST_REASONS.has(v.reason) &&
    typeof v.madeToolCall === 'boolean' &&
    typeof v.sole === 'boolean' &&
    (v.suspect === undefined || typeof v.suspect === 'boolean') &&
    typeof v.message === 'string'
  );
}

export function isRunOutcome(v: unknown): v is RunOutcome {
  if (!isObject(v)) return false;
  if ('lost' in v) return isLost(v);
  if (!isLogs(v.logs) || !isStringArray(v.warnings) || !isStats(v.stats)) return false;
  if (v.ok === true) return v.resultJson === undefined || typeof v.resultJson === 'string';
  return v.ok === false && isSandboxError(v.error);
}

/**
 * One message of an executor process (a batch is read message by message by the caller). A 'done'
 * whose outcome does not fit keeps its run id, so the run it names can be failed at once rather than
 * wait for its deadline.
 */
export function readExecutorMessage(raw: unknown): ExecutorMessage | { t: 'malformed-done'; id: number } | undefined {
  if (!isObject(raw)) return undefined;
  switch (raw.t) {
    case 'ready':
      return isCount(raw.threads) ? { t: 'ready', threads: raw.threads } : undefined;
    case 'done':
      if (!isId(raw.id)) return undefined;
      return isRunOutcome(raw.outcome) ? { t: 'done', id: raw.id, outcome: raw.outcome } : { t: 'malformed-done', id: raw.id };
    case 'pool-stats':
      return isCount(raw.threads) && isCount(raw.queueSize) && isCount(raw.utilization) && isCount(raw.rssBytes)
        ? { t: 'pool-stats', threads: raw.threads, queueSize: raw.queueSize, utilization: raw.utilization, rssBytes: raw.rssBytes }
        : undefined;
    case 'log':
      return (raw.level === 'warn' || raw.level === 'error') && typeof raw.message === 'string'
        ? { t: 'log', level: raw.level, message: raw.message.slice(0, MAX_EXECUTOR_LOG_CHARS) }
        : undefined;
    default:
      return undefined;
  }
}

/** The messages of one IPC message: a batch's, or itself. Anything else is one unreadable message. */
export function executorMessagesOf(raw: unknown): unknown[] {
  return isObject(raw) && raw.t === 'batch' && Array.isArray(raw.m) ? raw.m : [raw];
}

/** One line a sandbox thread sent on the tool channel. */
export function readChannelMessage(raw: unknown): WorkerChannelMessage | undefined {
  if (!isObject(raw)) return undefined;
  if (raw.t === 'hello') return typeof raw.token === 'string' && isId(raw.threadId) ? { t: 'hello', token: raw.token, threadId: raw.threadId } : undefined;
  if (raw.t !== 'tool-call' || !isId(raw.id) || !isId(raw.callId) || typeof raw.tool !== 'string') return undefined;
  const { clock } = raw;
  if (clock !== undefined && clock !== false && !(Array.isArray(clock) && clock.every((c) => typeof c === 'number' && Number.isFinite(c)))) return undefined;
  return { t: 'tool-call', id: raw.id, callId: raw.callId, tool: raw.tool, args: raw.args, ...(clock !== undefined ? { clock: clock as number[] | false } : {}) };
}
