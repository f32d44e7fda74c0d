import { z } from 'zod';
import { PRESET_NAMES } from './presets';
import { OAuth2Auth, OpenApiAuth, TenantId } from './source-auth-schema';
import { Plugins } from './plugins-schema';
import { Approvals, TenantApprovals } from './approvals-schema';
import { Auth, type ApiKey } from './auth-schema';
import { int } from './int';

/** Every option has a default; `.strict()` everywhere so a typo fails at boot with its path. */
export const LimitsOverride = z
  .object({
    timeoutMs: int(1).optional(),
    timeoutMaxMs: int(1).optional(),
    toolCalls: int(0).optional(),
    loopIterations: int(1).optional(),
    callDepth: int(1).optional(),
    workerHeapMb: int(16, 16_384).optional(),
    scriptBytes: int(1).optional(),
    resultBytes: int(1).optional(),
    consoleLines: int(0).optional(),
    consoleBytes: int(0).optional(),
    parallelToolCalls: int(1).optional(),
    toolResultBytes: int(1).optional(),
    scriptLines: int(1).optional(),
    lineLength: int(1).optional(),
    nestingDepth: int(1, 10_000).optional(),
  })
  .strict();

const Server = z
  .object({
    host: z.string().min(1).default('127.0.0.1'),
    port: int(0, 65_535).default(3000),
    /** Largest JSON request body accepted, in bytes (the experimental preset allows 1 MiB scripts). */
    bodyLimitBytes: int(1024).default(2 * 1024 * 1024),
    /** How long SIGTERM waits for in-flight requests before stopping the executors. */
    shutdownGraceMs: int(0).default(30_000),
    /**
     * How long a client may take to send a whole request, headers and body; a slower one gets 408 and its
     * connection is closed (a trickled body or a headers-only connection cannot hold a socket forever).
     * Answering is not counted: a long execution is not cut by it.
     */
    requestReadTimeoutMs: int(1_000).default(30_000),
    /**
     * Host names (or host:port) accepted besides this machine's loopback names. Bound to a loopback
     * address, every route refuses any other Host, so a web page that rebinds its name to 127.0.0.1
     * cannot reach the service; bound elsewhere, a non-empty list is enforced the same way.
     */
    allowedHosts: z.array(z.string().min(1)).default([]),
    /** Origins (scheme://host[:port]) browsers may call from besides loopback ones; the same rule as allowedHosts. */
    allowedOrigins: z.array(z.string().min(1)).default([]),
  })
  .strict();

const Executor = z
  .object({
    /** Executor child processes; each owns a worker-thread pool. */
    processes: int(1, 64).default(1),
    /** A first crash restarts at once; a repeat crash (before any script completes) waits this long, doubling up to the max. */
    restartBackoffMs: int(0).default(100),
    restartBackoffMaxMs: int(0).default(10_000),
    /** After a deadline, how long a script stuck in a native builtin gets before its thread is terminated. */
    terminateGraceMs: int(1).default(100),
    /** Extra time, after deadline + grace, before the front declares an executor wedged and kills it. */
    watchdogMs: int(100).default(2_000),
    /** Run executors under Node's permission model (no fs writes, no child processes). */
    permissionModel: z.boolean().default(true),
    /**
     * V8's parallel and concurrent GC helper threads in executors. Off: each sandbox thread collects its
     * own garbage, which under load costs less than helpers competing with the sandbox threads for cores.
     */
    parallelGc: z.boolean().default(false),
    /** Executor RSS, in MiB, above which it is recycled once idle-ish (0 disables the watchdog). */
    rssLimitMb: int(0).default(1_024),
  })
  .strict();

const Pool = z
  .object({
    minThreads: int(1, 256).default(2),
    maxThreads: int(1, 256).default(2),
    /** Scripts co-scheduled on one thread (they interleave at every await). */
    tasksPerThread: int(1, 256).default(32),
    idleTimeoutMs: int(0).default(60_000),
    /** Scripts waiting for a thread in one executor before requests get 503 SATURATED. */
    maxQueue: int(0).default(1_024),
  })
  .strict();

