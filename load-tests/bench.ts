/**
 * `npm run bench [-- --duration 5 --rounds 3 --connections 32 --executors 1]`
 * In-process: the gateway's execute() called directly (the process hop to the executor included):
 * sequential latency p50/p99 and throughput at concurrency 32. REST: autocannon against the service
 * next to an express hello-world measured in the same run. Prints a table and one JSON line.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../src/config';
import { Preflight, createGateway, type Gateway } from '../src/gateway';
import { silentLogger } from '../src/log';
import { compileUncached, createScriptCompiler } from '../src/gate';
import { answerJson, envelopeFromOutcome } from '../src/gateway/envelope';
import { SCRIPTS, benchTools, scriptOfSize, typecheckScript, typedScriptOfSize } from './bench-tools';
import { ANONYMOUS } from '../src/auth';
import { TypeChecker } from '../src/typecheck';
import { approvalTimes } from './approvals-bench';
import { medianFigures, numberOption, loadHttp, percentile, round, startChildServer, type HttpFigures } from './harness';

const opt = numberOption;
const DURATION_S = opt('duration', 5);
const CONNECTIONS = opt('connections', 32);
const EXECUTORS = opt('executors', 0);
const SEQUENTIAL_RUNS = opt('runs', 3000);
const ROUNDS = opt('rounds', 3);

async function inProcess(gateway: Gateway, script: string, typecheck?: 'off'): Promise<{ p50: number; p99: number; rps: number }> {
  const request = { script, ...(typecheck ? { typecheck } : {}) };
  for (let i = 0; i < 300; i++) await gateway.execute(request);
  const times: number[] = [];
  for (let i = 0; i < SEQUENTIAL_RUNS; i++) {
    const t = performance.now();
    const r = await gateway.execute(request);
    times.push(performance.now() - t);
    if (r.status !== 'ok') throw new Error(`bench script failed: ${JSON.stringify(r.error)}`);
  }
  times.sort((a, b) => a - b);
  let done = 0;
  const until = performance.now() + DURATION_S * 1000;
  const worker = async () => {
    while (performance.now() < until) {
      await gateway.execute(request);
      done++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  const rps = done / ((performance.now() - started) / 1000);
  return { p50: round(percentile(times, 50)), p99: round(percentile(times, 99)), rps: Math.round(rps) };
}

/**
 * Uncached gate time (pre-scan, parse, type stripping, rules, risk facts, source edits), as the front pays it
 * on a cache miss; `typed`: the same work written in TypeScript.
 */
function gateTimes(bytes: number, limits: Parameters<typeof compileUncached>[1], typed = false): { bytes: number; p50: number; p99: number } {
  const source = typed ? typedScriptOfSize(bytes) : scriptOfSize(bytes);
  for (let i = 0; i < 300; i++) compileUncached(source, limits);
  const times: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const t = performance.now();
    const r = compileUncached(source, limits);
    times.push(performance.now() - t);
    if (!r.ok) throw new Error(`bench script refused: ${JSON.stringify(r.violations[0])}`);
  }
  times.sort((a, b) => a - b);
  return { bytes: Buffer.byteLength(source), p50: round(percentile(times, 50)), p99: round(percentile(times, 99)) };
}

/**
 * The front's cost of turning a sandbox outcome into the REST answer's text: as served (a result of 1 KiB
 * or more spliced as the sandbox wrote it), against parsing the result and writing the envelope again.
 */
function answerTimes(rows: number): { bytes: number; servedUs: number; reparsedUs: number } {
  const resultJson = JSON.stringify(Array.from({ length: rows }, (_, i) => ({ id: `u_${i}`, name: `user ${i}`, tags: ['a', 'b'] })));
  const outcome = () => ({ ok: true as const, resultJson, logs: [], warnings: [], stats: { toolCalls: 3, iterations: 0, runMs: 1 } });
  const time = (fn: () => void): number => {
    const n = Math.max(50, Math.round(2e7 / resultJson.length));
    for (let i = 0; i < n; i++) fn();
    const t = performance.now();
    for (let i = 0; i < n; i++) fn();
    return round(((performance.now() - t) * 1000) / n, 2);
  };
  return {
    bytes: resultJson.length,
    servedUs: time(() => answerJson(envelopeFromOutcome(outcome(), 'exec_bench', 1, []))),
    reparsedUs: time(() => JSON.stringify({ ...envelopeFromOutcome({ ...outcome(), resultJson: undefined }, 'exec_bench', 1, []), result: JSON.parse(resultJson) as unknown })),
  };
}

