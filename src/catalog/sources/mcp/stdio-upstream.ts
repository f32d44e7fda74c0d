import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { Logger } from '../../../log';

/** At most this many stderr lines per window are logged per upstream; the rest are counted. */
export const STDERR_LINES_PER_WINDOW = 20;
export const STDERR_WINDOW_MS = 10_000;
const STDERR_LINE_CHARS = 1_000;

/**
 * The environment of a stdio upstream: the SDK's minimal safe default (never the gateway's own secrets),
 * package-runner caches in the temporary directory (the image's file system is read-only, so `npx` and
 * `uvx` could not create `~/.npm` or `~/.cache`), then the source's own `env`, which wins.
 */
export function stdioEnvironment(defaults: Readonly<Record<string, string>>, env: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const caches = join(tmpdir(), 'scriptgate-upstream-cache');
  return {
    ...defaults,
    npm_config_cache: join(caches, 'npm'),
    npm_config_update_notifier: 'false',
    XDG_CACHE_HOME: caches,
    ...env,
  };
}

/**
 * Logs what a stdio upstream writes to stderr (why it failed to start, what it complains about),
 * line by line with its name, rate-limited so a chatty server cannot flood the gateway's log.
 */
export function logStderr(stream: Readable, log: Logger, upstream: string): void {
  let partial = '';
  let logged = 0;
  let dropped = 0;
  let windowStart = Date.now();
  const emit = (line: string): void => {
    const now = Date.now();
    if (now - windowStart >= STDERR_WINDOW_MS) {
      if (dropped > 0) log.warn({ upstream, dropped }, `upstream stderr: ${dropped} more lines not logged (at most ${STDERR_LINES_PER_WINDOW} per ${STDERR_WINDOW_MS / 1000} s)`);
      windowStart = now;
      logged = 0;
      dropped = 0;
    }
    if (logged >= STDERR_LINES_PER_WINDOW) {
      dropped++;
      return;
    }
    logged++;
    log.info({ upstream, stderr: line.length > STDERR_LINE_CHARS ? `${line.slice(0, STDERR_LINE_CHARS)}…` : line }, 'upstream stderr');
  };
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    partial += chunk;
    const lines = partial.split(/\r?\n/);
    partial = lines.pop() ?? '';
    // A line that never ends is still logged, in pieces.
    if (partial.length > STDERR_LINE_CHARS) {
      lines.push(partial);
      partial = '';
    }
    for (const line of lines) if (line.trim() !== '') emit(line);
  });
  stream.on('end', () => {
    if (partial.trim() !== '') emit(partial);
    if (dropped > 0) log.warn({ upstream, dropped }, `upstream stderr: ${dropped} more lines not logged`);
  });
  // A broken pipe is the process ending, which the transport reports.
  stream.on('error', () => undefined);
}
