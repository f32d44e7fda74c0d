/**
 * `npm run load -- compare <scenario> --a NAME=value --b NAME=value [--a-build DIR --b-build DIR] [--rounds 12 --duration 3 --tool-delay 0]`
 *
 * Two service processes that differ only in the given variables (repeat `--a`/`--b` for several; a side
 * may be left empty to mean the defaults), or in the build they run (`--a-build`: the `dist` directory of
 * another checkout, built with `npm run build`, e.g. the commit before a change), loaded in short
 * alternating rounds. On a machine whose speed
 * drifts, a figure from one run means little next to one from another; the ratio of two rounds run
 * back to back does. Each round also reads the CPU time the front and its executors spent per request
 * (/proc), which shows what a change costs even when the load generator, not the service, sets the pace.
 */
import { resolve } from 'node:path';
import { TICKS_PER_SECOND, childPids, cpuTicks, medianFigures, percentile, round, runLoad, startChildServer, type ChildServer, type HttpFigures } from './harness';
import { checkScenario } from './scenario-check';
import { scenarioNamed, type Scenario } from './scenarios';

export interface CompareOptions {
  scenario: string;
  a: Record<string, string>;
  b: Record<string, string>;
  rounds: number;
  durationS: number;
  connections: number;
  toolDelayMs: number;
  /** `dist` directory of another build for side a or b (default: this one). */
  aBuild?: string;
  bBuild?: string;
  /** Another Node binary for side a or b (default: the one running the comparison), e.g. to compare Node majors. */
  aNode?: string;
  bNode?: string;
}

export interface SideFigures extends HttpFigures {
  /** Median over rounds of the CPU time per request, in µs: the front process, and all its executors together. */
  frontCpuUs: number;
  executorCpuUs: number;
}

export interface CompareResult {
  compare: string;
  toolDelayMs: number;
  rounds: number;
  durationS: number;
  a: { env: Record<string, string>; build?: string; node?: string } & SideFigures;
  b: { env: Record<string, string>; build?: string; node?: string } & SideFigures;
  /** Medians over rounds of b's figure divided by a's from the same round. */
  bOverA: { rps: number; p99: number; frontCpu: number; executorCpu: number };
}

/** `--a NAME=value` options in order; an unparsable one is refused rather than silently dropped. */
export function envOptions(args: string[], flag: string): Record<string, string> {
  const env: Record<string, string> = {};
  args.forEach((arg, i) => {
    if (arg !== flag) return;
    const pair = args[i + 1] ?? '';
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error(`${flag} takes NAME=value, got "${pair}"`);
    env[pair.slice(0, at)] = pair.slice(at + 1);
  });
  return env;
}

const median = (values: number[]): number => percentile([...values].sort((x, y) => x - y), 50);

interface Round {
  figures: HttpFigures;
  frontCpuUs: number;
  executorCpuUs: number;
}

async function loadRound(service: ChildServer, requests: ReturnType<Scenario['requests']>, options: CompareOptions): Promise<Round> {
  const pid = service.child.pid ?? 0;
  const executorsTicks = (): number => childPids(pid).reduce((sum, child) => sum + cpuTicks(child), 0);
  const front0 = cpuTicks(pid);
  const executors0 = executorsTicks();
  const figures = await runLoad({ url: service.url, requests, connections: options.connections, durationS: options.durationS });
  const perRequest = (ticks: number): number => round((ticks * 1e6) / TICKS_PER_SECOND / Math.max(1, figures.requests), 1);
  return { figures, frontCpuUs: perRequest(cpuTicks(pid) - front0), executorCpuUs: perRequest(executorsTicks() - executors0) };
}

function side(rounds: Round[]): SideFigures {
  return { ...medianFigures(rounds.map((r) => r.figures)), frontCpuUs: median(rounds.map((r) => r.frontCpuUs)), executorCpuUs: median(rounds.map((r) => r.executorCpuUs)) };
}

export async function runCompare(options: CompareOptions, log: (line: string) => void): Promise<CompareResult> {
  const scenario = scenarioNamed(options.scenario);
  const server = (build: string | undefined): string => (build ? resolve(build, 'load-tests', 'servers', 'gateway-server.js') : resolve(__dirname, 'servers', 'gateway-server.js'));
  const envFor = (vars: Record<string, string>) => ({ ...scenario.env, BENCH_TOOL_DELAY_MS: String(options.toolDelayMs), ...vars });
  const services = {
    a: await startChildServer(server(options.aBuild), envFor(options.a), [], [], options.aNode),
    b: await startChildServer(server(options.bBuild), envFor(options.b), [], [], options.bNode),
  };
  try {
    for (const service of [services.a, services.b]) {
      await checkScenario(service.url, scenario);
      await runLoad({ url: service.url, requests: scenario.requests(), connections: options.connections, durationS: 2 });
    }
    const rounds = { a: [] as Round[], b: [] as Round[] };
    for (let i = 0; i < options.rounds; i++) {
      for (const key of ['a', 'b'] as const) {
        const r = await loadRound(services[key], scenario.requests(), options);
        rounds[key].push(r);
        log(`round ${i + 1} ${key}: ${r.figures.rps} req/s, p99 ${r.figures.p99} ms, CPU per request front ${r.frontCpuUs} µs, executors ${r.executorCpuUs} µs`);
      }
    }
    const ratio = (pick: (r: Round) => number): number => round(median(rounds.b.map((r, i) => pick(r) / Math.max(1e-9, pick(rounds.a[i]!)))), 3);
    return {
      compare: scenario.name,
      toolDelayMs: options.toolDelayMs,
      rounds: options.rounds,
      durationS: options.durationS,
      a: { env: options.a, ...(options.aBuild ? { build: options.aBuild } : {}), ...(options.aNode ? { node: options.aNode } : {}), ...side(rounds.a) },
      b: { env: options.b, ...(options.bBuild ? { build: options.bBuild } : {}), ...(options.bNode ? { node: options.bNode } : {}), ...side(rounds.b) },
      bOverA: { rps: ratio((r) => r.figures.rps), p99: ratio((r) => r.figures.p99), frontCpu: ratio((r) => r.frontCpuUs), executorCpu: ratio((r) => r.executorCpuUs) },
    };
  } finally {
    await Promise.all([services.a.stop(), services.b.stop()]);
  }
}
