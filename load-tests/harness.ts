import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import autocannon from 'autocannon';

export interface ChildServer {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts a compiled server script as its own process and waits for the first log line naming its URL. */
/** `nodeArgs` go before the script, e.g. `--cpu-prof`. */
/** `node`: another Node binary to run the service (and so its executors) on; default this one. */
export function startChildServer(file: string, env: NodeJS.ProcessEnv = {}, args: string[] = [], nodeArgs: string[] = [], node = process.execPath): Promise<ChildServer> {
  const child = spawn(node, [...nodeArgs, file, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      // Not left running behind a benchmark that gave up on it.
      child.kill('SIGKILL');
      reject(new Error(`${file} did not start: ${out}`));
    }, 30_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const match = /"url":"(http:[^"]+)"/.exec(out);
      if (!match) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      // Keep draining, so a chatty server never blocks on a full pipe.
      child.stdout!.resume();
      resolve({
        url: match[1]!,
        child,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
          }),
      });
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${file} exited (${code}): ${out}`)));
  });
}

/** Direct children of a process (Linux /proc), e.g. a service's executor processes. */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    const text = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
    if (text) out.push(...text.split(/\s+/).map(Number));
  }
  return out;
}

/** Linux's USER_HZ: /proc counts CPU time in these ticks on every architecture Node supports. */
export const TICKS_PER_SECOND = 100;

/** User + system CPU time of a process and all its threads, in ticks, or 0 for a process that is gone. */
export function cpuTicks(pid: number): number {
  try {
    // Fields after the command name, which may itself hold spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/** Resident set size in MiB (VmRSS), or 0 for a process that is gone. */
export function rssMb(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? round(Number(match[1]) / 1024, 1) : 0;
  } catch {
    return 0;
  }
}

export interface HttpFigures {
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  /** Connection errors and timeouts. */
  errors: number;
  non2xx: number;
  /** Responses received (any status). */
  requests: number;
}

export interface LoadOptions {
  url: string;
  /** Cycled in order by every connection; `setupRequest` may rewrite one just before it is sent. */
  requests: autocannon.Request[];
  connections: number;
  durationS: number;
  /** Requests per second over all connections; unset means as fast as the server answers. */
  overallRate?: number;
}

/**
 * One autocannon run. Latency percentiles come from every response time (autocannon's own summary has
 * no p95 and rounds to whole milliseconds).
 */
export async function runLoad(options: LoadOptions): Promise<HttpFigures> {
  const times: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        duration: options.durationS,
        requests: options.requests,
        ...(options.overallRate !== undefined ? { overallRate: options.overallRate } : {}),
      },
      (err, done) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(done)),
    );
    instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => times.push(responseTime));
  });
  times.sort((a, b) => a - b);
  return {
    rps: Math.round(result.requests.average),
    p50: round(percentile(times, 50), 2),
    p95: round(percentile(times, 95), 2),
    p99: round(percentile(times, 99), 2),
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    requests: times.length,
  };
}

export const jsonPost = (path: string, body: unknown, headers: Record<string, string> = {}): autocannon.Request => ({
  method: 'POST',
  path,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

export function loadHttp(url: string, body: unknown, connections: number, durationS: number, headers: Record<string, string> = {}): Promise<HttpFigures> {
  const target = new URL(url);
  return runLoad({ url: target.origin, requests: [jsonPost(target.pathname, body, headers)], connections, durationS });
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export const round = (n: number, digits = 3): number => Number(n.toFixed(digits));

/** The round with the median throughput; errors and non-2xx summed over all rounds. */
export function medianFigures(list: HttpFigures[]): HttpFigures {
  const sorted = [...list].sort((a, b) => a.rps - b.rps);
  const mid = sorted[Math.floor(sorted.length / 2)]!;
  return { ...mid, errors: list.reduce((n, f) => n + f.errors, 0), non2xx: list.reduce((n, f) => n + f.non2xx, 0) };
}

/** RSS in MiB of a service's front process and of its children (the executors). */
export function serviceRss(pid: number): { frontMb: number; executorsMb: number; totalMb: number } {
  const frontMb = rssMb(pid);
  const executorsMb = round(childPids(pid).reduce((sum, child) => sum + rssMb(child), 0), 1);
  return { frontMb, executorsMb, totalMb: round(frontMb + executorsMb, 1) };
}

/** `--name value` from the command line, if given. */
export function stringOption(name: string): string | undefined {
  const args = process.argv.slice(2);
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

/** `--name value` from the command line: the number given, else the default. */
export function numberOption(name: string, dflt: number): number {
  const value = stringOption(name);
  return value === undefined ? dflt : Number(value);
}
