import { startTestGateway, type TestGateway } from '../helpers/gateway';

/**
 * What containment misses, recovery covers: scripts that share a thread (or an executor) with one that
 * kills it are resumed on a fresh one by replaying their recorded tool results, clock reads and random
 * numbers, so each finishes normally and no tool call runs twice. The script that caused the loss is
 * found (it had control when the thread died, and dies again when run alone) and gets its own error.
 */
let g: TestGateway;
beforeAll(async () => {
  // One executor, one shared thread: every victim is co-resident with the attack.
  g = await startTestGateway({ pool: { minThreads: 1, maxThreads: 1, tasksPerThread: 16 }, executor: { restartBackoffMs: 50 } });
});
afterAll(() => g.close());

const count = (tool: string): number => g.calls.filter((c) => c === tool).length;
/** A thread-killing script not seen before (a script that killed one is quarantined by its hash). */
let bombs = 0;
const freshBomb = (): string => `return [...Array(2e8 + ${++bombs}).keys()].length;`;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A victim reads the clock and a random number, sends both to a tool, waits on a slow tool that is still
 * running when the attack lands, and returns what it saw. A replay that read other values would send
 * other arguments and be stopped, so `ok` proves the replay was exact.
 */
const victim = (i: number, sleepMs = 800) =>
  `const t = Date.now(); const r = Math.random(); const d = new Date().toISOString();
   const echoed = await callTool('test:echo', { i: ${i}, t, r, d });
   await callTool('test:sleep', { ms: ${sleepMs} });
   return { same: echoed.echo.t === t && echoed.echo.r === r && echoed.echo.d === d, i: ${i}, later: Date.now() >= t };`;

/** Runs `attack` while `n` victims are mid-flight on the same thread; returns the attack's envelope and the victims'. */
async function amid(attack: string, n = 6, attackTimeoutMs = 15_000) {
  const echoes = count('test:echo');
  const sleeps = count('test:sleep');
  const victims = Array.from({ length: n }, (_, i) => g.run(victim(i), { timeoutMs: 15_000 }));
  await pause(200);
  const hit = await g.run(attack, { timeoutMs: attackTimeoutMs });
  const done = await Promise.all(victims);
  return { hit, done, echoes: count('test:echo') - echoes, sleeps: count('test:sleep') - sleeps };
}

test.each([
  ['an iterator spread past the heap', 'return [...Array(2e8).keys()].length;'],
  ['JSON.stringify of a doubling DAG', 'let a = [1]; for (let i = 0; i < 28; i++) a = [a, a]; return JSON.stringify(a).length;'],
])('%s kills the thread; every victim is resumed and finishes; the attack gets its own error', async (_label, attack) => {
  const { hit, done, echoes, sleeps } = await amid(attack);
  // Out of heap, or (when it held the thread for over a second first) taken down, resumed alone and stopped at its deadline.
  expect([['limit_exceeded', 'workerHeapMb'], ['timeout', undefined]]).toContainEqual([hit.status, hit.error?.limit]);
  expect(done.map((v) => [v.status, v.result])).toEqual(done.map((_, i) => ['ok', { same: true, i, later: true }]));
  // Replayed, not repeated: one echo and one sleep per victim.
  expect({ echoes, sleeps }).toEqual({ echoes: done.length, sleeps: done.length });
});

test('the same attack again is quarantined: it runs isolated at once, and nobody else is touched', async () => {
  const attack = 'let b = [1]; for (let i = 0; i < 28; i++) b = [b, b]; return JSON.stringify(b).length;';
  // Where the engine runs this to the deadline instead of out of heap (Node 24), both runs last their
  // whole timeout: short ones keep the test within its own.
  await amid(attack, 1, 8_000);
  // The shared executors only: the isolated one may well be taken down by the attack, which is its job.
  const sharedRestarts = () => g.gateway.pool.executors.reduce((sum, ex) => sum + ex.restarts, 0);
  const restarts = sharedRestarts();
  const echoes = count('test:echo');
  const victims = Array.from({ length: 4 }, (_, i) => g.run(victim(i, 300), { timeoutMs: 15_000 }));
  await pause(100);
  const started = Date.now();
  const hit = await g.run(attack, { timeoutMs: 8_000 });
  expect([['limit_exceeded', 'workerHeapMb'], ['timeout', undefined]]).toContainEqual([hit.status, hit.error?.limit]);
  const done = await Promise.all(victims);
  expect(done.every((v) => v.status === 'ok')).toBe(true);
  expect(count('test:echo') - echoes).toBe(4);
  // The shared executor never restarted for it.
  expect(sharedRestarts()).toBe(restarts);
  expect(Date.now() - started).toBeLessThan(12_000);
});

