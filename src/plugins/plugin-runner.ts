import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Piscina } from 'piscina';
import type { ToolCallContext, ToolCallHooks } from '../catalog';
import type { LoadedConfig } from '../config';
import { GatewayError } from '../errors';
import type { Logger } from '../log';
import type { GatewayMetrics } from '../metrics';

type PluginsConfig = LoadedConfig['plugins'];
type Phase = 'request' | 'response';

/** dist/src/plugins/plugin-runner.js → its sibling worker entry. */
const PLUGIN_WORKER_FILE = resolve(__dirname, 'plugin-worker.js');

interface ChainLink {
  name: string;
  file: string;
  timeoutMs: number;
  options: Record<string, unknown>;
}

/** What a plugin may answer; anything else fails the call with PLUGIN_ERROR. */
interface PluginAnswer {
  continue?: boolean;
  args?: unknown;
  result?: unknown;
  error?: { code: string; message: string };
}

/**
 * Operator plugins around tool calls: per source (and `*`) a request chain before the tool runs and a
 * response chain after it answered, each plugin in a warm worker thread of one Piscina pool with a heap
 * limit, one call per thread (a plugin stopped for overrunning takes nothing else with it). A plugin that
 * throws, answers something else than its contract or overruns fails that call, never the gateway.
 */
export class PluginRunner implements ToolCallHooks {
  #config: PluginsConfig;
  readonly #metrics: GatewayMetrics;
  readonly #log: Logger;
  readonly #chains = new Map<string, { request: ChainLink[]; response: ChainLink[] }>();
  #pool: Piscina | undefined;
  #running = 0;

  constructor(config: PluginsConfig, metrics: GatewayMetrics, log: Logger) {
    this.#config = config;
    this.#metrics = metrics;
    this.#log = log;
  }

  /** Whether any chain is configured: without one the catalog is given no hooks at all. */
  static configured(config: PluginsConfig): boolean {
    return Object.values(config.sources).some((c) => c.request.some((p) => p.enabled) || c.response.some((p) => p.enabled));
  }

  request(tool: string, args: unknown, ctx: ToolCallContext): Promise<unknown> | unknown {
    const chain = this.#chain(tool).request;
    return chain.length === 0 ? args : this.#run('request', chain, tool, args, ctx);
  }

  response(tool: string, result: unknown, ctx: ToolCallContext): Promise<unknown> | unknown {
    const chain = this.#chain(tool).response;
    return chain.length === 0 ? result : this.#run('response', chain, tool, result, ctx);
  }

