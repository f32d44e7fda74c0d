/**
 * The pre-flight type check against the mistakes models make with tools: a wrong result field, a wrong
 * argument name or type, a missing await, a misspelled tool, a wrong enum value, an optional field used
 * without a check. In `block` mode (the default) each script is refused before any tool call, with the
 * line and column and the suggestion; in `warn` mode the same findings ride along as warnings. Every
 * script starts with a call to `test:echo`, so "no tool ran" is checked on the tool itself.
 * The other side, no false finding, is held by the ordinary corpora (ordinary-scripts, model-scripts A
 * and B, crud-workflows): they run under the same default and fail on any type-check finding.
 */
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { js } from './script-helpers';

let g: TestGateway;
beforeAll(async () => {
  g = await startTestGateway();
}, 60_000);
afterAll(() => g.close());

/** What the check must say: the code, the line, and text the finding must contain (the suggestion among it). */
interface Finding {
  code: string;
  line: number;
  mentions: string[];
  suggestion?: string;
}

type Row = [label: string, script: string, finding: Finding];

/** The first line of every script (line 2: a script here starts with a newline): a tool call that must not happen when the script is refused. */
const FIRST = "await callTool('test:echo', { step: 'before the mistake' });";

const rows: Row[] = [
  // Wrong result field.
  ['page.data instead of page.items', js`
    ${FIRST}
    const page = await callTool('users:list', { status: 'active', limit: 50 });
    return page.data.map((u) => u.email);
  `, { code: 'TS2339', line: 4, mentions: ["Property 'data' does not exist on type 'UsersListResult'", "'items'"], suggestion: 'items' }],
  ['destructuring { data } from a page', js`
    ${FIRST}
    const { data } = await callTool('tickets:list', { status: 'open', limit: 20 });
    return data.length;
  `, { code: 'TS2339', line: 3, mentions: ["'data'", "'items'"], suggestion: 'items' }],
  ['results instead of items on invoices', js`
    ${FIRST}
    const r = await callTool('invoices:list', { status: 'open', limit: 10 });
    return r.results.length;
  `, { code: 'TS2339', line: 4, mentions: ["'results'", "'items'"], suggestion: 'items' }],
  ['a misspelled field of a user', js`
    ${FIRST}
    const user = await callTool('users:get', { id: 'u_0001' });
    return user.emial;
  `, { code: 'TS2551', line: 4, mentions: ["Did you mean 'email'?"], suggestion: 'email' }],
  ['a field users do not have, inside a loop', js`
    ${FIRST}
    const page = await callTool('users:list', { limit: 20 });
    const out = [];
    for (const u of page.items) out.push(u.fullName.toUpperCase());
    return out;
  `, { code: 'TS2339', line: 5, mentions: ["Property 'fullName' does not exist", "'firstName'", "'lastName'"] }],
  ['a page used as an array', js`
    ${FIRST}
    const invoices = await callTool('invoices:list', { status: 'overdue', limit: 20 });
    return invoices.reduce((sum, inv) => sum + inv.amountCents, 0);
  `, { code: 'TS2339', line: 4, mentions: ["Property 'reduce' does not exist on type 'InvoicesListResult'", "'items.reduce'"], suggestion: 'items.reduce' }],
  ['page.length instead of page.total', js`
    ${FIRST}
    const page = await callTool('payments:listFailed', { limit: 100 });
    return { failed: page.count };
  `, { code: 'TS2339', line: 4, mentions: ["Property 'count' does not exist", "'total'"] }],
  ['a snake_case result field', js`
    ${FIRST}
    const inv = await callTool('invoices:get', { id: 'inv_00001' });
    return inv.amount_cents / 100;
  `, { code: 'TS2551', line: 4, mentions: ["'amount_cents'", "Did you mean 'amountCents'?"], suggestion: 'amountCents' }],
  ['a field of a nested array element', js`
    ${FIRST}
    const inv = await callTool('invoices:get', { id: 'inv_00001' });
    return inv.lineItems.map((li) => li.price);
  `, { code: 'TS2339', line: 4, mentions: ["Property 'price' does not exist"] }],
  ['a TypeScript script reading a field the result lacks', js`
    ${FIRST}
    interface Row { id: string; email: string }
    const page = await callTool('users:list', { plan: 'pro', limit: 5 });
    const rows: Row[] = page.items.map((u) => ({ id: u.id, email: u.mail }));
    return rows;
  `, { code: 'TS2551', line: 5, mentions: ["Did you mean 'email'?"], suggestion: 'email' }],

  ['a TypeScript interface for the result with a field it does not have', js`
    ${FIRST}
    interface Customer { id: string; name: string; email: string }
    const page = await callTool('users:list', { plan: 'enterprise', limit: 10 });
    const customers: Customer[] = page.items;
    return customers.map((c) => c.name);
  `, { code: 'TS2322', line: 5, mentions: ["Property 'name' is missing", "'Customer'"] }],

  // Wrong argument name.
  ['a misspelled argument', js`
    ${FIRST}
    const page = await callTool('users:list', { status: 'active', limt: 25 });
    return page.items.length;
  `, { code: 'TS2561', line: 3, mentions: ["'limt' does not exist in type 'UsersListArgs'", "Did you mean to write 'limit'?"], suggestion: 'limit' }],
  ['a snake_case argument', js`
    ${FIRST}
    const { items } = await callTool('invoices:listForUser', { user_id: 'u_0042', status: 'open' });
    return items.length;
  `, { code: 'TS2561', line: 3, mentions: ["'user_id'", "'userId'"], suggestion: 'userId' }],
  ['an argument the tool does not take', js`
    ${FIRST}
    const page = await callTool('tickets:list', { status: 'open', includeClosed: true, limit: 5 });
    return page.total;
  `, { code: 'TS2353', line: 3, mentions: ["'includeClosed' does not exist in type 'TicketsListArgs'"] }],
  ['a required argument left out', js`
    ${FIRST}
    const { items } = await callTool('invoices:listForUser', { status: 'open', limit: 20 });
    return items.length;
  `, { code: 'TS2741', line: 3, mentions: ["Property 'userId' is missing", "'InvoicesListForUserArgs'"] }],
  ['no arguments for a tool that needs some', js`
    ${FIRST}
    const user = await callTool('users:get');
    return user.email;
  `, { code: 'TS2554', line: 3, mentions: ['Expected 2-3 arguments, but got 1'] }],
  ['an argument name from another tool, in TypeScript', js`
    ${FIRST}
    const user: { email: string } = await callTool('users:getByEmail', { mail: 'ana@example.com' });
    return user.email;
  `, { code: 'TS2561', line: 3, mentions: ["'mail'", "'email'"], suggestion: 'email' }],

  // Wrong argument type.
  ['a number passed as a string', js`
    ${FIRST}
    const page = await callTool('users:list', { plan: 'pro', limit: '20' });
    return page.items.length;
  `, { code: 'TS2322', line: 3, mentions: ["Type 'string' is not assignable to type 'number'"] }],
  ['a string id passed as a number', js`
    ${FIRST}
    const user = await callTool('users:get', { id: 42 });
    return user.email;
  `, { code: 'TS2322', line: 3, mentions: ["Type 'number' is not assignable to type 'string'", "property 'id'"] }],
  ['null for an optional argument', js`
    ${FIRST}
    const page = await callTool('users:list', { plan: null, limit: 5 });
    return page.items.length;
  `, { code: 'TS2322', line: 3, mentions: ["Type 'null' is not assignable"] }],
  ['an array where one value is expected', js`
    ${FIRST}
    const page = await callTool('users:list', { status: ['active', 'suspended'], limit: 5 });
    return page.total;
  `, { code: 'TS2322', line: 3, mentions: ['is not assignable to type'] }],
  ['a whole user passed where its id is expected', js`
    ${FIRST}
    const user = await callTool('users:getByEmail', { email: 'ana@example.com' });
    const invoices = await callTool('invoices:listForUser', { userId: user });
    return invoices.total;
  `, { code: 'TS2322', line: 4, mentions: ["is not assignable to type 'string'"] }],

  // Missing await.
  ['a forgotten await', js`
    ${FIRST}
    const page = callTool('tickets:list', { status: 'open', limit: 5 });
    return page.items.length;
  `, { code: 'TS2339', line: 4, mentions: ["on type 'Promise<TicketsListResult>'", "Did you forget to use 'await'?"], suggestion: 'await' }],
  ['a map of callTool read as values', js`
    ${FIRST}
    const ids = ['u_0001', 'u_0002'];
    const users = ids.map((id) => callTool('users:get', { id }));
    return users.map((u) => u.email.toLowerCase());
  `, { code: 'TS2339', line: 5, mentions: ["Property 'email' does not exist on type 'Promise<UsersGetResult>'", "'await'"], suggestion: 'await' }],
  ['a forgotten await in for...of', js`
    ${FIRST}
    const titles = [];
    for (const t of callTool('tickets:list', { status: 'open', limit: 5 })) titles.push(t.subject);
    return titles;
  `, { code: 'TS2488', line: 4, mentions: ["'Promise<TicketsListResult>'", "Did you forget to use 'await'?"], suggestion: 'await' }],
  ['a forgotten await inside an argument', js`
    ${FIRST}
    const user = callTool('users:get', { id: 'u_0001' });
    await callTool('emails:send', { to: user.email, subject: 'Hi', body: 'Hello' });
    return 'sent';
  `, { code: 'TS2339', line: 4, mentions: ["'Promise<UsersGetResult>'", "'await'"], suggestion: 'await' }],

  // Misspelled tool.
  ['a misspelled tool name', js`
    ${FIRST}
    const page = await callTool('users:lst', { limit: 10 });
    return page.items.map((u) => u.email);
  `, { code: 'unknown-tool', line: 3, mentions: ["unknown tool 'users:lst'", "'users:list'"], suggestion: 'users:list' }],
  ['a singular source name', js`
    ${FIRST}
    const user = await callTool('user:get', { id: 'u_0001' });
    return user.email;
  `, { code: 'unknown-tool', line: 3, mentions: ["unknown tool 'user:get'", "'users:get'"], suggestion: 'users:get' }],
  ['a tool asked of the wrong source', js`
    ${FIRST}
    const sub = await callTool('users:getSubscription', { userId: 'u_0042' });
    return sub.plan;
  `, { code: 'unknown-tool', line: 3, mentions: ["unknown tool 'users:getSubscription'", "'billing:getSubscription'"] }],
  ['a tool the gateway does not have at all', js`
    ${FIRST}
    await callTool('crm:createLead', { name: 'Ana' });
    return 'ok';
  `, { code: 'unknown-tool', line: 3, mentions: ["unknown tool 'crm:createLead'"] }],

  // Wrong enum value.
  ['a wrong enum value close to a real one', js`
    ${FIRST}
    const page = await callTool('users:list', { status: 'actve', limit: 5 });
    return page.total;
  `, { code: 'TS2820', line: 3, mentions: ['\'"actve"\'', 'Did you mean \'"active"\'?'], suggestion: '"active"' }],
  ['an invented ticket priority', js`
    ${FIRST}
    const { items } = await callTool('tickets:list', { priority: 'medium', limit: 20 });
    return items.length;
  `, { code: 'TS2322', line: 3, mentions: ['\'"medium"\' is not assignable to type', '"high"'] }],
  ['an invented invoice status', js`
    ${FIRST}
    const unpaid = await callTool('invoices:list', { status: 'unpaid', limit: 50 });
    return unpaid.total;
  `, { code: 'TS2820', line: 3, mentions: ['\'"unpaid"\'', '"open"'], suggestion: '"paid"' }],
  ['a comparison with a status that never occurs', js`
    ${FIRST}
    const page = await callTool('users:list', { limit: 50 });
    return page.items.filter((u) => u.status === 'enabled').length;
  `, { code: 'TS2367', line: 4, mentions: ["'\"enabled\"'", 'no overlap'] }],
  ['an upper-case plan name in TypeScript', js`
    ${FIRST}
    const plan: string = 'PRO';
    const page = await callTool('users:list', { plan: 'PRO', limit: 5 });
    return [plan, page.total];
  `, { code: 'TS2820', line: 4, mentions: ['\'"PRO"\'', '"pro"'], suggestion: '"pro"' }],
];