test('a script holding the thread in one native call for seconds: the others are moved on after a second and finish; it times out alone', async () => {
  const echoes = count('test:echo');
  // Catastrophic backtracking, built at run time so the gate's ReDoS check cannot see it.
  const hog = g.run('const re = new RegExp(["^(a+)+", "$"].join("")); return re.test("a".repeat(40) + "b");', { timeoutMs: 8_000 });
  await pause(50);
  const victims = Array.from({ length: 4 }, (_, i) => g.run(victim(i, 300), { timeoutMs: 4_000 }));
  const done = await Promise.all(victims);
  expect(done.map((v) => v.status)).toEqual(Array(4).fill('ok'));
  expect(count('test:echo') - echoes).toBe(4);
  expect(await hog).toMatchObject({ status: 'timeout', error: { code: 'TIMEOUT' } });
});

test('an executor killed outright: runs that had made tool calls resume on the restarted one, a call in flight is awaited, not repeated', async () => {
  const echoes = count('test:echo');
  const sleeps = count('test:sleep');
  const victims = Array.from({ length: 5 }, (_, i) => g.run(victim(i, 1_000), { timeoutMs: 15_000 }));
  await pause(300);
  process.kill(g.gateway.pool.executors[0]!.pid!, 'SIGKILL');
  const done = await Promise.all(victims);
  expect(done.map((v) => v.status)).toEqual(Array(5).fill('ok'));
  expect(done.every((v) => (v.result as { same: boolean }).same)).toBe(true);
  expect({ echoes: count('test:echo') - echoes, sleeps: count('test:sleep') - sleeps }).toEqual({ echoes: 5, sleeps: 5 });
});

test("a run that read a clock the log does not record (Intl's format() of now) stops with EXECUTOR_RESTARTED; its call is not repeated", async () => {
  const echoes = count('test:echo');
  // The shared Date behind a date's constructor throws in the sandbox, but Intl formats "now" from the real clock.
  const drifting = g.run(
    "const t = new Intl.DateTimeFormat('en-US', { minute: 'numeric', second: 'numeric', fractionalSecondDigits: 3 }).format();\nawait callTool('test:echo', { t });\nawait callTool('test:sleep', { ms: 800 });\nreturn t;",
    { timeoutMs: 15_000 },
  );
  const steady = g.run(victim(9), { timeoutMs: 15_000 });
  await pause(200);
  await g.run(freshBomb(), { timeoutMs: 15_000 });
  const [d, s] = await Promise.all([drifting, steady]);
  expect(d).toMatchObject({ status: 'runtime_error', error: { code: 'EXECUTOR_RESTARTED', message: expect.stringMatching(/could not be resumed: call 1 was test:echo \{"t":"[^"]+"\} before, now test:echo \{"t":"[^"]+"\}$/) } });
  expect(s).toMatchObject({ status: 'ok' });
  expect(count('test:echo') - echoes).toBe(2);
});

test('the shared Date a script can reach through a date is inert: no unrecorded clock', async () => {
  const r = await g.run('try { return new Date().constructor.now(); } catch (e) { return String(e); }');
  expect(r.result).toMatch(/TypeError: secure mode Calling %SharedDate%\.now\(\) throws/);
});

test('a run whose tool results exceed what the replay log keeps is not resumed; it fails with the reason', async () => {
  const echoes = count('test:echo');
  const big = "for (let i = 0; i < 3; i++) await callTool('test:big', { n: 3_000_000 });\nawait callTool('test:echo', {});\nawait callTool('test:sleep', { ms: 1_500 });\nreturn 'done';";
  const heavy = g.run(big, { timeoutMs: 15_000 });
  // Attack once its 9 MB of results are in.
  while (count('test:echo') === echoes) await pause(20);
  await g.run(freshBomb(), { timeoutMs: 15_000 });
  expect(await heavy).toMatchObject({ status: 'runtime_error', error: { code: 'EXECUTOR_RESTARTED', message: expect.stringMatching(/could not be resumed because its tool calls and results exceed 8388608 bytes/) } });
});

test('Math.random and the clock still behave: random in [0, 1), fresh per run; Date() a string; dates compare and subclass', async () => {
  const script = `
    const rs = Array.from({ length: 1000 }, () => Math.random());
    class Stamp extends Date {}
    const s = new Stamp(0);
    return { inRange: rs.every((r) => r >= 0 && r < 1), distinct: new Set(rs).size, first: rs[0], str: typeof Date(),
      isDate: s instanceof Date && s.getTime() === 0, parse: Date.parse('2026-01-01T00:00:00Z'), utc: Date.UTC(2026, 0, 1), now: Math.abs(Date.now() - new Date().getTime()) < 1000 };`;
  const [a, b] = await Promise.all([g.run(script), g.run(script)]);
  expect(a.result).toMatchObject({ inRange: true, distinct: 1000, str: 'string', isDate: true, parse: 1767225600000, utc: 1767225600000, now: true });
  expect((a.result as { first: number }).first).not.toBe((b.result as { first: number }).first);
});