/** How hard the pre-flight type check acts: not at all, advice only, or refusal of scripts with errors. */
export const TYPECHECK_LEVELS = ['off', 'warn', 'block'] as const;
export type TypecheckLevel = (typeof TYPECHECK_LEVELS)[number];

const Gate = z
  .object({
    /** Compiled scripts kept (LRU) so a repeated script skips parse and transform; as many type-check verdicts are kept too. */
    cacheEntries: int(0).default(1_000),
    /**
     * Pre-flight type check of each script against the types of the tools it names: `block` refuses a
     * script with type errors before any tool runs (status type_error), `warn` reports them as warnings,
     * `off` skips the check. A request's `typecheck` may lower it.
     */
    typecheck: z.enum(TYPECHECK_LEVELS).default('block'),
    /** A type check runs at most this long and waits for its turn at most twice as long; past either the script runs unchecked, with a warning. */
    typecheckTimeoutMs: int(1, 60_000).default(2_000),
  })
  .strict();

const ToolRiskOverride = z
  .object({
    readOnly: z.boolean().optional(),
    destructive: z.boolean().optional(),
    openWorld: z.boolean().optional(),
    /** Extra risk points every call to this tool adds. */
    points: int(0, 100).optional(),
  })
  .strict();

/** Risk presets (docs/security.md "Risk score"): `strict` also blocks bulk or sensitive exfiltration and internal or gateway addresses. */
export const RISK_PRESET_NAMES = ['standard', 'strict'] as const;

const Risk = z
  .object({
    /** `standard` scores and warns; `strict` blocks exfiltration signals whatever the score. */
    preset: z.enum(RISK_PRESET_NAMES).default('standard'),
    /** Score at or above which the script still runs, with a warning. */
    warnAt: int(0, 100).default(40),
    /** Score at or above which the script is refused with `blocked`. */
    blockAt: int(0, 101).default(70),
    /** Per-tool traits that override MCP annotations and name heuristics, keyed by canonical name. */
    tools: z.record(z.string(), ToolRiskOverride).default({}),
  })
  .strict();

const ToolAccessOverride = z
  .object({
    visibleInListTools: z.boolean().optional(),
    enabledInCodeCall: z.boolean().optional(),
  })
  .strict();

const Access = z
  .object({
    /** codecall_only: only meta-tools are listed; codecall_opt_in: raw tools listed, code use opt-in; metadata_driven: per-tool flags. */
    mode: z.enum(['codecall_only', 'codecall_opt_in', 'metadata_driven']).default('codecall_only'),
    /** Glob patterns over canonical names (`users:*`); empty means every tool. */
    include: z.array(z.string().min(1)).default([]),
    exclude: z.array(z.string().min(1)).default([]),
    /** Tools denied unless access.tools enables them explicitly. */
    defaultDeny: z.array(z.string().min(1)).default([]),
    tools: z.record(z.string(), ToolAccessOverride).default({}),
  })
  .strict();

const ModuleSource = z
  .object({
    /** Directory of ES modules exporting tools made with defineTool (relative to the working directory). */
    dir: z.string().min(1),
  })
  .strict();

