/**
 * Ordinary CRUD workflows across the demo areas. Each must run with status 'ok' and must never be
 * blocked by the risk scorer (warnings are allowed), under the strict risk preset. Each test reads its side effect back through direct
 * tool calls, and works on entities no other test touches (checked with `claim`).
 */
import type { ExecutionEnvelope } from '../../src/gateway';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { invokeOk, js, type Invoice, type Page, type Payment, type Sent, type Ticket, type User } from './script-helpers';

let g: TestGateway;
beforeAll(async () => {
  // The strict risk preset: ordinary CRUD (one record to its owner, a webhook about one new user) must
  // pass even where bulk and sensitive exfiltration are blocked outright.
  g = await startTestGateway({ risk: { preset: 'strict' } });
});
afterAll(() => g.close());

const claimed = new Set<string>();
/** Asserts no earlier test modified these entities, then reserves them. */
function claim(...ids: string[]): void {
  for (const id of ids) {
    expect(claimed.has(id) ? `${id} already used by another workflow` : id).toBe(id);
    claimed.add(id);
  }
}

async function runWorkflow(script: string): Promise<ExecutionEnvelope> {
  const r = await g.run(script);
  expect(r.status).not.toBe('blocked');
  expect({ status: r.status, error: r.error }).toEqual({ status: 'ok', error: undefined });
  expect(Array.isArray(r.warnings)).toBe(true);
  // Risk warnings may come; the type check (block, the default) finds nothing in an ordinary workflow.
  expect(r.warnings.filter((w) => w.startsWith('type check'))).toEqual([]);
  return r;
}

const call = <T>(name: string, input: Record<string, unknown> = {}): Promise<T> => invokeOk<T>(g, name, input);
const getUser = (id: string): Promise<User> => call<User>('users:get', { id });
const getSent = (id: string): Promise<Sent> => call<Sent>('notifications:getSent', { id });

interface Subscription {
  plan: string;
  status: string;
  seats: number;
  amountCents: number;
  cancelAtPeriodEnd: boolean;
}
interface Level {
  itemId: string;
  warehouseId: string;
  onHand: number;
  reserved: number;
  available: number;
}
interface Stock {
  onHand: number;
  reserved: number;
  available: number;
  levels: Level[];
}
interface Task {
  id: string;
  projectId: string;
  title: string;
  status: string;
  assigneeId: string | null;
  dueAt: string | null;
  completedAt: string | null;
}
interface Comment {
  id: string;
  ticketId: string;
  authorId: string;
  body: string;
  internal: boolean;
}
const stockIn = async (itemId: string, warehouseId: string): Promise<Stock> => call<Stock>('inventory:getStock', { itemId, warehouseId });