  /** The enabled plugins for a tool's source, `*` first, each list in ascending order. */
  #chain(tool: string): { request: ChainLink[]; response: ChainLink[] } {
    const source = tool.slice(0, Math.max(0, tool.indexOf(':')));
    let chain = this.#chains.get(source);
    if (!chain) {
      const configs = [this.#config.sources['*'], this.#config.sources[source]].filter((c) => c !== undefined);
      const links = (phase: Phase): ChainLink[] =>
        configs
          .flatMap((c) => c[phase])
          .filter((p) => p.enabled)
          .map((p, index) => ({ p, index }))
          .sort((a, b) => a.p.order - b.p.order || a.index - b.index)
          .map(({ p }) => ({ name: p.name, file: this.#moduleFile(p.name), timeoutMs: p.timeoutMs ?? this.#config.defaultTimeoutMs, options: p.options }));
      chain = { request: links('request'), response: links('response') };
      this.#chains.set(source, chain);
    }
    return chain;
  }

  #moduleFile(name: string): string {
    const base = resolve(this.#config.dir, name);
    return existsSync(`${base}.mjs`) || !existsSync(`${base}.js`) ? `${base}.mjs` : `${base}.js`;
  }

  async #run(phase: Phase, chain: ChainLink[], tool: string, value: unknown, ctx: ToolCallContext): Promise<unknown> {
    const source = tool.slice(0, Math.max(0, tool.indexOf(':')));
    let current = value;
    for (const link of chain) {
      const answer = await this.#call(link, phase, source, tool, current, ctx);
      if (answer.error) {
        this.#count(link.name, source, phase, 'refused');
        this.#log.info({ audit: 'plugin.refused', plugin: link.name, tool, phase, code: answer.error.code, ...(ctx.executionId ? { executionId: ctx.executionId } : {}) }, 'plugin.refused');
        throw new GatewayError('TOOL_ERROR', `${tool}: refused by plugin ${link.name}: ${answer.error.message}`, { tool, toolCode: answer.error.code, plugin: link.name });
      }
      const key = phase === 'request' ? 'args' : 'result';
      if (key in answer) {
        current = answer[key];
        this.#log.info({ audit: 'plugin.changed', plugin: link.name, tool, phase, ...(ctx.executionId ? { executionId: ctx.executionId } : {}) }, 'plugin.changed');
      }
      this.#count(link.name, source, phase, 'ok');
      if (answer.continue === false) break;
    }
    return current;
  }

  async #call(link: ChainLink, phase: Phase, source: string, tool: string, value: unknown, ctx: ToolCallContext): Promise<PluginAnswer> {
    if (this.#running >= this.#config.maxConcurrentExecutions) {
      this.#fail(link.name, source, phase, 'busy');
      throw new GatewayError('PLUGIN_ERROR', `${tool}: plugin ${link.name} not run: ${this.#config.maxConcurrentExecutions} plugin calls are already running or waiting`, { tool, plugin: link.name });
    }
    const input = { phase, source, tool, [phase === 'request' ? 'args' : 'result']: value, tenantId: ctx.tenantId, ...(ctx.executionId ? { executionId: ctx.executionId } : {}), options: link.options };
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), link.timeoutMs);
    const started = performance.now();
    this.#running++;
    let raw: unknown;
    try {
      raw = await this.#ensurePool().run({ file: link.file, input }, { signal: abort.signal });
    } catch (err) {
      if (abort.signal.aborted) {
        this.#metrics.pluginThreadsKilled.inc({ reason: 'timeout' });
        this.#fail(link.name, source, phase, 'timeout');
        this.#metrics.pluginTimeouts.inc({ plugin: link.name, source });
        throw new GatewayError('PLUGIN_TIMEOUT', `${tool}: plugin ${link.name} gave no answer within ${link.timeoutMs} ms`, { tool, plugin: link.name });
      }
      // Errors cross the thread boundary as 'Error: <message>'.
      const message = (err instanceof Error ? err.message : String(err)).replace(/^Error: /, '');
      const heap = /memory limit/i.test(message);
      if (heap) this.#metrics.pluginThreadsKilled.inc({ reason: 'heap' });
      this.#fail(link.name, source, phase, heap ? 'heap' : 'threw');
      throw new GatewayError('PLUGIN_ERROR', `${tool}: plugin ${link.name} failed: ${message.slice(0, 300)}`, { tool, plugin: link.name });
    } finally {
      clearTimeout(timer);
      this.#running--;
      this.#metrics.pluginDuration.observe({ plugin: link.name, phase }, (performance.now() - started) / 1000);
    }
    const answer = checkAnswer(raw, phase);
    if (typeof answer === 'string') {
      this.#fail(link.name, source, phase, 'invalid');
      throw new GatewayError('PLUGIN_ERROR', `${tool}: plugin ${link.name} answered ${answer}`, { tool, plugin: link.name });
    }
    return answer;
  }

  #ensurePool(): Piscina {
    if (this.#pool) return this.#pool;
    this.#pool = new Piscina({
      filename: PLUGIN_WORKER_FILE,
      minThreads: this.#config.poolSize,
      maxThreads: this.#config.poolSize,
      concurrentTasksPerWorker: 1,
      idleTimeout: Number.POSITIVE_INFINITY,
      resourceLimits: { maxOldGenerationSizeMb: this.#config.heapMb, maxYoungGenerationSizeMb: Math.max(4, Math.floor(this.#config.heapMb / 8)) },
    });
    // An error no task is waiting for (a replacement thread failing at once): logged, never thrown.
    this.#pool.on('error', (err: unknown) => this.#log.warn({ err }, 'plugin thread failed'));
    this.#pool.on('workerCreate', () => this.#metrics.pluginThreadsSpawned.inc());
    return this.#pool;
  }

  #count(plugin: string, source: string, phase: Phase, outcome: string): void {
    this.#metrics.pluginExecutions.inc({ plugin, source, phase, outcome });
  }

  #fail(plugin: string, source: string, phase: Phase, type: string): void {
    this.#count(plugin, source, phase, type === 'timeout' ? 'timeout' : 'error');
    this.#metrics.pluginErrors.inc({ plugin, source, type });
  }

  /**
   * A new configuration (SIGHUP): chains, entries, timeouts and limits apply from the next call on; the
   * pool's poolSize and heapMb from the next start.
   */
  reconfigure(config: PluginsConfig): void {
    this.#config = { ...config, poolSize: this.#config.poolSize, heapMb: this.#config.heapMb };
    this.#chains.clear();
    this.generation++;
    this.start();
  }

  /** Bumped by every reconfigure: caches of what depends on the chains (the type check's declarations) key on it. */
  generation = 0;

  /** Which phases of a tool's calls plugins may change (the type check leaves those untyped). */
  phasesOf(tool: string): { request: boolean; response: boolean } {
    const chain = this.#chain(tool);
    return { request: chain.request.length > 0, response: chain.response.length > 0 };
  }

  /** For the pool gauge: threads, those not running a plugin, and plugin calls waiting for one. */
  stats(): { size: number; available: number; waiting: number } | undefined {
    if (!this.#pool) return undefined;
    const size = this.#pool.threads.length;
    return { size, available: Math.max(0, size - this.#running), waiting: Math.max(0, this.#running - size) };
  }

  /** Starts the threads when a chain is configured, so the first call does not wait for them. */
  start(): void {
    if (PluginRunner.configured(this.#config)) this.#ensurePool();
  }

  async close(): Promise<void> {
    await this.#pool?.destroy();
  }
}

/** The answer as the contract says, or what is wrong with it. */
function checkAnswer(raw: unknown, phase: Phase): PluginAnswer | string {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return `${raw === null ? 'null' : Array.isArray(raw) ? 'an array' : typeof raw}, not an object { continue?, ${phase === 'request' ? 'args' : 'result'}?, error? }`;
  const answer = raw as Record<string, unknown>;
  if (answer.continue !== undefined && typeof answer.continue !== 'boolean') return 'continue that is not a boolean';
  if (phase === 'request' && 'args' in answer && (answer.args === null || typeof answer.args !== 'object' || Array.isArray(answer.args))) return 'args that are not an object';
  if (phase === 'request' && 'result' in answer) return 'a result in the request phase (only args may change there)';
  if (answer.error !== undefined) {
    const e = answer.error as Record<string, unknown> | null;
    if (e === null || typeof e !== 'object' || typeof e.code !== 'string' || typeof e.message !== 'string' || !/^[\w.:-]{1,64}$/.test(e.code)) return 'an error that is not { code: string (letters, digits, _ . : -, up to 64), message: string }';
  }
  return answer as PluginAnswer;
}