const McpSource = z
  .object({
    /** Namespace: the server's tools become `name:tool`. */
    name: z.string().regex(/^[A-Za-z0-9_-]+$/, 'name must be letters, digits, _ or -'),
    transport: z.enum(['stdio', 'http']),
    command: z.string().min(1).optional(),
    args: z.array(z.string()).default([]),
    env: z.record(z.string(), z.string()).default({}),
    cwd: z.string().optional(),
    url: z.string().url().optional(),
    headers: z.record(z.string(), z.string()).default({}),
    bearerTokenEnv: z.string().optional(),
    /** OAuth 2.0 tokens for an http server, obtained and renewed by the gateway. */
    auth: OAuth2Auth.optional(),
    callTimeoutMs: int(1).default(30_000),
    maxConcurrency: int(1, 1_000).default(8),
    reconnectInitialMs: int(1).default(500),
    reconnectMaxMs: int(1).default(30_000),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.transport === 'stdio' && !s.command) ctx.addIssue({ code: 'custom', path: ['command'], message: 'command is required for a stdio server' });
    if (s.transport === 'http' && !s.url) ctx.addIssue({ code: 'custom', path: ['url'], message: 'url is required for an http server' });
    if (s.auth && s.transport !== 'http') ctx.addIssue({ code: 'custom', path: ['auth'], message: 'auth is for an http server' });
    if (s.auth && s.bearerTokenEnv !== undefined) ctx.addIssue({ code: 'custom', path: ['auth'], message: 'give auth or bearerTokenEnv, not both' });
  });

/** One RFC 6902 operation; `value` for add, replace and test, `from` for move and copy. */
const JsonPatchOperation = z
  .object({
    op: z.enum(['add', 'remove', 'replace', 'move', 'copy', 'test']),
    path: z.string(),
    value: z.unknown().optional(),
    from: z.string().optional(),
  })
  .strict()
  .superRefine((o, ctx) => {
    if ((o.op === 'add' || o.op === 'replace' || o.op === 'test') && !('value' in o)) ctx.addIssue({ code: 'custom', path: ['value'], message: `value is required for ${o.op}` });
    if ((o.op === 'move' || o.op === 'copy') && o.from === undefined) ctx.addIssue({ code: 'custom', path: ['from'], message: `from is required for ${o.op}` });
  });

const OpenApiSource = z
  .object({
    /** Namespace: operations become `name:operationId`. */
    name: z.string().regex(/^[A-Za-z0-9_-]+$/, 'name must be letters, digits, _ or -'),
    /** Path (from the working directory) or URL of an OpenAPI 3.x document, YAML or JSON. */
    spec: z.string().min(1),
    baseUrl: z.string().url().optional(),
    auth: OpenApiAuth.optional(),
    headers: z.record(z.string(), z.string()).default({}),
    timeoutMs: int(1).default(10_000),
    maxResponseBytes: int(1).default(4 * 1024 * 1024),
    /** Headers for fetching the spec and the files it references (e.g. a token of the internal API portal). */
    specHeaders: z.record(z.string(), z.string()).default({}),
    /** Spec headers whose values come from environment variables: header name → variable name. */
    specHeadersEnv: z.record(z.string(), z.string().min(1)).default({}),
    specTimeoutMs: int(1).default(30_000),
    /** RFC 6902 JSON Patch operations applied to the spec as written, to fix it without forking it. */
    patches: z.array(JsonPatchOperation).default([]),
    /** A spec that fails to load is retried after this, doubling up to retryMaxMs. */
    retryInitialMs: int(1).default(1_000),
    retryMaxMs: int(1).default(60_000),
  })
  .strict();

const Sources = z
  .object({
    demo: z.boolean().default(true),
    modules: z.array(ModuleSource).default([]),
    mcp: z.array(McpSource).default([]),
    openapi: z.array(OpenApiSource).default([]),
    /**
     * How long startup waits for each remote source (MCP server, OpenAPI spec) before serving without it;
     * a source still loading joins the catalog when it is ready (tools/list_changed).
     */
    startupBudgetMs: int(0).default(3_000),
  })
  .strict();

const Redis = z
  .object({
    /** redis:// URL (REDIS_URL); empty runs without Redis: in-memory cache, in-process queue. */
    url: z.string().default(''),
    /** Prepended to every key, so several deployments can share one Redis. */
    keyPrefix: z.string().default('scriptgate:'),
    /** A Redis command slower than this fails (the cache then computes instead). */
    commandTimeoutMs: int(1).default(500),
  })
  .strict();