describe('users', () => {
  test('list then update one user', async () => {
    const r = await runWorkflow(js`
      const page = await callTool('users:list', { country: 'DE', status: 'active', role: 'viewer', limit: 10 });
      const target = page.items[0];
      const updated = await callTool('users:update', { id: target.id, role: 'member', lastName: target.lastName.toUpperCase() });
      return { id: updated.id, before: target.lastName, role: updated.role, lastName: updated.lastName };
    `);
    const out = r.result as { id: string; before: string; role: string; lastName: string };
    claim(out.id);
    const back = await getUser(out.id);
    expect(back).toMatchObject({ role: 'member', lastName: out.before.toUpperCase(), country: 'DE', status: 'active' });
    expect(out.lastName).toBe(back.lastName);
  });

  test('list then soft-delete the stalest suspended user', async () => {
    const r = await runWorkflow(js`
      const { items } = await callTool('users:list', { status: 'suspended', plan: 'free', sortBy: 'lastLogin', order: 'asc', limit: 5 });
      const stalest = items[0];
      const daysIdle = Math.floor((Date.now() - Date.parse(stalest.lastLogin)) / 86400000);
      const deleted = await callTool('users:delete', { id: stalest.id });
      return { id: deleted.id, status: deleted.status, daysIdle };
    `);
    const out = r.result as { id: string; status: string; daysIdle: number };
    claim(out.id);
    expect(out.status).toBe('deleted');
    expect((await getUser(out.id)).status).toBe('deleted');
    expect((await call<Subscription>('billing:getSubscription', { userId: out.id })).status).toBe('canceled');
    const stillSuspended = await call<Page<User>>('users:list', { status: 'suspended', plan: 'free', limit: 500 });
    expect(stillSuspended.items.map((u) => u.id)).not.toContain(out.id);
  });

  test('read one user then email them', async () => {
    claim('u_0301');
    const r = await runWorkflow(js`
      const user = await callTool('users:get', { id: 'u_0301' });
      const sent = await callTool('emails:send', {
        to: user.email,
        subject: \`Welcome back, $\{user.firstName}\`,
        body: \`Hi $\{user.firstName},\n\nyour workspace on the $\{user.plan} plan is ready.\n\n— The team\`,
      });
      return { id: sent.id, to: sent.to };
    `);
    const out = r.result as { id: string; to: string };
    const u = await getUser('u_0301');
    expect(out.to).toBe(u.email);
    const log = await call<Page<Sent>>('notifications:listSent', { to: u.email, triggeredBy: 'emails:send' });
    expect(log.items.map((s) => s.id)).toEqual([out.id]);
    expect(log.items[0]).toMatchObject({ channel: 'email', subject: `Welcome back, ${u.firstName}`, body: `Hi ${u.firstName},\n\nyour workspace on the ${u.plan} plan is ready.\n\n— The team` });
  });

  test('suspend an active user after checking their status', async () => {
    claim('u_0303');
    const r = await runWorkflow(js`
      const user = await callTool('users:get', { id: 'u_0303' });
      if (user.status !== 'active') return { skipped: user.status };
      const suspended = await callTool('users:suspend', { id: user.id, reason: 'Chargeback under investigation' });
      return { id: suspended.id, status: suspended.status };
    `);
    expect(r.result).toEqual({ id: 'u_0303', status: 'suspended' });
    expect((await getUser('u_0303')).status).toBe('suspended');
  });

  test('reactivate the first suspended pro user', async () => {
    const r = await runWorkflow(js`
      const { items, total } = await callTool('users:list', { status: 'suspended', plan: 'pro', limit: 1 });
      if (total === 0) return null;
      const back = await callTool('users:reactivate', { id: items[0].id });
      return { id: back.id, status: back.status, remaining: total - 1 };
    `);
    const out = r.result as { id: string; status: string; remaining: number };
    claim(out.id);
    expect(out.status).toBe('active');
    expect((await getUser(out.id)).status).toBe('active');
    expect((await call<Page<User>>('users:list', { status: 'suspended', plan: 'pro', limit: 1 })).total).toBe(out.remaining);
  });

  test('create, update and soft-delete a user', async () => {
    const r = await runWorkflow(js`
      const created = await callTool('users:create', { firstName: 'Björn', lastName: 'Åberg', email: 'bjorn.aberg@corpus.example', country: 'SE', role: 'viewer' });
      const renamed = await callTool('users:update', { id: created.id, firstName: 'Bjorn', email: 'b.aberg@corpus.example' });
      const removed = await callTool('users:delete', { id: renamed.id });
      return { id: created.id, steps: [created.status, renamed.firstName, removed.status] };
    `);
    const out = r.result as { id: string; steps: string[] };
    claim(out.id);
    expect(out.steps).toEqual(['active', 'Bjorn', 'deleted']);
    expect(await getUser(out.id)).toMatchObject({ firstName: 'Bjorn', lastName: 'Åberg', email: 'b.aberg@corpus.example', status: 'deleted', country: 'SE' });
  });

  test('move a user to the smallest team', async () => {
    claim('u_0333');
    const r = await runWorkflow(js`
      const { items: teams } = await callTool('teams:list', { limit: 100 });
      const smallest = [...teams].sort((a, b) => a.memberCount - b.memberCount || (a.id < b.id ? -1 : 1))[0];
      const moved = await callTool('users:assignTeam', { id: 'u_0333', teamId: smallest.id });
      return { teamId: moved.teamId, smallest: smallest.id };
    `);
    const out = r.result as { teamId: string; smallest: string };
    expect(out.teamId).toBe(out.smallest);
    expect((await getUser('u_0333')).teamId).toBe(out.smallest);
  });

  test('create a user then send a webhook about it', async () => {
    const r = await runWorkflow(js`
      const user = await callTool('users:create', { firstName: 'Inès', lastName: 'Dubois', email: 'ines.dubois@corpus.example', country: 'FR', plan: 'pro' });
      const hook = await callTool('webhooks:send', {
        url: 'https://hooks.corpus.example/users',
        event: 'user.created',
        payload: { userId: user.id, plan: user.plan, country: user.country },
      });
      return { userId: user.id, hookId: hook.id };
    `);
    const out = r.result as { userId: string; hookId: string };
    claim(out.userId);
    expect(await getUser(out.userId)).toMatchObject({ firstName: 'Inès', email: 'ines.dubois@corpus.example', plan: 'pro', status: 'active' });
    expect(await getSent(out.hookId)).toMatchObject({
      channel: 'webhook', to: 'https://hooks.corpus.example/users', subject: 'user.created',
      payload: { userId: out.userId, plan: 'pro', country: 'FR' }, triggeredBy: 'webhooks:send',
    });
  });

  test('paginate over all users with nextOffset and aggregate', async () => {
    const r = await runWorkflow(js`
      let offset = 0;
      let pages = 0;
      let active = 0;
      const byCountry = {};
      while (offset !== null) {
        const page = await callTool('users:list', { limit: 100, offset });
        pages++;
        for (const u of page.items) {
          if (u.status !== 'active') continue;
          active++;
          byCountry[u.country] = (byCountry[u.country] ?? 0) + 1;
        }
        offset = page.nextOffset;
      }
      const top = Object.entries(byCountry).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 3);
      return { pages, active, top };
    `);
    const stats = await call<{ total: number; byStatus: { active: number } }>('users:stats');
    const out = r.result as { pages: number; active: number; top: [string, number][] };
    expect(stats.total).toBeGreaterThanOrEqual(1000);
    expect(out.pages).toBe(Math.ceil(stats.total / 100));
    expect(r.stats.toolCalls).toBe(out.pages);
    expect(out.active).toBe(stats.byStatus.active);
    const activeUsers = (await Promise.all([0, 500, 1000].map((offset) => call<Page<User>>('users:list', { status: 'active', limit: 500, offset })))).flatMap((p) => p.items);
    const counts = new Map<string, number>();
    for (const u of activeUsers) counts.set(u.country, (counts.get(u.country) ?? 0) + 1);
    expect(out.top).toEqual([...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 3));
  });
});

