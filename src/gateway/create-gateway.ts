import { createHash } from 'node:crypto';
import { Authenticator, TenantGuard } from '../auth';
import { CachedLookups, MemoryResultCache, RedisResultCache } from '../cache';
import { Catalog, createAccessControl, type SpecSource, type Upstream } from '../catalog';
import { ExecutorPool } from '../executor';
import { createScriptCompiler } from '../gate';
import { BullJobQueue, MemoryJobQueue } from '../jobs';
import { createMetrics } from '../metrics';
import { createRedis } from '../redis';
import { ToolSearch } from '../search';
import { Discovery } from './discovery';
import { GatePool } from './gate-pool';
import { Gateway, type GatewayOptions } from './gateway';
import { executorPoolOptions, semanticSearch, unloadedSource } from './gateway-support';
import { Preflight } from './preflight';
import { TypeChecker } from '../typecheck';
import { PluginRunner } from '../plugins';
import { Observer } from './observe';
import { ApprovalFlow } from './approval-flow';
import { MemoryApprovalStore, RedisApprovalStore } from '../approvals';

/**
 * The composition root: builds every subsystem from the configuration and wires them together, in one
 * place and in dependency order. Nothing is started: no process, connection or timer exists until
 * `start()` (Redis and BullMQ connect lazily). Sources load in `start()` too.
 */
export function createGateway(options: GatewayOptions): Gateway {
  const { config, log } = options;
  const catalog = new Catalog();
  if (options.extraTools) catalog.register(options.extraTools);
  const compiler = createScriptCompiler(config.gate.cacheEntries);
  const upstreams: Upstream[] = [];
  const specs: SpecSource[] = [];
  const pool = new ExecutorPool(executorPoolOptions(config, log, options.enforceDeadlines ?? true));
  const retentionMs = config.jobs.retentionSeconds * 1000;
  const jobs = config.redis.url
    ? new BullJobQueue({ url: config.redis.url, keyPrefix: config.redis.keyPrefix, retentionMs, log, retry: config.jobs.retry, maxCrashRetries: config.jobs.maxCrashRetries, timeoutMs: config.jobs.queueTimeoutMs })
    : new MemoryJobQueue(retentionMs);
  // Made below (it counts into the metrics); the gauge reads it at scrape time.
  let plugins: PluginRunner | undefined = undefined;
  const pluginPhases = (tool: string) => plugins?.phasesOf(tool) ?? { request: false, response: false };
  const metrics = createMetrics(
    { restarts: () => pool.stats().restarts, pool: () => pool.stats(), upstreams: () => [...upstreams, ...specs].map((u) => u.health()), jobs: () => jobs.counts(), plugins: () => plugins?.stats() },
    options.processMetrics ?? true,
  );
  const redis = config.redis.url ? createRedis(config.redis, log) : undefined;
  const search = new ToolSearch(catalog, {
    debounceMs: config.search.rebuildDebounceMs,
    sliceMs: config.search.rebuildSliceMs,
    log,
    ...(config.search.strategy === 'ml' ? { semantic: semanticSearch(config, redis, log, options.embedder) } : {}),
  });
  catalog.onChange(() => search.catalogChanged());
  const access = createAccessControl(config.access);
  const cache = new CachedLookups(
    redis ? new RedisResultCache(redis, config.redis.keyPrefix, config.cache.redisTtlSeconds) : new MemoryResultCache(config.cache.memoryEntries),
    (area, result) => metrics.cacheRequests.inc({ area, result }),
    log,
  );
  const discovery = new Discovery({
    catalog,
    access,
    search,
    cache,
    metrics,
    policyKey: createHash('sha256').update(JSON.stringify(config.access)).digest('base64url').slice(0, 12),
    typescriptCharsPerTool: config.describe.typescriptCharsPerTool,
  });
  const tenants = new TenantGuard(config, redis, (tenant, reason) => metrics.tenantRejections.inc({ tenant, reason }));
  search.onSwap((version, _previous, catalogChanged) => {
    if (catalogChanged) metrics.indexRebuilds.inc();
    discovery.retireVersionsExcept(version);
  });
  const checker = config.gate.typecheck === 'off' ? undefined : new TypeChecker({ timeoutMs: config.gate.typecheckTimeoutMs, cacheEntries: config.gate.cacheEntries, log });
  const preflight = new Preflight(config.gate.typecheck, checker, {
    catalog,
    access,
    suggest: (name, caller, usable) => discovery.suggest(name, { id: caller.tenantId, policy: tenants.view(caller.tenantId).policy }, usable),
    sourcePending: (name) => unloadedSource(name, [...upstreams, ...specs]) !== undefined,
    pluginPhases,
    pluginGeneration: () => plugins?.generation ?? 0,
  });
  // No chain configured: the catalog gets no hooks, and a tool call pays nothing for plugins (a SIGHUP
  // that brings a chain hooks it in then).
  plugins = new PluginRunner(config.plugins, metrics, log);
  if (PluginRunner.configured(config.plugins)) catalog.useHooks(plugins);
  // A paused execution is kept while its approval may be decided, then as long as a finished job is.
  const keepMs = (config.approvals.ttlSeconds + config.jobs.retentionSeconds) * 1000;
  const approvalStore = redis ? new RedisApprovalStore(redis, config.redis.keyPrefix, keepMs) : new MemoryApprovalStore(keepMs);
  return new Gateway({
    config,
    log,
    catalog,
    plugins,
    approvals: new ApprovalFlow({ config, catalog, jobs, store: approvalStore, metrics, log }),
    compiler,
    gate: new GatePool(compiler),
    preflight,
    access,
    metrics,
    observe: new Observer(metrics, log),
    jobs,
    auth: new Authenticator(config.auth),
    redis,
    search,
    tenants,
    discovery,
    pool,
    upstreams,
    specs,
  });
}
