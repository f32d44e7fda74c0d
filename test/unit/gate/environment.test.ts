import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SCRIPT_ENVIRONMENT, compileUncached } from '../../../src/gate';

const DOC = readFileSync(resolve(__dirname, '..', '..', '..', '..', 'docs', 'scripts.md'), 'utf8');
const LIMITS = { scriptBytes: 100 * 1024, scriptLines: 5000, lineLength: 4000, nestingDepth: 64 };

/** The table as docs/scripts.md shows it, rendered from the one list. */
export function environmentTable(): string {
  const rows = SCRIPT_ENVIRONMENT.map((e) => `| ${e.names.map((n) => `\`${n}\``).join(', ')} | ${e.status} | ${e.note.replace(/\|/g, '\\|')} |`);
  return ['| you write | status | what it does, or what to use instead |', '|---|---|---|', ...rows].join('\n');
}

const isIdentifier = (name: string): boolean => /^[A-Za-z_$][\w$]*$/.test(name);

describe('what a script can use', () => {
  test('docs/scripts.md shows exactly the environment list', () => {
    const start = DOC.indexOf('<!-- script-environment:start -->');
    const end = DOC.indexOf('<!-- script-environment:end -->');
    expect(start).toBeGreaterThan(0);
    expect(DOC.slice(start, end).replace('<!-- script-environment:start -->', '').trim()).toBe(environmentTable());
  });

  test.each(SCRIPT_ENVIRONMENT.filter((e) => e.status === 'absent' && !e.syntax).flatMap((e) => e.names.filter(isIdentifier).map((n) => [n, e.note] as const)))(
    'absent %s is refused, and the refusal names the alternative',
    (name, note) => {
      const r = compileUncached(`return ${name};`, LIMITS);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.violations[0]!.message).toContain(note);
    },
  );

  test.each(SCRIPT_ENVIRONMENT.filter((e) => e.status !== 'absent' && !e.syntax).flatMap((e) => e.names))(
    'available %s passes the gate',
    (name) => {
      expect(compileUncached(`return typeof ${name};`, LIMITS)).toMatchObject({ ok: true });
    },
  );
});
