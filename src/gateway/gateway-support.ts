import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_TOOLS_DIR, loadModuleTools, type Catalog, type SpecSource, type Upstream } from '../catalog';
import type { Redis } from '../redis';
import { DiskEmbeddingStore, RedisEmbeddingStore, SemanticSearch, WorkerEmbedder, type Embedder } from '../search';
import type { LoadedConfig, RiskPresetName } from '../config';
import { SANDBOX_WORKER_FILE, type ExecutorPoolOptions, type SandboxError, type ToolReply } from '../executor';
import { GatewayError } from '../errors';
import type { Logger } from '../log';
import { RISK_PRESETS, assessRisk, locateFailure, type CompiledScript, type RiskAssessment, type ScriptFacts, type ToolTraits } from '../gate';
import type { Caller } from '../auth';

/** A promise that rejects when `signal` aborts, so a hung tool cannot hold a call open past the deadline. */
export function abortRace<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}


/** The local sources: tool modules (the demo catalog first when `sources.demo` is on). They must load. */
export async function registerLocalSources(catalog: Catalog, sources: LoadedConfig['sources']): Promise<void> {
  const modules = sources.demo ? [{ dir: DEMO_TOOLS_DIR }, ...sources.modules] : sources.modules;
  if (modules.length > 0) catalog.register(await loadModuleTools(modules));
}

/**
 * Starts every remote source and waits for each at most `budgetMs`: a dead source has failed by then (and
 * retries on its own), a hanging one keeps loading in the background and joins the catalog later.
 */
export async function startWithinBudget(sources: readonly { name: string; start: () => Promise<void> }[], budgetMs: number, log: Logger): Promise<void> {
  if (sources.length === 0) return;
  const pending = new Set(sources.map((s) => s.name));
  const all = Promise.all(sources.map((s) => s.start().finally(() => pending.delete(s.name))));
  let timer: NodeJS.Timeout | undefined;
  const budget = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, budgetMs);
    timer.unref();
  });
  await Promise.race([all, budget]);
  clearTimeout(timer);
  if (pending.size > 0) log.warn({ sources: [...pending], startupBudgetMs: budgetMs }, 'sources still loading after the startup budget; serving without them until they are ready');
}

/** The risk assessment of a script's facts under one policy (the configured one, or a tenant's). */
export function riskOf(facts: ScriptFacts, catalog: Catalog, risk: LoadedConfig['risk'], policy: { preset: RiskPresetName; warnAt: number; blockAt: number }): RiskAssessment {
  return assessRisk(facts, toolTraitsLookup(catalog, risk.tools), { warnAt: policy.warnAt, blockAt: policy.blockAt, blockSignals: RISK_PRESETS[policy.preset].blockSignals });
}

/** Risk traits of a tool: its MCP annotations, overridden by `risk.tools` in config. */
export function toolTraitsLookup(catalog: Catalog, overrides: Readonly<Record<string, ToolTraits>>): (tool: string) => ToolTraits | undefined {
  return (tool) => {
    const annotations = catalog.get(tool)?.annotations;
    const override = overrides[tool];
    if (!annotations && !override) return undefined;
    return {
      ...(annotations?.readOnlyHint !== undefined ? { readOnly: annotations.readOnlyHint } : {}),
      ...(annotations?.destructiveHint !== undefined ? { destructive: annotations.destructiveHint } : {}),
      ...(annotations?.openWorldHint !== undefined ? { openWorld: annotations.openWorldHint } : {}),
      ...override,
    };
  };
}

/** Executor processes and their worker pools, as configured. */
export function executorPoolOptions(config: LoadedConfig, log: Logger, enforceDeadlines = true): ExecutorPoolOptions {
  return {
    processes: config.executor.processes,
    permissionModel: config.executor.permissionModel,
    parallelGc: config.executor.parallelGc,
    restartBackoffMs: config.executor.restartBackoffMs,
    restartBackoffMaxMs: config.executor.restartBackoffMaxMs,
    watchdogMs: config.executor.watchdogMs,
    maxQueue: config.pool.maxQueue,
    log,
    init: {
      sandboxWorkerFile: SANDBOX_WORKER_FILE,
      minThreads: config.pool.minThreads,
      maxThreads: config.pool.maxThreads,
      tasksPerThread: config.pool.tasksPerThread,
      idleTimeoutMs: config.pool.idleTimeoutMs,
      workerHeapMb: config.effectiveLimits.workerHeapMb,
      terminateGraceMs: config.executor.terminateGraceMs,
      rssLimitMb: config.executor.rssLimitMb,
      enforceDeadlines,
    },
  };
}