const Cache = z
  .object({
    /** Describe and search answers kept in memory when Redis is not configured (0 disables). */
    memoryEntries: int(0).default(2_000),
    /** Lifetime of Redis entries; only collects generations nobody asks for again (keys carry the catalog version). */
    redisTtlSeconds: int(1).default(86_400),
  })
  .strict();

const Describe = z
  .object({
    /**
     * Characters of TypeScript each described tool may add to a describe answer's declaration block; past
     * it the declarations are shortened (docs first, then far parts of the result), not dropped.
     */
    typescriptCharsPerTool: int(500).default(6_000),
  })
  .strict();

const SearchMl = z
  .object({
    /** Where tool embeddings are kept when Redis is not configured; empty: `scriptgate-embeddings` in the OS temp directory. */
    cacheDir: z.string().default(''),
    /** Catalogs with at least this many tools search their vectors through an HNSW graph, not an exact scan. */
    annThreshold: int(1).default(10_000),
    /** Query embeddings kept by query text (0 disables). */
    queryCacheEntries: int(0).default(1_000),
    /** Uncached queries waiting for the model; beyond it a search answers lexically at once instead of queueing. */
    maxQueuedQueries: int(1).default(16),
  })
  .strict();

const Search = z
  .object({
    /** Quiet time after a catalog change before the index rebuilds; a burst of changes rebuilds once. */
    rebuildDebounceMs: int(0).default(100),
    /** Longest stretch of rebuild work between turns of the event loop. */
    rebuildSliceMs: int(1).default(10),
    /** `tfidf`: the lexical index; `ml`: lexical fused with offline sentence embeddings (optional packages). */
    strategy: z.enum(['tfidf', 'ml']).default('tfidf'),
    ml: SearchMl.prefault({}),
  })
  .strict();

const Tenant = z
  .object({
    /** Limit preset for this tenant's executions (default: the server's). */
    preset: z.enum(PRESET_NAMES).optional(),
    /** Numbers overriding the tenant's preset. */
    limits: LimitsOverride.optional(),
    /** Narrows the server's access decision for this tenant. */
    tools: z.object({ include: z.array(z.string().min(1)).optional(), exclude: z.array(z.string().min(1)).optional() }).strict().optional(),
    risk: z.object({ preset: z.enum(RISK_PRESET_NAMES).optional(), warnAt: int(0, 1000).optional(), blockAt: int(0, 1000).optional() }).strict().optional(),
    /** Requests (execute, invoke, search, describe) per window; over it, 429 with Retry-After. */
    rateLimit: z.object({ points: int(1), durationSeconds: int(1) }).strict().optional(),
    /** Executions running at once for this tenant; over it, 429. */
    maxConcurrentExecutions: int(1).optional(),
    /** Adds to the server's approvals policy for this tenant (never loosens it). */
    approvals: TenantApprovals.optional(),
  })
  .strict();

/** A job whose runner died mid-run: fail it (its tool calls may have had effects) or run it again. */
export const RETRY_POLICIES = ['never', 'onCrash'] as const;
export type RetryPolicy = (typeof RETRY_POLICIES)[number];
export type RiskPresetName = (typeof RISK_PRESET_NAMES)[number];

const Playground = z
  .object({
    /** Serve the playground page at GET / (the embedded default does; the Kubernetes config turns it off). */
    enabled: z.boolean().default(true),
  })
  .strict();

const Trace = z
  .object({
    /** Traced executions (`trace: true`) also report each tool call's arguments (up to 2 KiB of JSON each). */
    includeArguments: z.boolean().default(false),
  })
  .strict();

