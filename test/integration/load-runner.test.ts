import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { envOptions } from '../../load-tests/compare';
import { answerFailed } from '../../load-tests/scenario-check';
import { SCENARIOS } from '../../load-tests/scenarios';
import { ATTACKS } from '../../load-tests/hostile';

const LOAD = resolve(__dirname, '..', '..', 'load-tests', 'load.js');

describe('the load runner', () => {
  test('runs a scenario next to the hello-world floor and prints one JSON line with the same-run ratio', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'load-results-'));
    const { stdout } = await promisify(execFile)(process.execPath, [LOAD, 'execute-3tools', '--duration', '1', '--warmup', '1', '--connections', '8'], {
      env: { ...process.env, LOAD_RESULTS_DIR: dir },
      timeout: 60_000,
    });
    const line = stdout.split('\n').find((l) => l.startsWith('{"scenario"'));
    const result = JSON.parse(line!) as Record<string, unknown> & { baseline: Record<string, unknown> };
    expect(result).toMatchObject({ scenario: 'execute-3tools', toolDelayMs: 0, connections: 8, errors: 0, non2xx: 0 });
    for (const key of ['rps', 'p50', 'p95', 'p99', 'helloRps', 'ratio']) expect(result[key]).toBeGreaterThan(0);
    expect(result.p50 as number).toBeLessThanOrEqual(result.p95 as number);
    expect(result.p95 as number).toBeLessThanOrEqual(result.p99 as number);
    expect(result.ratio).toBeCloseTo((result.rps as number) / (result.helloRps as number), 2);
    // Its baseline (the same scenario without deadline enforcement) ran in the same run.
    expect(result.baseline).toMatchObject({ label: 'noDeadlines', errors: 0 });
    const saved = JSON.parse(readFileSync(join(dir, 'load-latest.json'), 'utf8')) as { scenarios: Record<string, unknown> };
    expect(Object.keys(saved.scenarios)).toEqual(['execute-3tools@0ms']);
  });

  test('compare loads two settings in alternating rounds and reports the ratios and CPU per request', async () => {
    // One slot against the default 2 × 32 at 8 connections with 5 ms tools (three in a row): b must be far slower.
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [LOAD, 'compare', 'execute-3tools', '--b', 'SCRIPTGATE_POOL_MAX_THREADS=1', '--b', 'SCRIPTGATE_POOL_MIN_THREADS=1', '--b', 'SCRIPTGATE_POOL_TASKS_PER_THREAD=1', '--rounds', '2', '--duration', '1', '--connections', '8', '--tool-delay', '5'],
      { timeout: 90_000 },
    );
    const result = JSON.parse(stdout.trim().split('\n').pop()!) as {
      compare: string;
      rounds: number;
      a: Record<string, unknown> & { env: Record<string, string> };
      b: Record<string, unknown> & { env: Record<string, string> };
      bOverA: Record<string, number>;
    };
    expect(result).toMatchObject({ compare: 'execute-3tools', rounds: 2, toolDelayMs: 5 });
    expect(result.a.env).toEqual({});
    expect(result.b.env).toEqual({ SCRIPTGATE_POOL_MAX_THREADS: '1', SCRIPTGATE_POOL_MIN_THREADS: '1', SCRIPTGATE_POOL_TASKS_PER_THREAD: '1' });
    for (const s of [result.a, result.b]) {
      expect(s).toMatchObject({ errors: 0, non2xx: 0 });
      for (const key of ['rps', 'p99', 'frontCpuUs', 'executorCpuUs']) expect(s[key]).toBeGreaterThan(0);
    }
    expect(result.bOverA.rps).toBeLessThan(0.5);
    // Queued behind one slot, b's tail is longer; by how much depends on what else the machine runs.
    expect(result.bOverA.p99).toBeGreaterThan(1);
  });

  test('hostile sends each attack beside ordinary clients: none of theirs fails, every attack is answered with its own error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'load-results-'));
    const { stdout } = await promisify(execFile)(process.execPath, [LOAD, 'hostile', '--clients', '3', '--copies', '2', '--settle', '0.5'], {
      env: { ...process.env, LOAD_RESULTS_DIR: dir },
      timeout: 150_000,
    }).catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? '' }));
    const attacks = stdout
      .split('\n')
      .filter((l) => l.startsWith('{"attack"'))
      .map((l) => JSON.parse(l) as { attack: string; victimsSent: number; victimsFailed: number; victimMessages: Record<string, string>; code: string; maxBytes: number });
    expect(attacks.map((a) => a.attack)).toEqual(ATTACKS.map((a) => a.name));
    for (const a of attacks) {
      expect({ attack: a.attack, failed: a.victimsFailed, messages: a.victimMessages }).toEqual({ attack: a.attack, failed: 0, messages: {} });
      expect(a.victimsSent).toBeGreaterThan(0);
      if (a.code !== '(no request)') expect(a.code).not.toBe('ok');
      expect(a.maxBytes).toBeLessThan(2 * 1024 * 1024);
    }
    expect(stdout).toContain('| attack (2 copies at once) | victim requests | victims failed |');
    const saved = JSON.parse(readFileSync(join(dir, 'load-latest.json'), 'utf8')) as { hostile: { attacks: unknown[] } };
    expect(saved.hostile.attacks).toHaveLength(ATTACKS.length);
  }, 180_000);

  test('compare refuses a setting that is not NAME=value', () => {
    expect(envOptions(['compare', '--a', 'X=1', '--b', 'Y=a=b', '--a', 'Z='], '--a')).toEqual({ X: '1', Z: '' });
    expect(envOptions(['--b', 'Y=a=b'], '--b')).toEqual({ Y: 'a=b' });
    expect(() => envOptions(['--a', 'oops'], '--a')).toThrow('--a takes NAME=value, got "oops"');
    expect(() => envOptions(['--a'], '--a')).toThrow('--a takes NAME=value');
  });

  test('an unknown scenario is refused with the list of names', async () => {
    await expect(promisify(execFile)(process.execPath, [LOAD, 'nope'], { timeout: 20_000 })).rejects.toMatchObject({ stderr: expect.stringContaining('execute-trivial') });
  });

  test('every documented scenario exists, and tool-calling ones also run with 5 ms tools', () => {
    const names = SCENARIOS.map((s) => s.name);
    expect(names).toEqual(['execute-trivial', 'execute-3tools', 'execute-fanout', 'execute-gate-heavy', 'invoke', 'search', 'search-ml', 'describe', 'mcp-execute', 'mixed', 'auth']);
    for (const name of ['execute-3tools', 'execute-fanout', 'invoke', 'mixed']) expect(SCENARIOS.find((s) => s.name === name)?.toolDelays).toEqual([0, 5]);
  });

  test('a 200 that carries a failure counts as failed', () => {
    expect(answerFailed('/v1/execute', 200, '{"status":"ok","result":1}')).toBe(false);
    expect(answerFailed('/v1/execute', 200, '{"status":"runtime_error","error":{"code":"RUNTIME_ERROR"}}')).toBe(true);
    expect(answerFailed('/v1/describe', 200, '{"tools":[],"notFound":[{"name":"x"}]}')).toBe(true);
    expect(answerFailed('/mcp', 200, '{"jsonrpc":"2.0","id":1,"result":{"isError":true}}')).toBe(true);
    expect(answerFailed('/mcp', 200, '{"jsonrpc":"2.0","id":1,"result":{"content":[]}}')).toBe(false);
    expect(answerFailed('/v1/search', 503, '{}')).toBe(true);
    expect(answerFailed('/v1/search', 200, 'not json')).toBe(true);
  });
});
