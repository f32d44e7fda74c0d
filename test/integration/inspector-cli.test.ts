import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { MAIN, startServerProcess, type ServerProcess } from '../helpers/server-process';

/**
 * The MCP Inspector 2.x CLI (a client the community uses to try servers) against the real service, over
 * Streamable HTTP and stdio, in both eras: `legacy` is 2025-11-25's initialize, `modern` pins 2026-07-28.
 * It needs Node 22 or later, as the test suite as a whole does (.ci/run provides 24).
 */
const ROOT = resolve(__dirname, '..', '..', '..');
const INSPECTOR = resolve(ROOT, 'node_modules', '@modelcontextprotocol', 'inspector', 'clients', 'launcher', 'build', 'index.js');

function inspector(target: string[], args: string[]): Promise<{ code: number | null; result: Record<string, unknown> | undefined; output: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [INSPECTOR, '--cli', ...target, ...args, '--format', 'json', '-q'], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', SCRIPTGATE_LOG_LEVEL: 'warn', SCRIPTGATE_POOL_MIN_THREADS: '1', SCRIPTGATE_POOL_MAX_THREADS: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', fail);
    child.on('exit', (code) => {
      let result: Record<string, unknown> | undefined;
      try {
        result = (JSON.parse(out) as { result?: Record<string, unknown> }).result;
      } catch {
        result = undefined;
      }
      done({ code, result, output: `${out}${err}`.slice(-2000) });
    });
  });
}

describe('the MCP Inspector CLI', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServerProcess({ SCRIPTGATE_POOL_MIN_THREADS: '1', SCRIPTGATE_POOL_MAX_THREADS: '1' });
  });
  afterAll(() => server.stop());

  const targets: [string, () => string[]][] = [
    ['Streamable HTTP', () => [`${server.url}/mcp`]],
    ['stdio', () => [process.execPath, MAIN, 'stdio']],
  ];
  const cases = targets.flatMap(([transport, target]) => (['legacy', 'modern'] as const).map((era) => [transport, era, target] as const));

  test.each(cases)('%s, %s era: lists the meta-tools and runs a script', async (_transport, era, target) => {
    const listed = await inspector(target(), ['--protocol-era', era, '--method', 'tools/list']);
    expect({ code: listed.code, names: (listed.result?.tools as { name: string }[] | undefined)?.map((t) => t.name) }).toEqual({
      code: 0,
      names: ['search_tools', 'describe_tools', 'execute_script', 'invoke_tool', 'get_job'],
    });
    const script = "return (await callTool('users:get', { id: 'u_0003' })).id";
    const called = await inspector(target(), ['--protocol-era', era, '--method', 'tools/call', '--tool-name', 'execute_script', '--tool-args-json', JSON.stringify({ script })]);
    expect({ code: called.code, structured: called.result?.structuredContent }).toMatchObject({ code: 0, structured: { status: 'ok', result: 'u_0003' } });
  }, 60_000);
});
