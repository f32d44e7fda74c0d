import Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';
import { createDemoTools } from '../../../demo/catalog';
import { ToolFailure } from '../../../src';
import type { ToolCallContext, ToolDefinition } from '../../../src';

const NOW = Date.parse('2025-06-01T12:00:00.000Z');
const DAY = 86_400_000;
const clock = (): number => NOW;

type Args = Record<string, unknown>;
type Catalog = Map<string, ToolDefinition>;

function catalog(seed = 42): Catalog {
  return new Map(createDemoTools({ seed, now: clock }).map((t) => [t.name, t]));
}

function ctx(): ToolCallContext {
  return { tenantId: 'default', context: {}, signal: new AbortController().signal, deadlineAt: Date.now() + 10_000 };
}

async function call(tools: Catalog, name: string, args: Args = {}): Promise<unknown> {
  const tool = tools.get(name);
  if (!tool) throw new Error(`no tool ${name}`);
  return await Promise.resolve(tool.handler(args, ctx()));
}

function asRecord(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`expected an object, got ${JSON.stringify(value)}`);
  return value as Record<string, unknown>;
}

function items(value: unknown): Record<string, unknown>[] {
  const list = asRecord(value).items;
  if (!Array.isArray(list)) throw new Error('expected an items array');
  return list.map(asRecord);
}

function field(value: unknown, key: string): string {
  const v = asRecord(value)[key];
  if (typeof v !== 'string') throw new Error(`expected string field ${key}`);
  return v;
}

async function firstId(tools: Catalog, name: string, args: Args, key = 'id'): Promise<string> {
  const found = items(await call(tools, name, { ...args, limit: 1 }))[0];
  if (!found) throw new Error(`${name} ${JSON.stringify(args)} returned nothing`);
  return field(found, key);
}

/** All users, walked page by page the way a script would. */
async function allUsers(tools: Catalog): Promise<Record<string, unknown>[]> {
  const users: Record<string, unknown>[] = [];
  let offset: number | null = 0;
  while (offset !== null) {
    const page = asRecord(await call(tools, 'users:list', { limit: 500, offset }));
    users.push(...items(page));
    offset = typeof page.nextOffset === 'number' ? page.nextOffset : null;
  }
  return users;
}

/** ajv-formats is not a dependency, so the formats the catalog uses get small stand-ins. */
function makeAjv(): Ajv {
  const ajv = new Ajv({ strict: true, allErrors: true });
  ajv.addFormat('date-time', (s: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s)));
  ajv.addFormat('date', /^\d{4}-\d{2}-\d{2}$/);
  ajv.addFormat('email', /^[^\s@]+@[^\s@]+\.[^\s@]+$/);
  ajv.addFormat('uri', (s: string) => {
    try {
      return new URL(s).protocol.length > 0;
    } catch {
      return false;
    }
  });
  return ajv;
}

/** JSON-safe plain data: no undefined, Dates, class instances, functions or non-finite numbers. */
function assertPlainJson(value: unknown, path = '$'): void {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`${path} is not finite`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => assertPlainJson(v, `${path}[${i}]`));
    return;
  }
  // Accept Object.prototype from any realm: what matters is a plain object, not which VM made it.
  const proto: unknown = typeof value === 'object' ? Object.getPrototypeOf(value) : undefined;
  if (typeof value === 'object' && (proto === null || (typeof proto === 'object' && Object.getPrototypeOf(proto) === null))) {
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) throw new Error(`${path}.${k} is undefined`);
      assertPlainJson(v, `${path}.${k}`);
    }
    return;
  }
  throw new Error(`${path} is not plain JSON data (${typeof value})`);
}

/** Finds a level with unreserved stock so stock-moving tools have something to move. */
async function stockedLevel(tools: Catalog): Promise<{ itemId: string; warehouseId: string }> {
  for (let n = 1; n <= 150; n++) {
    const itemId = `itm_${String(n).padStart(4, '0')}`;
    const stock = asRecord(await call(tools, 'inventory:getStock', { itemId }));
    const level = (stock.levels as Record<string, unknown>[]).find((l) => typeof l.available === 'number' && l.available > 5);
    if (level) return { itemId, warehouseId: field(level, 'warehouseId') };
  }
  throw new Error('no stocked item');
}

