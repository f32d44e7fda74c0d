/**
 * Noisy neighbours: `npm run load -- hostile [--clients 8] [--copies 3] [--settle 2]`.
 *
 * The real service on its embedded default (one executor, two sandbox threads, 32 scripts a thread), with
 * bench tools that answer after 5 ms so ordinary scripts sit on the threads between their calls. Several
 * clients send an ordinary three-tool script back to back for the whole run (over REST, MCP and async jobs,
 * in turn across clients); each attack in turn is sent `copies` times at once (each copy a little different,
 * so none is recognised from an earlier copy), and the clients keep going for `settle` seconds after the last answer. Per attack: victim requests sent and
 * failed, the attack's answers (status, bytes, time), and /health latency meanwhile.
 *
 * Targets: no victim fails, every attack gets a clear non-ok answer under 2 MB, /health under 1 s.
 */
import { performance } from 'node:perf_hooks';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { childPids, percentile, round, startChildServer } from './harness';
import { SCRIPTS } from './bench-tools';

const GATEWAY_SERVER = resolve(__dirname, 'servers', 'gateway-server.js');

export interface AttackFigures {
  attack: string;
  victimsSent: number;
  victimsFailed: number;
  /** What failed victims were told, by code, and one message of each. */
  victimErrors: Record<string, number>;
  victimMessages: Record<string, string>;
  /** The attack's answers: HTTP status and envelope code of the first, the largest body, the slowest. */
  status: number;
  code: string;
  maxBytes: number;
  maxMs: number;
  healthP50Ms: number;
  healthMaxMs: number;
  passed: boolean;
}

export interface HostileFigures {
  clients: number;
  copies: number;
  attacks: AttackFigures[];
  passed: boolean;
}

interface Attack {
  name: string;
  /** One copy of the attack; `n` makes each copy differ. Resolves to its answer, or undefined for an event. */
  send: (url: string, n: number, pid: number) => Promise<{ status: number; bytes: number; ms: number; code: string } | undefined>;
}

/** `{"a":{"a":…{}}}`, written out: JSON.stringify of it would overflow this process's own stack. */
const deepJson = (levels: number): string => `${'{"a":'.repeat(levels)}{}${'}'.repeat(levels)}`;

async function post(url: string, body: unknown): Promise<{ status: number; bytes: number; ms: number; code: string }> {
  const started = performance.now();
  const res = await fetch(`${url}/v1/execute`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  let code: string;
  try {
    const parsed = JSON.parse(text) as { status?: string; error?: { code?: string } };
    code = parsed.error?.code ?? parsed.status ?? '';
  } catch {
    code = 'not JSON';
  }
  return { status: res.status, bytes: Buffer.byteLength(text), ms: round(performance.now() - started, 1), code };
}

const script = (source: string) => (url: string, n: number) => post(url, { script: `${source}\n// copy ${n}` });

export const ATTACKS: Attack[] = [
  // 1,000-character lines (under the line-length limit), 100 KB in all: one refusal per `a`.
  { name: "100 KB of 'a,a,a,…' lines", send: (url, n) => post(url, { script: `${`${'a,'.repeat(499)}a\n`.repeat(99)}// copy ${n}` }) },
  { name: 'context nested 5,000 levels', send: (url, n) => post(url, `{"script":"return ${n}","context":${deepJson(5_000)}}`) },
  { name: 'ToolError with a BigInt in its data', send: script('throw new ToolError("X", "t", "m", { n: 1n });') },
  {
    name: 'ToolError data: a function, a Proxy, a throwing getter, 10,000 levels',
    send: script(
      'let d = {}; const root = d; for (let i = 0; i < 10000; i++) d = d.a = {};\nthrow new ToolError("X", "t", "m", { f() {}, p: new Proxy({}, { get() { throw new Error("trap"); } }), get g() { throw new Error("getter"); }, root });',
    ),
  },
  { name: 'an error named with 20 MB', send: script('const e = new Error("x"); e.name = "N".repeat(20 * 2 ** 20); throw e;') },
  { name: 'new Array(2e8).fill(0)', send: script('return new Array(2e8).fill(0).length;') },
  { name: '"z".repeat(400 MB)', send: script('return "z".repeat(400 * 2 ** 20).length;') },
  { name: 'an iterator spread past the heap', send: script('return [...Array(2e8).keys()].length;') },
  { name: 'JSON.stringify of a doubling DAG', send: script('let a = [1]; for (let i = 0; i < 28; i++) a = [a, a]; return JSON.stringify(a).length;') },
  {
    name: 'SIGKILL of the executor process',
    send: async (_url, n, pid) => {
      // One kill, not one per copy: every copy would hit the restarting executor.
      if (n === 0) for (const executor of childPids(pid)) process.kill(executor, 'SIGKILL');
      return undefined;
    },
  },
];

/** What a victim was told: its script's result, or the code and message of what went wrong. */
interface VictimAnswer {
  result?: unknown;
  code?: string;
  message?: string;
}

const JSON_HEADERS = { 'content-type': 'application/json' };

async function restVictim(url: string): Promise<VictimAnswer> {
  const res = await fetch(`${url}/v1/execute`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ script: SCRIPTS.threeTools }) });
  const body = (await res.json()) as { status?: string; result?: unknown; error?: { code?: string; message?: string } };
  return res.status === 200 && body.status === 'ok' ? { result: body.result } : { code: body.error?.code ?? `HTTP ${res.status}`, message: body.error?.message ?? '' };
}

