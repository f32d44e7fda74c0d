/**
 * `npm run load -- <scenario> [--duration 10] [--connections 50] [--rounds 1] [--tool-delay 0] [--profile]`
 * `npm run load:all [-- --duration 10]` (every scenario at each of its tool delays, then the recovery
 * and memory probes) · `npm run load -- soak --duration 600` · `npm run load -- recovery | memory`
 * `npm run load -- compare <scenario> --a NAME=value --b NAME=value` (two settings, same run: compare.ts);
 * `--a-build DIST` / `--a-node NODE` (and b) compare another build or another Node binary
 * `npm run load -- hostile [--clients 8] [--copies 3] [--settle 2]` (noisy neighbours: hostile.ts)
 *
 * Each scenario runs against a fresh service process next to an express hello-world floor measured
 * in the same run (alternating, so drift on a shared machine hits both alike) and prints one JSON line.
 * Results go to load-tests/results/load-latest.json, which `npm run load:report` charts.
 */
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { SCRIPTS } from './bench-tools';
import { SCENARIOS, scenarioNamed, type Scenario } from './scenarios';
import { hostileTable, runHostile } from './hostile';
import { jsonPost, medianFigures, numberOption, round, runLoad, startChildServer, stringOption, type ChildServer, type HttpFigures } from './harness';
import { checkScenario } from './scenario-check';
import { measureIdleMemory, measureRecovery } from './probes';
import { RESULTS_DIR, recordResults, type ScenarioResult } from './results';
import { runSoak } from './soak';
import { envOptions, runCompare } from './compare';

const SERVERS = resolve(__dirname, 'servers');
const DURATION_S = numberOption('duration', 10);
const CONNECTIONS = numberOption('connections', 50);
const ROUNDS = numberOption('rounds', 1);
const WARMUP_S = numberOption('warmup', 2);

/** `--profile`: the service's front process writes a V8 CPU profile (open it in Chrome DevTools) on exit. */
const PROFILE_ARGS = process.argv.includes('--profile') ? ['--cpu-prof', `--cpu-prof-dir=${resolve(RESULTS_DIR, 'profiles')}`] : [];
const startService = (env: Record<string, string>): Promise<ChildServer> => startChildServer(resolve(SERVERS, 'gateway-server.js'), env, [], PROFILE_ARGS);

async function runScenario(hello: ChildServer, scenario: Scenario, toolDelayMs: number): Promise<ScenarioResult> {
  const env = { ...scenario.env, BENCH_TOOL_DELAY_MS: String(toolDelayMs) };
  const baseline = scenario.baseline;
  const baselineScenario = baseline ? scenarioNamed(baseline.scenario) : undefined;
  const baselineEnv = baseline && baselineScenario ? { ...baselineScenario.env, ...baseline.env, BENCH_TOOL_DELAY_MS: String(toolDelayMs) } : undefined;
  const sameServer = baselineEnv !== undefined && JSON.stringify(baselineEnv) === JSON.stringify(env);
  const service = await startService(env);
  const other = baselineEnv && !sameServer ? await startService(baselineEnv) : undefined;
  try {
    await checkScenario(service.url, scenario);
    const targets: { key: 'hello' | 'scenario' | 'baseline'; url: string; requests: Scenario['requests'] }[] = [
      { key: 'hello', url: hello.url, requests: () => [jsonPost('/v1/execute', { script: SCRIPTS.trivial })] },
      { key: 'scenario', url: service.url, requests: scenario.requests },
    ];
    if (baselineScenario) {
      const url = (other ?? service).url;
      await checkScenario(url, baselineScenario);
      targets.push({ key: 'baseline', url, requests: baselineScenario.requests });
    }
    for (const t of targets) await runLoad({ url: t.url, requests: t.requests(), connections: CONNECTIONS, durationS: WARMUP_S });
    const samples = { hello: [] as HttpFigures[], scenario: [] as HttpFigures[], baseline: [] as HttpFigures[] };
    for (let r = 0; r < ROUNDS; r++) {
      for (const t of targets) samples[t.key].push(await runLoad({ url: t.url, requests: t.requests(), connections: CONNECTIONS, durationS: DURATION_S }));
    }
    const figures = medianFigures(samples.scenario);
    const floor = medianFigures(samples.hello);
    const result: ScenarioResult = {
      scenario: scenario.name,
      toolDelayMs,
      connections: CONNECTIONS,
      durationS: DURATION_S,
      rounds: ROUNDS,
      ...figures,
      helloRps: floor.rps,
      ratio: round(figures.rps / floor.rps, 3),
    };
    if (baseline) {
      const base = medianFigures(samples.baseline);
      result.baseline = { label: baseline.label, rps: base.rps, p99: base.p99, ratio: round(figures.rps / base.rps, 3), errors: base.errors + base.non2xx };
    }
    return result;
  } finally {
    await Promise.all([service.stop(), other?.stop()]);
  }
}

