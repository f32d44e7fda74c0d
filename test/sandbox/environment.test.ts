import { SANDBOX_LIBRARY, SCRIPT_ENVIRONMENT } from '../../src/gate';
import { EXAMPLES } from '../../src/playground/examples';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

/** Every name the environment list says a script can use is there in a real sandbox, and nothing it says is absent. */
let g: TestGateway;
beforeAll(async () => {
  g = await startTestGateway();
});
afterAll(() => g.close());

const globals = (status: (s: string) => boolean): string[] =>
  SCRIPT_ENVIRONMENT.filter((e) => status(e.status) && !e.syntax).flatMap((e) => e.names.filter((n) => /^[A-Za-z_$][\w$.]*$/.test(n)));

test('every global listed as available or capped is defined in the sandbox', async () => {
  const names = globals((s) => s !== 'absent');
  expect(names.length).toBeGreaterThan(40);
  const r = await g.run(`return { ${names.map((n) => `${JSON.stringify(n)}: typeof ${n}`).join(', ')} };`);
  expect(r.status).toBe('ok');
  for (const [name, type] of Object.entries(r.result as Record<string, string>)) expect({ name, type }).toEqual({ name, type: expect.stringMatching(/^(function|object)$/) });
});

test('the library endowed on demand is exactly what the gate lists', async () => {
  expect([...SANDBOX_LIBRARY].sort()).toEqual(globals((s) => s !== 'absent').filter((n) => SANDBOX_LIBRARY.has(n)).sort());
  // One script per name: each is endowed only because that script names it.
  for (const name of SANDBOX_LIBRARY) {
    const r = await g.run(`return typeof ${name};`);
    expect({ name, result: r.result }).toEqual({ name, result: expect.stringMatching(/^(function|object)$/) });
  }
});

test("the playground's examples run as their titles say", async () => {
  const statuses: Record<string, string> = {};
  for (const [title, script] of Object.entries(EXAMPLES)) statuses[title] = (await g.run(script)).status;
  expect(statuses).toEqual(Object.fromEntries(Object.keys(EXAMPLES).map((title) => [title, title === 'A syntax error' ? 'syntax_error' : 'ok'])));
});