const TYPECHECK_RUNS = opt('typecheckRuns', 400);

/**
 * The 3-tool script with the type check on (its verdict cached after the first run, as for any repeated
 * script) and off, at c=32 in alternating rounds of 2 s (the order flips each round); medians.
 */
async function typecheckOverhead(gateway: Gateway): Promise<{ onRps: number; offRps: number }> {
  const rate = async (typecheck: 'off' | undefined): Promise<number> => {
    let done = 0;
    const until = performance.now() + 2_000;
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (performance.now() < until) {
          await gateway.execute({ script: SCRIPTS.threeTools, ...(typecheck ? { typecheck } : {}) });
          done++;
        }
      }),
    );
    return done / 2;
  };
  const rounds = { on: [] as number[], off: [] as number[] };
  await rate(undefined);
  await rate('off');
  for (let round = 0; round < 2 * ROUNDS; round++) {
    for (const side of round % 2 === 0 ? (['on', 'off'] as const) : (['off', 'on'] as const)) rounds[side].push(await rate(side === 'off' ? 'off' : undefined));
  }
  const median = (list: number[]): number => Math.round(percentile([...list].sort((a, b) => a - b), 50));
  return { onRps: median(rounds.on), offRps: median(rounds.off) };
}

/**
 * The type check of a 1 KB script naming three tools, uncached (each run differs by a comment, so
 * neither the verdict cache nor the declarations' reuse by script helps): the tool lookups, the
 * declarations (cached per tool set, as in the service), the compiler, and the advice for findings.
 */
async function typecheckTimes(gateway: Gateway, mistaken: boolean): Promise<{ bytes: number; findings: number; p50: number; p99: number }> {
  const checker = new TypeChecker({ timeoutMs: 10_000, cacheEntries: 10, log: silentLogger() });
  const preflight = new Preflight('block', checker, { catalog: gateway.catalog, access: gateway.access, suggest: () => [], sourcePending: () => false });
  await preflight.start();
  const compiler = createScriptCompiler(0);
  const base = typecheckScript(mistaken);
  const run = async (i: number): Promise<{ ms: number; findings: number }> => {
    const source = `${base}// ${i}\n`;
    const compiled = compiler.compile(source, gateway.config.effectiveLimits);
    if (!compiled.ok) throw new Error(`bench script refused: ${JSON.stringify(compiled.violations[0])}`);
    const t = performance.now();
    const r = await preflight.check(compiled.script, source, ANONYMOUS, undefined, 'block');
    const ms = performance.now() - t;
    if (!('diagnostics' in r)) throw new Error(`type check did not run: ${JSON.stringify(r)}`);
    return { ms, findings: r.diagnostics.length };
  };
  try {
    for (let i = 0; i < 50; i++) await run(-i - 1);
    const times: number[] = [];
    let findings = 0;
    for (let i = 0; i < TYPECHECK_RUNS; i++) {
      const r = await run(i);
      times.push(r.ms);
      findings = r.findings;
    }
    times.sort((a, b) => a - b);
    return { bytes: Buffer.byteLength(base), findings, p50: round(percentile(times, 50)), p99: round(percentile(times, 99)) };
  } finally {
    await preflight.close();
  }
}

/**
 * What a plugin hook costs a tool call: `invoke` of bench:echo (a small result) on the bench gateway (no
 * plugin chain: the catalog has no hooks) and on one whose bench source has a response plugin that marks
 * the result (load-tests/plugins/tag-result.mjs), in alternating rounds; p50 of each and the difference.
 */
async function pluginHookTimes(plain: Gateway, config: ReturnType<typeof loadConfig>): Promise<{ plainP50: number; pluginP50: number; hookP50: number }> {
  const withPlugin = createGateway({
    config: { ...config, plugins: { ...config.plugins, dir: resolve(__dirname, '..', '..', 'load-tests', 'plugins'), sources: { bench: { request: [], response: [{ name: 'tag-result', order: 0, enabled: true, options: {} }] } } } },
    log: silentLogger(),
    extraTools: benchTools(),
    processMetrics: false,
  });
  await withPlugin.start();
  const time = async (g: Gateway, n: number): Promise<number[]> => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      const r = await g.invoke({ name: 'bench:echo', input: { i } });
      out.push(performance.now() - t);
      if (r.status !== 'ok') throw new Error(`bench invoke failed: ${JSON.stringify(r)}`);
    }
    return out;
  };
  try {
    await time(plain, 500);
    await time(withPlugin, 500);
    const plainTimes: number[] = [];
    const pluginTimes: number[] = [];
    for (let round = 0; round < 6; round++) {
      plainTimes.push(...(await time(plain, 500)));
      pluginTimes.push(...(await time(withPlugin, 500)));
    }
    const p50 = (list: number[]): number => percentile([...list].sort((a, b) => a - b), 50);
    return { plainP50: round(p50(plainTimes), 4), pluginP50: round(p50(pluginTimes), 4), hookP50: round(p50(pluginTimes) - p50(plainTimes), 4) };
  } finally {
    await withPlugin.close();
  }
}

