import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import {
  CONFIG_DIR,
  ConfigError,
  ConfigSchema,
  PRESETS,
  capRequestLimits,
  configLeaves,
  loadConfig,
  resolveLimits,
} from '../../../src/config';

describe('config schema and defaults', () => {
  test('config/default.yaml holds exactly the schema defaults', () => {
    const fromYaml = ConfigSchema.parse(parse(readFileSync(resolve(CONFIG_DIR, 'default.yaml'), 'utf8')));
    expect(fromYaml).toEqual(ConfigSchema.parse({}));
  });

  test('every option has a default', () => {
    const config = loadConfig({ env: {} });
    expect(config.preset).toBe('secure');
    expect(config.server).toEqual({ host: '127.0.0.1', port: 3000, bodyLimitBytes: 2 * 1024 * 1024, shutdownGraceMs: 30_000, requestReadTimeoutMs: 30_000, allowedHosts: [], allowedOrigins: [] });
    expect(config.effectiveLimits).toEqual(PRESETS.secure);
  });

  test('unknown keys are rejected with their path', () => {
    expect(() => loadConfig({ env: {}, overrides: { pool: { maxThread: 4 } } })).toThrow(/pool: Unrecognized key.*maxThread/);
    expect(() => loadConfig({ env: {}, overrides: { nope: true } })).toThrow(ConfigError);
  });

  test('cross-field rules name the option', () => {
    expect(() => loadConfig({ env: {}, overrides: { pool: { minThreads: 4, maxThreads: 2 } } })).toThrow(/pool.minThreads must not exceed pool.maxThreads/);
  });

  test('the result is deeply frozen', () => {
    const config = loadConfig({ env: {} });
    expect(Object.isFrozen(config.pool)).toBe(true);
    expect(Object.isFrozen(config.effectiveLimits)).toBe(true);
  });
});

describe('presets', () => {
  test.each([
    ['locked_down', [2_000, 5_000, 20, 10_000, 64, 32, 16 * 1024, 256 * 1024, 100, 16 * 1024, 2]],
    ['secure', [3_500, 30_000, 100, 100_000, 128, 64, 100 * 1024, 1024 * 1024, 500, 64 * 1024, 8]],
    ['balanced', [10_000, 60_000, 500, 1_000_000, 256, 128, 256 * 1024, 4 * 1024 * 1024, 1_000, 256 * 1024, 16]],
    ['experimental', [30_000, 300_000, 2_000, 10_000_000, 512, 256, 1024 * 1024, 16 * 1024 * 1024, 5_000, 1024 * 1024, 32]],
  ] as const)('%s has the documented numbers', (name, numbers) => {
    const p = PRESETS[name];
    expect([p.timeoutMs, p.timeoutMaxMs, p.toolCalls, p.loopIterations, p.callDepth, p.workerHeapMb, p.scriptBytes, p.resultBytes, p.consoleLines, p.consoleBytes, p.parallelToolCalls]).toEqual(numbers);
  });

  test('config limits override the preset', () => {
    const config = loadConfig({ env: {}, overrides: { preset: 'balanced', limits: { toolCalls: 7 } } });
    expect(config.effectiveLimits.toolCalls).toBe(7);
    expect(config.effectiveLimits.loopIterations).toBe(1_000_000);
  });

  test('a default timeout above the max raises the max', () => {
    expect(resolveLimits('secure', { timeoutMs: 40_000 }).timeoutMaxMs).toBe(40_000);
  });

  test('per-request values are capped by the preset and say so', () => {
    const { limits, capped } = capRequestLimits(PRESETS.secure, { timeoutMs: 60_000, toolCalls: 5, loopIterations: 10_000_000 });
    expect(limits.timeoutMs).toBe(30_000);
    expect(limits.toolCalls).toBe(5);
    expect(limits.loopIterations).toBe(100_000);
    expect(capped).toEqual(['timeoutMs 60000 was capped to 30000 by the preset', 'loopIterations 10000000 was capped to 100000 by the preset']);
  });
});