async function mcpVictim(url: string): Promise<VictimAnswer> {
  const call = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'execute_script', arguments: { script: SCRIPTS.threeTools } } };
  const res = await fetch(`${url}/mcp`, { method: 'POST', headers: { ...JSON_HEADERS, accept: 'application/json, text/event-stream' }, body: JSON.stringify(call) });
  const body = (await res.json()) as { result?: { isError?: boolean; structuredContent?: { status?: string; result?: unknown; error?: { code?: string; message?: string } } }; error?: { message?: string } };
  const envelope = body.result?.structuredContent;
  if (res.status === 200 && body.result?.isError !== true && envelope?.status === 'ok') return { result: envelope.result };
  return { code: envelope?.error?.code ?? `MCP ${res.status}`, message: envelope?.error?.message ?? body.error?.message ?? '' };
}

async function jobVictim(url: string): Promise<VictimAnswer> {
  const queued = await fetch(`${url}/v1/execute`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ script: SCRIPTS.threeTools, async: true }) });
  const { jobId } = (await queued.json()) as { jobId?: string };
  if (queued.status !== 202 || jobId === undefined) return { code: `job submit HTTP ${queued.status}` };
  for (;;) {
    const res = await fetch(`${url}/v1/jobs/${jobId}?waitMs=20000`);
    const job = (await res.json()) as { state?: string; result?: { status?: string; result?: unknown; error?: { code?: string; message?: string } }; error?: { code?: string; message?: string } };
    if (res.status !== 200) return { code: `job read HTTP ${res.status}` };
    if (job.state === 'completed' && job.result?.status === 'ok') return { result: job.result.result };
    if (job.state === 'completed' || job.state === 'failed' || job.state === 'cancelled') {
      const error = job.result?.error ?? job.error;
      return { code: error?.code ?? `job ${job.state}`, message: error?.message ?? '' };
    }
  }
}

/** Each client keeps to one way in: REST, MCP tools/call, or an async job, in turn across clients. */
const VICTIM_TRANSPORTS = [restVictim, mcpVictim, jobVictim];