/**
 * The `ml` strategy's parts: the model (bundled, in a worker thread), and where vectors are shared: Redis
 * when configured (every pod reuses them), else a directory that survives restarts.
 */
export function semanticSearch(config: LoadedConfig, redis: Redis | undefined, log: Logger, embedder?: Embedder): SemanticSearch {
  const { cacheDir, annThreshold, queryCacheEntries, maxQueuedQueries } = config.search.ml;
  const store = redis ? new RedisEmbeddingStore(redis, config.redis.keyPrefix) : new DiskEmbeddingStore(cacheDir || join(tmpdir(), 'scriptgate-embeddings'));
  return new SemanticSearch({ embedder: embedder ?? new WorkerEmbedder(), store, annThreshold, queryCacheEntries, maxQueuedQueries, log });
}

/**
 * What the script sees as `context`. What auth established wins over what the caller wrote: tenantId and
 * scopes always, and with auth on, userId too (a caller without a user id gets none, not the one it sent).
 */
export function executionContext(sent: Record<string, unknown> | undefined, caller: Caller): Record<string, unknown> {
  const { userId, ...rest } = sent ?? {};
  const user = caller.via === 'none' ? (caller.userId ?? userId) : caller.userId;
  return { ...rest, tenantId: caller.tenantId, ...(user !== undefined ? { userId: user } : {}), scopes: [...caller.scopes] };
}

/** A sandbox failure with the script's own line, column and snippet, and an explanation where the gate has one. */
export function inScript(error: SandboxError, script: CompiledScript, source: string): SandboxError {
  const { message, details, line, column, snippet } = locateFailure(error, script, source);
  return { code: error.code, message, details: { ...details, ...(line !== undefined ? { line, column, snippet } : {}) } };
}

/** Runs every step even when an earlier one failed, then rejects naming the ones that did. */
export async function runShutdownSteps(log: Logger, steps: ReadonlyArray<readonly [string, () => unknown]>): Promise<void> {
  const failed: string[] = [];
  for (const [name, step] of steps) {
    try {
      await step();
    } catch (err) {
      failed.push(name);
      log.error({ err, step: name }, 'a shutdown step failed; going on with the rest');
    }
  }
  if (failed.length > 0) throw new Error(`shutdown steps failed: ${failed.join(', ')}`);
}

/** The source of `name` when it has not loaded yet (its tools are unknown until it does). */
export function unloadedSource(name: string, sources: readonly (Upstream | SpecSource)[]): { name: string; state: string; lastError?: string } | undefined {
  const source = name.slice(0, Math.max(0, name.indexOf(':')));
  if (!source) return undefined;
  const health = sources.find((s) => s.config.name === source)?.health();
  return health && health.state !== 'connected' && health.tools === 0 ? health : undefined;
}

/** A tool call's outcome as the reply a script gets: the tool's own failure code, ours only for our checks. */
export async function replyOf(tool: string, log: Logger, call: () => Promise<unknown>): Promise<ToolReply> {
  try {
    return { ok: true, value: await call() };
  } catch (err) {
    if (err instanceof GatewayError) {
      // Scripts see the tool's own failure code (e.g. NOT_FOUND); our codes only for our checks.
      const toolCode = err.details.toolCode;
      const code = err.code === 'TOOL_ERROR' && typeof toolCode === 'string' ? toolCode : err.code;
      return { ok: false, error: { code, message: err.message, details: { ...err.details } } };
    }
    log.warn({ err, tool }, 'tool call failed unexpectedly');
    return { ok: false, error: { code: 'TOOL_ERROR', message: err instanceof Error ? err.message : String(err) } };
  }
}
