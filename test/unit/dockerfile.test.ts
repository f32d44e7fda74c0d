import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig } from '../../src/config';

const ROOT = resolve(__dirname, '..', '..', '..');
const lines = readFileSync(resolve(ROOT, 'Dockerfile'), 'utf8')
  .replace(/\\\n\s*/g, ' ')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));
/** The instructions of each build stage, by stage name. */
const stages = new Map<string, string[]>();
let current = '';
for (const line of lines) {
  const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
  if (from) {
    current = from[2] ?? from[1]!;
    stages.set(current, [line]);
  } else stages.get(current)?.push(line);
}
const runtime = [...stages.values()].at(-1)!;
const pkg = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };

describe('Dockerfile', () => {
  test('multi-stage, every base image pinned to an exact version (no latest, no floating major)', () => {
    expect(stages.size).toBeGreaterThanOrEqual(2);
    for (const [, [from]] of stages) {
      const image = /^FROM\s+(\S+)/i.exec(from!)![1]!;
      expect(image).toMatch(/^[\w./-]+:\d+\.\d+\.\d+[\w.-]*(@sha256:[a-f0-9]{64})?$/);
      // The runtime Node matches what package.json declares.
      expect(Number(/:(\d+)\./.exec(image)![1])).toBeGreaterThanOrEqual(Number(/(\d+)/.exec(pkg.engines.node)![1]));
    }
  });

  test('the runtime stage runs as a non-root user and carries no dev dependencies or build tools', () => {
    const user = runtime.find((l) => /^USER\s/i.test(l));
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^USER\s+(root|0)(:|$)/i);
    // Dependencies arrive only from the build stage, after it pruned dev dependencies.
    expect(runtime.some((l) => /npm (ci|install|i)\b/.test(l))).toBe(false);
    expect(runtime.find((l) => /^COPY\b.*node_modules/.test(l))).toMatch(/--from=build/);
    const build = stages.get('build')!;
    const prune = build.findIndex((l) => /npm prune --omit=dev/.test(l));
    expect(prune).toBeGreaterThan(build.findIndex((l) => /npm ci/.test(l)));
    expect(runtime.some((l) => /^COPY\s+(?!--from).*\b(src|test|load-tests)\b/.test(l))).toBe(false);
  });

  test('HEALTHCHECK probes /health on the port the image listens on; entry point is the CLI', () => {
    const health = runtime.find((l) => /^HEALTHCHECK\s/i.test(l));
    expect(health).toMatch(/\/health/);
    const expose = Number(/^EXPOSE\s+(\d+)/m.exec(runtime.join('\n'))![1]);
    const env = runtime.find((l) => /^ENV\s/.test(l))!;
    expect(Number(/SCRIPTGATE_PORT=(\d+)/.exec(env)![1])).toBe(expose);
    expect(/SCRIPTGATE_HOST=(\S+)/.exec(env)![1]).toBe('0.0.0.0');
    expect(loadConfig({ env: {} }).server.port).toBe(expose);
    expect(runtime).toContain('ENTRYPOINT ["node", "dist/src/main.js"]');
    expect(runtime).toContain('CMD ["serve"]');
  });

  test('.dockerignore sends only what the build copies', () => {
    const ignore = readFileSync(resolve(ROOT, '.dockerignore'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    expect(ignore[0]).toBe('*');
    const copied = lines.filter((l) => /^COPY\s+(?!--from)/.test(l)).flatMap((l) => l.split(/\s+/).slice(1, -1));
    for (const path of copied) expect(ignore).toContain(`!${path.replace(/^\.\//, '').replace(/\/?$/, path.includes('.') ? '' : '/')}`);
  });
});
