import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..', '..');
const MAIN = resolve(ROOT, 'dist', 'src', 'main.js');
const fixture = (name: string): string => resolve(ROOT, 'test', 'fixtures', 'scripts', name);
const check = (args: string[], input?: string, env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [MAIN, 'check', ...args], { encoding: 'utf8', input, env: { PATH: process.env.PATH, ...env }, timeout: 30_000 });

describe('scriptgate check', () => {
  test('an ordinary script is accepted with exit code 0', () => {
    const r = check([fixture('ok.js')]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^ACCEPTED {2}risk score 0 \(warn at 40, block at 70\)/);
  });

  test('a refused script prints the rule, location, snippet and hint, exit code 1', () => {
    const r = check([fixture('illegal.js')]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('REJECTED  1 problem(s)');
    expect(r.stdout).toContain('ILLEGAL_ACCESS [no-process] line 2, column 7');
    expect(r.stdout).toContain('> return process.env;');
    expect(r.stdout).toContain('hint: Read caller-supplied values from `context`');
  });

  test('a high-risk script is blocked with its signals, exit code 1', () => {
    const r = check([fixture('exfiltrate.js')]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^BLOCKED {3}risk score (\d+)/);
    for (const id of ['sensitive-field', 'fan-out-send', 'read-then-send', 'sensitive-exfiltration']) expect(r.stdout).toContain(id);
  });

  test('stdin with --show-code prints the transformed code', () => {
    const r = check(['-', '--show-code'], 'for (let i = 0; i < 2; i++) {}\nreturn callTool;');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('(function (callTool, __sg_rt)');
    // The script as written, with a guard inserted in its loop body.
    expect(r.stdout).toContain('for (let i = 0; i < 2; i++) {if(--__sg_c<0)__sg_c=__sg_tick();}\nreturn callTool;');
  });

  test('--json prints one machine-readable object', () => {
    const r = check([fixture('illegal.js'), '--json']);
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout) as { verdict: string; violations: { rule: string; line: number }[] };
    expect(out.verdict).toBe('rejected');
    expect(out.violations[0]).toMatchObject({ rule: 'no-process', line: 2 });
    const ok = JSON.parse(check([fixture('ok.js'), '--json']).stdout) as { verdict: string; risk: { score: number } };
    expect(ok).toMatchObject({ verdict: 'accepted', risk: { score: 0 } });
  });

  test('needs only the gate and the risk score: a configured Redis that is down and the ml search change nothing', () => {
    // Nothing listens on port 1: a check that made a queue or a Redis client would wait on it or fail.
    const r = check([fixture('ok.js')], undefined, { REDIS_URL: 'redis://127.0.0.1:1', SCRIPTGATE_SEARCH_STRATEGY: 'ml' });
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    expect(r.stdout).toMatch(/^ACCEPTED {2}risk score 0/);
  });

  test('--typecheck refuses a script that misuses its tools, with each finding and its place, exit code 1', () => {
    const script = "const page = await callTool('users:list', { status: 'actve', limit: 5 });\nreturn page.data.map((u) => u.email);\n";
    const r = check(['-', '--typecheck'], script);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 1, stderr: '' });
    expect(r.stdout).toMatch(/^TYPE ERROR {2}risk score 0/);
    expect(r.stdout).toContain("type error TS2820 line 1, column 44: Type '\"actve\"' is not assignable");
    expect(r.stdout).toContain("Did you mean '\"active\"'?");
    expect(r.stdout).toContain("type error TS2339 line 2, column 12: Property 'data' does not exist on type 'UsersListResult'. Did you mean 'items'?");
    const json = JSON.parse(check(['-', '--typecheck', '--json'], script).stdout) as { verdict: string; typecheck: { diagnostics: { code: string; line: number; suggestion?: string }[] } };
    expect(json.verdict).toBe('type_error');
    expect(json.typecheck.diagnostics.map((d) => [d.code, d.line, d.suggestion])).toEqual([
      ['TS2820', 1, '"active"'],
      ['TS2339', 2, 'items'],
    ]);
    // Without --typecheck the same script passes the gate: the type check is asked for.
    expect(check(['-'], script).status).toBe(0);
  });

  test('--typecheck accepts a script that uses its tools right, exit code 0', () => {
    const r = check(['-', '--typecheck'], "const p = await callTool('users:list', { limit: 5 });\nreturn p.items.map((u) => u.email);\n");
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    expect(r.stdout).toMatch(/^ACCEPTED {2}risk score 0/);
    expect(r.stdout).not.toContain('type');
  });

  test('usage errors exit 2', () => {
    expect(check([]).status).toBe(2);
    expect(check(['a.js', 'b.js']).status).toBe(2);
  });
});
