import { resolve } from 'node:path';
import { loadConfig } from '../../src/config';
import { ExecutorPool, type SandboxLimits, type SandboxOutcome, type ToolReply } from '../../src/executor';
import { executorPoolOptions } from '../../src/gateway/gateway-support';
import { silentLogger } from '../../src/log';

/**
 * The front does not trust its executors: a real executor process runs a sandbox worker that has gone
 * bad (test/fixtures/executor/fake-sandbox-worker.mjs), and every way it breaks the protocol is refused
 * by the front without harm to the front, the executor or an honest run beside it.
 */
const FAKE_WORKER = resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'executor', 'fake-sandbox-worker.mjs');
const LIMITS: SandboxLimits = { toolCalls: 1, loopIterations: 1000, callDepth: 100, resultBytes: 1 << 20, consoleLines: 10, consoleBytes: 1000, parallelToolCalls: 4, toolResultBytes: 1 << 20 };

let pool: ExecutorPool;
const toolCalls: unknown[] = [];

beforeAll(async () => {
  const config = loadConfig({ env: {}, overrides: { log: { level: 'silent' }, pool: { minThreads: 1, maxThreads: 1, tasksPerThread: 8 } } });
  const options = executorPoolOptions(config, silentLogger());
  pool = new ExecutorPool({ ...options, processes: 1, init: { ...options.init, sandboxWorkerFile: FAKE_WORKER, workerHeapMb: 256 } });
  await pool.start();
  await pool.waitReady();
});
afterAll(() => pool.close());

async function attack(name: string, extra: Record<string, unknown> = {}, limits: Partial<SandboxLimits> = {}): Promise<SandboxOutcome> {
  const { outcome } = await pool.run({
    code: '',
    limits: { ...LIMITS, ...limits },
    context: { attack: name, ...extra },
    timeoutMs: 30_000,
    onToolCall: async (tool, args): Promise<ToolReply> => {
      toolCalls.push({ tool, args });
      return { ok: true, value: args };
    },
  });
  return outcome;
}

const resultOf = (outcome: SandboxOutcome): unknown => (outcome.ok && outcome.resultJson !== undefined ? JSON.parse(outcome.resultJson) : outcome);
const noSuchExecution = { ok: false, error: { code: 'TOOL_ERROR', message: 'no such execution' } };

test('an honest run is answered through the same channel', async () => {
  expect(resultOf(await attack('honest', { n: 1 }))).toEqual({ ok: true, value: { n: 1 } });
  expect(toolCalls).toEqual([{ tool: 'probe:echo', args: { n: 1 } }]);
});

test('each break of the protocol is refused, no tool runs, and honest runs beside it are served', async () => {
  toolCalls.length = 0;
  const restarts = pool.stats().restarts;
  const honest = Promise.all([1, 2, 3].map((n) => attack('honest', { n })));
  const [badToken, noHello, foreign, forged, late, overBudget, oversized, malformed] = await Promise.all([
    attack('bad-token'),
    attack('no-hello'),
    attack('foreign-run'),
    attack('forged-shape'),
    attack('late-call'),
    attack('over-budget'),
    attack('oversized'),
    attack('malformed-done'),
  ]);
  // A connection without the current token is closed before anything it sent is read.
  expect(resultOf(badToken)).toEqual({ closed: true });
  expect(resultOf(noHello)).toEqual({ closed: true });
  // A call for a run this executor does not hold.
  expect(resultOf(foreign)).toEqual(noSuchExecution);
  // Messages of the wrong shape are dropped; the connection goes on serving proper ones.
  expect(resultOf(forged)).toEqual({ forged: 'no answer', proper: { ok: true, value: { n: 'after' } } });
  expect(resultOf(late)).toBe('answered early');
  // The front counts calls itself: the second of a one-call budget is refused.
  expect(resultOf(overBudget)).toEqual([{ ok: true, value: { n: 1 } }, { ok: false, error: { code: 'LIMIT_EXCEEDED', message: 'limit toolCalls (1) exceeded' } }]);
  // A line past the channel's bound closes that connection.
  expect(resultOf(oversized)).toEqual({ closed: true });
  // An answer that does not fit the protocol fails its run at once, not at its deadline.
  expect(malformed).toMatchObject({ ok: false, error: { code: 'INTERNAL', message: 'the executor sent a malformed answer for this run' } });
  // The late call arrives after its run was answered.
  expect(resultOf(await attack('report-late'))).toEqual(noSuchExecution);

  expect((await honest).map(resultOf)).toEqual([1, 2, 3].map((n) => ({ ok: true, value: { n } })));
  // Only the honest calls, the forged-shape run's proper call and the budget's first call reached a tool.
  expect(toolCalls).toHaveLength(3 + 1 + 1);
  expect(pool.stats().restarts).toBe(restarts);
  expect(pool.ready).toBe(true);
  expect(resultOf(await attack('honest', { n: 'still' }))).toEqual({ ok: true, value: { n: 'still' } });
}, 60_000);