async function main(): Promise<void> {
  const valued = new Set(['--duration', '--connections', '--rounds', '--tool-delay', '--warmup', '--a', '--b', '--a-build', '--b-build', '--a-node', '--b-node', '--clients', '--copies', '--settle']);
  const args = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !valued.has(all[i - 1] ?? ''));
  const target = args[0];
  if (!target) throw new Error(`name a scenario: ${SCENARIOS.map((s) => s.name).join(', ')}, all, soak, recovery, memory, hostile, compare`);
  if (target === 'compare') {
    const argv = process.argv.slice(2);
    const result = await runCompare(
      {
        scenario: args[1] ?? 'execute-3tools',
        a: envOptions(argv, '--a'),
        b: envOptions(argv, '--b'),
        ...(stringOption('a-build') !== undefined ? { aBuild: stringOption('a-build') } : {}),
        ...(stringOption('b-build') !== undefined ? { bBuild: stringOption('b-build') } : {}),
        ...(stringOption('a-node') !== undefined ? { aNode: stringOption('a-node') } : {}),
        ...(stringOption('b-node') !== undefined ? { bNode: stringOption('b-node') } : {}),
        rounds: numberOption('rounds', 12),
        durationS: numberOption('duration', 3),
        connections: CONNECTIONS,
        toolDelayMs: numberOption('tool-delay', 0),
      },
      (line) => console.error(line),
    );
    console.log(JSON.stringify(result));
    if (result.a.errors + result.a.non2xx + result.b.errors + result.b.non2xx > 0) process.exitCode = 1;
    return;
  }
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version };
  if (target === 'hostile') {
    const hostile = await runHostile({ clients: numberOption('clients', 8), copies: numberOption('copies', 3), settleS: numberOption('settle', 2) }, (line) => console.log(line));
    console.log(hostileTable(hostile));
    recordResults({ machine, hostile });
    if (!hostile.passed) process.exitCode = 1;
    return;
  }
  if (target === 'soak') {
    const soak = await runSoak({ durationS: numberOption('duration', 600), connections: CONNECTIONS });
    const { samples, ...summary } = soak;
    console.log(JSON.stringify({ soak: 'end', ...summary, samples: samples.length }));
    recordResults({ machine, soak });
    if (!soak.passed) process.exitCode = 1;
    return;
  }
  const probesOnly = target === 'recovery' || target === 'memory';
  const chosen: { scenario: Scenario; delay: number }[] = [];
  if (target === 'all') for (const scenario of SCENARIOS) for (const delay of scenario.toolDelays) chosen.push({ scenario, delay });
  else if (!probesOnly) chosen.push({ scenario: scenarioNamed(target), delay: numberOption('tool-delay', 0) });

  const scenarios: ScenarioResult[] = [];
  if (chosen.length > 0) {
    const hello = await startChildServer(resolve(SERVERS, 'hello-world.js'));
    try {
      for (const { scenario, delay } of chosen) {
        const result = await runScenario(hello, scenario, delay);
        scenarios.push(result);
        console.log(JSON.stringify(result));
      }
    } finally {
      await hello.stop();
    }
  }
  const recovery = target === 'all' || target === 'recovery' ? await measureRecovery() : undefined;
  if (recovery) console.log(JSON.stringify({ probe: 'recovery', ...recovery }));
  const memory = target === 'all' || target === 'memory' ? await measureIdleMemory() : undefined;
  if (memory) console.log(JSON.stringify({ probe: 'memory', ...memory }));
  recordResults({ machine, scenarios, ...(recovery ? { recovery } : {}), ...(memory ? { memory } : {}) });
  const failed = scenarios.filter((s) => s.errors + s.non2xx > 0 || (s.baseline?.errors ?? 0) > 0);
  if (failed.length > 0) {
    console.error(`requests failed in: ${failed.map((s) => `${s.scenario}@${s.toolDelayMs}ms`).join(', ')}`);
    process.exitCode = 1;
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