async function main(): Promise<void> {
  const env: NodeJS.ProcessEnv = EXECUTORS > 0 ? { SCRIPTGATE_EXECUTORS: String(EXECUTORS) } : {};
  const config = loadConfig({ env: { ...process.env, ...env }, overrides: { log: { level: 'silent' } } });
  const gate = {
    kb1: gateTimes(1024, config.effectiveLimits),
    kb14: gateTimes(14 * 1024, config.effectiveLimits),
    typescriptKb1: gateTimes(1024, config.effectiveLimits, true),
    typescriptKb14: gateTimes(14 * 1024, config.effectiveLimits, true),
  };
  const answer = { rows2: answerTimes(2), rows5000: answerTimes(5000) };
  const gateway = createGateway({ config, log: silentLogger(), extraTools: benchTools() });
  await gateway.start();
  const typecheck = { clean: await typecheckTimes(gateway, false), mistaken: await typecheckTimes(gateway, true) };
  const trivial = await inProcess(gateway, SCRIPTS.trivial);
  const threeTools = await inProcess(gateway, SCRIPTS.threeTools);
  const threeToolsUnchecked = await inProcess(gateway, SCRIPTS.threeTools, 'off');
  const typecheckCost = await typecheckOverhead(gateway);
  const plugins = await pluginHookTimes(gateway, config);
  await gateway.close();
  const approvals = await approvalTimes(config);

  const dist = resolve(__dirname, 'servers');
  const hello = await startChildServer(resolve(dist, 'hello-world.js'));
  const service = await startChildServer(resolve(dist, 'gateway-server.js'), env);
  const http: Record<string, HttpFigures> = {};
  // MCP clients must accept both JSON and an event stream; stateless calls need no initialize first.
  const mcpHeaders = { accept: 'application/json, text/event-stream' };
  const mcpCall = (script: string) => ({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'execute_script', arguments: { script } } });
  // 2026-07-28: the revision's headers and _meta; a progress token sends the same call through the v2 SDK.
  const modernHeaders = { ...mcpHeaders, 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'execute_script' };
  const modernMeta = { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {} };
  const modernCall = (script: string, meta: Record<string, unknown> = {}) => ({ ...mcpCall(script), params: { name: 'execute_script', arguments: { script }, _meta: { ...modernMeta, ...meta } } });
  const targets: Record<string, [string, unknown, Record<string, string>]> = {
    helloWorld: [`${hello.url}/v1/execute`, { script: SCRIPTS.trivial }, {}],
    restTrivial: [`${service.url}/v1/execute`, { script: SCRIPTS.trivial }, {}],
    restThreeTools: [`${service.url}/v1/execute`, { script: SCRIPTS.threeTools }, {}],
    mcpTrivial: [`${service.url}/mcp`, mcpCall(SCRIPTS.trivial), mcpHeaders],
    mcpThreeTools: [`${service.url}/mcp`, mcpCall(SCRIPTS.threeTools), mcpHeaders],
    mcp2026Trivial: [`${service.url}/mcp`, modernCall(SCRIPTS.trivial), modernHeaders],
    mcp2026TrivialSdk: [`${service.url}/mcp`, modernCall(SCRIPTS.trivial, { progressToken: 'bench' }), modernHeaders],
  };
  try {
    for (const [url, body, headers] of Object.values(targets)) await loadHttp(url, body, CONNECTIONS, 1, headers);
    // Rounds alternate floor and service so drift on a shared machine hits both alike; medians are kept.
    const samples: Record<string, HttpFigures[]> = Object.fromEntries(Object.keys(targets).map((name) => [name, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, [url, body, headers]] of Object.entries(targets)) samples[name]!.push(await loadHttp(url, body, CONNECTIONS, DURATION_S, headers));
    }
    for (const [name, list] of Object.entries(samples)) http[name] = medianFigures(list);
  } finally {
    await Promise.all([hello.stop(), service.stop()]);
  }
  const floor = http.helloWorld!.rps;
  const summary = {
    machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
    date: new Date().toISOString(),
    settings: { executors: config.executor.processes, threads: config.pool.maxThreads, tasksPerThread: config.pool.tasksPerThread, connections: CONNECTIONS, durationS: DURATION_S, rounds: ROUNDS },
    gate,
    typecheck: { ...typecheck, threeToolsRps: typecheckCost },
    plugins,
    approvals,
    answer,
    inProcess: { trivial, threeTools, threeToolsUnchecked },
    http,
    ratios: {
      restTrivialVsHello: round(http.restTrivial!.rps / floor, 2),
      restThreeToolsVsHello: round(http.restThreeTools!.rps / floor, 2),
      mcpTrivialVsRest: round(http.mcpTrivial!.rps / http.restTrivial!.rps, 2),
      mcpThreeToolsVsRest: round(http.mcpThreeTools!.rps / http.restThreeTools!.rps, 2),
      mcp2026FastPathVsSdk: round(http.mcp2026Trivial!.rps / http.mcp2026TrivialSdk!.rps, 2),
    },
  };
  console.log(`gate (uncached) ${gate.kb1.bytes} B: p50 ${gate.kb1.p50} ms  p99 ${gate.kb1.p99} ms; ${gate.kb14.bytes} B: p50 ${gate.kb14.p50} ms  p99 ${gate.kb14.p99} ms`);
  console.log(`gate (uncached, TypeScript) ${gate.typescriptKb1.bytes} B: p50 ${gate.typescriptKb1.p50} ms  p99 ${gate.typescriptKb1.p99} ms; ${gate.typescriptKb14.bytes} B: p50 ${gate.typescriptKb14.p50} ms  p99 ${gate.typescriptKb14.p99} ms`);
  for (const [name, t] of Object.entries(typecheck)) console.log(`type check (uncached, ${name}: ${t.findings} findings) ${t.bytes} B naming 3 tools: p50 ${t.p50} ms  p99 ${t.p99} ms`);
  for (const a of Object.values(answer)) console.log(`answer text, ${a.bytes} B result: ${a.servedUs} µs as served, ${a.reparsedUs} µs parsed and written again`);
  console.log(`in-process  trivial: p50 ${trivial.p50} ms  p99 ${trivial.p99} ms  ${trivial.rps} scripts/s (c=${CONNECTIONS})`);
  console.log(`in-process  3 tools: p50 ${threeTools.p50} ms  p99 ${threeTools.p99} ms  ${threeTools.rps} scripts/s (c=${CONNECTIONS})`);
  console.log(`in-process  3 tools, typecheck off: p50 ${threeToolsUnchecked.p50} ms  p99 ${threeToolsUnchecked.p99} ms  ${threeToolsUnchecked.rps} scripts/s (c=${CONNECTIONS})`);
  console.log(`plugin hook: invoke p50 ${plugins.plainP50} ms without a plugin chain, ${plugins.pluginP50} ms with one response plugin: ${plugins.hookP50} ms per hook`);
  console.log(`approval: pause p50 ${approvals.pauseP50} ms p99 ${approvals.pauseP99} ms; decision to completed job (${approvals.callsBefore} calls replayed) p50 ${approvals.resumeP50} ms p99 ${approvals.resumeP99} ms`);
  console.log(`in-process  3 tools, alternating rounds: ${typecheckCost.onRps} scripts/s type check on (verdict cached), ${typecheckCost.offRps} off`);
  for (const [name, f] of Object.entries(http)) {
    console.log(`http ${name.padEnd(15)} ${String(f.rps).padStart(6)} req/s  p50 ${f.p50} ms  p99 ${f.p99} ms  errors ${f.errors}  non2xx ${f.non2xx}`);
  }
  console.log(`ratios: REST trivial ${summary.ratios.restTrivialVsHello} × hello-world, REST 3-tool ${summary.ratios.restThreeToolsVsHello} × hello-world`);
  console.log(`ratios: MCP trivial ${summary.ratios.mcpTrivialVsRest} × REST, MCP 3-tool ${summary.ratios.mcpThreeToolsVsRest} × REST`);
  console.log(`ratios: MCP 2026-07-28 trivial, plain-call path ${summary.ratios.mcp2026FastPathVsSdk} × the v2 SDK's`);
  console.log(JSON.stringify(summary));
  const outDir = resolve(__dirname, '..', '..', 'load-tests', 'results');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(resolve(outDir, 'bench-latest.json'), `${JSON.stringify(summary, null, 2)}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