/** Ordinary clients: the three-tool script back to back until `stop`; counts sent and failed. */
function victims(url: string, clients: number) {
  const counts = { sent: 0, failed: 0, errors: {} as Record<string, number>, samples: {} as Record<string, string> };
  let running = true;
  const loops = Array.from({ length: clients }, async (_, i) => {
    const send = VICTIM_TRANSPORTS[i % VICTIM_TRANSPORTS.length]!;
    while (running) {
      counts.sent++;
      let answer: VictimAnswer;
      try {
        answer = await send(url);
      } catch (err) {
        answer = { code: (err as Error).message };
      }
      if (answer.code !== undefined || answer.result !== 6) {
        counts.failed++;
        const code = answer.code ?? `result ${JSON.stringify(answer.result)}`;
        counts.errors[code] = (counts.errors[code] ?? 0) + 1;
        counts.samples[code] ??= answer.message ?? '';
      }
    }
  });
  return {
    counts,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

/** /health every 50 ms until stopped; the latencies. */
function healthProbe(url: string) {
  const samples: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      try {
        await (await fetch(`${url}/health`)).text();
      } catch {
        // A refused probe counts as slow as it took.
      }
      samples.push(performance.now() - started);
      await sleep(50);
    }
  })();
  return {
    samples,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

export async function runHostile(options: { clients: number; copies: number; settleS: number }, print: (line: string) => void): Promise<HostileFigures> {
  const server = await startChildServer(GATEWAY_SERVER, { BENCH_TOOL_DELAY_MS: '5' });
  const attacks: AttackFigures[] = [];
  try {
    const pid = server.child.pid!;
    // Warm: every thread compiled and serving.
    const warm = victims(server.url, options.clients);
    await sleep(2_000);
    await warm.stop();
    for (const attack of ATTACKS) {
      const crowd = victims(server.url, options.clients);
      const health = healthProbe(server.url);
      await sleep(500);
      const answers = (await Promise.all(Array.from({ length: options.copies }, (_, n) => attack.send(server.url, n, pid)))).filter((a) => a !== undefined);
      await sleep(options.settleS * 1_000);
      await crowd.stop();
      await health.stop();
      const sorted = [...health.samples].sort((a, b) => a - b);
      const first = answers[0];
      const figures: AttackFigures = {
        attack: attack.name,
        victimsSent: crowd.counts.sent,
        victimsFailed: crowd.counts.failed,
        victimErrors: crowd.counts.errors,
        victimMessages: crowd.counts.samples,
        status: first?.status ?? 0,
        code: first?.code ?? '(no request)',
        maxBytes: Math.max(0, ...answers.map((a) => a.bytes)),
        maxMs: Math.max(0, ...answers.map((a) => a.ms)),
        healthP50Ms: round(percentile(sorted, 50), 1),
        healthMaxMs: round(sorted[sorted.length - 1] ?? 0, 1),
        passed: false,
      };
      const clearNonOk = answers.every((a) => a.code !== 'ok' && a.code !== '' && a.bytes < 2 * 1024 * 1024);
      figures.passed = figures.victimsFailed === 0 && clearNonOk && figures.healthMaxMs < 1_000;
      attacks.push(figures);
      print(JSON.stringify(figures));
    }
  } finally {
    await server.stop();
  }
  return { clients: options.clients, copies: options.copies, attacks, passed: attacks.every((a) => a.passed) };
}

/** The table quoted in docs. */
export function hostileTable(figures: HostileFigures): string {
  const rows = figures.attacks.map(
    (a) =>
      `| ${a.attack} | ${a.victimsSent} | ${a.victimsFailed}${a.victimsFailed > 0 ? ` (${Object.entries(a.victimErrors).map(([k, v]) => `${k} ×${v}`).join(', ')})` : ''} | ${a.status || '–'} ${a.code} | ${a.maxBytes.toLocaleString('en-US')} | ${a.maxMs} | ${a.healthP50Ms} / ${a.healthMaxMs} |`,
  );
  return [
    `| attack (${figures.copies} copies at once) | victim requests | victims failed | attack answer | answer bytes (max) | answer ms (max) | /health ms p50 / max |`,
    '|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}