const Jobs = z
  .object({
    /** This process runs queued jobs too (the embedded default); job runners (`scriptgate worker`) always do. */
    consume: z.boolean().default(true),
    /** Jobs one process runs at once. */
    concurrency: int(1, 1024).default(4),
    /** How long a finished job's state and result stay readable. */
    retentionSeconds: int(1).default(3_600),
    /** Limit preset of async executions: a longer timeout cap than interactive ones. */
    preset: z.enum(PRESET_NAMES).default('balanced'),
    /** Longest long-poll a client may ask for with waitMs. */
    maxWaitMs: int(0).default(30_000),
    /**
     * What happens to a job whose runner died mid-run (Redis queue): 'never' fails it with RUNNER_LOST,
     * since its tool calls may have had effects; 'onCrash' runs it again. A job may choose for itself.
     */
    retry: z.enum(RETRY_POLICIES).default('never'),
    /** How many times an 'onCrash' job is started again before it fails with RUNNER_LOST. */
    maxCrashRetries: int(1, 100).default(2),
    /** Longest a job submit, read or cancel waits for Redis before answering QUEUE_UNAVAILABLE. */
    queueTimeoutMs: int(1).default(3_000),
  })
  .strict();

const Log = z
  .object({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .strict();

export const ConfigSchema = z
  .object({
    preset: z.enum(PRESET_NAMES).default('secure'),
    limits: LimitsOverride.prefault({}),
    server: Server.prefault({}),
    executor: Executor.prefault({}),
    pool: Pool.prefault({}),
    gate: Gate.prefault({}),
    risk: Risk.prefault({}),
    access: Access.prefault({}),
    sources: Sources.prefault({}),
    redis: Redis.prefault({}),
    cache: Cache.prefault({}),
    search: Search.prefault({}),
    describe: Describe.prefault({}),
    jobs: Jobs.prefault({}),
    trace: Trace.prefault({}),
    playground: Playground.prefault({}),
    auth: Auth.prefault({}),
    plugins: Plugins.prefault({}),
    approvals: Approvals.prefault({}),
    /** Per-tenant settings by tenant id; a tenant not listed gets the server's settings. */
    tenants: z.record(TenantId, Tenant).default({}),
    log: Log.prefault({}),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.pool.minThreads > c.pool.maxThreads) {
      ctx.addIssue({ code: 'custom', path: ['pool', 'minThreads'], message: 'pool.minThreads must not exceed pool.maxThreads' });
    }
    if (c.risk.warnAt > c.risk.blockAt) {
      ctx.addIssue({ code: 'custom', path: ['risk', 'warnAt'], message: 'risk.warnAt must not exceed risk.blockAt' });
    }
    const jwt = c.auth.jwt;
    if (jwt.jwksUrl !== '' && (jwt.issuer === '' || jwt.audience === '')) {
      ctx.addIssue({ code: 'custom', path: ['auth', 'jwt'], message: 'auth.jwt needs issuer and audience when jwksUrl is set' });
    }
    if (jwt.jwksUrl !== '' && !/^https?:\/\//.test(jwt.jwksUrl)) {
      ctx.addIssue({ code: 'custom', path: ['auth', 'jwt', 'jwksUrl'], message: 'auth.jwt.jwksUrl must be an http(s) URL' });
    }
    if (c.redis.url !== '' && !/^rediss?:\/\//.test(c.redis.url)) {
      ctx.addIssue({ code: 'custom', path: ['redis', 'url'], message: 'redis.url must start with redis:// or rediss://' });
    }
    if (c.executor.restartBackoffMs > c.executor.restartBackoffMaxMs) {
      ctx.addIssue({ code: 'custom', path: ['executor', 'restartBackoffMs'], message: 'executor.restartBackoffMs must not exceed executor.restartBackoffMaxMs' });
    }
  });

export type Config = z.infer<typeof ConfigSchema>;
export type TenantSettings = z.infer<typeof Tenant>;
export type ApiKeySetting = z.infer<typeof ApiKey>;

/** What a request may set: the same limits minus the server-wide ones (values above the preset are capped). */
export const RequestLimitsSchema = LimitsOverride.omit({ timeoutMaxMs: true, workerHeapMb: true });
/** What a caller may pass before defaults are filled in. */
export type ConfigInput = z.input<typeof ConfigSchema>;
