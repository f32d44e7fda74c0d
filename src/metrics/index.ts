import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * One registry per gateway (so tests and embedders can run several), named `scriptgate_*`. Counters are
 * incremented where things happen; gauges that mirror state are read at scrape time.
 */
export interface GatewayMetrics {
  registry: Registry;
  gateCache: Counter<'result'>;
  gateRefusals: Counter<'rule'>;
  riskBlocks: Counter<'signal'>;
  executions: Counter<'status'>;
  typechecks: Counter<'outcome'>;
  pluginExecutions: Counter<'plugin' | 'source' | 'phase' | 'outcome'>;
  pluginDuration: Histogram<'plugin' | 'phase'>;
  pluginErrors: Counter<'plugin' | 'source' | 'type'>;
  pluginTimeouts: Counter<'plugin' | 'source'>;
  pluginPool: Gauge<'measure'>;
  pluginThreadsSpawned: Counter;
  pluginThreadsKilled: Counter<'reason'>;
  executionDuration: Histogram<'status'>;
  approvalsRequested: Counter<'tool'>;
  approvalsDecided: Counter<'tool' | 'outcome'>;
  approvalDecisionSeconds: Histogram<'outcome'>;
  executorRestarts: Gauge;
  upstreamUp: Gauge<'upstream'>;
  cacheRequests: Counter<'area' | 'result'>;
  searchDuration: Histogram;
  indexRebuilds: Counter;
  tenantRejections: Counter<'tenant' | 'reason'>;
  stageDuration: Histogram<'stage'>;
  toolCalls: Counter<'tool' | 'outcome'>;
  toolCallDuration: Histogram<'tool'>;
  pool: Gauge<'measure'>;
  poolUtilization: Gauge;
  jobs: Gauge<'state'>;
}

export interface MetricsSources {
  /** Executor restarts so far, read at scrape time. */
  restarts: () => number;
  /** Executor pool figures summed (utilisation averaged) over executor processes, read at scrape time. */
  pool?: () => { threads: number; queueSize: number; utilization: number; inFlight: number; ready: number; executors: number };
  /** Jobs waiting and running in the queue (shared by every instance when it is Redis), read at scrape time. */
  jobs?: () => Promise<{ queued: number; running: number } | undefined>;
  /** Upstream MCP servers' health, read at scrape time. */
  upstreams: () => readonly { name: string; kind: string; state: string; tools: number; reconnects: number }[];
  /** The plugin pool, when a plugin chain is configured, read at scrape time. */
  plugins?: () => { size: number; available: number; waiting: number } | undefined;
}

