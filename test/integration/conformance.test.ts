import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { startServerProcess, type ServerProcess } from '../helpers/server-process';

/**
 * The official MCP conformance suite (server scenarios, every suite) against the real service on its
 * embedded default, for both revisions /mcp speaks. The baselines list what does not apply to a
 * tools-only gateway, each with its reason; the suite fails on any other failure and on any listed entry
 * that passes, so the list cannot go stale.
 */
const ROOT = resolve(__dirname, '..', '..', '..');
const CLI = resolve(ROOT, 'node_modules', '@modelcontextprotocol', 'conformance', 'dist', 'index.js');
const BASELINES = resolve(ROOT, 'test', 'fixtures', 'conformance');

const major = Number(process.versions.node.split('.')[0]);

function conformance(url: string, revision: string): Promise<{ code: number | null; output: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, 'server', '--url', url, '--suite', 'all', '--spec-version', revision, '--expected-failures', resolve(BASELINES, `baseline-${revision}.yml`)], {
      env: { PATH: process.env.PATH, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', fail);
    child.on('exit', (code) => done({ code, output }));
  });
}

describe('the official MCP conformance suite', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServerProcess({});
  });
  afterAll(() => server.stop());

  test('runs on this Node (the suite needs 22 or later; .ci/run provides 24)', () => {
    expect(major).toBeGreaterThanOrEqual(22);
  });

  test.each([['2026-07-28'], ['2025-11-25']])('revision %s: every applicable scenario passes', async (revision) => {
    const { code, output } = await conformance(`${server.url}/mcp`, revision);
    // The tail names each unexpected failure or stale baseline entry.
    expect({ code, tail: code === 0 ? '' : output.slice(-3000) }).toEqual({ code: 0, tail: '' });
  }, 90_000);
});