const activeProUser = (t: Catalog): Promise<string> => firstId(t, 'billing:listSubscriptions', { status: 'active', plan: 'pro' }, 'userId');
const openInvoice = (t: Catalog): Promise<string> => firstId(t, 'invoices:list', { status: 'open' });
const openTicket = (t: Catalog): Promise<string> => firstId(t, 'tickets:list', { status: 'open' });
const newDraft = async (t: Catalog): Promise<string> =>
  field(await call(t, 'invoices:create', { userId: await activeProUser(t), lineItems: [{ description: 'Setup', quantity: 1, unitAmountCents: 5000 }] }), 'id');
const newItem = async (t: Catalog): Promise<string> =>
  field(await call(t, 'inventory:createItem', { sku: 'SKU-99999', name: 'Test Widget', category: 'office', unitPriceCents: 999, unitCostCents: 400, supplierId: 'sup_01' }), 'id');

/** Minimal valid arguments per tool; tools not listed are called with {}. Each runs against a fresh catalog. */
const SAMPLES: Record<string, (t: Catalog) => Args | Promise<Args>> = {
  'users:get': () => ({ id: 'u_0001' }),
  'users:getByEmail': async (t) => ({ email: field(await call(t, 'users:get', { id: 'u_0001' }), 'email') }),
  'users:search': () => ({ query: 'me' }),
  'users:create': () => ({ firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', country: 'GB' }),
  'users:update': () => ({ id: 'u_0001', lastName: 'Updated' }),
  'users:delete': () => ({ id: 'u_0002' }),
  'users:suspend': async (t) => ({ id: await firstId(t, 'users:list', { status: 'active' }), reason: 'Chargeback fraud' }),
  'users:reactivate': async (t) => ({ id: await firstId(t, 'users:list', { status: 'suspended' }) }),
  'users:resetPassword': async (t) => ({ id: await firstId(t, 'users:list', { status: 'active' }) }),
  'users:getSummary': () => ({ id: 'u_0001' }),
  'users:assignTeam': () => ({ id: 'u_0001', teamId: 'team_02' }),
  'teams:get': () => ({ id: 'team_01' }),
  'teams:listMembers': () => ({ teamId: 'team_01' }),
  'billing:getPlan': () => ({ planId: 'pro' }),
  'billing:getSubscription': async (t) => ({ userId: await activeProUser(t) }),
  'billing:previewPlanChange': async (t) => ({ userId: await activeProUser(t), plan: 'enterprise' }),
  'billing:changePlan': async (t) => ({ userId: await activeProUser(t), plan: 'enterprise', interval: 'year' }),
  'billing:updateSeats': async (t) => ({ userId: await activeProUser(t), seats: 3 }),
  'billing:cancelSubscription': async (t) => ({ userId: await activeProUser(t) }),
  'billing:resumeSubscription': async (t) => ({ userId: await activeProUser(t) }),
  'billing:applyCoupon': async (t) => ({ userId: await activeProUser(t), code: 'WELCOME10' }),
  'billing:getBalance': async (t) => ({ userId: await activeProUser(t) }),
  'billing:addCredit': async (t) => ({ userId: await activeProUser(t), amountCents: 500, reason: 'Outage credit' }),
  'billing:listPaymentMethods': async (t) => ({ userId: await activeProUser(t) }),
  'billing:getUsage': async (t) => ({ userId: await activeProUser(t) }),
  'invoices:listForUser': async (t) => ({ userId: await activeProUser(t) }),
  'invoices:get': () => ({ id: 'inv_00001' }),
  'invoices:getByNumber': async (t) => ({ number: field(await call(t, 'invoices:get', { id: 'inv_00001' }), 'number') }),
  'invoices:search': () => ({ query: 'pro plan' }),
  'invoices:getPdfUrl': async (t) => ({ id: await firstId(t, 'invoices:list', { status: 'paid' }) }),
  'invoices:create': async (t) => ({ userId: await activeProUser(t), lineItems: [{ description: 'Onboarding workshop', quantity: 2, unitAmountCents: 15000 }] }),
  'invoices:addLineItem': async (t) => ({ id: await newDraft(t), description: 'Extra seats', quantity: 3, unitAmountCents: 2900 }),
  'invoices:finalize': async (t) => ({ id: await newDraft(t) }),
  'invoices:markPaid': async (t) => ({ id: await openInvoice(t) }),
  'invoices:updateDueDate': async (t) => ({ id: await openInvoice(t), dueAt: new Date(NOW + 30 * DAY).toISOString() }),
  'invoices:void': async (t) => ({ id: await openInvoice(t), reason: 'Issued in error' }),
  'invoices:delete': async (t) => ({ id: await newDraft(t) }),
  'invoices:sendReminder': async (t) => ({ id: await openInvoice(t) }),
  'payments:get': () => ({ id: 'pay_00001' }),
  'payments:listForUser': async (t) => ({ userId: await activeProUser(t) }),
  'payments:listForInvoice': () => ({ invoiceId: 'inv_00001' }),
  'payments:charge': async (t) => ({ userId: await activeProUser(t), amountCents: 1000 }),
  'payments:capture': async (t) => ({ id: await firstId(t, 'payments:list', { status: 'authorized' }) }),
  'payments:cancel': async (t) => ({ id: await firstId(t, 'payments:list', { status: 'authorized' }) }),
  'payments:refund': async (t) => ({ paymentId: await firstId(t, 'payments:list', { status: 'succeeded' }), amountCents: 100 }),
  'payments:retry': async (t) => ({ id: await firstId(t, 'payments:list', { status: 'failed' }) }),
  'payments:getRefund': () => ({ id: 're_0001' }),
  'payments:getDispute': () => ({ id: 'dp_0001' }),
  'payments:respondToDispute': async (t) => ({ id: await firstId(t, 'payments:listDisputes', { status: 'needs_response' }), evidence: 'Signed order form and usage logs attached.' }),
  'analytics:getMetric': () => ({ metric: 'activeUsers', granularity: 'week' }),
  'analytics:anomalies': () => ({ metric: 'errors' }),
  'tickets:get': () => ({ id: 'tk_0001' }),
  'tickets:search': () => ({ query: 'password' }),
  'tickets:listForUser': async (t) => ({ userId: field(await call(t, 'tickets:get', { id: 'tk_0001' }), 'requesterId') }),
  'tickets:listComments': () => ({ ticketId: 'tk_0001' }),
  'tickets:create': () => ({ requesterId: 'u_0001', subject: 'Export broken', description: 'CSV export is empty.' }),
  'tickets:update': async (t) => ({ id: await openTicket(t), priority: 'high' }),
  'tickets:assign': async (t) => {
    const agents = asRecord(await call(t, 'tickets:listAgents')).agents as Record<string, unknown>[];
    return { id: await openTicket(t), assigneeId: field(agents[0], 'userId') };
  },
  'tickets:addComment': () => ({ id: 'tk_0001', authorId: 'u_0001', body: 'Any news?' }),
  'tickets:close': async (t) => ({ id: await openTicket(t), resolution: 'Fixed in release 4.2' }),
  'tickets:reopen': async (t) => ({ id: await firstId(t, 'tickets:list', { status: 'closed' }) }),
  'tickets:escalate': async (t) => ({ id: await openTicket(t), reason: 'Enterprise customer blocked' }),
  'tickets:merge': () => ({ sourceId: 'tk_0002', targetId: 'tk_0001' }),
  'tickets:delete': () => ({ id: 'tk_0003' }),
  'projects:get': () => ({ id: 'prj_001' }),
  'projects:getProgress': () => ({ id: 'prj_001' }),
  'projects:listMembers': () => ({ id: 'prj_001' }),
  'projects:listTasks': () => ({ projectId: 'prj_001' }),
  'projects:listTasksForUser': async (t) => {
    const task = asRecord(await call(t, 'projects:getTask', { taskId: 'task_0001' }));
    return { userId: typeof task.assigneeId === 'string' ? task.assigneeId : 'u_0001' };
  },
  'projects:getTask': () => ({ taskId: 'task_0001' }),
  'projects:create': () => ({ name: 'Self-serve Invoicing', ownerId: 'u_0001' }),
  'projects:update': () => ({ id: 'prj_001', status: 'on_hold', dueAt: null }),
  'projects:archive': () => ({ id: 'prj_001' }),
  'projects:delete': () => ({ id: 'prj_001' }),
  'projects:createTask': () => ({ projectId: 'prj_001', title: 'Write migration', estimateHours: 3 }),
  'projects:updateTask': () => ({ taskId: 'task_0001', status: 'in_review', estimateHours: null }),
  'projects:assignTask': () => ({ taskId: 'task_0001', assigneeId: null }),
  'projects:completeTask': () => ({ taskId: 'task_0001' }),
  'projects:deleteTask': () => ({ taskId: 'task_0001' }),
  'inventory:getItem': () => ({ id: 'SKU-10001' }),
  'inventory:createItem': () => ({ sku: 'SKU-20001', name: 'Cable Tester', category: 'electronics', unitPriceCents: 4999, unitCostCents: 2100, supplierId: 'sup_04' }),
  'inventory:updateItem': () => ({ id: 'itm_0001', unitPriceCents: 1999 }),
  'inventory:deleteItem': async (t) => ({ id: await newItem(t) }),
  'inventory:getWarehouse': () => ({ id: 'wh_ams' }),
  'inventory:getStock': () => ({ itemId: 'itm_0001' }),
  'inventory:adjustStock': async (t) => ({ ...(await stockedLevel(t)), delta: -2, reason: 'damage' }),
  'inventory:transferStock': async (t) => {
    const { itemId, warehouseId } = await stockedLevel(t);
    return { itemId, fromWarehouseId: warehouseId, toWarehouseId: warehouseId === 'wh_ams' ? 'wh_nyc' : 'wh_ams', quantity: 2 };
  },
  'inventory:reserveStock': async (t) => ({ ...(await stockedLevel(t)), quantity: 2 }),
  'inventory:releaseReservation': async (t) => {
    const level = await stockedLevel(t);
    await call(t, 'inventory:reserveStock', { ...level, quantity: 3 });
    return { ...level, quantity: 3 };
  },
  'inventory:getPurchaseOrder': () => ({ id: 'po_0001' }),
  'inventory:createPurchaseOrder': () => ({ supplierId: 'sup_01', warehouseId: 'wh_ams', lines: [{ itemId: 'itm_0001', quantity: 10 }] }),
  'inventory:receivePurchaseOrder': async (t) => ({
    id: field(await call(t, 'inventory:createPurchaseOrder', { supplierId: 'sup_01', warehouseId: 'wh_ams', lines: [{ itemId: 'itm_0002', quantity: 5 }] }), 'id'),
  }),
  'emails:send': () => ({ to: 'someone@example.com', subject: 'Hello', body: 'Just checking in.' }),
  'emails:sendTemplate': () => ({ templateId: 'welcome', userId: 'u_0001' }),
  'sms:send': () => ({ to: '+15551234567', body: 'Your code is 123456' }),
  'slack:postMessage': () => ({ channel: '#alerts', text: 'Deploy finished' }),
  'push:send': async (t) => {
    for (const user of await allUsers(t)) {
      const prefs = asRecord(await call(t, 'notifications:getPreferences', { userId: user.id }));
      if (prefs.push === true) return { userId: user.id, title: 'Hi', body: 'New feature!' };
    }
    throw new Error('nobody accepts push');
  },
  'notifications:getSent': () => ({ id: 'ntf_000001' }),
  'notifications:getPreferences': () => ({ userId: 'u_0001' }),
  'notifications:updatePreferences': () => ({ userId: 'u_0001', marketing: false, digest: 'daily' }),
  'notifications:broadcast': () => ({ subject: 'Hi {{firstName}}', body: 'Big news, {{firstName}}.', plan: 'enterprise' }),
  'webhooks:send': () => ({ url: 'https://hooks.example.com/in', event: 'test.ping', payload: { ok: true } }),
  'webhooks:dispatchEvent': () => ({ event: 'invoice.paid', payload: { invoiceId: 'inv_00001' } }),
  'webhooks:createEndpoint': () => ({ url: 'https://new.example.com/hook', events: ['user.created'], description: 'Test' }),
  'webhooks:deleteEndpoint': () => ({ id: 'we_001' }),
};

describe('demo catalog: shape', () => {
  const tools = createDemoTools({ seed: 42, now: clock });
  const ajv = makeAjv();

  it('has about 150 uniquely named tools', () => {
    expect(tools.length).toBeGreaterThanOrEqual(130);
    expect(tools.length).toBeLessThanOrEqual(180);
    const names = tools.map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[a-z][a-zA-Z]*:[a-z][a-zA-Z0-9]*$/);
  });

  it('covers every area with a sensible number of tools', () => {
    const count = (...prefixes: string[]) => tools.filter((t) => prefixes.includes(t.name.split(':')[0] ?? '')).length;
    for (const [areas, min] of [[['users', 'teams'], 12], [['billing'], 12], [['invoices'], 12], [['payments'], 12], [['analytics'], 12], [['tickets'], 12], [['projects'], 12], [['inventory'], 12], [['emails', 'sms', 'slack', 'push', 'webhooks', 'notifications'], 12]] as const) {
      expect(count(...areas)).toBeGreaterThanOrEqual(min);
      expect(count(...areas)).toBeLessThanOrEqual(22);
    }
    for (const sink of ['webhooks:send', 'emails:send', 'sms:send', 'slack:postMessage']) expect(tools.some((t) => t.name === sink)).toBe(true);
  });

  it('describes and annotates every tool', () => {
    for (const t of tools) {
      expect(t.description.length).toBeGreaterThan(30);
      expect(t.tags).toContain(t.name.split(':')[0]);
      expect(t.inputSchema.type).toBe('object');
      expect(t.inputSchema.additionalProperties).toBe(false);
      expect(t.outputSchema?.type).toBe('object');
      const props = (t.inputSchema.properties ?? {}) as Record<string, Record<string, unknown>>;
      for (const [key, prop] of Object.entries(props)) {
        expect([key, typeof prop.description]).toEqual([key, 'string']);
      }
      const verb = t.name.split(':')[1] ?? '';
      if (/^(list|get|search)/.test(verb)) expect([t.name, t.annotations?.readOnlyHint]).toEqual([t.name, true]);
      if (/^(delete|void|refund)/.test(verb)) expect([t.name, t.annotations?.destructiveHint]).toEqual([t.name, true]);
    }
    for (const sink of ['webhooks:send', 'emails:send', 'sms:send', 'slack:postMessage']) {
      expect(tools.find((t) => t.name === sink)?.annotations?.openWorldHint).toBe(true);
    }
    expect(tools.filter((t) => Object.keys((t.inputSchema.properties ?? {}) as object).length === 0).length).toBeGreaterThanOrEqual(3);
  });

  it('has schemas that compile with ajv in strict mode', () => {
    for (const t of tools) {
      expect(() => ajv.compile(t.inputSchema)).not.toThrow();
      expect(() => ajv.compile(t.outputSchema ?? {})).not.toThrow();
    }
  });
});

describe('demo catalog: every tool runs and matches its output schema', () => {
  const ajv = makeAjv();
  const validators = new Map<string, { input: ValidateFunction; output: ValidateFunction }>();
  const names = createDemoTools({ seed: 42, now: clock }).map((t) => t.name);

  it('has sample arguments only for tools that exist', () => {
    for (const name of Object.keys(SAMPLES)) expect(names).toContain(name);
  });

  // Read-only tools share one catalog; anything that may write gets a fresh one so samples stay valid.
  let shared: Catalog | undefined;

  it.each(names)('%s', async (name) => {
    shared = shared ?? catalog();
    const readOnly = shared.get(name)?.annotations?.readOnlyHint === true;
    const tools = readOnly ? shared : catalog();
    const tool = tools.get(name);
    if (!tool) throw new Error(`missing ${name}`);
    let v = validators.get(name);
    if (!v) {
      v = { input: ajv.compile(tool.inputSchema), output: ajv.compile(tool.outputSchema ?? {}) };
      validators.set(name, v);
    }
    const args = await (SAMPLES[name] ?? (() => ({})))(tools);
    if (!v.input(args)) throw new Error(`sample args invalid: ${ajv.errorsText(v.input.errors)}`);
    const result = await call(tools, name, args);
    assertPlainJson(result);
    if (!v.output(result)) throw new Error(`output invalid: ${ajv.errorsText(v.output.errors)}\n${JSON.stringify(result).slice(0, 500)}`);
  });
});

describe('demo catalog: data and behaviour', () => {
  it('is deterministic for a seed and differs across seeds', async () => {
    const a = await allUsers(catalog(7));
    const b = await allUsers(catalog(7));
    const c = await allUsers(catalog(8));
    expect(a).toHaveLength(1000);
    expect(a).toEqual(b);
    expect(JSON.stringify(a)).toEqual(JSON.stringify(b));
    expect(c).not.toEqual(a);
    expect(await call(catalog(7), 'invoices:list', { limit: 20 })).toEqual(await call(catalog(7), 'invoices:list', { limit: 20 }));
  });

  it('works with the default clock and seed', async () => {
    const tools = new Map(createDemoTools().map((t) => [t.name, t]));
    const page = asRecord(await call(tools, 'users:list', { limit: 3 }));
    expect(items(page)).toHaveLength(3);
    expect(page.total).toBe(1000);
  });

  it('has more than ten "me" users who logged in within the last 10 days', async () => {
    for (const seed of [42, 1, 2, 3]) {
      const users = await allUsers(catalog(seed));
      const matches = users.filter((u) => field(u, 'firstName').toLowerCase().startsWith('me') && Date.parse(field(u, 'lastLogin')) >= NOW - 10 * DAY);
      expect(matches.length).toBeGreaterThan(10);
      expect(matches.length).toBeLessThanOrEqual(45);
    }
  });

  it('generates the advertised volumes', async () => {
    const t = catalog();
    const total = async (name: string, args: Args = {}) => asRecord(await call(t, name, { ...args, limit: 1 })).total;
    expect(await total('invoices:list')).toEqual(expect.any(Number));
    expect(Number(await total('invoices:list'))).toBeGreaterThan(2500);
    expect(Number(await total('invoices:list'))).toBeLessThan(3600);
    expect(await total('tickets:list')).toBe(800);
    expect(Number(await total('projects:list'))).toBeGreaterThanOrEqual(30);
    expect(Number(await total('inventory:listItems'))).toBe(150);
    const dau = asRecord(await call(t, 'analytics:dailyActiveUsers', { days: 90 }));
    expect(dau.points).toHaveLength(90);
    expect(dau.to).toBe('2025-06-01');
    for (const status of ['draft', 'open', 'paid', 'void', 'overdue']) expect(Number(await total('invoices:list', { status }))).toBeGreaterThan(0);
  });

  it('keeps generated history in the past and in order', async () => {
    const t = catalog();
    const all = async (name: string): Promise<Record<string, unknown>[]> => {
      const out: Record<string, unknown>[] = [];
      for (let offset: number | null = 0; offset !== null;) {
        const page = asRecord(await call(t, name, { limit: 500, offset }));
        out.push(...items(page));
        offset = typeof page.nextOffset === 'number' ? page.nextOffset : null;
      }
      return out;
    };
    const past = (row: Record<string, unknown>, key: string) => {
      const v = row[key];
      if (typeof v === 'string') expect([row.id, key, Date.parse(v) <= NOW]).toEqual([row.id, key, true]);
    };
    const ordered = (row: Record<string, unknown>, early: string, late: string) => {
      const a = row[early];
      const b = row[late];
      if (typeof a === 'string' && typeof b === 'string') expect([row.id, early, late, Date.parse(a) <= Date.parse(b)]).toEqual([row.id, early, late, true]);
    };
    for (const u of await all('users:list')) {
      past(u, 'createdAt');
      past(u, 'lastLogin');
      ordered(u, 'createdAt', 'lastLogin');
    }
    for (const i of await all('invoices:list')) {
      past(i, 'issuedAt');
      past(i, 'paidAt');
      ordered(i, 'issuedAt', 'paidAt');
      ordered(i, 'issuedAt', 'dueAt');
    }
    for (const p of await all('payments:list')) past(p, 'createdAt');
    for (const tk of await all('tickets:list')) {
      for (const key of ['createdAt', 'updatedAt', 'firstResponseAt', 'resolvedAt']) past(tk, key);
      ordered(tk, 'createdAt', 'firstResponseAt');
      ordered(tk, 'createdAt', 'resolvedAt');
      ordered(tk, 'createdAt', 'updatedAt');
    }
    for (const d of items(await call(t, 'payments:listDisputes', { limit: 500 }))) past(d, 'createdAt');
    expect(Number(asRecord(await call(t, 'inventory:listLowStock', { limit: 1 })).total)).toBeGreaterThan(5);
  });

  it('paginates with limit, offset and nextOffset', async () => {
    const t = catalog();
    const first = asRecord(await call(t, 'users:list', { limit: 400 }));
    expect(items(first)).toHaveLength(400);
    expect(first.nextOffset).toBe(400);
    const last = asRecord(await call(t, 'users:list', { limit: 400, offset: 800 }));
    expect(items(last)).toHaveLength(200);
    expect(last.nextOffset).toBeNull();
    expect(items(await call(t, 'users:list'))).toHaveLength(50);
    expect(items(await call(t, 'users:list', { limit: 10_000 }))).toHaveLength(1000);
    // The canonical example a model is shown reads every user in one page.
    expect(items(await call(t, 'users:list', { limit: 1000 }))).toHaveLength(1000);
    const filtered = asRecord(await call(t, 'users:list', { plan: 'enterprise', status: 'active', limit: 500 }));
    expect(items(filtered).every((u) => u.plan === 'enterprise' && u.status === 'active')).toBe(true);
    expect(items(filtered)).toHaveLength(Number(filtered.total));
  });

  it('reports unknown ids as ToolFailure NOT_FOUND', async () => {
    const t = catalog();
    await expect(call(t, 'users:get', { id: 'u_9999' })).rejects.toThrow(ToolFailure);
    await expect(call(t, 'users:get', { id: 'u_9999' })).rejects.toMatchObject({ code: 'NOT_FOUND', message: "user 'u_9999' not found" });
    for (const [name, args] of [
      ['invoices:get', { id: 'inv_99999' }], ['invoices:listForUser', { userId: 'u_9999' }], ['tickets:get', { id: 'tk_9999' }],
      ['payments:get', { id: 'pay_99999' }], ['projects:getTask', { taskId: 'task_9999' }], ['inventory:getItem', { id: 'SKU-00000' }],
      ['billing:getSubscription', { userId: 'u_9999' }], ['slack:postMessage', { channel: 'nope', text: 'x' }],
    ] as const) {
      await expect(call(t, name, args)).rejects.toMatchObject({ name: 'ToolFailure', code: 'NOT_FOUND' });
    }
  });

  it('reports invalid state transitions as CONFLICT', async () => {
    const t = catalog();
    const paid = await firstId(t, 'invoices:list', { status: 'paid' });
    await expect(call(t, 'invoices:void', { id: paid })).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(call(t, 'invoices:delete', { id: paid })).rejects.toMatchObject({ code: 'CONFLICT' });
    const email = field(await call(t, 'users:get', { id: 'u_0002' }), 'email');
    await expect(call(t, 'users:create', { firstName: 'A', lastName: 'B', email, country: 'US' })).rejects.toMatchObject({ code: 'CONFLICT' });
    const stock = asRecord(await call(t, 'inventory:getStock', { itemId: 'itm_0001' }));
    const level = (stock.levels as Record<string, unknown>[])[0] ?? {};
    await expect(call(t, 'inventory:adjustStock', { itemId: 'itm_0001', warehouseId: level.warehouseId, delta: -100_000 })).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('mutates only its own instance on update and delete', async () => {
    const a = catalog();
    const b = catalog();
    const updated = asRecord(await call(a, 'users:update', { id: 'u_0001', firstName: 'Zed' }));
    expect(updated.firstName).toBe('Zed');
    expect(field(await call(a, 'users:get', { id: 'u_0001' }), 'firstName')).toBe('Zed');
    expect(field(await call(b, 'users:get', { id: 'u_0001' }), 'firstName')).not.toBe('Zed');

    const deleted = asRecord(await call(a, 'users:delete', { id: 'u_0003' }));
    expect(deleted.status).toBe('deleted');
    expect(field(await call(a, 'users:get', { id: 'u_0003' }), 'status')).toBe('deleted');
    expect(field(await call(b, 'users:get', { id: 'u_0003' }), 'status')).not.toBe('deleted');

    await call(a, 'tickets:delete', { id: 'tk_0005' });
    await expect(call(a, 'tickets:get', { id: 'tk_0005' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(call(b, 'tickets:get', { id: 'tk_0005' })).resolves.toMatchObject({ id: 'tk_0005' });
  });

  it('never hands out references into the store', async () => {
    const t = catalog();
    const user = asRecord(await call(t, 'users:get', { id: 'u_0001' }));
    user.firstName = 'Mutated';
    const page = items(await call(t, 'users:list', { limit: 1 }));
    (page[0] ?? {}).email = 'mutated@example.com';
    const again = asRecord(await call(t, 'users:get', { id: 'u_0001' }));
    expect(again.firstName).not.toBe('Mutated');
    expect(again.email).not.toBe('mutated@example.com');
  });

  it('creates entities with fresh ids that later reads return', async () => {
    const t = catalog();
    const user = asRecord(await call(t, 'users:create', { firstName: 'Mel', lastName: 'Newcomer', email: 'mel@example.com', country: 'de' }));
    expect(user.id).toBe('u_1001');
    expect(user.country).toBe('DE');
    expect(await call(t, 'users:get', { id: 'u_1001' })).toEqual(user);
    expect(asRecord(await call(t, 'billing:getSubscription', { userId: 'u_1001' })).plan).toBe('free');
    const ticket = asRecord(await call(t, 'tickets:create', { requesterId: 'u_1001', subject: 'Help', description: 'Please help' }));
    expect(items(await call(t, 'tickets:listForUser', { userId: 'u_1001' })).map((x) => x.id)).toEqual([ticket.id]);
  });

  it('keeps money consistent through invoice and refund workflows', async () => {
    const t = catalog();
    const userId = await activeProUser(t);
    const draft = asRecord(await call(t, 'invoices:create', { userId, lineItems: [{ description: 'A', quantity: 2, unitAmountCents: 1000 }] }));
    expect(draft).toMatchObject({ status: 'draft', amountCents: 2000 });
    expect(asRecord(await call(t, 'invoices:addLineItem', { id: draft.id, description: 'B', quantity: 1, unitAmountCents: 500 })).amountCents).toBe(2500);
    expect(asRecord(await call(t, 'invoices:finalize', { id: draft.id })).status).toBe('open');
    const charge = asRecord(await call(t, 'payments:charge', { userId, amountCents: 2500, invoiceId: draft.id }));
    expect(charge.status).toBe('succeeded');
    expect(asRecord(await call(t, 'invoices:get', { id: draft.id })).status).toBe('paid');
    const partial = asRecord(await call(t, 'payments:refund', { paymentId: charge.id, amountCents: 1000 }));
    expect(asRecord(partial.payment)).toMatchObject({ status: 'partially_refunded', amountRefundedCents: 1000 });
    const rest = asRecord(await call(t, 'payments:refund', { paymentId: charge.id }));
    expect(asRecord(rest.refund).amountCents).toBe(1500);
    expect(asRecord(rest.payment).status).toBe('refunded');
    await expect(call(t, 'payments:refund', { paymentId: charge.id })).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('moves stock and records movements', async () => {
    const t = catalog();
    const { itemId, warehouseId } = await stockedLevel(t);
    const before = asRecord(await call(t, 'inventory:getStock', { itemId }));
    const result = asRecord(await call(t, 'inventory:adjustStock', { itemId, warehouseId, delta: 7, reason: 'return', note: 'RMA-1' }));
    expect(asRecord(result.movement)).toMatchObject({ itemId, warehouseId, delta: 7, reason: 'return' });
    const after = asRecord(await call(t, 'inventory:getStock', { itemId }));
    expect(Number(after.onHand) - Number(before.onHand)).toBe(7);
    const latest = items(await call(t, 'inventory:listMovements', { itemId, limit: 1 }))[0];
    expect(latest?.id).toBe(asRecord(result.movement).id);
  });

  it('records what sink tools send, newest first, without touching other instances', async () => {
    const t = catalog();
    const other = catalog();
    const countOf = async (c: Catalog, channel: string) => Number(asRecord(await call(c, 'notifications:listSent', { channel, limit: 1 })).total);
    const before = await countOf(t, 'email');
    const sent = asRecord(await call(t, 'emails:send', { to: 'ops@example.com', subject: 'Weekly report', body: 'All good.' }));
    expect(sent).toMatchObject({ channel: 'email', to: 'ops@example.com', subject: 'Weekly report', status: 'sent', triggeredBy: 'emails:send' });
    const newest = items(await call(t, 'notifications:listSent', { channel: 'email', limit: 1 }))[0];
    expect(newest).toEqual(sent);
    expect(await countOf(t, 'email')).toBe(before + 1);
    expect(await countOf(other, 'email')).toBe(before);

    await call(t, 'webhooks:send', { url: 'https://hooks.example.com/x', event: 'report.ready', payload: { week: 22 } });
    await call(t, 'sms:send', { to: '+15550001111', body: 'Ping' });
    await call(t, 'slack:postMessage', { channel: 'C02ALERTS', text: 'Heads up' });
    const recent = items(await call(t, 'notifications:listSent', { since: new Date(NOW).toISOString(), limit: 10 }));
    expect(recent.map((n) => n.channel)).toEqual(['slack', 'sms', 'webhook', 'email']);
    expect(recent[0]?.to).toBe('#alerts');
    expect(recent[2]?.payload).toEqual({ week: 22 });

    const reminder = asRecord(await call(t, 'invoices:sendReminder', { id: await openInvoice(t) }));
    expect(asRecord(await call(t, 'notifications:getSent', { id: reminder.notificationId })).triggeredBy).toBe('invoices:sendReminder');
  });

  it('computes analytics from the live store', async () => {
    const t = catalog();
    const before = asRecord(await call(t, 'analytics:signups', { days: 1 }));
    await call(t, 'users:create', { firstName: 'New', lastName: 'User', email: 'new.user@example.com', country: 'US' });
    const after = asRecord(await call(t, 'analytics:signups', { days: 1 }));
    expect(Number(after.total)).toBe(Number(before.total) + 1);
    const anomalies = asRecord(await call(t, 'analytics:anomalies', { metric: 'errors' }));
    expect((anomalies.anomalies as unknown[]).length).toBeGreaterThan(0);
    const mrr = asRecord(await call(t, 'billing:mrr'));
    expect(Number(mrr.mrrCents)).toBeGreaterThan(0);
  });
});
