import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type autocannon from 'autocannon';
import { round, runLoad, serviceRss, startChildServer } from './harness';
import { answerFailed, checkScenario } from './scenario-check';
import { scenarioNamed } from './scenarios';

export interface SoakSample {
  /** Seconds since the steady load began. */
  t: number;
  frontMb: number;
  executorsMb: number;
  totalMb: number;
  /** The front's event-loop delay over the last interval (its /metrics, reset at every scrape). */
  loopP99Ms: number;
  loopMaxMs: number;
}

export interface SoakFigures {
  scenario: string;
  durationS: number;
  connections: number;
  capacityRps: number;
  targetRps: number;
  achievedRps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  /** 2xx answers that carried a failure (a script error, an MCP isError). */
  failedAnswers: number;
  warmupS: number;
  /** Total RSS floor (lower quartile) of the last fifth of the samples over that of the first fifth after warm-up. */
  rssGrowthPct: number;
  samples: SoakSample[];
  passed: boolean;
}

const SAMPLE_EVERY_MS = 10_000;
const LOAD_SHARE = 0.7;
const MAX_GROWTH_PCT = 10;

function metricValue(text: string, name: string): number {
  const match = new RegExp(`^${name} ([0-9.eE+-]+)$`, 'm').exec(text);
  return match ? Number(match[1]) : Number.NaN;
}

function lowerQuartile(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 4)] ?? 0;
}

/**
 * RSS growth after warm-up, in percent: the lower quartile of the last fifth of the samples over that of
 * the first fifth (at least three samples each). The front's RSS saws up and down by 20 % with its garbage
 * collections; what a leak raises is the floor the sawtooth returns to, which single samples or means miss.
 */
export function rssGrowthPct(samples: readonly SoakSample[], warmupS: number): number {
  const after = samples.filter((s) => s.t >= warmupS).map((s) => s.totalMb);
  if (after.length < 2) return 0;
  const window = Math.min(after.length, Math.max(3, Math.floor(after.length / 5)));
  const first = lowerQuartile(after.slice(0, window));
  const last = lowerQuartile(after.slice(-window));
  return round(((last - first) / first) * 100, 2);
}

/**
 * Steady load at 70 % of the capacity measured just before, for `durationS`, on the realistic `mixed`
 * blend. Fails on any failed request or answer, or on RSS (front + executors) growing by more than 10 %
 * between warm-up and the end.
 */
export async function runSoak(options: { durationS: number; connections: number }): Promise<SoakFigures> {
  const scenario = scenarioNamed('mixed');
  const server = await startChildServer(resolve(__dirname, 'servers', 'gateway-server.js'), {});
  try {
    await checkScenario(server.url, scenario);
    await runLoad({ url: server.url, requests: scenario.requests(), connections: options.connections, durationS: 3 });
    const capacity = await runLoad({ url: server.url, requests: scenario.requests(), connections: options.connections, durationS: 10 });
    const targetRps = Math.round(capacity.rps * LOAD_SHARE);
    const warmupS = Math.min(60, Math.max(10, Math.round(options.durationS / 10)));
    console.log(JSON.stringify({ soak: 'start', capacityRps: capacity.rps, targetRps, durationS: options.durationS, warmupS }));

    let failedAnswers = 0;
    const checked: autocannon.Request[] = scenario.requests().map((r) => ({
      ...r,
      onResponse: (status: number, body: string) => {
        if (answerFailed(r.path ?? '/', status, body)) failedAnswers++;
      },
    }));
    const samples: SoakSample[] = [];
    const started = performance.now();
    const takeSample = async (): Promise<void> => {
      const pid = server.child.pid!;
      const metrics = await fetch(`${server.url}/metrics`).then((r) => r.text());
      const s: SoakSample = {
        t: Math.round((performance.now() - started) / 1000),
        ...serviceRss(pid),
        loopP99Ms: round(metricValue(metrics, 'scriptgate_nodejs_eventloop_lag_p99_seconds') * 1000, 2),
        loopMaxMs: round(metricValue(metrics, 'scriptgate_nodejs_eventloop_lag_max_seconds') * 1000, 2),
      };
      samples.push(s);
      console.log(JSON.stringify({ soak: 'sample', ...s }));
    };
    await takeSample();
    const timer = setInterval(() => void takeSample().catch((err: unknown) => console.error('soak sample failed', err)), SAMPLE_EVERY_MS);
    const figures = await runLoad({ url: server.url, requests: checked, connections: options.connections, durationS: options.durationS, overallRate: targetRps });
    clearInterval(timer);
    await takeSample();

    const growth = rssGrowthPct(samples, warmupS);
    const passed = figures.errors === 0 && figures.non2xx === 0 && failedAnswers === 0 && growth <= MAX_GROWTH_PCT;
    return {
      scenario: scenario.name,
      durationS: options.durationS,
      connections: options.connections,
      capacityRps: capacity.rps,
      targetRps,
      achievedRps: figures.rps,
      p50: figures.p50,
      p99: figures.p99,
      errors: figures.errors,
      non2xx: figures.non2xx,
      failedAnswers,
      warmupS,
      rssGrowthPct: growth,
      samples,
      passed,
    };
  } finally {
    await server.stop();
  }
}
