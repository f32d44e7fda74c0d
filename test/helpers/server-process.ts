import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { httpRequest } from './http';

export const MAIN = resolve(__dirname, '..', '..', 'src', 'main.js');

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** Starts `scriptgate serve` as a real process on a free port and resolves its URL from the startup log. */
export function startServerProcess(env: NodeJS.ProcessEnv): Promise<ServerProcess> {
  const child = spawn(process.execPath, [MAIN, 'serve'], {
    // Tests that name a source expect it served, however busy the machine: startup waits for it.
    env: { PATH: process.env.PATH, SCRIPTGATE_PORT: '0', SCRIPTGATE_SOURCES_STARTUP_BUDGET_MS: '60000', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return new Promise((resolveStart, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}${err}`)), 20_000);
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /"url":"(http:[^"]+)"/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolveStart({
          child,
          url: match[1]!,
          exited,
          stop: async () => {
            child.kill('SIGTERM');
            await exited;
          },
        });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited early (${code}): ${out}${err}`));
    });
  });
}

/** How many executions a server has taken in (each looks its script up in the compile cache: hits and misses). */
export async function executionsReceived(url: string): Promise<number> {
  const text = (await httpRequest(`${url}/metrics`)).text;
  return [...text.matchAll(/^scriptgate_gate_cache_total\{[^}]*\} (\d+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
}

/** Waits until a server has taken in `count` executions, so a signal sent next finds them in flight. */
export async function untilReceived(url: string, count: number): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if ((await executionsReceived(url)) >= count) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${url} took in fewer than ${count} executions within 10 s`);
}