describe('SCRIPTGATE_* environment overrides', () => {
  const sampleFor = (kind: string, current: unknown): { raw: string; value: unknown } => {
    if (kind === 'boolean') return { raw: String(!current), value: !current };
    if (kind === 'number') {
      const value = typeof current === 'number' ? current + 1 : 4242;
      return { raw: String(value), value };
    }
    return { raw: 'debug', value: 'debug' };
  };

  test.each(configLeaves().map((leaf) => [leaf.envName, leaf] as const))('%s overrides its option', (envName, leaf) => {
    const defaults = loadConfig({ env: {} }) as unknown as Record<string, Record<string, unknown>>;
    const section = leaf.path.length === 2 ? defaults[leaf.path[0] as string]?.[leaf.path[1] as string] : defaults[leaf.path[0] as string];
    let { raw, value } = sampleFor(leaf.kind, section);
    const extraEnv: NodeJS.ProcessEnv = {};
    if (envName === 'SCRIPTGATE_PRESET') ({ raw, value } = { raw: 'balanced', value: 'balanced' });
    if (envName === 'SCRIPTGATE_SEARCH_STRATEGY') ({ raw, value } = { raw: 'ml', value: 'ml' });
    if (envName === 'SCRIPTGATE_JOBS_RETRY') ({ raw, value } = { raw: 'onCrash', value: 'onCrash' });
    if (envName === 'SCRIPTGATE_JOBS_PRESET') ({ raw, value } = { raw: 'experimental', value: 'experimental' });
    if (envName === 'SCRIPTGATE_RISK_PRESET') ({ raw, value } = { raw: 'strict', value: 'strict' });
    if (envName === 'SCRIPTGATE_GATE_TYPECHECK') ({ raw, value } = { raw: 'warn', value: 'warn' });
    if (envName === 'SCRIPTGATE_SERVER_HOST') ({ raw, value } = { raw: '0.0.0.0', value: '0.0.0.0' });
    if (envName === 'SCRIPTGATE_AUTH_JWT_JWKS_URL') {
      ({ raw, value } = { raw: 'https://issuer.example.com/.well-known/jwks.json', value: 'https://issuer.example.com/.well-known/jwks.json' });
      Object.assign(extraEnv, { SCRIPTGATE_AUTH_JWT_ISSUER: 'https://issuer.example.com/', SCRIPTGATE_AUTH_JWT_AUDIENCE: 'scriptgate' });
    }
    if (envName === 'SCRIPTGATE_REDIS_URL') ({ raw, value } = { raw: 'redis://cache.internal:6380/2', value: 'redis://cache.internal:6380/2' });
    const JSON_SAMPLES: Record<string, unknown> = {
      'sources.modules': [{ dir: './tools' }],
      'approvals.tools': { 'users:suspend': 'approve', 'users:purge': 'block' },
      'approvals.sources': { billing: 'approve' },
      'sources.openapi': [{ name: 'pets', spec: './pets.yaml', headers: {}, timeoutMs: 1000, maxResponseBytes: 1000, specHeaders: {}, specHeadersEnv: {}, specTimeoutMs: 30000, patches: [{ op: 'remove', path: '/paths/~1admin' }], retryInitialMs: 1000, retryMaxMs: 60000 }],
      'sources.mcp': [{ name: 'gh', transport: 'stdio', command: 'node', args: ['server.js'], env: {}, headers: {}, callTimeoutMs: 1000, maxConcurrency: 2, reconnectInitialMs: 100, reconnectMaxMs: 1000 }],
      'risk.tools': { 'emails:send': { openWorld: true, points: 10 } },
      'access.include': ['users:*'],
      'server.allowedHosts': ['gateway.example.com'],
      'server.allowedOrigins': ['https://app.example.com'],
      'auth.apiKeys': [{ key: 'k-0123456789abcdef', tenant: 'acme' }],
      tenants: { acme: { preset: 'balanced', rateLimit: { points: 10, durationSeconds: 1 }, maxConcurrentExecutions: 2 } },
      'access.exclude': ['payments:*'],
      'access.defaultDeny': ['*:delete*'],
      'access.tools': { 'users:delete': { enabledInCodeCall: true } },
      'plugins.sources': { users: { request: [], response: [{ name: 'redact-pii', order: 1, enabled: true, options: {} }] } },
    };
    if (leaf.kind === 'json') {
      const sample = JSON_SAMPLES[leaf.path.join('.')];
      if (sample === undefined) throw new Error(`add a JSON sample for ${leaf.path.join('.')}`);
      ({ raw, value } = { raw: JSON.stringify(sample), value: sample });
    }
    if (envName === 'SCRIPTGATE_ACCESS_MODE') ({ raw, value } = { raw: 'metadata_driven', value: 'metadata_driven' });
    // Keep cross-field rules satisfied while moving one side.
    const env: NodeJS.ProcessEnv = { ...extraEnv, [envName]: raw };
    if (envName === 'SCRIPTGATE_POOL_MIN_THREADS') env.SCRIPTGATE_POOL_MAX_THREADS = '8';
    if (envName === 'SCRIPTGATE_EXECUTOR_RESTART_BACKOFF_MS') env.SCRIPTGATE_EXECUTOR_RESTART_BACKOFF_MAX_MS = '100000';
    if (envName === 'SCRIPTGATE_RISK_WARN_AT') env.SCRIPTGATE_RISK_BLOCK_AT = '90';
    const config = loadConfig({ env }) as unknown as Record<string, Record<string, unknown>>;
    const got = leaf.path.reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], config);
    // Plain API keys are kept only as their SHA-256.
    if (envName === 'SCRIPTGATE_AUTH_API_KEYS') value = [{ sha256: createHash('sha256').update('k-0123456789abcdef').digest('hex'), tenant: 'acme' }];
    expect(got).toEqual(value);
  });

  test('aliases: SCRIPTGATE_EXECUTORS, SCRIPTGATE_PORT, PORT, SCRIPTGATE_HOST, REDIS_URL', () => {
    expect(loadConfig({ env: { SCRIPTGATE_EXECUTORS: '3' } }).executor.processes).toBe(3);
    expect(loadConfig({ env: { PORT: '8080' } }).server.port).toBe(8080);
    expect(loadConfig({ env: { PORT: '8080', SCRIPTGATE_PORT: '9090' } }).server.port).toBe(9090);
    expect(loadConfig({ env: { SCRIPTGATE_HOST: '::1' } }).server.host).toBe('::1');
    expect(loadConfig({ env: { REDIS_URL: 'redis://a:6379' } }).redis.url).toBe('redis://a:6379');
    expect(loadConfig({ env: { REDIS_URL: 'redis://a:6379', SCRIPTGATE_REDIS_URL: 'redis://b:6379' } }).redis.url).toBe('redis://b:6379');
    expect(() => loadConfig({ env: { REDIS_URL: 'http://a:6379' } })).toThrow('redis.url must start with redis:// or rediss://');
  });

  test('limit overrides apply to the effective limits', () => {
    expect(loadConfig({ env: { SCRIPTGATE_LIMITS_TOOL_CALLS: '3' } }).effectiveLimits.toolCalls).toBe(3);
  });

  test('bad values and unknown variables fail clearly', () => {
    expect(() => loadConfig({ env: { SCRIPTGATE_POOL_MAX_THREADS: 'many' } })).toThrow(/SCRIPTGATE_POOL_MAX_THREADS must be a number/);
    expect(() => loadConfig({ env: { SCRIPTGATE_EXECUTOR_PERMISSION_MODEL: 'maybe' } })).toThrow(/must be true or false/);
    expect(() => loadConfig({ env: { SCRIPTGATE_POOL_MAX_THREAD: '2' } })).toThrow(/unknown setting SCRIPTGATE_POOL_MAX_THREAD; did you mean/);
    expect(() => loadConfig({ env: { SCRIPTGATE_PRESET: 'yolo' } })).toThrow(/preset/);
    expect(() => loadConfig({ env: { SCRIPTGATE_RISK_TOOLS: '{nope' } })).toThrow(/SCRIPTGATE_RISK_TOOLS must be JSON/);
    expect(() => loadConfig({ env: { SCRIPTGATE_RISK_TOOLS: '{"a:b":{"bogus":1}}' } })).toThrow(/risk.tools.a:b/);
  });

  test('SCRIPTGATE_CONFIG names a YAML file merged over the defaults', () => {
    const file = resolve(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'config', 'small.yaml');
    const config = loadConfig({ env: { SCRIPTGATE_CONFIG: file } });
    expect(config.preset).toBe('locked_down');
    expect(config.pool.tasksPerThread).toBe(4);
    expect(config.pool.maxThreads).toBe(2);
  });

  test('an MCP source names the field its transport needs', () => {
    expect(() => loadConfig({ env: {}, overrides: { sources: { mcp: [{ name: 'x', transport: 'stdio' }] } } })).toThrow(/sources.mcp.0.command: command is required for a stdio server/);
    expect(() => loadConfig({ env: {}, overrides: { sources: { mcp: [{ name: 'x', transport: 'http' }] } } })).toThrow(/sources.mcp.0.url: url is required/);
  });

  test.each(['mcp.yaml', 'openapi.yaml', 'modules.yaml', 'access.yaml'])('the example config/examples/%s is valid', (file) => {
    expect(() => loadConfig({ env: {}, file: resolve(CONFIG_DIR, 'examples', file) })).not.toThrow();
  });

  test('a missing or malformed file is a ConfigError', () => {
    expect(() => loadConfig({ env: {}, file: 'does/not/exist.yaml' })).toThrow(/cannot read config file/);
    const bad = resolve(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'config', 'not-a-mapping.yaml');
    expect(() => loadConfig({ env: {}, file: bad })).toThrow(/must hold a mapping/);
  });
});