export function createMetrics(sources: MetricsSources, withDefaults = true): GatewayMetrics {
  const registry = new Registry();
  if (withDefaults) collectDefaultMetrics({ register: registry, prefix: 'scriptgate_' });
  return {
    registry,
    gateCache: new Counter({ name: 'scriptgate_gate_cache_total', help: 'Compiled-script cache lookups by result (hit, miss)', labelNames: ['result'], registers: [registry] }),
    gateRefusals: new Counter({ name: 'scriptgate_security_blocks_total', help: 'Scripts refused before running, by gate rule (or risk for the scorer)', labelNames: ['rule'], registers: [registry] }),
    riskBlocks: new Counter({ name: 'scriptgate_risk_block_signals_total', help: 'Signals present in risk blocks, by signal id', labelNames: ['signal'], registers: [registry] }),
    executions: new Counter({ name: 'scriptgate_executions_total', help: 'Executions by result status', labelNames: ['status'], registers: [registry] }),
    pluginExecutions: new Counter({
      name: 'scriptgate_plugin_executions_total',
      help: 'Plugin runs around tool calls, by plugin, source, phase (request, response) and outcome (ok, refused, error, timeout)',
      labelNames: ['plugin', 'source', 'phase', 'outcome'],
      registers: [registry],
    }),
    pluginDuration: new Histogram({
      name: 'scriptgate_plugin_duration_seconds',
      help: 'Time per plugin run, queueing for a plugin thread included',
      labelNames: ['plugin', 'phase'],
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.25, 1, 5],
      registers: [registry],
    }),
    pluginErrors: new Counter({
      name: 'scriptgate_plugin_errors_total',
      help: 'Plugin runs that failed their call, by type: threw, invalid (answer outside the contract), heap (thread out of memory), timeout, busy',
      labelNames: ['plugin', 'source', 'type'],
      registers: [registry],
    }),
    pluginTimeouts: new Counter({ name: 'scriptgate_plugin_timeouts_total', help: 'Plugin runs stopped at their timeoutMs', labelNames: ['plugin', 'source'], registers: [registry] }),
    pluginPool: new Gauge({
      name: 'scriptgate_plugin_pool',
      help: 'The plugin pool: size (threads), available (threads not running a plugin), waiting (plugin calls waiting for a thread)',
      labelNames: ['measure'],
      registers: [registry],
      collect() {
        const p = sources.plugins?.();
        if (!p) return;
        this.set({ measure: 'size' }, p.size);
        this.set({ measure: 'available' }, p.available);
        this.set({ measure: 'waiting' }, p.waiting);
      },
    }),
    pluginThreadsSpawned: new Counter({ name: 'scriptgate_plugin_threads_spawned_total', help: 'Plugin threads started (at start, and to replace one stopped)', registers: [registry] }),
    pluginThreadsKilled: new Counter({ name: 'scriptgate_plugin_threads_killed_total', help: 'Plugin threads stopped under a plugin, by reason: timeout, heap', labelNames: ['reason'], registers: [registry] }),
    typechecks: new Counter({
      name: 'scriptgate_typechecks_total',
      help: 'Pre-flight type checks by outcome: clean, diagnostics (found something), skipped (the checker could not answer in time or is not running; the script ran unchecked)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    approvalsRequested: new Counter({ name: 'scriptgate_approvals_requested_total', help: 'Tool calls that paused their execution to wait for a person, by tool', labelNames: ['tool'], registers: [registry] }),
    approvalsDecided: new Counter({
      name: 'scriptgate_approvals_decided_total',
      help: 'Approvals that ended, by tool and outcome (approved, denied, expired)',
      labelNames: ['tool', 'outcome'],
      registers: [registry],
    }),
    approvalDecisionSeconds: new Histogram({
      name: 'scriptgate_approval_decision_seconds',
      help: 'Time from an approval being requested to its decision (or expiry), by outcome',
      labelNames: ['outcome'],
      buckets: [1, 5, 15, 30, 60, 120, 300, 900, 1800, 3600, 7200, 21600, 86400],
      registers: [registry],
    }),
    executionDuration: new Histogram({
      name: 'scriptgate_execution_duration_seconds',
      help: 'Wall time of an execution from request to envelope, by status',
      labelNames: ['status'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
      registers: [registry],
    }),
    cacheRequests: new Counter({
      name: 'scriptgate_cache_requests_total',
      help: 'Describe and search cache lookups by area (describe, search) and result (hit, miss, error)',
      labelNames: ['area', 'result'],
      registers: [registry],
    }),
    searchDuration: new Histogram({
      name: 'scriptgate_search_duration_seconds',
      help: 'Time to rank tools for a search request when not answered from the cache',
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1],
      registers: [registry],
    }),
    indexRebuilds: new Counter({ name: 'scriptgate_search_index_rebuilds_total', help: 'Search index rebuilds after catalog changes', registers: [registry] }),
    tenantRejections: new Counter({
      name: 'scriptgate_rate_limit_rejections_total',
      help: 'Requests refused by a tenant quota, by tenant and reason (rate, concurrency)',
      labelNames: ['tenant', 'reason'],
      registers: [registry],
    }),
    stageDuration: new Histogram({
      name: 'scriptgate_stage_duration_seconds',
      help: 'Time per execution stage: prescan, parse, rules_transform (one AST walk), generate, score, typecheck (when not cached), queue_wait (dispatch, queue and transfer), run (inside the sandbox), sanitize (building the envelope)',
      labelNames: ['stage'],
      buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 0.5, 2, 10],
      registers: [registry],
    }),
    toolCalls: new Counter({
      name: 'scriptgate_tool_calls_total',
      help: 'Tool calls from scripts and invoke, by tool and outcome (ok, tool_error, not_found, validation, timeout, cancelled)',
      labelNames: ['tool', 'outcome'],
      registers: [registry],
    }),
    toolCallDuration: new Histogram({
      name: 'scriptgate_tool_call_duration_seconds',
      help: 'Duration of tool calls, by tool',
      labelNames: ['tool'],
      buckets: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
      registers: [registry],
    }),
    pool: new Gauge({
      name: 'scriptgate_pool',
      help: 'Executor pools summed over executor processes: threads, queue (scripts waiting), in_flight, utilization (0..1, averaged), executors_ready, executors',
      labelNames: ['measure'],
      registers: [registry],
      collect() {
        const p = sources.pool?.();
        if (!p) return;
        this.set({ measure: 'threads' }, p.threads);
        this.set({ measure: 'queue' }, p.queueSize);
        this.set({ measure: 'in_flight' }, p.inFlight);
        this.set({ measure: 'utilization' }, p.utilization);
        this.set({ measure: 'executors_ready' }, p.ready);
        this.set({ measure: 'executors' }, p.executors);
      },
    }),
    // Its own series (not only scriptgate_pool{measure}) because autoscalers read it as a pods metric by name.
    poolUtilization: new Gauge({
      name: 'scriptgate_pool_utilization',
      help: 'Share of executor worker-thread capacity in use (0..1), averaged over executor processes; the API autoscaling signal',
      registers: [registry],
      collect() {
        const p = sources.pool?.();
        if (p) this.set(p.utilization);
      },
    }),
    jobs: new Gauge({
      name: 'scriptgate_jobs',
      help: 'Jobs in the queue by state (queued, running); with Redis every instance reports the same shared queue, so aggregate with max()',
      labelNames: ['state'],
      registers: [registry],
      async collect() {
        const counts = await sources.jobs?.().catch(() => undefined);
        if (!counts) return;
        this.set({ state: 'queued' }, counts.queued);
        this.set({ state: 'running' }, counts.running);
      },
    }),
    upstreamUp: new Gauge({
      name: 'scriptgate_upstream_up',
      help: 'Whether each remote source (an MCP server, an OpenAPI spec) is connected or loaded (1) or not (0)',
      labelNames: ['upstream', 'kind'],
      registers: [registry],
      collect() {
        this.reset();
        for (const u of sources.upstreams()) this.set({ upstream: u.name, kind: u.kind }, u.state === 'connected' ? 1 : 0);
      },
    }),
    executorRestarts: new Gauge({
      name: 'scriptgate_executor_restarts',
      help: 'Executor process restarts since start',
      registers: [registry],
      collect() {
        this.set(sources.restarts());
      },
    }),
  };
}