describe('billing and invoices', () => {
  test('preview then change a plan', async () => {
    claim('u_0304');
    const r = await runWorkflow(js`
      const preview = await callTool('billing:previewPlanChange', { userId: 'u_0304', plan: 'pro' });
      const sub = await callTool('billing:changePlan', { userId: 'u_0304', plan: 'pro' });
      return { from: preview.fromPlan, to: sub.plan, amount: sub.amountCents, previewed: preview.newAmountCents };
    `);
    const out = r.result as { from: string; to: string; amount: number; previewed: number };
    expect(out).toMatchObject({ from: 'free', to: 'pro' });
    expect(out.amount).toBe(out.previewed);
    expect(await call<Subscription>('billing:getSubscription', { userId: 'u_0304' })).toMatchObject({ plan: 'pro', amountCents: out.previewed });
    expect((await getUser('u_0304')).plan).toBe('pro');
  });

  test('grant an outage credit and list credits', async () => {
    claim('u_0305');
    const r = await runWorkflow(js`
      const credit = await callTool('billing:addCredit', { userId: 'u_0305', amountCents: 1500, reason: 'Outage compensation (2 h)' });
      const { items } = await callTool('billing:listCredits', { userId: 'u_0305' });
      return { creditId: credit.id, listed: items.some((c) => c.id === credit.id) };
    `);
    const out = r.result as { creditId: string; listed: boolean };
    expect(out.listed).toBe(true);
    const credits = await call<Page<{ id: string; amountCents: number; reason: string }>>('billing:listCredits', { userId: 'u_0305' });
    expect(credits.items.find((c) => c.id === out.creditId)).toMatchObject({ amountCents: 1500, reason: 'Outage compensation (2 h)' });
    const balance = await call<{ creditCents: number }>('billing:getBalance', { userId: 'u_0305' });
    expect(balance.creditCents).toBe(credits.items.reduce((s, c) => s + c.amountCents, 0));
  });

  test('cancel a subscription at period end', async () => {
    claim('u_0339');
    const r = await runWorkflow(js`
      const sub = await callTool('billing:getSubscription', { userId: 'u_0339' });
      if (sub.cancelAtPeriodEnd) return { already: true };
      const canceled = await callTool('billing:cancelSubscription', { userId: 'u_0339', atPeriodEnd: true });
      return { status: canceled.status, cancelAtPeriodEnd: canceled.cancelAtPeriodEnd, endsOn: canceled.currentPeriodEnd.slice(0, 10) };
    `);
    const sub = await call<Subscription & { currentPeriodEnd: string }>('billing:getSubscription', { userId: 'u_0339' });
    expect(r.result).toEqual({ status: sub.status, cancelAtPeriodEnd: true, endsOn: sub.currentPeriodEnd.slice(0, 10) });
    expect(sub.cancelAtPeriodEnd).toBe(true);
    expect(sub.status).not.toBe('canceled');
  });

  test('change the seat count of a subscription', async () => {
    claim('u_0340');
    const r = await runWorkflow(js`
      const before = await callTool('billing:getSubscription', { userId: 'u_0340' });
      const after = await callTool('billing:updateSeats', { userId: 'u_0340', seats: before.seats + 3 });
      return { before: before.seats, after: after.seats, perSeat: after.amountCents / after.seats };
    `);
    const out = r.result as { before: number; after: number; perSeat: number };
    expect(out.after).toBe(out.before + 3);
    const sub = await call<Subscription & { interval: string }>('billing:getSubscription', { userId: 'u_0340' });
    const plan = await call<{ monthlyPriceCents: number; yearlyPriceCents: number }>('billing:getPlan', { planId: sub.plan });
    expect(sub.seats).toBe(out.after);
    expect(sub.amountCents).toBe(out.after * (sub.interval === 'year' ? plan.yearlyPriceCents : plan.monthlyPriceCents));
  });

  test('void an open invoice', async () => {
    claim('u_0324');
    const r = await runWorkflow(js`
      const { items } = await callTool('invoices:listForUser', { userId: 'u_0324', status: 'open' });
      if (items.length === 0) return { id: null };
      const inv = items[0];
      const voided = await callTool('invoices:void', { id: inv.id, reason: 'Issued twice by mistake' });
      return { id: voided.id, before: inv.status, status: voided.status };
    `);
    const out = r.result as { id: string; before: string; status: string };
    expect(out).toMatchObject({ before: 'open', status: 'void' });
    claim(out.id);
    const inv = await call<Invoice>('invoices:get', { id: out.id });
    expect(inv.status).toBe('void');
    expect(inv.voidedAt).not.toBeNull();
  });

  test('create a draft invoice, add a line, finalize and send a reminder', async () => {
    claim('u_0306');
    const r = await runWorkflow(js`
      const draft = await callTool('invoices:create', {
        userId: 'u_0306',
        lineItems: [{ description: 'Consulting — Q3 workshop', quantity: 2, unitAmountCents: 45000 }],
        dueInDays: 30,
      });
      await callTool('invoices:addLineItem', { id: draft.id, description: 'Travel expenses (Zürich)', quantity: 1, unitAmountCents: 12550 });
      const open = await callTool('invoices:finalize', { id: draft.id });
      const reminder = await callTool('invoices:sendReminder', { id: open.id, message: 'Danke für die Zusammenarbeit!' });
      return { id: open.id, status: open.status, amount: open.amountCents, lines: open.lineItems.length, notificationId: reminder.notificationId };
    `);
    const out = r.result as { id: string; status: string; amount: number; lines: number; notificationId: string };
    expect(out).toMatchObject({ status: 'open', amount: 2 * 45000 + 12550, lines: 2 });
    const inv = await call<Invoice>('invoices:get', { id: out.id });
    expect(inv).toMatchObject({ userId: 'u_0306', status: 'open', amountCents: 102550 });
    const sent = await getSent(out.notificationId);
    expect(sent).toMatchObject({ channel: 'email', to: (await getUser('u_0306')).email, triggeredBy: 'invoices:sendReminder', payload: { invoiceId: out.id } });
    expect(sent.body.endsWith('Danke für die Zusammenarbeit!')).toBe(true);
  });

  test('mark an unpaid invoice as paid by bank transfer', async () => {
    claim('u_0320');
    const r = await runWorkflow(js`
      const { items } = await callTool('invoices:listForUser', { userId: 'u_0320', limit: 50 });
      const unpaid = items.find((i) => i.status === 'open' || i.status === 'overdue');
      if (!unpaid) return null;
      const paid = await callTool('invoices:markPaid', { id: unpaid.id, method: 'bank_transfer' });
      return { id: paid.id, before: unpaid.status, status: paid.status, amount: paid.amountCents };
    `);
    const out = r.result as { id: string; before: string; status: string; amount: number };
    expect(['open', 'overdue']).toContain(out.before);
    expect(out.status).toBe('paid');
    expect((await call<Invoice>('invoices:get', { id: out.id })).status).toBe('paid');
    const payments = await call<{ items: Payment[] }>('payments:listForInvoice', { invoiceId: out.id });
    expect(payments.items.filter((p) => p.status === 'succeeded' && p.method === 'bank_transfer' && p.amountCents === out.amount)).toHaveLength(1);
  });

  test('give an unpaid invoice a payment extension', async () => {
    claim('u_0321');
    const r = await runWorkflow(js`
      const { items } = await callTool('invoices:listForUser', { userId: 'u_0321', limit: 50 });
      const late = items.find((i) => i.status === 'overdue') ?? items.find((i) => i.status === 'open');
      const newDue = new Date(Date.now() + 14 * 24 * 3600 * 1000).toISOString();
      const updated = await callTool('invoices:updateDueDate', { id: late.id, dueAt: newDue });
      return { id: updated.id, before: late.status, status: updated.status, dueAt: updated.dueAt };
    `);
    const out = r.result as { id: string; before: string; status: string; dueAt: string };
    expect(['open', 'overdue']).toContain(out.before);
    const inv = await call<Invoice>('invoices:get', { id: out.id });
    expect(inv).toMatchObject({ status: 'open', dueAt: out.dueAt });
    const days = (Date.parse(inv.dueAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(13.9);
    expect(days).toBeLessThan(14.1);
  });

  test('batch-read five invoices with Promise.all and email a summary', async () => {
    const ids = ['inv_00101', 'inv_00102', 'inv_00103', 'inv_00104', 'inv_00105'];
    claim(...ids);
    const r = await runWorkflow(js`
      const ids = ${JSON.stringify(ids)};
      const invoices = await Promise.all(ids.map((id) => callTool('invoices:get', { id })));
      const lines = invoices.map((i) => \`$\{i.number}: $\{(i.amountCents / 100).toFixed(2)} $\{i.currency} ($\{i.status})\`);
      const sent = await callTool('emails:send', { to: 'finance@corpus.example', subject: 'Invoice batch review (5)', body: lines.join('\n') });
      return { sentId: sent.id, count: invoices.length };
    `);
    const out = r.result as { sentId: string; count: number };
    expect(out.count).toBe(5);
    const invoices = await Promise.all(ids.map((id) => call<Invoice>('invoices:get', { id })));
    const body = invoices.map((i) => `${i.number}: ${(i.amountCents / 100).toFixed(2)} ${i.currency} (${i.status})`).join('\n');
    const log = await call<Page<Sent>>('notifications:listSent', { to: 'finance@corpus.example' });
    expect(log.items).toHaveLength(1);
    expect(log.items[0]).toMatchObject({ id: out.sentId, subject: 'Invoice batch review (5)', body });
  });

  test('email a templated invoice reminder', async () => {
    claim('u_0327');
    const r = await runWorkflow(js`
      const { items } = await callTool('invoices:listForUser', { userId: 'u_0327', limit: 20 });
      const inv = items.find((i) => i.status === 'open' || i.status === 'overdue');
      const sent = await callTool('emails:sendTemplate', {
        templateId: 'invoice_reminder',
        userId: 'u_0327',
        variables: { invoiceNumber: inv.number, amount: \`$\{(inv.amountCents / 100).toFixed(2)} $\{inv.currency}\`, dueDate: inv.dueAt.slice(0, 10) },
      });
      return { sentId: sent.id, invoiceId: inv.id };
    `);
    const out = r.result as { sentId: string; invoiceId: string };
    const inv = await call<Invoice>('invoices:get', { id: out.invoiceId });
    const u = await getUser('u_0327');
    expect(await getSent(out.sentId)).toMatchObject({
      to: u.email,
      subject: `Invoice ${inv.number} is due`,
      body: `Hi ${u.firstName}, invoice ${inv.number} for ${(inv.amountCents / 100).toFixed(2)} ${inv.currency} is due on ${inv.dueAt.slice(0, 10)}.`,
      triggeredBy: 'emails:sendTemplate',
    });
  });
  test('delete every draft invoice of one customer in a loop', async () => {
    claim('u_0344');
    const r = await runWorkflow(js`
      const { items } = await callTool('invoices:listForUser', { userId: 'u_0344', status: 'draft', limit: 5 });
      const deleted = [];
      for (const inv of items) {
        const gone = await callTool('invoices:delete', { id: inv.id });
        deleted.push(gone.id);
      }
      return deleted;
    `);
    const deleted = r.result as string[];
    expect(deleted.length).toBeGreaterThan(0);
    claim(...deleted);
    expect((await call<Page<Invoice>>('invoices:listForUser', { userId: 'u_0344', status: 'draft' })).total).toBe(0);
    for (const id of deleted) {
      expect(await g.gateway.invoke({ name: 'invoices:get', input: { id } })).toMatchObject({ status: 'tool_error', error: { toolCode: 'NOT_FOUND' } });
    }
  });

  test('send reminders for the three most overdue invoices', async () => {
    const r = await runWorkflow(js`
      const { items } = await callTool('invoices:listOverdue', { minDaysOverdue: 30, limit: 3 });
      const sent = [];
      for (const inv of items) {
        const reminder = await callTool('invoices:sendReminder', { id: inv.id, message: \`This invoice is $\{inv.daysOverdue} days overdue.\` });
        sent.push({ invoiceId: inv.id, notificationId: reminder.notificationId, daysOverdue: inv.daysOverdue });
      }
      return sent;
    `);
    const sent = r.result as { invoiceId: string; notificationId: string; daysOverdue: number }[];
    expect(sent).toHaveLength(3);
    claim(...sent.map((s) => s.invoiceId));
    for (const s of sent) {
      expect(s.daysOverdue).toBeGreaterThanOrEqual(30);
      const entry = await getSent(s.notificationId);
      expect(entry).toMatchObject({ channel: 'email', triggeredBy: 'invoices:sendReminder', payload: { invoiceId: s.invoiceId } });
      expect(entry.body.endsWith(`This invoice is ${s.daysOverdue} days overdue.`)).toBe(true);
    }
  });

  test('a retrying callTool helper: read, update, then email the user', async () => {
    claim('u_0336');
    const r = await runWorkflow(js`
      async function call(name, args, attempts = 3) {
        for (let attempt = 1; ; attempt++) {
          try {
            return await callTool(name, args);
          } catch (e) {
            if (attempt >= attempts || !(e instanceof ToolError) || e.code === 'NOT_FOUND') throw e;
          }
        }
      }
      const user = await call('users:get', { id: 'u_0336' });
      const updated = await call('users:update', { id: user.id, country: 'CA' });
      const sent = await call('emails:send', { to: updated.email, subject: 'Your billing country changed', body: \`Hi $\{updated.firstName}, your billing country is now $\{updated.country}.\` });
      return { country: updated.country, sentId: sent.id };
    `);
    const out = r.result as { country: string; sentId: string };
    const u = await getUser('u_0336');
    expect(u.country).toBe('CA');
    expect(out.country).toBe('CA');
    expect(await getSent(out.sentId)).toMatchObject({ channel: 'email', to: u.email, body: `Hi ${u.firstName}, your billing country is now CA.` });
  });
});

describe('payments', () => {
  test('refund part of a payment', async () => {
    claim('u_0317');
    const r = await runWorkflow(js`
      const { items } = await callTool('payments:listForUser', { userId: 'u_0317', status: 'succeeded', limit: 1 });
      const payment = items[0];
      const amount = Math.round(payment.amountCents * 0.25);
      const { refund, payment: after } = await callTool('payments:refund', { paymentId: payment.id, amountCents: amount, reason: 'requested_by_customer', note: 'Partial refund: one week of downtime' });
      return { paymentId: payment.id, refundId: refund.id, amount, status: after.status, refunded: after.amountRefundedCents };
    `);
    const out = r.result as { paymentId: string; refundId: string; amount: number; status: string; refunded: number };
    claim(out.paymentId);
    const p = await call<Payment>('payments:get', { id: out.paymentId });
    expect(out.amount).toBe(Math.round(p.amountCents * 0.25));
    expect(p).toMatchObject({ status: 'partially_refunded', amountRefundedCents: out.amount });
    expect(await call<{ amountCents: number; paymentId: string }>('payments:getRefund', { id: out.refundId })).toMatchObject({ paymentId: out.paymentId, amountCents: out.amount, note: 'Partial refund: one week of downtime' });
  });

  test('authorize a charge, then capture less', async () => {
    claim('u_0323');
    const r = await runWorkflow(js`
      const { items: methods } = await callTool('billing:listPaymentMethods', { userId: 'u_0323' });
      const auth = await callTool('payments:charge', { userId: 'u_0323', amountCents: 4999, capture: false });
      const captured = await callTool('payments:capture', { id: auth.id, amountCents: 4500 });
      return { id: captured.id, authStatus: auth.status, status: captured.status, amount: captured.amountCents, method: methods.find((m) => m.isDefault)?.type ?? null };
    `);
    const out = r.result as { id: string; authStatus: string; status: string; amount: number; method: string | null };
    expect(out).toMatchObject({ authStatus: 'authorized', status: 'succeeded', amount: 4500 });
    expect(await call<Payment>('payments:get', { id: out.id })).toMatchObject({ userId: 'u_0323', status: 'succeeded', amountCents: 4500, method: out.method });
  });

  test('retry a failed payment', async () => {
    claim('u_0331');
    const r = await runWorkflow(js`
      const { items } = await callTool('payments:listForUser', { userId: 'u_0331', status: 'failed' });
      const failed = items[0];
      const retried = await callTool('payments:retry', { id: failed.id });
      return { failedId: failed.id, newId: retried.id, status: retried.status };
    `);
    const out = r.result as { failedId: string; newId: string; status: string };
    expect(out.newId).not.toBe(out.failedId);
    const [failed, retried] = await Promise.all([call<Payment>('payments:get', { id: out.failedId }), call<Payment>('payments:get', { id: out.newId })]);
    expect(failed.status).toBe('failed');
    expect(retried).toMatchObject({ status: 'succeeded', userId: 'u_0331', amountCents: failed.amountCents, invoiceId: failed.invoiceId });
  });

  test('respond to a dispute that needs a response', async () => {
    const r = await runWorkflow(js`
      const { items } = await callTool('payments:listDisputes', { status: 'needs_response', limit: 1 });
      const dispute = items[0];
      const payment = await callTool('payments:get', { id: dispute.paymentId });
      const evidence = \`Payment $\{payment.id} of $\{(payment.amountCents / 100).toFixed(2)} $\{payment.currency} was delivered; access logs attached.\`;
      const answered = await callTool('payments:respondToDispute', { id: dispute.id, evidence });
      return { id: answered.id, status: answered.status, evidence };
    `);
    const out = r.result as { id: string; status: string; evidence: string };
    claim(out.id);
    expect(await call<{ status: string; evidence: string }>('payments:getDispute', { id: out.id })).toMatchObject({ status: 'under_review', evidence: out.evidence });
  });
});

describe('support tickets', () => {
  test('create a ticket then comment on it', async () => {
    const r = await runWorkflow(js`
      const { agents } = await callTool('tickets:listAgents', {});
      const agent = agents.at(-1);
      const ticket = await callTool('tickets:create', {
        requesterId: 'u_0302',
        subject: 'CSV export never finishes',
        description: 'Clicking Export spins forever since Monday.',
        priority: 'high',
        category: 'bug',
        channel: 'email',
        tags: ['export', 'csv'],
      });
      const comment = await callTool('tickets:addComment', { id: ticket.id, authorId: agent.userId, body: \`Hi! $\{agent.name} here — we reproduced it and are on it.\` });
      return { ticketId: ticket.id, commentId: comment.id, authorId: agent.userId, agentName: agent.name };
    `);
    const out = r.result as { ticketId: string; commentId: string; authorId: string; agentName: string };
    claim(out.ticketId);
    const t = await call<Ticket>('tickets:get', { id: out.ticketId });
    expect(t).toMatchObject({ requesterId: 'u_0302', status: 'open', priority: 'high', category: 'bug', tags: ['export', 'csv'] });
    expect(t.firstResponseAt).not.toBeNull();
    const { items } = await call<{ items: Comment[] }>('tickets:listComments', { ticketId: out.ticketId });
    expect(items).toEqual([{ id: out.commentId, ticketId: out.ticketId, authorId: out.authorId, body: `Hi! ${out.agentName} here — we reproduced it and are on it.`, internal: false, createdAt: expect.any(String) }]);
  });

  test('assign the top unassigned ticket to the least busy agent', async () => {
    const r = await runWorkflow(js`
      const [{ items: queue }, { agents }] = await Promise.all([
        callTool('tickets:listUnassigned', { limit: 1 }),
        callTool('tickets:listAgents', {}),
      ]);
      const ticket = queue[0];
      const agent = [...agents].sort((a, b) => a.openTickets - b.openTickets || (a.userId < b.userId ? -1 : 1))[0];
      const assigned = await callTool('tickets:assign', { id: ticket.id, assigneeId: agent.userId });
      return { ticketId: assigned.id, assigneeId: assigned.assigneeId };
    `);
    const out = r.result as { ticketId: string; assigneeId: string };
    claim(out.ticketId);
    expect((await call<Ticket>('tickets:get', { id: out.ticketId })).assigneeId).toBe(out.assigneeId);
    const agents = await call<{ agents: { userId: string }[] }>('tickets:listAgents');
    expect(agents.agents.map((a) => a.userId)).toContain(out.assigneeId);
    expect((await call<Page<Ticket>>('tickets:listUnassigned', { limit: 500 })).items.map((t) => t.id)).not.toContain(out.ticketId);
  });

  test('retag a pending billing ticket and close it with a resolution', async () => {
    const r = await runWorkflow(js`
      const { items } = await callTool('tickets:list', { status: 'pending', category: 'billing', limit: 1 });
      const t = items[0];
      await callTool('tickets:update', { id: t.id, priority: 'low', tags: [...new Set([...t.tags, 'refund-issued'])] });
      const closed = await callTool('tickets:close', { id: t.id, resolution: 'Refund issued; customer confirmed by email.' });
      return { id: closed.id, status: closed.status, tags: closed.tags };
    `);
    const out = r.result as { id: string; status: string; tags: string[] };
    claim(out.id);
    const t = await call<Ticket>('tickets:get', { id: out.id });
    expect(t).toMatchObject({ status: 'closed', priority: 'low' });
    expect(t.tags).toContain('refund-issued');
    expect(t.resolvedAt).not.toBeNull();
    const { items } = await call<{ items: Comment[] }>('tickets:listComments', { ticketId: out.id });
    expect(items.at(-1)).toMatchObject({ body: 'Refund issued; customer confirmed by email.', internal: true });
  });

  test('escalate an open low-priority ticket', async () => {
    const r = await runWorkflow(js`
      const { items } = await callTool('tickets:list', { status: 'open', priority: 'low', limit: 1 });
      const t = items[0];
      const escalated = await callTool('tickets:escalate', { id: t.id, reason: 'Customer is blocked before a launch' });
      return { id: escalated.id, from: t.priority, to: escalated.priority };
    `);
    const out = r.result as { id: string; from: string; to: string };
    claim(out.id);
    expect(out).toMatchObject({ from: 'low', to: 'normal' });
    const t = await call<Ticket>('tickets:get', { id: out.id });
    expect(t.priority).toBe('normal');
    expect(t.tags).toContain('escalated');
    const { items } = await call<{ items: Comment[] }>('tickets:listComments', { ticketId: out.id });
    expect(items.at(-1)).toMatchObject({ body: 'Escalated: Customer is blocked before a launch', internal: true });
  });

  test('merge a duplicate ticket into the original', async () => {
    const r = await runWorkflow(js`
      const base = { requesterId: 'u_0312', description: 'Login page shows a blank screen.', category: 'bug' };
      const original = await callTool('tickets:create', { ...base, subject: 'Blank login page', tags: ['login'] });
      const duplicate = await callTool('tickets:create', { ...base, subject: 'Login broken (again)', tags: ['duplicate-candidate'] });
      const kept = await callTool('tickets:merge', { sourceId: duplicate.id, targetId: original.id });
      return { originalId: original.id, duplicateId: duplicate.id, keptTags: kept.tags };
    `);
    const out = r.result as { originalId: string; duplicateId: string; keptTags: string[] };
    claim(out.originalId, out.duplicateId);
    expect(out.keptTags).toEqual(['login', 'duplicate-candidate']);
    expect(await call<Ticket>('tickets:get', { id: out.duplicateId })).toMatchObject({ status: 'closed', mergedInto: out.originalId });
    expect(await call<Ticket>('tickets:get', { id: out.originalId })).toMatchObject({ status: 'open', mergedInto: null, tags: ['login', 'duplicate-candidate'] });
  });

  test('create then delete a spam ticket', async () => {
    const r = await runWorkflow(js`
      const t = await callTool('tickets:create', { requesterId: 'u_0313', subject: 'WIN A FREE CRUISE!!!', description: 'Click here to claim your prize.', tags: ['spam'] });
      const removed = await callTool('tickets:delete', { id: t.id });
      return { id: removed.id, subject: removed.subject };
    `);
    const out = r.result as { id: string; subject: string };
    claim(out.id);
    expect(out.subject).toBe('WIN A FREE CRUISE!!!');
    const gone = await g.gateway.invoke({ name: 'tickets:get', input: { id: out.id } });
    expect(gone).toMatchObject({ status: 'tool_error', error: { toolCode: 'NOT_FOUND' } });
    expect((await call<Page<Ticket>>('tickets:listForUser', { userId: 'u_0313', limit: 500 })).items.map((t) => t.id)).not.toContain(out.id);
  });

  test('post a Slack message summarising ticket counts', async () => {
    const r = await runWorkflow(js`
      const [open, urgent, unassigned] = await Promise.all([
        callTool('tickets:list', { status: 'open', limit: 1 }),
        callTool('tickets:list', { status: 'open', priority: 'urgent', limit: 1 }),
        callTool('tickets:listUnassigned', { limit: 1 }),
      ]);
      const text = \`*Support summary*: $\{open.total} open, $\{urgent.total} urgent, $\{unassigned.total} unassigned\`;
      const msg = await callTool('slack:postMessage', { channel: '#support', text });
      return { id: msg.id };
    `);
    const out = r.result as { id: string };
    const total = async (input: Record<string, unknown>, name = 'tickets:list'): Promise<number> => (await call<Page<Ticket>>(name, { ...input, limit: 1 })).total;
    const text = `*Support summary*: ${await total({ status: 'open' })} open, ${await total({ status: 'open', priority: 'urgent' })} urgent, ${await total({}, 'tickets:listUnassigned')} unassigned`;
    expect(await getSent(out.id)).toMatchObject({ channel: 'slack', to: '#support', body: text, triggeredBy: 'slack:postMessage' });
  });
});

describe('projects', () => {
  test('create a task in an active project and complete it', async () => {
    const r = await runWorkflow(js`
      const { items: [project] } = await callTool('projects:list', { status: 'active', limit: 1 });
      const task = await callTool('projects:createTask', { projectId: project.id, title: 'Write release notes', priority: 'high', estimateHours: 3 });
      const done = await callTool('projects:completeTask', { taskId: task.id });
      return { projectId: project.id, taskId: task.id, status: done.status };
    `);
    const out = r.result as { projectId: string; taskId: string; status: string };
    claim(out.taskId);
    expect(out.status).toBe('done');
    const task = await call<Task>('projects:getTask', { taskId: out.taskId });
    expect(task).toMatchObject({ projectId: out.projectId, title: 'Write release notes', status: 'done' });
    expect(task.completedAt).not.toBeNull();
    const done = await call<Page<Task>>('projects:listTasks', { projectId: out.projectId, status: 'done', limit: 500 });
    expect(done.items.map((t) => t.id)).toContain(out.taskId);
  });

  test('create a project with three tasks in parallel and assign one', async () => {
    const r = await runWorkflow(js`
      const project = await callTool('projects:create', { name: 'Website relaunch 🚀', ownerId: 'u_0334', description: 'New landing pages and blog' });
      const titles = ['Wireframes', 'Copywriting', 'QA pass'];
      const tasks = await Promise.all(titles.map((title, i) => callTool('projects:createTask', { projectId: project.id, title, estimateHours: (i + 1) * 4 })));
      await callTool('projects:assignTask', { taskId: tasks[0].id, assigneeId: 'u_0334' });
      const progress = await callTool('projects:getProgress', { id: project.id });
      return { projectId: project.id, taskIds: tasks.map((t) => t.id), progress: { tasks: progress.tasks, estimatedHours: progress.estimatedHours, percentComplete: progress.percentComplete } };
    `);
    const out = r.result as { projectId: string; taskIds: string[]; progress: unknown };
    claim(out.projectId, ...out.taskIds);
    expect(out.progress).toEqual({ tasks: 3, estimatedHours: 24, percentComplete: 0 });
    expect(await call<{ name: string; ownerId: string; status: string }>('projects:get', { id: out.projectId })).toMatchObject({ name: 'Website relaunch 🚀', ownerId: 'u_0334', status: 'planning' });
    const { items } = await call<Page<Task>>('projects:listTasks', { projectId: out.projectId });
    expect(items.map((t) => [t.title, t.assigneeId])).toEqual([['Wireframes', 'u_0334'], ['Copywriting', null], ['QA pass', null]]);
  });

  test('archive a completed project', async () => {
    const r = await runWorkflow(js`
      const { items } = await callTool('projects:list', { status: 'completed', limit: 1 });
      const p = items[0];
      const archived = await callTool('projects:archive', { id: p.id });
      return { id: archived.id, status: archived.status };
    `);
    const out = r.result as { id: string; status: string };
    claim(out.id);
    expect(out.status).toBe('archived');
    expect((await call<{ status: string }>('projects:get', { id: out.id })).status).toBe('archived');
  });

  test('push back the due date of the most overdue task', async () => {
    const r = await runWorkflow(js`
      const { items } = await callTool('projects:listOverdueTasks', { limit: 1 });
      const task = items[0];
      const dueAt = new Date(Date.now() + 7 * 86400000).toISOString();
      const updated = await callTool('projects:updateTask', { taskId: task.id, dueAt, status: 'in_progress' });
      return { id: updated.id, daysOverdue: task.daysOverdue, dueAt: updated.dueAt, status: updated.status };
    `);
    const out = r.result as { id: string; daysOverdue: number; dueAt: string; status: string };
    claim(out.id);
    expect(out.daysOverdue).toBeGreaterThan(0);
    expect(await call<Task>('projects:getTask', { taskId: out.id })).toMatchObject({ dueAt: out.dueAt, status: 'in_progress' });
    expect((await call<Page<Task>>('projects:listOverdueTasks', { limit: 500 })).items.map((t) => t.id)).not.toContain(out.id);
  });
});

describe('inventory', () => {
  test('adjust stock of low-stock items after listing them', async () => {
    const r = await runWorkflow(js`
      const { items } = await callTool('inventory:listLowStock', { warehouseId: 'wh_ams', limit: 3 });
      const results = [];
      for (const item of items) {
        const { level } = await callTool('inventory:adjustStock', { itemId: item.itemId, warehouseId: 'wh_ams', delta: item.reorderQuantity, reason: 'receipt', note: 'Restock after low-stock report' });
        results.push({ itemId: item.itemId, before: item.available, added: item.reorderQuantity, after: level.available });
      }
      return results;
    `);
    const out = r.result as { itemId: string; before: number; added: number; after: number }[];
    expect(out).toHaveLength(3);
    claim(...out.map((o) => o.itemId));
    for (const o of out) {
      expect(o.after).toBe(o.before + o.added);
      expect((await stockIn(o.itemId, 'wh_ams')).available).toBe(o.after);
      const moves = await call<Page<{ delta: number; reason: string; note: string | null }>>('inventory:listMovements', { itemId: o.itemId, warehouseId: 'wh_ams', limit: 1 });
      expect(moves.items[0]).toMatchObject({ delta: o.added, reason: 'receipt', note: 'Restock after low-stock report' });
    }
  });

  test('order a low-stock item from its supplier and receive it', async () => {
    const r = await runWorkflow(js`
      const { items: [low] } = await callTool('inventory:listLowStock', { warehouseId: 'wh_nyc', limit: 1 });
      const po = await callTool('inventory:createPurchaseOrder', { supplierId: low.supplierId, warehouseId: 'wh_nyc', lines: [{ itemId: low.itemId, quantity: low.reorderQuantity }] });
      const received = await callTool('inventory:receivePurchaseOrder', { id: po.id });
      return { itemId: low.itemId, before: low.available, quantity: low.reorderQuantity, poId: received.id, status: received.status };
    `);
    const out = r.result as { itemId: string; before: number; quantity: number; poId: string; status: string };
    claim(out.itemId, out.poId);
    expect(out.status).toBe('received');
    expect((await call<{ status: string; receivedAt: string | null }>('inventory:getPurchaseOrder', { id: out.poId })).status).toBe('received');
    expect((await stockIn(out.itemId, 'wh_nyc')).available).toBe(out.before + out.quantity);
  });

  test('transfer stock from the fullest to the emptiest warehouse', async () => {
    const r = await runWorkflow(js`
      const stock = await callTool('inventory:getStock', { itemId: 'SKU-10010' });
      const byAvailable = [...stock.levels].sort((a, b) => b.available - a.available);
      const from = byAvailable[0];
      const to = byAvailable.at(-1);
      const quantity = Math.min(5, from.available);
      const moved = await callTool('inventory:transferStock', { itemId: 'SKU-10010', fromWarehouseId: from.warehouseId, toWarehouseId: to.warehouseId, quantity });
      return { itemId: stock.itemId, from: [from.warehouseId, from.onHand, moved.from.onHand], to: [to.warehouseId, to.onHand, moved.to.onHand], quantity };
    `);
    const out = r.result as { itemId: string; from: [string, number, number]; to: [string, number, number]; quantity: number };
    claim(out.itemId);
    expect(out.quantity).toBe(5);
    expect(out.from[0]).not.toBe(out.to[0]);
    expect((await stockIn(out.itemId, out.from[0])).onHand).toBe(out.from[1] - 5);
    expect((await stockIn(out.itemId, out.to[0])).onHand).toBe(out.to[1] + 5);
    expect(out.from[2]).toBe(out.from[1] - 5);
    expect(out.to[2]).toBe(out.to[1] + 5);
  });

  test('reserve stock for an order, then release part of it', async () => {
    const r = await runWorkflow(js`
      const stock = await callTool('inventory:getStock', { itemId: 'itm_0020' });
      const level = stock.levels.find((l) => l.available >= 10);
      if (!level) return null;
      await callTool('inventory:reserveStock', { itemId: 'itm_0020', warehouseId: level.warehouseId, quantity: 10 });
      const after = await callTool('inventory:releaseReservation', { itemId: 'itm_0020', warehouseId: level.warehouseId, quantity: 4 });
      return { warehouseId: level.warehouseId, reservedBefore: level.reserved, reservedAfter: after.reserved };
    `);
    claim('itm_0020');
    const out = r.result as { warehouseId: string; reservedBefore: number; reservedAfter: number };
    expect(out.reservedAfter).toBe(out.reservedBefore + 6);
    expect((await stockIn('itm_0020', out.warehouseId)).reserved).toBe(out.reservedBefore + 6);
  });

  test('add a catalogue item, book initial stock and change its price', async () => {
    const r = await runWorkflow(js`
      const { items: suppliers } = await callTool('inventory:listSuppliers', {});
      const supplier = suppliers.find((s) => s.country === 'DE') ?? suppliers[0];
      const item = await callTool('inventory:createItem', { sku: 'SKU-20931', name: 'Ergonomic Footrest – Grau', category: 'furniture', unitPriceCents: 4900, unitCostCents: 2100, supplierId: supplier.id });
      await callTool('inventory:adjustStock', { itemId: item.sku, warehouseId: 'wh_ams', delta: 40, reason: 'receipt', note: 'Initial delivery' });
      const repriced = await callTool('inventory:updateItem', { id: item.id, unitPriceCents: 5400 });
      return { id: item.id, supplierId: supplier.id, price: repriced.unitPriceCents };
    `);
    const out = r.result as { id: string; supplierId: string; price: number };
    claim(out.id);
    expect(out.price).toBe(5400);
    expect(await call<{ sku: string; unitPriceCents: number; supplierId: string; name: string }>('inventory:getItem', { id: 'SKU-20931' })).toMatchObject({
      id: out.id, name: 'Ergonomic Footrest – Grau', unitPriceCents: 5400, supplierId: out.supplierId,
    });
    expect(await stockIn(out.id, 'wh_ams')).toMatchObject({ onHand: 40, reserved: 0, available: 40 });
  });
});

describe('notifications', () => {
  test('turn push on for a user and send them a push notification', async () => {
    claim('u_0309');
    const r = await runWorkflow(js`
      const prefs = await callTool('notifications:getPreferences', { userId: 'u_0309' });
      if (!prefs.push) await callTool('notifications:updatePreferences', { userId: 'u_0309', push: true, digest: 'daily' });
      const sent = await callTool('push:send', { userId: 'u_0309', title: 'Your export is ready', body: 'Download it from the Reports page within 24 hours.' });
      return { hadPush: prefs.push, sentId: sent.id };
    `);
    const out = r.result as { hadPush: boolean; sentId: string };
    expect(out.hadPush).toBe(false);
    expect(await call<{ push: boolean; digest: string }>('notifications:getPreferences', { userId: 'u_0309' })).toMatchObject({ push: true, digest: 'daily' });
    expect(await getSent(out.sentId)).toMatchObject({ channel: 'push', to: 'u_0309', subject: 'Your export is ready', triggeredBy: 'push:send' });
  });

  test("text a user on their phone number", async () => {
    claim('u_0311');
    const r = await runWorkflow(js`
      const user = await callTool('users:get', { id: 'u_0311' });
      const sms = await callTool('sms:send', { to: user.phone, body: \`Hi $\{user.firstName}, your verification code expires in 10 minutes.\` });
      return { sentId: sms.id };
    `);
    const out = r.result as { sentId: string };
    const u = await getUser('u_0311');
    const log = await call<Page<Sent>>('notifications:listSent', { channel: 'sms', to: u.phone });
    expect(log.items.map((s) => s.id)).toContain(out.sentId);
    expect(await getSent(out.sentId)).toMatchObject({ channel: 'sms', to: u.phone, body: `Hi ${u.firstName}, your verification code expires in 10 minutes.` });
  });

  test('register a webhook endpoint and dispatch an event to it', async () => {
    const r = await runWorkflow(js`
      const endpoint = await callTool('webhooks:createEndpoint', { url: 'https://ops.corpus.example/tickets', events: ['ticket.created', 'ticket.closed'], description: 'Ops board sync' });
      const { deliveries } = await callTool('webhooks:dispatchEvent', { event: 'ticket.created', payload: { ticketId: 'tk_0001', source: 'corpus' } });
      const mine = deliveries.find((d) => d.to === endpoint.url);
      return { endpointId: endpoint.id, deliveryId: mine?.id ?? null, deliveries: deliveries.length };
    `);
    const out = r.result as { endpointId: string; deliveryId: string | null; deliveries: number };
    claim(out.endpointId);
    const { items } = await call<{ items: { id: string; url: string; events: string[]; active: boolean }[] }>('webhooks:listEndpoints', { activeOnly: true });
    expect(items.find((e) => e.id === out.endpointId)).toMatchObject({ url: 'https://ops.corpus.example/tickets', events: ['ticket.created', 'ticket.closed'] });
    expect(out.deliveries).toBe(items.filter((e) => e.events.includes('ticket.created')).length);
    expect(out.deliveryId).not.toBeNull();
    expect(await getSent(out.deliveryId ?? '')).toMatchObject({
      channel: 'webhook', to: 'https://ops.corpus.example/tickets', subject: 'ticket.created',
      payload: { event: 'ticket.created', data: { ticketId: 'tk_0001', source: 'corpus' }, endpointId: out.endpointId },
    });
  });
});
