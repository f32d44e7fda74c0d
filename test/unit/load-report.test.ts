import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderReport } from '../../load-tests/report';
import { readLatest, scenarioKey, type LatestResults, type ScenarioResult } from '../../load-tests/results';
import { rssGrowthPct } from '../../load-tests/soak';

const row = (scenario: string, toolDelayMs: number, rps: number): ScenarioResult => ({
  scenario, toolDelayMs, connections: 50, durationS: 10, rounds: 1, rps, p50: 7.5, p95: 14.2, p99: 19.8, errors: 0, non2xx: 0, requests: rps * 10, helloRps: 9000, ratio: rps / 9000, date: '2026-11-22T20:00:00.000Z',
});

describe('npm run load:report', () => {
  test('charts every scenario, its latency and the soak into one SVG', () => {
    const results: LatestResults = {
      machine: { cpus: 2, cpuModel: 'test cpu', node: 'v20.20.2' },
      scenarios: Object.fromEntries([row('execute-trivial', 0, 6100), row('execute-3tools', 5, 1300)].map((r) => [scenarioKey(r), r])),
      soak: {
        scenario: 'mixed', durationS: 60, connections: 50, capacityRps: 4000, targetRps: 2800, achievedRps: 2795, p50: 3, p99: 12, errors: 0, non2xx: 0, failedAnswers: 0, warmupS: 10, rssGrowthPct: 1.5, passed: true,
        samples: [0, 10, 20, 30].map((t) => ({ t, frontMb: 150 + t / 10, executorsMb: 120, totalMb: 270 + t / 10, loopP99Ms: 11, loopMaxMs: 20 })),
        date: '2026-11-22T21:00:00.000Z',
      },
    };
    const file = join(mkdtempSync(join(tmpdir(), 'load-report-')), 'results.json');
    writeFileSync(file, JSON.stringify(results));
    const svg = renderReport(readLatest(file));
    expect(svg.startsWith('<svg')).toBe(true);
    for (const text of ['execute-trivial', 'execute-3tools (5 ms tools)', 'Node v20.20.2', 'RSS growth 1.5 %', 'p99', 'front RSS']) expect(svg).toContain(text);
    // The bars carry their figures as labels.
    expect(svg).toContain('6100');
  });

  test('refuses to draw an empty report', () => {
    expect(() => renderReport({ scenarios: {} })).toThrow(/no results/);
  });
});

describe('the soak verdict on memory', () => {
  const samples = (totals: number[]) => totals.map((totalMb, i) => ({ t: i * 10, frontMb: totalMb - 100, executorsMb: 100, totalMb, loopP99Ms: 10, loopMaxMs: 20 }));
  const sawtooth = (n: number, base: (i: number) => number) => Array.from({ length: n }, (_, i) => base(i) + (i % 4 === 3 ? 60 : 0));

  test('GC peaks are not growth; warm-up is left out', () => {
    // Warm-up (t < 60) climbs from 200; afterwards a flat 360 with a 60 MB peak every fourth sample.
    const totals = [...[200, 250, 300, 330, 350, 355], ...sawtooth(54, () => 360)];
    expect(Math.abs(rssGrowthPct(samples(totals), 60))).toBeLessThan(1);
  });

  test('a steady climb is growth', () => {
    const totals = [...[300, 300, 300, 300, 300, 300], ...sawtooth(54, (i) => 360 + i * 1.5)];
    expect(rssGrowthPct(samples(totals), 60)).toBeGreaterThan(10);
  });
});
