import { PassThrough, Writable } from 'node:stream';
import { STDERR_LINES_PER_WINDOW, logStderr, stdioEnvironment } from '../../../src/catalog/sources/mcp/stdio-upstream';
import { createLogger } from '../../../src/log';

function capture(): { lines: Record<string, unknown>[]; log: ReturnType<typeof createLogger> } {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger('info', new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>), done()) }));
  return { lines, log };
}

const ended = (stream: PassThrough) => new Promise((r) => setImmediate(r)).then(() => new Promise((r) => (stream.readableEnded ? r(undefined) : stream.once('end', r))));

describe('upstream stderr in the log', () => {
  test('one entry per line, at most 20 per window, the rest counted when the stream ends', async () => {
    const { lines, log } = capture();
    const stderr = new PassThrough();
    logStderr(stderr, log, 'chatty');
    for (let i = 0; i < 50; i++) stderr.write(`line ${i}\n`);
    stderr.end('last words without a newline');
    await ended(stderr);
    await new Promise((r) => setTimeout(r, 20));
    const logged = lines.filter((l) => l.msg === 'upstream stderr');
    expect(logged).toHaveLength(STDERR_LINES_PER_WINDOW);
    expect(logged[0]).toMatchObject({ upstream: 'chatty', stderr: 'line 0' });
    expect(lines.filter((l) => typeof l.dropped === 'number')).toEqual([expect.objectContaining({ upstream: 'chatty', dropped: 31, level: 40 })]);
  });

  test('lines split across chunks are joined; blank lines are skipped; a very long line is cut', async () => {
    const { lines, log } = capture();
    const stderr = new PassThrough();
    logStderr(stderr, log, 'split');
    stderr.write('hel');
    stderr.write('lo\r\n\n');
    stderr.end(`${'x'.repeat(1_500)}\n`);
    await ended(stderr);
    await new Promise((r) => setTimeout(r, 20));
    const logged = lines.filter((l) => l.msg === 'upstream stderr').map((l) => l.stderr as string);
    expect(logged[0]).toBe('hello');
    expect(logged[1]).toHaveLength(1_001);
    expect(logged[1]!.endsWith('…')).toBe(true);
  });
});

describe('the environment of a stdio upstream', () => {
  test('package-runner caches go to the temporary directory unless the source sets them', () => {
    const env = stdioEnvironment({ HOME: '/app', PATH: '/bin' }, { XDG_CACHE_HOME: '/data/cache' });
    expect(env.HOME).toBe('/app');
    expect(env.npm_config_cache).toMatch(/scriptgate-upstream-cache[/\\]npm$/);
    expect(env.npm_config_update_notifier).toBe('false');
    expect(env.XDG_CACHE_HOME).toBe('/data/cache');
  });
});