/** Optional or nullable fields used without a check: the script runs, with the finding as a warning. */
const warningRows: Row[] = [
  ['a nullable assignee read as a string', js`
    ${FIRST}
    const t = await callTool('tickets:get', { id: 'tkt_00001' });
    return t.assigneeId.toUpperCase();
  `, { code: 'TS18047', line: 4, mentions: ["'t.assigneeId' is possibly 'null'", 't.assigneeId?.'], suggestion: 't.assigneeId?.' }],
  ['the next page offset used in arithmetic', js`
    ${FIRST}
    const page = await callTool('users:list', { limit: 10 });
    return page.nextOffset + 10;
  `, { code: 'TS18047', line: 4, mentions: ["'page.nextOffset' is possibly 'null'"] }],
];

describe('block (the default): refused before any tool call, with the place and the suggestion', () => {
  test('the corpus has at least 30 scripts, every category included', () => {
    expect(rows.length + warningRows.length).toBeGreaterThanOrEqual(30);
  });

  test.each(rows)('%s', async (_label, script, finding) => {
    const before = g.calls.length;
    const r = await g.run(script);
    expect({ status: r.status, code: r.error?.code, toolCalls: r.stats.toolCalls }).toEqual({ status: 'type_error', code: 'TYPE_ERROR', toolCalls: 0 });
    expect(g.calls.length).toBe(before);
    const diagnostics = r.error?.diagnostics as { code: string; line: number; column: number; message: string; suggestion?: string; severity: string }[];
    const found = diagnostics.find((d) => d.code === finding.code && d.line === finding.line);
    expect(found).toBeDefined();
    const text = `${found!.message} ${found!.suggestion ?? ''}`;
    for (const m of finding.mentions) expect(text).toContain(m);
    if (finding.suggestion !== undefined) expect(found!.suggestion).toBe(finding.suggestion);
    expect(found!.severity).toBe('error');
    expect(found!.column).toBeGreaterThanOrEqual(0);
    // The envelope leads with the first error, where it is.
    expect(r.error?.line).toBe(diagnostics.find((d) => d.severity === 'error')!.line);
  });

  test.each(warningRows)('%s', async (_label, script, finding) => {
    const r = await g.run(script);
    expect(r.status).not.toBe('type_error');
    const warning = r.warnings.find((w) => w.startsWith(`type check (${finding.code}, line ${finding.line},`));
    expect(warning).toBeDefined();
    for (const m of finding.mentions) expect(warning).toContain(m);
  });
});

describe('warn: the script runs and the findings ride along', () => {
  test.each(rows.slice(0, 8))('%s', async (_label, script, finding) => {
    const r = await g.run(script, { typecheck: 'warn' });
    expect(r.status).not.toBe('type_error');
    expect(r.stats.toolCalls).toBeGreaterThan(0);
    expect(r.warnings.some((w) => w.startsWith(`type check (${finding.code}, line ${finding.line},`))).toBe(true);
    // A run that then failed carries the findings on its error too: the cause is among them.
    if (r.error) expect(r.error.typeDiagnostics).toEqual(expect.arrayContaining([expect.objectContaining({ code: finding.code, line: finding.line })]));
  });
});

test("off: a request may turn the check off, and the script fails at run time as before", async () => {
  const r = await g.run(rows[0]![1], { typecheck: 'off' });
  expect({ status: r.status, code: r.error?.code, warnings: r.warnings }).toEqual({ status: 'runtime_error', code: 'RUNTIME_ERROR', warnings: [] });
  expect(r.error?.typeDiagnostics).toBeUndefined();
});
