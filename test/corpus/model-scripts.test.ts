/**
 * Scripts written the way models (Claude, GPT) actually write them for execute_script, in three groups:
 *
 *   A. TypeScript-flavoured scripts: annotations, interfaces, generics, `as`, `satisfies`, `!`, abstract
 *      classes, overloads... Type-only syntax must be stripped and the script must run as written.
 *   B. Modern JavaScript and the sandbox's standard library: class fields, #private, static blocks,
 *      generators, BigInt, regex flags d and v, structuredClone, Intl, URL, atob/btoa, Object.groupBy,
 *      Array.fromAsync, Promise.withResolvers, dictionaries keyed by any word, and the console extras.
 *   C. Buggy scripts: each must fail with the stated status and code, and the error must name the fix
 *      (every string of `mentions` appears in the error) and, when given, the 1-based line in the script
 *      as sent. The `js` helper keeps the newline after the opening backtick, so a script's first line
 *      is empty and its first statement is line 2.
 *
 * Every script of A and B must run with status 'ok', raise no warning and return exactly the expected
 * value: a literal for pure computations (checked by running the same JavaScript in Node), or one derived
 * at test time from direct tool calls.
 */
import type { ExecuteRequest } from '../../src/gateway';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { invokeAll, invokeOk, js, type Invoice, type Page, type Payment, type Ticket, type User } from './script-helpers';

let g: TestGateway;
beforeAll(async () => {
  g = await startTestGateway();
});
afterAll(() => g.close());

interface LogLine {
  level: string;
  message: string;
}

/** The expected result is computed at test time from direct tool calls. */
class Derived {
  constructor(readonly compute: () => Promise<unknown>) {}
}
/** The expected result together with the exact captured console output. */
class Logged {
  constructor(readonly result: unknown, readonly logs: LogLine[]) {}
}
/** The expected result (literal or derived) and how many console entries were captured; their text is not fixed. */
class Counted {
  constructor(readonly result: unknown, readonly logCount: number) {}
}
const derived = (compute: () => Promise<unknown>): Derived => new Derived(compute);
const logged = (result: unknown, logs: LogLine[]): Logged => new Logged(result, logs);
const counted = (result: unknown, logCount: number): Counted => new Counted(result, logCount);

type Row = [label: string, script: string, expected: unknown, options?: Omit<ExecuteRequest, 'script'>];

// Shapes of the demo tools the derivations below read (the entity types come from script-helpers).
interface Team {
  id: string;
  name: string;
  createdAt: string;
  memberCount: number;
  activeMemberCount: number;
}
interface Agent {
  userId: string;
  name: string;
  email: string;
  openTickets: number;
  resolvedLast30Days: number;
}
interface PlanDef {
  id: 'free' | 'pro' | 'enterprise';
  name: string;
  monthlyPriceCents: number;
  yearlyPriceCents: number;
  seatsIncluded: number;
  features: string[];
}
interface Warehouse {
  id: string;
  name: string;
  city: string;
  country: string;
  capacityUnits: number;
  unitsOnHand: number;
  utilizationPct: number;
}
interface Task {
  id: string;
  title: string;
  status: string;
  estimateHours: number | null;
  assigneeId: string | null;
}
interface Project {
  id: string;
  name: string;
  status: string;
  dueAt: string | null;
}
interface Item {
  id: string;
  sku: string;
  name: string;
  category: string;
  unitPriceCents: number;
  unitCostCents: number;
  active: boolean;
}
interface Endpoint {
  id: string;
  url: string;
  events: string[];
  active: boolean;
}

const user = (id: string): Promise<User> => invokeOk<User>(g, 'users:get', { id });
const invoice = (id: string): Promise<Invoice> => invokeOk<Invoice>(g, 'invoices:get', { id });
const plans = async (): Promise<PlanDef[]> => (await invokeOk<{ plans: PlanDef[] }>(g, 'billing:listPlans')).plans;
const byKey = <T>(a: [string, T], b: [string, T]): number => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
const countBy = <T>(items: readonly T[], key: (item: T) => string): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return out;
};

// ---------------------------------------------------------------------------------------------------
// A. TypeScript-flavoured scripts
// ---------------------------------------------------------------------------------------------------

const typescriptRows: Row[] = [
  [
    'interfaces and a typed page of enterprise users',
    js`
      interface User {
        id: string;
        firstName: string;
        lastName: string;
        email: string;
        plan: 'free' | 'pro' | 'enterprise';
      }
      interface Page<T> {
        items: T[];
        total: number;
        nextOffset: number | null;
      }

      const page = (await callTool('users:list', { plan: 'enterprise', limit: 20 })) as Page<User>;
      const rows: string[] = page.items.map((u: User): string => \`$\{u.lastName}, $\{u.firstName} <$\{u.email}>\`);
      return { total: page.total, rows };
    `,
    derived(async () => {
      const page = await invokeOk<Page<User>>(g, 'users:list', { plan: 'enterprise', limit: 20 });
      return { total: page.total, rows: page.items.map((u) => `${u.lastName}, ${u.firstName} <${u.email}>`) };
    }),
  ],
  [
    'a union type alias and a typed switch weighting open tickets per assignee',
    js`
      type Priority = 'low' | 'normal' | 'high' | 'urgent';
      type Ticket = { id: string; priority: Priority; status: string; assigneeId: string | null };

      function weight(p: Priority): number {
        switch (p) {
          case 'urgent': return 8;
          case 'high': return 4;
          case 'normal': return 2;
          case 'low': return 1;
        }
      }

      const { items } = (await callTool('tickets:list', { status: 'open', limit: 200 })) as { items: Ticket[] };
      const load: Record<string, number> = {};
      for (const t of items) {
        const who: string = t.assigneeId ?? 'unassigned';
        load[who] = (load[who] ?? 0) + weight(t.priority);
      }
      return Object.entries(load)
        .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
        .slice(0, 3);
    `,
    derived(async () => {
      const weights: Record<string, number> = { urgent: 8, high: 4, normal: 2, low: 1 };
      const { items } = await invokeOk<Page<Ticket>>(g, 'tickets:list', { status: 'open', limit: 200 });
      const load: Record<string, number> = {};
      for (const t of items) {
        const who = t.assigneeId ?? 'unassigned';
        load[who] = (load[who] ?? 0) + (weights[t.priority] ?? 0);
      }
      return Object.entries(load).sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1)).slice(0, 3);
    }),
  ],
  [
    'a generic groupBy returning Partial<Record<K, T[]>> with explicit type arguments',
    js`
      interface Invoice {
        id: string;
        currency: 'USD' | 'EUR' | 'GBP';
        amountCents: number;
        status: string;
      }

      function groupBy<T, K extends string>(items: readonly T[], keyOf: (item: T) => K): Partial<Record<K, T[]>> {
        const out: Partial<Record<K, T[]>> = {};
        for (const item of items) {
          const key = keyOf(item);
          (out[key] ??= []).push(item);
        }
        return out;
      }

      const { items } = (await callTool('invoices:list', { status: 'paid', limit: 200 })) as { items: Invoice[] };
      const byCurrency = groupBy<Invoice, Invoice['currency']>(items, (i) => i.currency);
      return Object.fromEntries(
        Object.entries(byCurrency).map(([currency, list]) => [
          currency,
          { count: list!.length, totalCents: list!.reduce((sum, i) => sum + i.amountCents, 0) },
        ]),
      );
    `,
    derived(async () => {
      const { items } = await invokeOk<Page<Invoice>>(g, 'invoices:list', { status: 'paid', limit: 200 });
      const out: Record<string, { count: number; totalCents: number }> = {};
      for (const i of items) {
        const entry = (out[i.currency] ??= { count: 0, totalCents: 0 });
        entry.count += 1;
        entry.totalCents += i.amountCents;
      }
      return out;
    }),
  ],
  [
    'as const satisfies Record<PlanId, number> checked against billing:listPlans',
    js`
      type PlanId = 'free' | 'pro' | 'enterprise';
      interface PlanDef {
        id: PlanId;
        name: string;
        seatsIncluded: number;
        monthlyPriceCents: number;
      }

      const EXPECTED_SEATS = { free: 1, pro: 10, enterprise: 25 } as const satisfies Record<PlanId, number>;
      const { plans } = (await callTool('billing:listPlans', {})) as { plans: PlanDef[] };

      const mismatches = plans
        .filter((p) => p.seatsIncluded !== EXPECTED_SEATS[p.id])
        .map((p) => ({ plan: p.id, expected: EXPECTED_SEATS[p.id], actual: p.seatsIncluded }));
      return { checked: plans.length, mismatches };
    `,
    derived(async () => {
      const expected: Record<string, number> = { free: 1, pro: 10, enterprise: 25 };
      const all = await plans();
      return {
        checked: all.length,
        mismatches: all.filter((p) => p.seatsIncluded !== expected[p.id]).map((p) => ({ plan: p.id, expected: expected[p.id], actual: p.seatsIncluded })),
      };
    }),
  ],
  [
    'non-null assertions on a Map lookup and array indexing',
    js`
      interface Team {
        id: string;
        name: string;
        memberCount: number;
        activeMemberCount: number;
      }

      const { items: teams } = (await callTool('teams:list', { limit: 100 })) as { items: Team[] };
      const byId = new Map<string, Team>(teams.map((t) => [t.id, t]));
      const share = (t: Team): number => t.activeMemberCount / t.memberCount;
      const ranked = [...teams].sort((a, b) => share(b) - share(a));
      const best = byId.get(ranked[0]!.id)!;
      const worst = ranked.at(-1)!;
      const pct = (t: Team): string => \`$\{(share(t) * 100).toFixed(1)}%\`;
      return { best: \`$\{best.name} $\{pct(best)}\`, worst: \`$\{worst.name} $\{pct(worst)}\` };
    `,
    derived(async () => {
      const { items } = await invokeOk<Page<Team>>(g, 'teams:list', { limit: 100 });
      const share = (t: Team): number => t.activeMemberCount / t.memberCount;
      const ranked = [...items].sort((a, b) => share(b) - share(a));
      const pct = (t: Team): string => `${(share(t) * 100).toFixed(1)}%`;
      const best = ranked[0];
      const worst = ranked[ranked.length - 1];
      if (!best || !worst) throw new Error('no teams');
      return { best: `${best.name} ${pct(best)}`, worst: `${worst.name} ${pct(worst)}` };
    }),
  ],
  [
    'optional parameters and a typed tuple from Promise.all',
    js`
      interface Invoice {
        id: string;
        number: string;
        currency: string;
        amountCents: number;
      }

      function money(cents: number, currency?: string, showCode?: boolean): string {
        const text = (cents / 100).toFixed(2);
        return showCode ? \`$\{text} $\{currency ?? 'USD'}\` : text;
      }

      function line(inv: Invoice, prefix?: string): string {
        return \`$\{prefix ?? '-'} $\{inv.number}: $\{money(inv.amountCents, inv.currency, true)}\`;
      }

      const [a, b] = (await Promise.all([
        callTool('invoices:get', { id: 'inv_00001' }),
        callTool('invoices:get', { id: 'inv_00002' }),
      ])) as [Invoice, Invoice];
      return [line(a), line(b, '*'), money(a.amountCents + b.amountCents)];
    `,
    derived(async () => {
      const [a, b] = await Promise.all([invoice('inv_00001'), invoice('inv_00002')]);
      return [
        `- ${a.number}: ${(a.amountCents / 100).toFixed(2)} ${a.currency}`,
        `* ${b.number}: ${(b.amountCents / 100).toFixed(2)} ${b.currency}`,
        ((a.amountCents + b.amountCents) / 100).toFixed(2),
      ];
    }),
  ],
  [
    'declare const context with a typed shape',
    js`
      declare const context: { customerId: string; currency?: 'USD' | 'EUR' | 'GBP' };

      interface Balance {
        currency: string;
        outstandingCents: number;
        creditCents: number;
        netDueCents: number;
        overdueInvoices: number;
      }

      const balance = (await callTool('billing:getBalance', { userId: context.customerId })) as Balance;
      const due: number = balance.netDueCents / 100;
      return {
        customer: context.customerId,
        due: \`$\{due.toFixed(2)} $\{balance.currency}\`,
        overdue: balance.overdueInvoices > 0,
        currency: context.currency ?? balance.currency,
      };
    `,
    derived(async () => {
      const b = await invokeOk<{ currency: string; netDueCents: number; overdueInvoices: number }>(g, 'billing:getBalance', { userId: 'u_0042' });
      return { customer: 'u_0042', due: `${(b.netDueCents / 100).toFixed(2)} ${b.currency}`, overdue: b.overdueInvoices > 0, currency: b.currency };
    }),
    { context: { customerId: 'u_0042' } },
  ],
  [
    'import type from a module that does not exist (erased)',
    js`
      import type { User, Invoice } from './types';

      const userId = 'u_0042';
      const [user, invoices] = await Promise.all([
        callTool('users:get', { id: userId }) as Promise<User>,
        callTool('invoices:listForUser', { userId, status: 'paid', limit: 100 }) as Promise<{ items: Invoice[]; total: number }>,
      ]);
      const paidCents: number = invoices.items.reduce((sum: number, inv: Invoice) => sum + inv.amountCents, 0);
      return { name: \`$\{user.firstName} $\{user.lastName}\`, paidInvoices: invoices.total, paidCents };
    `,
    derived(async () => {
      const u = await user('u_0042');
      const page = await invokeOk<Page<Invoice>>(g, 'invoices:listForUser', { userId: 'u_0042', status: 'paid', limit: 100 });
      return { name: `${u.firstName} ${u.lastName}`, paidInvoices: page.total, paidCents: page.items.reduce((s, i) => s + i.amountCents, 0) };
    }),
  ],
  [
    'catch (e: unknown) narrowed with instanceof ToolError',
    js`
      interface User {
        id: string;
        email: string;
        status: string;
      }

      async function tryGetUser(id: string): Promise<User | null> {
        try {
          return (await callTool('users:get', { id })) as User;
        } catch (e: unknown) {
          if (e instanceof ToolError && e.code === 'NOT_FOUND') return null;
          throw e;
        }
      }

      const ids: string[] = ['u_0007', 'u_0000', 'u_0008', 'x_1'];
      const found = await Promise.all(ids.map(tryGetUser));
      return ids.map((id, i) => ({ id, email: found[i]?.email ?? null }));
    `,
    derived(async () => [
      { id: 'u_0007', email: (await user('u_0007')).email },
      { id: 'u_0000', email: null },
      { id: 'u_0008', email: (await user('u_0008')).email },
      { id: 'x_1', email: null },
    ]),
  ],
  [
    'an abstract generic class with abstract members, implements and protected methods',
    js`
      interface Warehouse {
        id: string;
        name: string;
        city: string;
        utilizationPct: number;
      }
      interface Formatter {
        format(value: number): string;
      }

      abstract class Report<T> implements Formatter {
        abstract readonly title: string;
        abstract format(value: number): string;
        protected abstract valueFor(row: T): number;
        protected abstract labelFor(row: T): string;

        render(rows: T[]): string[] {
          return [this.title, ...rows.map((r) => \`$\{this.labelFor(r)}: $\{this.format(this.valueFor(r))}\`)];
        }
      }

      class UtilisationReport extends Report<Warehouse> {
        readonly title = 'Warehouse utilisation';
        format(value: number): string {
          return \`$\{value.toFixed(1)}%\`;
        }
        protected valueFor(w: Warehouse): number {
          return w.utilizationPct;
        }
        protected labelFor(w: Warehouse): string {
          return \`$\{w.name} ($\{w.city})\`;
        }
      }

      const { items } = (await callTool('inventory:listWarehouses', {})) as { items: Warehouse[] };
      return new UtilisationReport().render(items);
    `,
    derived(async () => {
      const { items } = await invokeOk<{ items: Warehouse[] }>(g, 'inventory:listWarehouses');
      return ['Warehouse utilisation', ...items.map((w) => `${w.name} (${w.city}): ${w.utilizationPct.toFixed(1)}%`)];
    }),
  ],
  [
    'access modifiers: private readonly field, public static readonly, public constructor, protected method',
    js`
      interface PlanDef {
        id: string;
        name: string;
        monthlyPriceCents: number;
        yearlyPriceCents: number;
      }

      class RateCard {
        private readonly plans: Map<string, PlanDef>;
        public static readonly MONTHS: number = 12;

        public constructor(plans: PlanDef[]) {
          this.plans = new Map(plans.map((p): [string, PlanDef] => [p.id, p]));
        }

        public yearlySavingCents(planId: string): number {
          const p = this.plans.get(planId);
          if (!p) throw new Error(\`unknown plan $\{planId}\`);
          return p.monthlyPriceCents * RateCard.MONTHS - p.yearlyPriceCents;
        }

        protected names(): string[] {
          return [...this.plans.values()].map((p) => p.name);
        }

        public summary(): string {
          return this.names().join(' / ');
        }
      }

      const { plans } = (await callTool('billing:listPlans', {})) as { plans: PlanDef[] };
      const card = new RateCard(plans);
      return { summary: card.summary(), pro: card.yearlySavingCents('pro'), enterprise: card.yearlySavingCents('enterprise') };
    `,
    derived(async () => {
      const all = await plans();
      const saving = (id: string): number => {
        const p = all.find((x) => x.id === id);
        if (!p) throw new Error(`no plan ${id}`);
        return p.monthlyPriceCents * 12 - p.yearlyPriceCents;
      };
      return { summary: all.map((p) => p.name).join(' / '), pro: saving('pro'), enterprise: saving('enterprise') };
    }),
  ],
  [
    'definite assignment with let x!: T',
    js`
      interface Agent {
        userId: string;
        name: string;
        openTickets: number;
      }

      const { agents } = (await callTool('tickets:listAgents', {})) as { agents: Agent[] };
      let busiest!: Agent;
      let lightest!: Agent;
      for (const a of agents) {
        if (busiest === undefined || a.openTickets > busiest.openTickets) busiest = a;
        if (lightest === undefined || a.openTickets < lightest.openTickets) lightest = a;
      }
      return { agents: agents.length, busiest: busiest.name, lightest: lightest.name, spread: busiest.openTickets - lightest.openTickets };
    `,
    derived(async () => {
      const { agents } = await invokeOk<{ agents: Agent[] }>(g, 'tickets:listAgents');
      let busiest: Agent | undefined;
      let lightest: Agent | undefined;
      for (const a of agents) {
        if (busiest === undefined || a.openTickets > busiest.openTickets) busiest = a;
        if (lightest === undefined || a.openTickets < lightest.openTickets) lightest = a;
      }
      if (!busiest || !lightest) throw new Error('no agents');
      return { agents: agents.length, busiest: busiest.name, lightest: lightest.name, spread: busiest.openTickets - lightest.openTickets };
    }),
  ],
  [
    'function overload signatures',
    js`
      function toCents(amount: number): number;
      function toCents(amount: string): number;
      function toCents(amount: number | string): number {
        if (typeof amount === 'number') return Math.round(amount * 100);
        const cleaned = amount.replace(/[^0-9.-]/g, '');
        return Math.round(Number.parseFloat(cleaned) * 100);
      }

      const inputs: Array<number | string> = [19.99, '$1,234.50', '€ 7', 0.1 + 0.2, '-3.335'];
      const cents: number[] = inputs.map((v) => (typeof v === 'number' ? toCents(v) : toCents(v)));
      return { cents, total: cents.reduce((a, b) => a + b, 0) };
    `,
    { cents: [1999, 123450, 700, 30, -333], total: 125846 },
  ],
  [
    'a this parameter used with call and apply',
    js`
      interface Invoice {
        id: string;
        number: string;
        status: string;
        amountCents: number;
        currency: string;
        lineItems: { description: string }[];
      }

      function describeInvoice(this: Invoice, verbose: boolean): string {
        const head = \`$\{this.number} [$\{this.status}] $\{(this.amountCents / 100).toFixed(2)} $\{this.currency}\`;
        return verbose ? \`$\{head} — $\{this.lineItems.map((l) => l.description).join('; ')}\` : head;
      }

      const inv = (await callTool('invoices:get', { id: 'inv_00010' })) as Invoice;
      return [describeInvoice.call(inv, false), describeInvoice.apply(inv, [true])];
    `,
    derived(async () => {
      const inv = await invoice('inv_00010');
      const head = `${inv.number} [${inv.status}] ${(inv.amountCents / 100).toFixed(2)} ${inv.currency}`;
      return [head, `${head} — ${inv.lineItems.map((l) => l.description).join('; ')}`];
    }),
  ],
  [
    'typed destructuring of a result, of an array and of parameters',
    js`
      type Ticket = { id: string; subject: string; priority: string; createdAt: string; tags: string[] };

      const { items, total }: { items: Ticket[]; total: number } = (await callTool('tickets:list', {
        priority: 'urgent',
        sortBy: 'createdAt',
        order: 'asc',
        limit: 5,
      })) as { items: Ticket[]; total: number };
      const [oldest, ...rest]: Ticket[] = items;
      const summarize = ({ id, subject, tags: [firstTag = 'untagged'] }: Ticket): string => \`$\{id} $\{subject} #$\{firstTag}\`;
      return { total, oldest: oldest ? summarize(oldest) : null, others: rest.map(summarize) };
    `,
    derived(async () => {
      const { items, total } = await invokeOk<Page<Ticket>>(g, 'tickets:list', { priority: 'urgent', sortBy: 'createdAt', order: 'asc', limit: 5 });
      const summarize = (t: Ticket): string => `${t.id} ${t.subject} #${t.tags[0] ?? 'untagged'}`;
      const [oldest, ...rest] = items;
      return { total, oldest: oldest ? summarize(oldest) : null, others: rest.map(summarize) };
    }),
  ],
  [
    'Record<string, T> built with ??= and a type alias',
    js`
      interface Ticket {
        category: string;
        status: 'open' | 'pending' | 'on_hold' | 'solved' | 'closed';
      }
      type Tally = { open: number; done: number };

      const { items } = (await callTool('tickets:list', { limit: 200 })) as { items: Ticket[] };
      const byCategory: Record<string, Tally> = {};
      for (const t of items) {
        const entry: Tally = (byCategory[t.category] ??= { open: 0, done: 0 });
        if (t.status === 'solved' || t.status === 'closed') entry.done++;
        else entry.open++;
      }
      return Object.keys(byCategory)
        .sort()
        .map((c) => \`$\{c}: $\{byCategory[c]!.open} open, $\{byCategory[c]!.done} done\`);
    `,
    derived(async () => {
      const { items } = await invokeOk<Page<Ticket>>(g, 'tickets:list', { limit: 200 });
      const by: Record<string, { open: number; done: number }> = {};
      for (const t of items) {
        const e = (by[t.category] ??= { open: 0, done: 0 });
        if (t.status === 'solved' || t.status === 'closed') e.done++;
        else e.open++;
      }
      return Object.entries(by).sort(byKey).map(([c, e]) => `${c}: ${e.open} open, ${e.done} done`);
    }),
  ],
  [
    'a discriminated union over throwOnError: false outcomes',
    js`
      interface User {
        id: string;
        firstName: string;
        plan: string;
      }
      type Outcome<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string } };

      const ids = ['u_0011', 'u_5000', 'u_0012'] as const;
      const outcomes = (await Promise.all(ids.map((id) => callTool('users:get', { id }, { throwOnError: false })))) as Outcome<User>[];
      return outcomes.map((o, i): string => {
        if (o.ok) return \`$\{ids[i]}: $\{o.data.firstName} ($\{o.data.plan})\`;
        return \`$\{ids[i]}: $\{o.error.code}\`;
      });
    `,
    derived(async () => {
      const [a, b] = await Promise.all([user('u_0011'), user('u_0012')]);
      return [`u_0011: ${a.firstName} (${a.plan})`, 'u_5000: NOT_FOUND', `u_0012: ${b.firstName} (${b.plan})`];
    }),
  ],
  [
    'optional chaining over optional interface members',
    js`
      interface StockLevel {
        warehouseId: string;
        onHand: number;
        reserved: number;
        available: number;
      }
      interface Stock {
        itemId: string;
        sku: string;
        available: number;
        belowReorderPoint: boolean;
        levels?: StockLevel[];
      }

      const stock = (await callTool('inventory:getStock', { itemId: 'itm_0001' })) as Stock;
      const at = (wh: string): number => stock.levels?.find((l) => l.warehouseId === wh)?.available ?? 0;
      return {
        sku: stock.sku,
        amsterdam: at('wh_ams'),
        singapore: at('wh_sin'),
        nowhere: at('wh_xxx'),
        reorder: stock.belowReorderPoint,
      };
    `,
    derived(async () => {
      const s = await invokeOk<{ sku: string; belowReorderPoint: boolean; levels: { warehouseId: string; available: number }[] }>(g, 'inventory:getStock', { itemId: 'itm_0001' });
      const at = (wh: string): number => s.levels.find((l) => l.warehouseId === wh)?.available ?? 0;
      return { sku: s.sku, amsterdam: at('wh_ams'), singapore: at('wh_sin'), nowhere: 0, reorder: s.belowReorderPoint };
    }),
  ],
  [
    'typed class fields with initialisers, an optional field and a this return type',
    js`
      interface Invoice {
        id: string;
        currency: string;
        amountCents: number;
        status: string;
      }

      class Tally {
        count: number = 0;
        cents: number = 0;
        readonly currencies: Set<string> = new Set<string>();
        largest?: Invoice;

        add(inv: Invoice): this {
          this.count += 1;
          this.cents += inv.amountCents;
          this.currencies.add(inv.currency);
          if (!this.largest || inv.amountCents > this.largest.amountCents) this.largest = inv;
          return this;
        }
      }

      const { items } = (await callTool('invoices:list', { status: 'overdue', limit: 100 })) as { items: Invoice[] };
      const tally = items.reduce((t, inv) => t.add(inv), new Tally());
      return { count: tally.count, cents: tally.cents, currencies: [...tally.currencies].sort(), largest: tally.largest?.id ?? null };
    `,
    derived(async () => {
      const { items } = await invokeOk<Page<Invoice>>(g, 'invoices:list', { status: 'overdue', limit: 100 });
      let largest: Invoice | undefined;
      for (const i of items) if (!largest || i.amountCents > largest.amountCents) largest = i;
      return {
        count: items.length,
        cents: items.reduce((s, i) => s + i.amountCents, 0),
        currencies: [...new Set(items.map((i) => i.currency))].sort(),
        largest: largest?.id ?? null,
      };
    }),
  ],
  [
    'arrow functions with parameter and return types spread over several lines',
    js`
      interface Task {
        id: string;
        title: string;
        status: 'todo' | 'in_progress' | 'in_review' | 'done';
        estimateHours: number | null;
        assigneeId: string | null;
      }
      interface Row {
        title: string;
        hours: number;
        owner: string;
      }

      const toRow = (
        t: Task,
        fallbackOwner: string,
      ): Row => ({
        title: t.title,
        hours: t.estimateHours ?? 0,
        owner: t.assigneeId ?? fallbackOwner,
      });

      const { items } = (await callTool('projects:listTasks', { projectId: 'prj_001', limit: 100 })) as { items: Task[] };
      const open: Row[] = items
        .filter((t): boolean => t.status !== 'done')
        .map((t) => toRow(t, 'nobody'));
      const remaining = open.reduce(
        (sum: number, r: Row): number => sum + r.hours,
        0,
      );
      return { open: open.length, remaining, unowned: open.filter((r) => r.owner === 'nobody').length };
    `,
    derived(async () => {
      const { items } = await invokeOk<Page<Task>>(g, 'projects:listTasks', { projectId: 'prj_001', limit: 100 });
      const open = items.filter((t) => t.status !== 'done');
      return { open: open.length, remaining: open.reduce((s, t) => s + (t.estimateHours ?? 0), 0), unowned: open.filter((t) => t.assigneeId === null).length };
    }),
  ],
  [
    'a generic async fetchAll<T> taking a typed page fetcher',
    js`
      interface Page<T> {
        items: T[];
        total: number;
        nextOffset: number | null;
      }
      interface Payment {
        id: string;
        status: string;
        amountCents: number;
        failureReason: string | null;
      }

      async function fetchAll<T>(fetchPage: (offset: number) => Promise<Page<T>>): Promise<T[]> {
        const all: T[] = [];
        let offset: number | null = 0;
        while (offset !== null) {
          const page: Page<T> = await fetchPage(offset);
          all.push(...page.items);
          offset = page.nextOffset;
        }
        return all;
      }

      const failed = await fetchAll<Payment>(
        (offset) => callTool('payments:list', { status: 'failed', limit: 100, offset }) as Promise<Page<Payment>>,
      );
      const reasons = new Map<string, number>();
      for (const p of failed) reasons.set(p.failureReason ?? 'unknown', (reasons.get(p.failureReason ?? 'unknown') ?? 0) + 1);
      return { failed: failed.length, reasons: Object.fromEntries([...reasons].sort(([a], [b]) => (a < b ? -1 : 1))) };
    `,
    derived(async () => {
      const all = await invokeAll<Payment>(g, 'payments:list', { status: 'failed' });
      return { failed: all.length, reasons: Object.fromEntries(Object.entries(countBy(all, (p) => p.failureReason ?? 'unknown')).sort(byKey)) };
    }),
  ],
  [
    'as const lookup table with keyof typeof',
    js`
      const PRIORITY = { urgent: 0, high: 1, normal: 2, low: 3 } as const;
      type PriorityName = keyof typeof PRIORITY;
      interface Ticket {
        id: string;
        subject: string;
        priority: PriorityName;
        createdAt: string;
      }

      const { items, total } = (await callTool('tickets:listUnassigned', { limit: 100 })) as { items: Ticket[]; total: number };
      const queue = [...items].sort((a, b) => PRIORITY[a.priority] - PRIORITY[b.priority] || (a.createdAt < b.createdAt ? -1 : 1));
      const counts = Object.fromEntries(
        (Object.keys(PRIORITY) as PriorityName[]).map((p) => [p, items.filter((t) => t.priority === p).length]),
      );
      return { total, counts, next: queue.slice(0, 3).map((t) => t.id) };
    `,
    derived(async () => {
      const rank: Record<string, number> = { urgent: 0, high: 1, normal: 2, low: 3 };
      const { items, total } = await invokeOk<Page<Ticket>>(g, 'tickets:listUnassigned', { limit: 100 });
      const queue = [...items].sort((a, b) => (rank[a.priority] ?? 0) - (rank[b.priority] ?? 0) || (a.createdAt < b.createdAt ? -1 : 1));
      const counts = Object.fromEntries(['urgent', 'high', 'normal', 'low'].map((p) => [p, items.filter((t) => t.priority === p).length]));
      return { total, counts, next: queue.slice(0, 3).map((t) => t.id) };
    }),
  ],
  [
    'user-defined type guards, including a generic arrow <T,>',
    js`
      interface Payment {
        id: string;
        userId: string;
        invoiceId: string | null;
        status: string;
        amountCents: number;
        failureReason: string | null;
        method: 'card' | 'bank_transfer' | 'paypal';
      }
      type FailedPayment = Payment & { failureReason: string };

      const isFailed = (p: Payment): p is FailedPayment => p.status === 'failed' && p.failureReason !== null;
      const notNull = <T,>(v: T | null | undefined): v is T => v != null;

      const { items } = (await callTool('payments:list', { method: 'card', limit: 200 })) as { items: Payment[] };
      const failed: FailedPayment[] = items.filter(isFailed);
      const reasons = [...new Set(failed.map((p) => p.failureReason))].sort();
      const invoiceIds: string[] = items.map((p) => p.invoiceId).filter(notNull);
      return { checked: items.length, failed: failed.length, reasons, withInvoice: invoiceIds.length };
    `,
    derived(async () => {
      const { items } = await invokeOk<Page<Payment>>(g, 'payments:list', { method: 'card', limit: 200 });
      const failed = items.filter((p) => p.status === 'failed' && p.failureReason !== null);
      return {
        checked: items.length,
        failed: failed.length,
        reasons: [...new Set(failed.map((p) => p.failureReason))].sort(),
        withInvoice: items.filter((p) => p.invoiceId != null).length,
      };
    }),
  ],
  [
    'generic helpers constrained with K extends keyof T',
    js`
      interface Invoice {
        id: string;
        number: string;
        status: string;
        amountCents: number;
        currency: string;
        issuedAt: string;
      }

      function pluck<T, K extends keyof T>(rows: readonly T[], key: K): T[K][] {
        return rows.map((row) => row[key]);
      }
      function sumBy<T>(rows: readonly T[], value: (row: T) => number): number {
        return rows.reduce((total, row) => total + value(row), 0);
      }

      const { items } = (await callTool('invoices:listForUser', { userId: 'u_0042', limit: 100 })) as { items: Invoice[] };
      const statuses = pluck(items, 'status');
      return {
        numbers: pluck(items, 'number').slice(0, 3),
        statuses: [...new Set(statuses)].sort(),
        total: sumBy(items, (i) => i.amountCents),
      };
    `,
    derived(async () => {
      const { items } = await invokeOk<Page<Invoice>>(g, 'invoices:listForUser', { userId: 'u_0042', limit: 100 });
      return {
        numbers: items.slice(0, 3).map((i) => i.number),
        statuses: [...new Set(items.map((i) => i.status))].sort(),
        total: items.reduce((s, i) => s + i.amountCents, 0),
      };
    }),
  ],
  [
    'labelled tuple types in a ReadonlyArray of buckets',
    js`
      type Bucket = readonly [label: string, min: number, max: number];
      const BUCKETS: ReadonlyArray<Bucket> = [
        ['< $50', 0, 5_000],
        ['$50–$500', 5_000, 50_000],
        ['$500–$5k', 50_000, 500_000],
        ['≥ $5k', 500_000, Infinity],
      ];
      interface Invoice {
        amountCents: number;
        currency: string;
      }

      const { items } = (await callTool('invoices:list', { currency: 'USD', limit: 200 })) as { items: Invoice[] };
      const histogram: [string, number][] = BUCKETS.map(([label, min, max]): [string, number] => [
        label,
        items.filter((i) => i.amountCents >= min && i.amountCents < max).length,
      ]);
      return Object.fromEntries(histogram);
    `,
    derived(async () => {
      const { items } = await invokeOk<Page<Invoice>>(g, 'invoices:list', { currency: 'USD', limit: 200 });
      const n = (min: number, max: number): number => items.filter((i) => i.amountCents >= min && i.amountCents < max).length;
      return { '< $50': n(0, 5000), '$50–$500': n(5000, 50000), '$500–$5k': n(50000, 500000), '≥ $5k': n(500000, Infinity) };
    }),
  ],
  [
    'interface inheritance, optional members and an index signature',
    js`
      interface Entity {
        id: string;
        createdAt: string;
      }
      interface Endpoint extends Entity {
        url: string;
        description?: string;
        events: string[];
        active: boolean;
      }
      interface EventIndex {
        [event: string]: string[];
      }

      const { items } = (await callTool('webhooks:listEndpoints', { activeOnly: true })) as { items: Endpoint[] };
      const index: EventIndex = {};
      for (const ep of items) {
        for (const ev of ep.events) (index[ev] ??= []).push(ep.id);
      }
      const events = Object.keys(index).sort();
      return { endpoints: items.length, events, areas: [...new Set(events.map((e) => e.split('.')[0]))].sort(), paid: index['invoice.paid'] ?? [] };
    `,
    derived(async () => {
      const { items } = await invokeOk<{ items: Endpoint[] }>(g, 'webhooks:listEndpoints', { activeOnly: true });
      const events = [...new Set(items.flatMap((e) => e.events))].sort();
      return {
        endpoints: items.length,
        events,
        areas: [...new Set(events.map((e) => e.split('.')[0]))].sort(),
        paid: items.filter((e) => e.events.includes('invoice.paid')).map((e) => e.id),
      };
    }),
  ],
  [
    'unknown narrowed with typeof, Array.isArray and in, over a recursive Json type',
    js`
      type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

      function describe(value: unknown): string {
        if (value === null) return 'null';
        if (typeof value === 'string') return \`string($\{value.length})\`;
        if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
        if (Array.isArray(value)) return \`array[$\{value.map(describe).join(',')}]\`;
        if (typeof value === 'object' && 'id' in value) return \`entity:$\{String((value as { id: unknown }).id)}\`;
        if (typeof value === 'object') return \`object{$\{Object.keys(value as object).join(',')}}\`;
        return typeof value;
      }

      const payload = JSON.parse('{"a":"hi","b":[1,2.5,null],"c":{"id":7},"d":{"x":true},"e":false}') as Json;
      return Object.entries(payload as Record<string, Json>).map(([k, v]) => \`$\{k}=$\{describe(v)}\`);
    `,
    ['a=string(2)', 'b=array[int,float,null]', 'c=entity:7', 'd=object{x}', 'e=boolean'],
  ],
  [
    'a generic class Cache<K, V> with a private readonly field',
    js`
      interface User {
        id: string;
        firstName: string;
        teamId: string;
      }

      class Cache<K, V> {
        private readonly entries = new Map<K, Promise<V>>();
        misses = 0;

        get(key: K, load: (key: K) => Promise<V>): Promise<V> {
          let hit = this.entries.get(key);
          if (hit === undefined) {
            this.misses++;
            hit = load(key);
            this.entries.set(key, hit);
          }
          return hit;
        }
      }

      const users = new Cache<string, User>();
      const wanted = ['u_0003', 'u_0004', 'u_0003', 'u_0005', 'u_0004'];
      const loaded = await Promise.all(wanted.map((id) => users.get(id, (key) => callTool('users:get', { id: key }) as Promise<User>)));
      return { names: loaded.map((u) => u.firstName), misses: users.misses };
    `,
    derived(async () => {
      const names = await Promise.all(['u_0003', 'u_0004', 'u_0003', 'u_0005', 'u_0004'].map(async (id) => (await user(id)).firstName));
      return { names, misses: 3 };
    }),
  ],
  [
    'utility types Pick, Readonly and Record with a typed reduce',
    js`
      interface User {
        id: string;
        firstName: string;
        lastName: string;
        email: string;
        role: string;
        status: string;
      }
      type Contact = Pick<User, 'id' | 'email'> & { name: string };
      type Roster = Readonly<Record<string, Contact[]>>;

      const toContact = (u: Readonly<User>): Contact => ({ id: u.id, email: u.email, name: \`$\{u.firstName} $\{u.lastName}\` });

      const { items, total } = (await callTool('teams:listMembers', { teamId: 'team_01', status: 'active', limit: 100 })) as { items: User[]; total: number };
      const roster: Roster = items.reduce<Record<string, Contact[]>>((acc, u) => {
        (acc[u.role] ??= []).push(toContact(u));
        return acc;
      }, {});
      return { total, roles: Object.keys(roster).sort(), admins: (roster['admin'] ?? []).map((c) => c.name) };
    `,
    derived(async () => {
      const { items, total } = await invokeOk<Page<User>>(g, 'teams:listMembers', { teamId: 'team_01', status: 'active', limit: 100 });
      return {
        total,
        roles: [...new Set(items.map((u) => u.role))].sort(),
        admins: items.filter((u) => u.role === 'admin').map((u) => `${u.firstName} ${u.lastName}`),
      };
    }),
  ],
  [
    'a Promise.all result asserted to a tuple of interfaces',
    js`
      interface UserStats {
        total: number;
        byPlan: Record<'free' | 'pro' | 'enterprise', number>;
      }
      interface Mrr {
        mrrCents: number;
        payingCustomers: number;
        arpuCents: number;
      }

      const [stats, mrr] = (await Promise.all([callTool('users:stats', {}), callTool('billing:mrr', {})])) as [UserStats, Mrr];
      const paidPlans: number = stats.byPlan.pro + stats.byPlan.enterprise;
      return {
        users: stats.total,
        paidShare: \`$\{((paidPlans / stats.total) * 100).toFixed(1)}%\`,
        mrr: (mrr.mrrCents / 100).toFixed(2),
        arpu: (mrr.arpuCents / 100).toFixed(2),
        paying: mrr.payingCustomers,
      };
    `,
    derived(async () => {
      const stats = await invokeOk<{ total: number; byPlan: { pro: number; enterprise: number } }>(g, 'users:stats');
      const mrr = await invokeOk<{ mrrCents: number; payingCustomers: number; arpuCents: number }>(g, 'billing:mrr');
      return {
        users: stats.total,
        paidShare: `${(((stats.byPlan.pro + stats.byPlan.enterprise) / stats.total) * 100).toFixed(1)}%`,
        mrr: (mrr.mrrCents / 100).toFixed(2),
        arpu: (mrr.arpuCents / 100).toFixed(2),
        paying: mrr.payingCustomers,
      };
    }),
  ],
  [
    'a mapped type over a string union',
    js`
      type ProjectStatus = 'planning' | 'active' | 'on_hold' | 'completed' | 'archived';
      type Counts = { [S in ProjectStatus]: number };
      interface Project {
        id: string;
        name: string;
        status: ProjectStatus;
        dueAt: string | null;
      }

      const { items } = (await callTool('projects:list', { limit: 100 })) as { items: Project[] };
      const counts: Counts = { planning: 0, active: 0, on_hold: 0, completed: 0, archived: 0 };
      for (const p of items) counts[p.status] += 1;
      const noDueDate: string[] = items.filter((p) => p.dueAt === null).map((p) => p.name).sort();
      return { counts, noDueDate };
    `,
    derived(async () => {
      const { items } = await invokeOk<Page<Project>>(g, 'projects:list', { limit: 100 });
      const counts: Record<string, number> = { planning: 0, active: 0, on_hold: 0, completed: 0, archived: 0 };
      for (const p of items) counts[p.status] = (counts[p.status] ?? 0) + 1;
      return { counts, noDueDate: items.filter((p) => p.dueAt === null).map((p) => p.name).sort() };
    }),
  ],
  [
    'a value typed unknown, double-cast with as unknown as, and reduce<T | undefined>',
    js`
      interface Point {
        date: string;
        value: number;
      }
      interface Metric {
        metric: string;
        points: Point[];
        aggregate: number;
        aggregation: 'sum' | 'average';
      }

      const raw: unknown = await callTool('analytics:getMetric', { metric: 'errors', days: 14 });
      const m = raw as unknown as Metric;
      const worst = m.points.reduce<Point | undefined>((top, p) => (top === undefined || p.value > top.value ? p : top), undefined);
      return { points: m.points.length, aggregation: m.aggregation, total: m.aggregate, worstDay: worst?.date ?? null, worstValue: worst?.value ?? null };
    `,
    derived(async () => {
      const m = await invokeOk<{ points: { date: string; value: number }[]; aggregate: number; aggregation: string }>(g, 'analytics:getMetric', { metric: 'errors', days: 14 });
      let worst: { date: string; value: number } | undefined;
      for (const p of m.points) if (worst === undefined || p.value > worst.value) worst = p;
      return { points: m.points.length, aggregation: m.aggregation, total: m.aggregate, worstDay: worst?.date ?? null, worstValue: worst?.value ?? null };
    }),
  ],
  [
    'an exhaustive switch ending in assertNever(x: never)',
    js`
      type Status = 'draft' | 'open' | 'paid' | 'void' | 'overdue';
      interface Invoice {
        id: string;
        status: Status;
        amountCents: number;
      }

      function assertNever(x: never): never {
        throw new Error(\`unexpected status: $\{String(x)}\`);
      }
      function bucket(s: Status): 'collect' | 'done' | 'ignore' {
        switch (s) {
          case 'open':
          case 'overdue':
            return 'collect';
          case 'paid':
            return 'done';
          case 'draft':
          case 'void':
            return 'ignore';
          default:
            return assertNever(s);
        }
      }

      const { items } = (await callTool('invoices:list', { limit: 200, sortBy: 'amountCents', order: 'desc' })) as { items: Invoice[] };
      const totals = { collect: 0, done: 0, ignore: 0 };
      for (const inv of items) totals[bucket(inv.status)] += inv.amountCents;
      return totals;
    `,
    derived(async () => {
      const { items } = await invokeOk<Page<Invoice>>(g, 'invoices:list', { limit: 200, sortBy: 'amountCents', order: 'desc' });
      const totals = { collect: 0, done: 0, ignore: 0 };
      for (const i of items) {
        if (i.status === 'open' || i.status === 'overdue') totals.collect += i.amountCents;
        else if (i.status === 'paid') totals.done += i.amountCents;
        else totals.ignore += i.amountCents;
      }
      return totals;
    }),
  ],
  [
    'a generic function type alias and combinators with rest parameters',
    js`
      type Predicate<T> = (value: T) => boolean;
      const and = <T,>(...checks: Predicate<T>[]): Predicate<T> => (v) => checks.every((c) => c(v));
      const not = <T,>(check: Predicate<T>): Predicate<T> => (v) => !check(v);

      interface Item {
        id: string;
        sku: string;
        category: string;
        unitPriceCents: number;
        unitCostCents: number;
        active: boolean;
      }
      const isActive: Predicate<Item> = (i) => i.active;
      const highMargin: Predicate<Item> = (i) => (i.unitPriceCents - i.unitCostCents) / i.unitPriceCents >= 0.5;
      const isApparel: Predicate<Item> = (i) => i.category === 'apparel';

      const { items } = (await callTool('inventory:listItems', { limit: 200 })) as { items: Item[] };
      const picks = items.filter(and(isActive, highMargin, not(isApparel)));
      return { count: picks.length, skus: picks.slice(0, 5).map((i) => i.sku) };
    `,
    derived(async () => {
      const { items } = await invokeOk<Page<Item>>(g, 'inventory:listItems', { limit: 200 });
      const picks = items.filter((i) => i.active && (i.unitPriceCents - i.unitCostCents) / i.unitPriceCents >= 0.5 && i.category !== 'apparel');
      return { count: picks.length, skus: picks.slice(0, 5).map((i) => i.sku) };
    }),
  ],
  [
    'a class implementing an interface with a private constructor, static factory and typed getter',
    js`
      type Currency = 'USD' | 'EUR' | 'GBP';
      interface Priced {
        readonly cents: number;
        readonly currency: Currency;
      }

      class Money implements Priced {
        readonly cents: number;
        readonly currency: Currency;

        private constructor(cents: number, currency: Currency) {
          this.cents = cents;
          this.currency = currency;
        }

        static of(cents: number, currency: Currency): Money {
          return new Money(cents, currency);
        }

        plus(other: Priced): Money {
          if (other.currency !== this.currency) throw new Error(\`cannot add $\{other.currency} to $\{this.currency}\`);
          return new Money(this.cents + other.cents, this.currency);
        }

        get display(): string {
          return \`$\{(this.cents / 100).toFixed(2)} $\{this.currency}\`;
        }
      }

      type Group = { key: string; currency: Currency; count: number; amountCents: number };
      const { groups } = (await callTool('invoices:totals', { groupBy: 'status' })) as { groups: Group[] };
      const totals = new Map<Currency, Money>();
      for (const grp of groups.filter((x) => x.key === 'paid' || x.key === 'open')) {
        totals.set(grp.currency, (totals.get(grp.currency) ?? Money.of(0, grp.currency)).plus(Money.of(grp.amountCents, grp.currency)));
      }
      let mixed: string | null = null;
      try {
        Money.of(100, 'USD').plus(Money.of(100, 'EUR'));
      } catch (e: unknown) {
        mixed = e instanceof Error ? e.message : String(e);
      }
      return { totals: [...totals.values()].map((m) => m.display).sort(), mixed };
    `,
    derived(async () => {
      const { groups } = await invokeOk<{ groups: { key: string; currency: string; amountCents: number }[] }>(g, 'invoices:totals', { groupBy: 'status' });
      const sums: Record<string, number> = {};
      for (const grp of groups) if (grp.key === 'paid' || grp.key === 'open') sums[grp.currency] = (sums[grp.currency] ?? 0) + grp.amountCents;
      return { totals: Object.entries(sums).map(([c, v]) => `${(v / 100).toFixed(2)} ${c}`).sort(), mixed: 'cannot add EUR to USD' };
    }),
  ],
  [
    'typed optional methods called with ?.() and a non-null default',
    js`
      interface Plugin {
        name: string;
        transform?: (text: string) => string;
        validate?(text: string): boolean;
      }

      const plugins: Plugin[] = [
        { name: 'trim', transform: (t) => t.trim() },
        { name: 'upper', transform: (t) => t.toUpperCase(), validate: (t) => t.length < 20 },
        { name: 'noop' },
        { name: 'strict', validate: (t) => !t.includes('!') },
      ];

      function run(input: string): { output: string; failed: string[] } {
        let output = input;
        const failed: string[] = [];
        for (const p of plugins) {
          output = p.transform?.(output) ?? output;
          if (p.validate?.(output) === false) failed.push(p.name);
        }
        return { output, failed };
      }

      return [run('  hello world  '), run('  this is far too long, really!  ')];
    `,
    [
      { output: 'HELLO WORLD', failed: [] },
      { output: 'THIS IS FAR TOO LONG, REALLY!', failed: ['upper', 'strict'] },
    ],
  ],
  [
    'a typed async pipeline over a user and their open tickets, with non-null assertions on finds',
    js`
      interface User {
        id: string;
        firstName: string;
        email: string;
        plan: string;
      }
      interface Ticket {
        id: string;
        subject: string;
        status: string;
        priority: 'low' | 'normal' | 'high' | 'urgent';
        requesterId: string;
      }
      type Summary = { user: string; plan: string; open: number; highest: Ticket['priority'] | 'none' };

      const ORDER: Ticket['priority'][] = ['urgent', 'high', 'normal', 'low'];
      const { items } = (await callTool('tickets:list', { status: 'open', sortBy: 'priority', limit: 10 })) as { items: Ticket[] };
      const requesterId: string = items[0]!.requesterId;
      const [requester, theirs] = await Promise.all([
        callTool('users:get', { id: requesterId }) as Promise<User>,
        callTool('tickets:listForUser', { userId: requesterId, status: 'open', limit: 50 }) as Promise<{ items: Ticket[] }>,
      ]);
      const highest = ORDER.find((p) => theirs.items.some((t) => t.priority === p)) ?? 'none';
      const summary: Summary = { user: requester.email, plan: requester.plan, open: theirs.items.length, highest };
      return summary;
    `,
    derived(async () => {
      const { items } = await invokeOk<Page<Ticket>>(g, 'tickets:list', { status: 'open', sortBy: 'priority', limit: 10 });
      const first = items[0];
      if (!first) throw new Error('no open tickets');
      const requester = await user(first.requesterId);
      const theirs = await invokeOk<Page<Ticket>>(g, 'tickets:listForUser', { userId: first.requesterId, status: 'open', limit: 50 });
      const highest = ['urgent', 'high', 'normal', 'low'].find((p) => theirs.items.some((t) => t.priority === p)) ?? 'none';
      return { user: requester.email, plan: requester.plan, open: theirs.items.length, highest };
    }),
  ],
];

// ---------------------------------------------------------------------------------------------------
// B. Modern JavaScript and the standard library
// ---------------------------------------------------------------------------------------------------

const modernRows: Row[] = [
  [
    'Set methods over the plans of two pages of users',
    js`
      const first = await callTool('users:list', { limit: 100 });
      const second = await callTool('users:list', { limit: 100, offset: 100 });
      const a = new Set(first.items.map((u) => u.country));
      const b = new Set(second.items.map((u) => u.country));
      return { both: [...a.intersection(b)].sort(), either: a.union(b).size, onlyFirst: [...a.difference(b)].sort(), same: a.isSubsetOf(b) && b.isSubsetOf(a) };
    `,
    derived(async () => {
      const first = await invokeOk<Page<User>>(g, 'users:list', { limit: 100 });
      const second = await invokeOk<Page<User>>(g, 'users:list', { limit: 100, offset: 100 });
      const a = new Set(first.items.map((u) => u.country));
      const b = new Set(second.items.map((u) => u.country));
      const both = [...a].filter((c) => b.has(c)).sort();
      const onlyFirst = [...a].filter((c) => !b.has(c)).sort();
      return { both, either: new Set([...a, ...b]).size, onlyFirst, same: onlyFirst.length === 0 && [...b].every((c) => a.has(c)) };
    }),
  ],
  [
    'the canonical example: every user in one page',
    js`
      const page = await callTool("users:list", { limit: 1000 });
      return { count: page.items.length, total: page.total, next: page.nextOffset };
    `,
    { count: 1000, total: 1000, next: null },
  ],
  [
    'class fields, #private fields and a #private method over open invoices',
    js`
      class Budget {
        #limitCents;
        #spentCents = 0;
        approved = [];
        rejected = [];

        constructor(limitCents) {
          this.#limitCents = limitCents;
        }

        #fits(cents) {
          return this.#spentCents + cents <= this.#limitCents;
        }

        consider(invoice) {
          if (this.#fits(invoice.amountCents)) {
            this.#spentCents += invoice.amountCents;
            this.approved.push(invoice.id);
          } else {
            this.rejected.push(invoice.id);
          }
        }

        get remainingCents() {
          return this.#limitCents - this.#spentCents;
        }
      }

      const { items } = await callTool('invoices:list', { status: 'open', sortBy: 'amountCents', order: 'asc', limit: 20 });
      const budget = new Budget(60000);
      items.forEach((inv) => budget.consider(inv));
      return { approved: budget.approved.length, rejected: budget.rejected.length, remainingCents: budget.remainingCents, keys: Object.keys(budget) };
    `,
    derived(async () => {
      const { items } = await invokeOk<Page<Invoice>>(g, 'invoices:list', { status: 'open', sortBy: 'amountCents', order: 'asc', limit: 20 });
      let spent = 0;
      let approved = 0;
      for (const i of items) {
        if (spent + i.amountCents <= 60000) {
          spent += i.amountCents;
          approved++;
        }
      }
      return { approved, rejected: items.length - approved, remainingCents: 60000 - spent, keys: ['approved', 'rejected'] };
    }),
  ],
  [
    'a static block filling static #private and public fields',
    js`
      class HttpStatus {
        static #byCode = new Map();
        static families = {};

        static {
          const table = [[200, 'OK'], [201, 'Created'], [204, 'No Content'], [301, 'Moved Permanently'], [404, 'Not Found'], [409, 'Conflict'], [503, 'Service Unavailable']];
          for (const [code, text] of table) {
            HttpStatus.#byCode.set(code, text);
            const family = \`$\{Math.floor(code / 100)}xx\`;
            (HttpStatus.families[family] ??= []).push(code);
          }
        }

        static describe(code) {
          return HttpStatus.#byCode.has(code) ? \`$\{code} $\{HttpStatus.#byCode.get(code)}\` : \`$\{code} Unknown\`;
        }
      }

      return { described: [201, 404, 418].map((c) => HttpStatus.describe(c)), families: HttpStatus.families };
    `,
    { described: ['201 Created', '404 Not Found', '418 Unknown'], families: { '2xx': [200, 201, 204], '3xx': [301], '4xx': [404, 409], '5xx': [503] } },
  ],
  [
    'getters and setters over a #private field with validation',
    js`
      class Thermostat {
        #celsius = 20;
        static MIN = 5;
        static MAX = 30;

        get celsius() {
          return this.#celsius;
        }
        set celsius(value) {
          if (typeof value !== 'number' || Number.isNaN(value)) throw new TypeError('temperature must be a number');
          this.#celsius = Math.min(Thermostat.MAX, Math.max(Thermostat.MIN, value));
        }
        get fahrenheit() {
          return Math.round((this.#celsius * 9) / 5 + 32);
        }
        set fahrenheit(value) {
          this.celsius = ((value - 32) * 5) / 9;
        }
      }

      const t = new Thermostat();
      const readings = [];
      t.celsius = 22.5;
      readings.push(t.fahrenheit);
      t.fahrenheit = 212;
      readings.push(t.celsius);
      t.celsius = -40;
      readings.push(t.celsius, t.fahrenheit);
      let error = null;
      try {
        t.celsius = 'warm';
      } catch (e) {
        error = \`$\{e.name}: $\{e.message}\`;
      }
      return { readings, error, final: t.celsius };
    `,
    { readings: [73, 30, 5, 41], error: 'TypeError: temperature must be a number', final: 5 },
  ],
  [
    'recursive generators with yield* and a take() helper',
    js`
      const org = {
        name: 'CEO',
        reports: [
          { name: 'CTO', reports: [{ name: 'Eng Manager', reports: [{ name: 'Dev A', reports: [] }, { name: 'Dev B', reports: [] }] }] },
          { name: 'CFO', reports: [{ name: 'Controller', reports: [] }] },
        ],
      };

      function* walk(node, depth = 0) {
        yield [depth, node.name];
        for (const child of node.reports) yield* walk(child, depth + 1);
      }
      function* take(iterable, n) {
        for (const x of iterable) {
          if (n-- <= 0) return;
          yield x;
        }
      }

      const lines = [...walk(org)].map(([d, name]) => \`$\{'  '.repeat(d)}$\{name}\`);
      const firstThree = Array.from(take(walk(org), 3), ([, name]) => name);
      return { lines, firstThree, deepest: [...walk(org)].filter(([d]) => d === 3).length };
    `,
    {
      lines: ['CEO', '  CTO', '    Eng Manager', '      Dev A', '      Dev B', '  CFO', '    Controller'],
      firstThree: ['CEO', 'CTO', 'Eng Manager'],
      deepest: 2,
    },
  ],
  [
    'a chunking generator over tool results',
    js`
      function* chunks(array, size) {
        for (let i = 0; i < array.length; i += size) yield array.slice(i, i + size);
      }

      const { items } = await callTool('users:list', { role: 'support', status: 'active', limit: 10 });
      const batches = Array.from(chunks(items.map((u) => u.email), 4));
      return { sizes: batches.map((b) => b.length), first: batches[0]?.[0] ?? null, last: batches.at(-1)?.at(-1) ?? null };
    `,
    derived(async () => {
      const { items } = await invokeOk<Page<User>>(g, 'users:list', { role: 'support', status: 'active', limit: 10 });
      const sizes: number[] = [];
      for (let i = 0; i < items.length; i += 4) sizes.push(Math.min(4, items.length - i));
      return { sizes, first: items[0]?.email ?? null, last: items[items.length - 1]?.email ?? null };
    }),
  ],
  [
    'labelled continue over invoice line items',
    js`
      const { items } = await callTool('invoices:list', { limit: 100 });
      const small = [];
      const bulk = [];
      let drafts = 0;
      invoices: for (const inv of items) {
        if (inv.status === 'draft') {
          drafts++;
          continue;
        }
        for (const line of inv.lineItems) {
          if (line.quantity >= 10) {
            bulk.push(inv.number);
            continue invoices;
          }
        }
        small.push(inv.number);
      }
      return { small: small.length, bulk: bulk.length, drafts, firstBulk: bulk[0] ?? null };
    `,
    derived(async () => {
      const { items } = await invokeOk<Page<Invoice>>(g, 'invoices:list', { limit: 100 });
      const live = items.filter((i) => i.status !== 'draft');
      const bulk = live.filter((i) => i.lineItems.some((l) => l.quantity >= 10));
      return { small: live.length - bulk.length, bulk: bulk.length, drafts: items.length - live.length, firstBulk: bulk[0]?.number ?? null };
    }),
  ],
  [
    'a tagged template that formats numbers as USD',
    js`
      const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
      function money(strings, ...values) {
        return strings.reduce((out, s, i) => {
          if (i >= values.length) return out + s;
          const v = values[i];
          return out + s + (typeof v === 'number' ? usd.format(v / 100) : String(v));
        }, '');
      }

      const { items } = await callTool('invoices:list', { currency: 'USD', limit: 1 });
      const inv = items[0];
      const lines = inv.lineItems.map((l) => money\`$\{l.description} (x$\{String(l.quantity)}): $\{l.amountCents}\`);
      return { number: inv.number, lines, total: money\`Total due: $\{inv.amountCents}\`, raw: String.raw\`C:\new\table\` };
    `,
    derived(async () => {
      const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
      const { items } = await invokeOk<Page<Invoice>>(g, 'invoices:list', { currency: 'USD', limit: 1 });
      const inv = items[0];
      if (!inv) throw new Error('no USD invoice');
      return {
        number: inv.number,
        lines: inv.lineItems.map((l) => `${l.description} (x${l.quantity}): ${usd.format(l.amountCents / 100)}`),
        total: `Total due: ${usd.format(inv.amountCents / 100)}`,
        raw: 'C:\\new\\table',
      };
    }),
  ],
  [
    'BigInt arithmetic returned as strings',
    js`
      const factorial = (n) => (n <= 1n ? 1n : n * factorial(n - 1n));
      const { items } = await callTool('invoices:list', { limit: 200 });
      const totalCents = items.reduce((sum, inv) => sum + BigInt(inv.amountCents), 0n);
      const maxU64 = 2n ** 64n - 1n;
      return {
        f25: factorial(25n).toString(),
        maxU64: maxU64.toString(),
        hex: maxU64.toString(16),
        wrapped: BigInt.asUintN(8, 257n).toString(),
        division: (7n / 2n).toString(),
        mixed: typeof (10n * BigInt(3)),
        totalCents: totalCents.toString(),
        sameAsNumber: Number(totalCents) === items.reduce((s, i) => s + i.amountCents, 0),
      };
    `,
    derived(async () => {
      const { items } = await invokeOk<Page<Invoice>>(g, 'invoices:list', { limit: 200 });
      return {
        f25: '15511210043330985984000000',
        maxU64: '18446744073709551615',
        hex: 'ffffffffffffffff',
        wrapped: '1',
        division: '3',
        mixed: 'bigint',
        totalCents: String(items.reduce((s, i) => s + i.amountCents, 0)),
        sameAsNumber: true,
      };
    }),
  ],
  [
    'regex match indices with the d flag',
    js`
      const line = 'level=warn code=E42 msg=disk';
      const re = /code=(?<code>\w+)/d;
      const m = re.exec(line);
      const [start, end] = m.indices.groups.code;
      const all = [...line.matchAll(/(?<key>\w+)=(?<value>\w+)/dg)].map((x) => ({ key: x.groups.key, at: x.indices.groups.value }));
      return { code: m.groups.code, start, end, underline: ' '.repeat(start) + '^'.repeat(end - start), hasIndices: re.hasIndices, whole: m.indices[0], all };
    `,
    {
      code: 'E42',
      start: 16,
      end: 19,
      underline: '                ^^^',
      hasIndices: true,
      whole: [11, 19],
      all: [{ key: 'level', at: [6, 10] }, { key: 'code', at: [16, 19] }, { key: 'msg', at: [24, 28] }],
    },
  ],
  [
    'regex set operations and string properties with the v flag',
    js`
      const text = 'Crème brûlée, Ærø & Zoë 👍🏽 ok ❤️';
      return {
        nonAscii: text.match(/[\p{L}--[a-zA-Z]]/gv),
        emoji: text.match(/\p{RGI_Emoji}/gv),
        greekCapitals: 'ΑΒγ Abc Δ'.match(/[\p{Lu}&&\p{Script=Greek}]/gv),
        unicodeSets: /x/v.unicodeSets,
        flags: /a/dgv.flags,
      };
    `,
    { nonAscii: ['è', 'û', 'é', 'Æ', 'ø', 'ë'], emoji: ['👍🏽', '❤️'], greekCapitals: ['Α', 'Β', 'Δ'], unicodeSets: true, flags: 'dgv' },
  ],
  [
    'structuredClone of an object holding a Date, a Map, a Set and a cycle',
    js`
      const original = {
        id: 'cfg-1',
        createdAt: new Date('2024-02-29T12:00:00Z'),
        limits: new Map([['free', 1], ['pro', 5]]),
        tags: new Set(['beta']),
        nested: { regions: ['eu', 'us'] },
      };
      original.self = original;

      const copy = structuredClone(original);
      copy.limits.set('enterprise', 25);
      copy.nested.regions.push('apac');
      copy.createdAt.setUTCFullYear(2025);
      return {
        dateIsDate: copy.createdAt instanceof Date,
        mapIsMap: copy.limits instanceof Map,
        setIsSet: copy.tags instanceof Set && copy.tags.has('beta'),
        cycleKept: copy.self === copy,
        originalSize: original.limits.size,
        copySize: copy.limits.size,
        originalRegions: original.nested.regions,
        originalYear: original.createdAt.getUTCFullYear(),
        copyIso: copy.createdAt.toISOString(),
        limits: Object.fromEntries(copy.limits),
      };
    `,
    {
      dateIsDate: true,
      mapIsMap: true,
      setIsSet: true,
      cycleKept: true,
      originalSize: 2,
      copySize: 3,
      originalRegions: ['eu', 'us'],
      originalYear: 2024,
      copyIso: '2025-03-01T12:00:00.000Z',
      limits: { free: 1, pro: 5, enterprise: 25 },
    },
  ],
  [
    'structuredClone of a tool result, and a refusal to clone a function',
    js`
      const user = await callTool('users:get', { id: 'u_0009' });
      const draft = structuredClone(user);
      draft.email = draft.email.toUpperCase();
      draft.tags = ['draft'];
      let cloneFailed = false;
      try {
        structuredClone({ handler() {} });
      } catch {
        cloneFailed = true;
      }
      return { unchanged: user.email, changed: draft.email, originalHasTags: 'tags' in user, cloneFailed };
    `,
    derived(async () => {
      const u = await user('u_0009');
      return { unchanged: u.email, changed: u.email.toUpperCase(), originalHasTags: false, cloneFailed: true };
    }),
  ],
  [
    'Intl.NumberFormat currency, compact and percent over paid USD invoices',
    js`
      const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
      const { items } = await callTool('invoices:list', { currency: 'USD', status: 'paid', limit: 5 });
      return {
        lines: items.map((i) => \`$\{i.number}: $\{usd.format(i.amountCents / 100)}\`),
        big: usd.format(1234567.891),
        negative: usd.format(-5),
        compact: new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 }).format(1234567),
        percent: new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 }).format(0.4567),
      };
    `,
    derived(async () => {
      const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
      const { items } = await invokeOk<Page<Invoice>>(g, 'invoices:list', { currency: 'USD', status: 'paid', limit: 5 });
      return { lines: items.map((i) => `${i.number}: ${usd.format(i.amountCents / 100)}`), big: '$1,234,567.89', negative: '-$5.00', compact: '1.2M', percent: '45.7%' };
    }),
  ],
  [
    'Intl.DateTimeFormat in UTC (en-GB, medium) and in a named time zone',
    js`
      const fmt = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', dateStyle: 'medium' });
      const { items } = await callTool('tickets:list', { priority: 'urgent', limit: 5 });
      const newYork = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
      return {
        fixed: fmt.format(new Date('2024-03-15T23:30:00Z')),
        tickets: items.map((t) => \`$\{t.id} opened $\{fmt.format(new Date(t.createdAt))}\`),
        range: [new Date('2024-01-01T00:00:00Z'), new Date('2024-12-31T12:00:00Z')].map((d) => fmt.format(d)).join(' – '),
        newYorkNoon: newYork.format(new Date('2024-07-01T12:00:00Z')),
      };
    `,
    derived(async () => {
      const fmt = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', dateStyle: 'medium' });
      const { items } = await invokeOk<Page<Ticket>>(g, 'tickets:list', { priority: 'urgent', limit: 5 });
      return {
        fixed: '15 Mar 2024',
        tickets: items.map((t) => `${t.id} opened ${fmt.format(new Date(t.createdAt))}`),
        range: '1 Jan 2024 – 31 Dec 2024',
        newYorkNoon: '08:00',
      };
    }),
  ],
  [
    'formatToParts of a long UTC date',
    js`
      const parts = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' })
        .formatToParts(new Date('2024-02-29T10:00:00Z'));
      const byType = Object.fromEntries(parts.filter((p) => p.type !== 'literal').map((p) => [p.type, p.value]));
      return { ...byType, text: parts.map((p) => p.value).join('') };
    `,
    { weekday: 'Thursday', month: 'February', day: '29', year: '2024', text: 'Thursday, February 29, 2024' },
  ],
  [
    "Intl.Collator('de').compare sorting German words and team names",
    js`
      const collator = new Intl.Collator('de');
      const words = ['Zoe', 'Österreich', 'apfel', 'Äpfel', 'Bär', 'Ofen', 'zebra'];
      const base = new Intl.Collator('de', { sensitivity: 'base' });
      const { items } = await callTool('teams:list', { limit: 100 });
      return {
        sorted: [...words].sort(collator.compare),
        naive: [...words].sort(),
        sameBase: base.compare('Äpfel', 'apfel') === 0,
        differs: collator.compare('Äpfel', 'apfel') !== 0,
        teams: items.map((t) => t.name).sort(collator.compare).slice(0, 5),
      };
    `,
    derived(async () => {
      const collator = new Intl.Collator('de');
      const { items } = await invokeOk<Page<Team>>(g, 'teams:list', { limit: 100 });
      return {
        sorted: ['apfel', 'Äpfel', 'Bär', 'Ofen', 'Österreich', 'zebra', 'Zoe'],
        naive: ['Bär', 'Ofen', 'Zoe', 'apfel', 'zebra', 'Äpfel', 'Österreich'],
        sameBase: true,
        differs: true,
        teams: items.map((t) => t.name).sort(collator.compare).slice(0, 5),
      };
    }),
  ],
  [
    "Intl.PluralRules('en-US') for cardinals and ordinals",
    js`
      const pr = new Intl.PluralRules('en-US');
      const ord = new Intl.PluralRules('en-US', { type: 'ordinal' });
      const suffix = { one: 'st', two: 'nd', few: 'rd', other: 'th' };
      const ordinal = (n) => \`$\{n}$\{suffix[ord.select(n)]}\`;
      const noun = (n, one, many) => \`$\{n} $\{pr.select(n) === 'one' ? one : many}\`;
      const { total } = await callTool('tickets:list', { status: 'pending', limit: 1 });
      return {
        categories: [0, 1, 2].map((n) => pr.select(n)),
        ordinals: [1, 2, 3, 4, 11, 12, 13, 21, 22, 101].map(ordinal),
        summary: noun(total, 'pending ticket', 'pending tickets'),
        one: noun(1, 'ticket', 'tickets'),
      };
    `,
    derived(async () => {
      const { total } = await invokeOk<Page<Ticket>>(g, 'tickets:list', { status: 'pending', limit: 1 });
      return {
        categories: ['other', 'one', 'other'],
        ordinals: ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '101st'],
        summary: `${total} ${total === 1 ? 'pending ticket' : 'pending tickets'}`,
        one: '1 ticket',
      };
    }),
  ],
  [
    "Intl.RelativeTimeFormat('en', { numeric: 'auto' })",
    js`
      const rtf = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
      const DAY = 86_400_000;
      const relative = (iso, now) => {
        const days = Math.round((Date.parse(iso) - now) / DAY);
        return Math.abs(days) >= 30 ? rtf.format(Math.round(days / 30), 'month') : rtf.format(days, 'day');
      };
      const now = Date.parse('2024-06-15T12:00:00Z');
      return [
        rtf.format(-1, 'day'),
        rtf.format(0, 'day'),
        rtf.format(1, 'day'),
        rtf.format(-3, 'week'),
        rtf.format(2, 'month'),
        rtf.format(-1, 'year'),
        relative('2024-06-10T12:00:00Z', now),
        relative('2024-03-01T00:00:00Z', now),
        relative('2024-06-16T12:00:00Z', now),
      ];
    `,
    ['yesterday', 'today', 'tomorrow', '3 weeks ago', 'in 2 months', 'last year', '5 days ago', '4 months ago', 'tomorrow'],
  ],
  [
    'Intl.ListFormat conjunction and disjunction over plan names',
    js`
      const and = new Intl.ListFormat('en', { style: 'long', type: 'conjunction' });
      const or = new Intl.ListFormat('en', { style: 'long', type: 'disjunction' });
      const { plans } = await callTool('billing:listPlans', {});
      return {
        plans: \`Available plans: $\{and.format(plans.map((p) => p.name))}.\`,
        pick: \`Choose $\{or.format(plans.filter((p) => p.monthlyPriceCents > 0).map((p) => p.id))}\`,
        two: and.format(['Ann', 'Bob']),
        one: and.format(['Ann']),
      };
    `,
    derived(async () => {
      const all = await plans();
      const and = new Intl.ListFormat('en', { style: 'long', type: 'conjunction' });
      const or = new Intl.ListFormat('en', { style: 'long', type: 'disjunction' });
      return {
        plans: `Available plans: ${and.format(all.map((p) => p.name))}.`,
        pick: `Choose ${or.format(all.filter((p) => p.monthlyPriceCents > 0).map((p) => p.id))}`,
        two: 'Ann and Bob',
        one: 'Ann',
      };
    }),
  ],
  [
    'new URL() over webhook endpoints and searchParams editing',
    js`
      const { items } = await callTool('webhooks:listEndpoints', {});
      const parsed = items.map((ep) => {
        const url = new URL(ep.url);
        return { id: ep.id, host: url.hostname, path: url.pathname, secure: url.protocol === 'https:' };
      });
      const next = new URL('https://api.example.com/v1/tickets?status=open');
      next.searchParams.set('limit', '50');
      next.searchParams.append('tag', 'vip customer');
      next.searchParams.delete('status');
      const relative = new URL('../v2/users?id=7#top', 'https://api.example.com/v1/tickets');
      return { parsed, next: next.toString(), params: [...next.searchParams.keys()], origin: next.origin, relative: relative.href, hash: relative.hash };
    `,
    derived(async () => {
      const { items } = await invokeOk<{ items: Endpoint[] }>(g, 'webhooks:listEndpoints');
      return {
        parsed: items.map((ep) => {
          const url = new URL(ep.url);
          return { id: ep.id, host: url.hostname, path: url.pathname, secure: url.protocol === 'https:' };
        }),
        next: 'https://api.example.com/v1/tickets?limit=50&tag=vip+customer',
        params: ['limit', 'tag'],
        origin: 'https://api.example.com',
        relative: 'https://api.example.com/v2/users?id=7#top',
        hash: '#top',
      };
    }),
  ],
  [
    'URLSearchParams built from an object, sorted and iterated',
    js`
      const filters = { status: 'open', priority: 'high', q: 'refund & chargeback' };
      const params = new URLSearchParams(filters);
      params.append('tag', 'billing');
      params.append('tag', 'vip');
      params.sort();
      const pairs = [];
      for (const [key, value] of params) pairs.push(\`$\{key}→$\{value}\`);
      const parsed = new URLSearchParams('?page=2&page=3&empty=&flag');
      return {
        query: params.toString(),
        pairs,
        tags: params.getAll('tag'),
        has: params.has('q'),
        pages: parsed.getAll('page'),
        empty: parsed.get('empty'),
        flag: parsed.get('flag'),
        missing: parsed.get('nope'),
        size: [...parsed].length,
      };
    `,
    {
      query: 'priority=high&q=refund+%26+chargeback&status=open&tag=billing&tag=vip',
      pairs: ['priority→high', 'q→refund & chargeback', 'status→open', 'tag→billing', 'tag→vip'],
      tags: ['billing', 'vip'],
      has: true,
      pages: ['2', '3'],
      empty: '',
      flag: '',
      missing: null,
      size: 4,
    },
  ],
  [
    'btoa and atob round-trip a CSV and build a Basic header',
    js`
      const { items } = await callTool('users:list', { plan: 'pro', limit: 3 });
      const csv = ['id,email', ...items.map((u) => \`$\{u.id},$\{u.email}\`)].join('\n');
      const encoded = btoa(csv);
      const decoded = atob(encoded);
      return {
        roundTrip: decoded === csv,
        rows: decoded.split('\n').length,
        basic: 'Basic ' + btoa('api-user:s3cr3t!'),
        hello: atob('aGVsbG8gd29ybGQ='),
        prefix: encoded.slice(0, 8),
        padded: btoa('ab'),
      };
    `,
    { roundTrip: true, rows: 4, basic: 'Basic YXBpLXVzZXI6czNjcjN0IQ==', hello: 'hello world', prefix: 'aWQsZW1h', padded: 'YWI=' },
  ],
  [
    'Object.groupBy tickets by status and by urgency',
    js`
      const { items } = await callTool('tickets:list', { category: 'billing', limit: 200 });
      const byStatus = Object.groupBy(items, (t) => t.status);
      const byHeat = Object.groupBy(items, ({ priority }) => (priority === 'urgent' || priority === 'high' ? 'hot' : 'normal'));
      return {
        statuses: Object.fromEntries(Object.entries(byStatus).map(([s, list]) => [s, list.length]).sort(([a], [b]) => (a < b ? -1 : 1))),
        hot: byHeat.hot?.length ?? 0,
        normal: byHeat.normal?.length ?? 0,
      };
    `,
    derived(async () => {
      const { items } = await invokeOk<Page<Ticket>>(g, 'tickets:list', { category: 'billing', limit: 200 });
      const hot = items.filter((t) => t.priority === 'urgent' || t.priority === 'high').length;
      return { statuses: Object.fromEntries(Object.entries(countBy(items, (t) => t.status)).sort(byKey)), hot, normal: items.length - hot };
    }),
  ],
  [
    'Map.groupBy German users by plan and activity',
    js`
      const { items } = await callTool('users:list', { country: 'DE', limit: 200 });
      const byPlan = Map.groupBy(items, (u) => u.plan);
      const byActivity = Map.groupBy(items, (u) => (u.status === 'active' ? 'active' : 'inactive'));
      return {
        plans: [...byPlan].map(([plan, users]) => [plan, users.length]),
        isMap: byPlan instanceof Map,
        inactive: (byActivity.get('inactive') ?? []).map((u) => u.id),
      };
    `,
    derived(async () => {
      const { items } = await invokeOk<Page<User>>(g, 'users:list', { country: 'DE', limit: 200 });
      return {
        plans: Object.entries(countBy(items, (u) => u.plan)),
        isMap: true,
        inactive: items.filter((u) => u.status !== 'active').map((u) => u.id),
      };
    }),
  ],
  [
    'Array.fromAsync over an async generator that pages with yield*',
    js`
      async function* openTickets(priority) {
        let offset = 0;
        while (offset !== null) {
          const page = await callTool('tickets:list', { status: 'open', priority, limit: 5, offset });
          yield* page.items;
          offset = page.nextOffset;
        }
      }

      const high = await Array.fromAsync(openTickets('high'));
      const subjects = await Array.fromAsync(openTickets('urgent'), (t) => t.subject);
      return { high: high.length, ids: high.slice(0, 3).map((t) => t.id), urgentSubjects: subjects };
    `,
    derived(async () => {
      const high = await invokeAll<Ticket>(g, 'tickets:list', { status: 'open', priority: 'high' });
      const urgent = await invokeAll<Ticket>(g, 'tickets:list', { status: 'open', priority: 'urgent' });
      return { high: high.length, ids: high.slice(0, 3).map((t) => t.id), urgentSubjects: urgent.map((t) => t.subject) };
    }),
  ],
  [
    'Promise.withResolvers as a deferred resolved by another task',
    js`
      function deferred() {
        const { promise, resolve, reject } = Promise.withResolvers();
        return { promise, resolve, reject };
      }

      const ready = deferred();
      const failing = deferred();
      const order = [];
      const waiter = ready.promise.then((v) => {
        order.push(\`got $\{v}\`);
        return v;
      });
      const [{ plans }] = await Promise.all([
        callTool('billing:listPlans', {}),
        (async () => {
          order.push('resolving');
          ready.resolve('go');
        })(),
      ]);
      await waiter;
      failing.reject(new Error('nope'));
      const failed = await failing.promise.catch((e) => e.message);
      return { order, failed, plans: plans.length };
    `,
    { order: ['resolving', 'got go'], failed: 'nope', plans: 3 },
  ],
  [
    'a word count in plain objects over text containing constructor, toString and hasOwnProperty',
    js`
      const text = 'The constructor calls toString before hasOwnProperty runs.\nEvery constructor has a toString, and toString is never hasOwnProperty.';
      const words = text.match(/[A-Za-z]+/g) ?? [];

      const counts = {};
      for (const w of words) {
        counts[w] = Object.hasOwn(counts, w) ? counts[w] + 1 : 1;
      }

      const dict = Object.create(null);
      for (const w of words) dict[w] = (dict[w] ?? 0) + 1;

      const wanted = ['constructor', 'toString', 'hasOwnProperty', 'valueOf'];
      return {
        counts: Object.fromEntries(wanted.map((w) => [w, Object.hasOwn(counts, w) ? counts[w] : 0])),
        dict: Object.fromEntries(wanted.map((w) => [w, dict[w] ?? 0])),
        distinct: Object.keys(counts).length,
        total: Object.values(counts).reduce((a, b) => a + b, 0),
        same: JSON.stringify(counts) === JSON.stringify(dict),
      };
    `,
    {
      counts: { constructor: 2, toString: 3, hasOwnProperty: 2, valueOf: 0 },
      dict: { constructor: 2, toString: 3, hasOwnProperty: 2, valueOf: 0 },
      distinct: 13,
      total: 17,
      same: true,
    },
  ],
  [
    'a word-frequency dictionary over ticket subjects with Object.hasOwn',
    js`
      const { items } = await callTool('tickets:list', { category: 'bug', limit: 100 });
      const freq = {};
      for (const t of items) {
        for (const word of t.subject.toLowerCase().split(/[^a-z]+/)) {
          if (word.length < 4) continue;
          freq[word] = Object.hasOwn(freq, word) ? freq[word] + 1 : 1;
        }
      }
      return Object.entries(freq)
        .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
        .slice(0, 5);
    `,
    derived(async () => {
      const { items } = await invokeOk<Page<Ticket>>(g, 'tickets:list', { category: 'bug', limit: 100 });
      const freq = new Map<string, number>();
      for (const t of items) for (const w of t.subject.toLowerCase().split(/[^a-z]+/)) if (w.length >= 4) freq.set(w, (freq.get(w) ?? 0) + 1);
      return [...freq].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1)).slice(0, 5);
    }),
  ],
  [
    'console.count and console.assert',
    js`
      const statuses = ['paid', 'open', 'paid', 'void'];
      for (const s of statuses) {
        if (s === 'paid') console.count('paid');
      }
      console.count('open');
      console.assert(statuses.length === 4, 'never printed');
      console.assert(statuses.includes('draft'), 'no draft invoices');
      return statuses.length;
    `,
    logged(4, [
      { level: 'log', message: 'paid: 1' },
      { level: 'log', message: 'paid: 2' },
      { level: 'log', message: 'open: 1' },
      { level: 'error', message: 'Assertion failed: no draft invoices' },
    ]),
  ],
  [
    'console.table, dir, group, time, timeEnd and debug around a warehouse report',
    js`
      const { items } = await callTool('inventory:listWarehouses', {});
      console.time('report');
      console.group('Warehouses');
      console.table(items.map(({ name, utilizationPct }) => ({ name, utilizationPct })));
      console.groupEnd();
      console.dir({ count: items.length }, { depth: 0 });
      console.timeEnd('report');
      console.debug('done');
      return items.map((w) => w.id);
    `,
    counted(derived(async () => (await invokeOk<{ items: Warehouse[] }>(g, 'inventory:listWarehouses')).items.map((w) => w.id)), 5),
  ],
  [
    'nested console.group with logs inside',
    js`
      const plans = ['free', 'pro'];
      console.group('plans');
      for (const p of plans) {
        console.group(p);
        console.info(\`checking $\{p}\`);
        console.groupEnd();
      }
      console.groupEnd();
      console.log('finished');
      return plans.length;
    `,
    counted(2, 6),
  ],
  [
    'ergonomic brand checks (#x in obj) and static #private state',
    js`
      class Account {
        #balance = 0;
        static #created = 0;

        static open(initial) {
          const a = new Account();
          a.#balance = initial;
          Account.#created++;
          return a;
        }
        static isAccount(obj) {
          return #balance in obj;
        }
        static get created() {
          return Account.#created;
        }
        deposit(n) {
          this.#balance += n;
          return this;
        }
        get balance() {
          return this.#balance;
        }
      }

      const a = Account.open(100).deposit(50);
      Account.open(0);
      const fake = { balance: 1e6 };
      return { balance: a.balance, real: Account.isAccount(a), fake: Account.isAccount(fake), created: Account.created, keys: Object.keys(a), json: JSON.stringify(a) };
    `,
    { balance: 150, real: true, fake: false, created: 2, keys: [], json: '{}' },
  ],
  [
    'Intl currency formatters per currency over Object.groupBy of open invoices',
    js`
      const { items } = await callTool('invoices:list', { status: 'open', limit: 30 });
      const byCurrency = Object.groupBy(items, (i) => i.currency);
      const formatters = {
        USD: new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }),
        EUR: new Intl.NumberFormat('de-DE', { style: 'currency', currency: 'EUR' }),
        GBP: new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP' }),
      };
      return Object.entries(byCurrency)
        .map(([cur, list]) => \`$\{cur}: $\{formatters[cur].format(list.reduce((s, i) => s + i.amountCents, 0) / 100)} ($\{list.length})\`)
        .sort();
    `,
    derived(async () => {
      const { items } = await invokeOk<Page<Invoice>>(g, 'invoices:list', { status: 'open', limit: 30 });
      const locale: Record<string, string> = { USD: 'en-US', EUR: 'de-DE', GBP: 'en-GB' };
      const sums = new Map<string, { cents: number; n: number }>();
      for (const i of items) {
        const e = sums.get(i.currency) ?? { cents: 0, n: 0 };
        e.cents += i.amountCents;
        e.n += 1;
        sums.set(i.currency, e);
      }
      return [...sums]
        .map(([cur, e]) => `${cur}: ${new Intl.NumberFormat(locale[cur], { style: 'currency', currency: cur }).format(e.cents / 100)} (${e.n})`)
        .sort();
    }),
  ],
  [
    'a class with an async iterator (Symbol.asyncIterator) over project pages',
    js`
      class Paged {
        #loadPage;
        constructor(loadPage) {
          this.#loadPage = loadPage;
        }
        async *[Symbol.asyncIterator]() {
          let offset = 0;
          while (offset !== null) {
            const page = await this.#loadPage(offset);
            for (const item of page.items) yield item;
            offset = page.nextOffset;
          }
        }
      }

      const projects = new Paged((offset) => callTool('projects:list', { status: 'active', limit: 10, offset }));
      const names = [];
      for await (const p of projects) names.push(p.name);
      return { count: names.length, first: names.slice(0, 3) };
    `,
    derived(async () => {
      const all = await invokeAll<Project>(g, 'projects:list', { status: 'active' });
      return { count: all.length, first: all.slice(0, 3).map((p) => p.name) };
    }),
  ],
];

// ---------------------------------------------------------------------------------------------------
// C. Buggy scripts whose error names the fix
// ---------------------------------------------------------------------------------------------------

interface Failure {
  status: string;
  code: string;
  /** Strings that must all appear in JSON.stringify(envelope.error). */
  mentions: string[];
  /** 1-based line in the script as sent (line 1 is the empty line the js helper keeps). */
  line?: number;
}
type BuggyRow = [label: string, script: string, failure: Failure];

const toolNotFound = (mentions: string[]): Failure => ({ status: 'tool_error', code: 'TOOL_NOT_FOUND', mentions });
const toolValidation = (mentions: string[]): Failure => ({ status: 'tool_error', code: 'TOOL_VALIDATION', mentions });
const runtime = (mentions: string[], line: number): Failure => ({ status: 'runtime_error', code: 'RUNTIME_ERROR', mentions, line });
const unsupported = (mentions: string[], line: number): Failure => ({ status: 'syntax_error', code: 'UNSUPPORTED_SYNTAX', mentions, line });
const illegal = (mentions: string[], line: number): Failure => ({ status: 'illegal_access', code: 'ILLEGAL_ACCESS', mentions, line });

const buggyRows: BuggyRow[] = [
  [
    'a misspelled tool name suggests the real one',
    js`
      const page = await callTool('users:lst', { limit: 10 });
      return page.items.map((u) => u.email);
    `,
    toolNotFound(['users:lst', 'users:list']),
  ],
  [
    'a singular source name suggests the plural one',
    js`
      const user = await callTool('user:get', { id: 'u_0001' });
      return user.email;
    `,
    toolNotFound(['users:get']),
  ],
  [
    'a tool asked of the wrong source suggests the source that has it',
    js`
      const sub = await callTool('users:getSubscription', { userId: 'u_0042' });
      return { plan: sub.plan, renews: sub.currentPeriodEnd };
    `,
    toolNotFound(['billing:getSubscription']),
  ],
  [
    'a misspelled argument suggests the real one',
    js`
      const page = await callTool('users:list', { status: 'active', limt: 25 });
      return page.items.length;
    `,
    toolValidation(['limt', 'limit']),
  ],
  [
    'a snake_case argument suggests the camelCase one',
    js`
      const { items } = await callTool('invoices:listForUser', { user_id: 'u_0042', status: 'open' });
      return items.map((i) => i.number);
    `,
    toolValidation(['user_id', 'userId']),
  ],
  [
    'a wrong enum value lists every allowed value',
    js`
      const { items } = await callTool('tickets:list', { priority: 'medium', limit: 20 });
      return items.map((t) => t.subject);
    `,
    toolValidation(['priority', 'low', 'normal', 'high', 'urgent']),
  ],
  [
    'an invented invoice status lists the real ones',
    js`
      const unpaid = await callTool('invoices:list', { status: 'unpaid', limit: 50 });
      return unpaid.total;
    `,
    toolValidation(['status', 'draft', 'open', 'paid', 'void', 'overdue']),
  ],
  [
    'a missing required argument is named with its JSON type',
    js`
      const { items } = await callTool('invoices:listForUser', { status: 'open', limit: 20 });
      return items.length;
    `,
    toolValidation(['userId', 'string']),
  ],
  [
    'a number passed as a string names the expected type',
    js`
      const page = await callTool('users:list', { plan: 'pro', limit: '20' });
      return page.items.length;
    `,
    toolValidation(['limit', 'integer']),
  ],
  [
    'reading page.data of users:list names items',
    js`
      const page = await callTool('users:list', { status: 'active', limit: 50 });
      const emails = page.data.map((u) => u.email);
      return emails;
    `,
    runtime(['users:list', 'items'], 3),
  ],
  [
    'destructuring { data } from users:list names items',
    js`
      const { data } = await callTool('users:list', { plan: 'pro', limit: 20 });
      return data.map((u) => u.id);
    `,
    runtime(['users:list', 'items'], 3),
  ],
  [
    'a property users do not have names a real field',
    js`
      const page = await callTool('users:list', { limit: 20 });
      const out = [];
      for (const u of page.items) {
        out.push(u.profile.name);
      }
      return out;
    `,
    runtime(['profile', 'firstName'], 5),
  ],
  [
    'treating a page as an array names items',
    js`
      const invoices = await callTool('invoices:list', { status: 'overdue', limit: 20 });
      const total = invoices.reduce((sum, inv) => sum + inv.amountCents, 0);
      return total;
    `,
    runtime(['invoices:list', 'items'], 3),
  ],
  [
    'a forgotten await names await',
    js`
      const page = callTool('tickets:list', { status: 'open', limit: 5 });
      return page.items.length;
    `,
    runtime(['await'], 3),
  ],
  [
    'a map of callTool without Promise.all names Promise.all',
    js`
      const ids = ['u_0001', 'u_0002', 'u_0003'];
      const users = ids.map((id) => callTool('users:get', { id }));
      return users.map((u) => u.email.toLowerCase());
    `,
    runtime(['Promise.all', 'users:get'], 4),
  ],
  [
    'JSON.parse of a tool result says it is parsed already',
    js`
      const raw = await callTool('users:get', { id: 'u_0001' });
      const user = JSON.parse(raw);
      return user.email;
    `,
    { status: 'runtime_error', code: 'RUNTIME_ERROR', mentions: ['instead of JSON.parse'], line: 3 },
  ],
  [
    'null for an optional argument says to leave it out',
    js`
      const page = await callTool('users:list', { plan: null, limit: 5 });
      return page.items.length;
    `,
    toolValidation(['/plan', 'leave the argument out']),
  ],
  [
    'a TypeScript enum suggests an as const object',
    js`
      enum Status {
        Open = 'open',
        Pending = 'pending',
      }
      const page = await callTool('tickets:list', { status: Status.Open, limit: 10 });
      return page.total;
    `,
    unsupported(['enum', 'as const'], 2),
  ],
  [
    'a namespace with values is refused by name',
    js`
      namespace Fees {
        export const VAT = 0.2;
      }
      const inv = await callTool('invoices:get', { id: 'inv_00001' });
      return Math.round(inv.amountCents * Fees.VAT);
    `,
    unsupported(['namespace'], 2),
  ],
  [
    'constructor parameter properties are refused with the constructor named',
    js`
      class InvoiceFormatter {
        constructor(private readonly currency: string) {}
        format(cents: number): string {
          return \`$\{(cents / 100).toFixed(2)} $\{this.currency}\`;
        }
      }
      return new InvoiceFormatter('EUR').format(1999);
    `,
    unsupported(['constructor'], 3),
  ],
  [
    'a prefix type assertion suggests as',
    js`
      interface User { id: string; email: string }
      const raw = await callTool('users:get', { id: 'u_0001' });
      const user = <User>raw;
      return user.email;
    `,
    unsupported([' as '], 4),
  ],
  [
    'a plain syntax error (an extra parenthesis) gives its line',
    js`
      const { items } = await callTool('invoices:list', { limit: 20 });
      const total = items.reduce((sum, inv) => sum + inv.amountCents, 0));
      return total;
    `,
    { status: 'syntax_error', code: 'SYNTAX_ERROR', mentions: [], line: 3 },
  ],
  [
    'setTimeout as a delay between calls suggests Promise.all',
    js`
      const results = [];
      for (const id of ['u_0001', 'u_0002']) {
        results.push(await callTool('users:get', { id }));
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      return results.length;
    `,
    illegal(['setTimeout', 'Promise.all'], 5),
  ],
  [
    'fetch suggests callTool',
    js`
      const res = await fetch('https://api.example.com/users?limit=10');
      const users = await res.json();
      return users.length;
    `,
    illegal(['fetch', 'callTool'], 2),
  ],
  [
    'require of a package suggests callTool',
    js`
      const _ = require('lodash');
      const { items } = await callTool('users:list', { limit: 50 });
      return _.groupBy(items, 'plan');
    `,
    illegal(['require', 'callTool'], 2),
  ],
  [
    'an import of a package suggests callTool',
    js`
      import { sortBy } from 'lodash';
      const { items } = await callTool('users:list', { limit: 20 });
      return sortBy(items, 'lastName').map((u) => u.id);
    `,
    illegal(['import', 'callTool'], 2),
  ],
  [
    'process.env suggests context',
    js`
      const region = process.env.REGION ?? 'NL';
      const { items } = await callTool('inventory:listWarehouses', {});
      return items.filter((w) => w.country === region);
    `,
    illegal(['process', 'context'], 2),
  ],
  [
    'a typo in console suggests console',
    js`
      const { total } = await callTool('tickets:list', { status: 'open', limit: 1 });
      cosole.log('open tickets', total);
      return total;
    `,
    illegal(['cosole', 'console'], 3),
  ],
  [
    'a thrown Error keeps its message and the line of the throw',
    js`
      function requirePositive(n: number, what: string): number {
        if (!(n > 0)) {
          throw new Error(\`$\{what} must be positive, got $\{n}\`);
        }
        return n;
      }
      const { total } = await callTool('tickets:list', { status: 'open', limit: 1 });
      requirePositive(total, 'open tickets');
      return requirePositive(total - total, 'remaining tickets');
    `,
    runtime(['remaining tickets must be positive, got 0'], 4),
  ],
  [
    'an uncaught NOT_FOUND names the id and ToolError',
    js`
      const user = await callTool('users:get', { id: 'u_12345' });
      return user.email;
    `,
    { status: 'tool_error', code: 'TOOL_ERROR', mentions: ['NOT_FOUND', 'u_12345', 'ToolError'] },
  ],
  [
    'returning a BigInt names BigInt',
    js`
      const { items } = await callTool('invoices:list', { limit: 50 });
      const total = items.reduce((sum, inv) => sum + BigInt(inv.amountCents), 0n);
      return { total };
    `,
    { status: 'runtime_error', code: 'RESULT_NOT_SERIALIZABLE', mentions: ['BigInt'] },
  ],
];

// ---------------------------------------------------------------------------------------------------

describe('the corpus', () => {
  test('has enough scripts in each group', () => {
    expect(typescriptRows.length).toBeGreaterThanOrEqual(30);
    expect(modernRows.length).toBeGreaterThanOrEqual(25);
    expect(buggyRows.length).toBeGreaterThanOrEqual(20);
    expect(typescriptRows.length + modernRows.length + buggyRows.length).toBeGreaterThanOrEqual(75);
  });

  test('labels are unique', () => {
    const labels = [...typescriptRows, ...modernRows, ...buggyRows].map(([label]) => label);
    expect(new Set(labels).size).toBe(labels.length);
  });
});

async function expectOk(script: string, expected: unknown, options: Omit<ExecuteRequest, 'script'>): Promise<void> {
  const r = await g.run(script, options);
  expect({ status: r.status, error: r.error }).toEqual({ status: 'ok', error: undefined });
  expect(r.warnings).toEqual([]);
  const value = async (e: unknown): Promise<unknown> => (e instanceof Derived ? e.compute() : e);
  if (expected instanceof Logged) {
    expect(r.result).toEqual(expected.result);
    expect(r.logs).toEqual(expected.logs);
  } else if (expected instanceof Counted) {
    expect(r.result).toEqual(await value(expected.result));
    expect(r.logs.length).toBe(expected.logCount);
  } else {
    expect(r.result).toEqual(await value(expected));
    expect(r.logs).toEqual([]);
  }
}

// Every row gets its options element: jest treats a callback with more parameters than the row has
// values as one expecting a `done` callback.
const complete = (rows: Row[]): Required<Row>[] => rows.map(([label, script, expected, options]) => [label, script, expected, options ?? {}]);

describe('A. TypeScript-flavoured scripts run as written', () => {
  test.each(complete(typescriptRows))('%s', async (_label, script, expected, options) => {
    await expectOk(script, expected, options);
  });
});

describe('B. modern JavaScript and the standard library', () => {
  test.each(complete(modernRows))('%s', async (_label, script, expected, options) => {
    await expectOk(script, expected, options);
  });
});

// With the type check off, as they run when a caller turns it off: the run-time errors name the fix too
// (the type check's verdicts on the same scripts are in typecheck-scripts.test.ts).
describe('C. buggy scripts fail with an error that names the fix', () => {
  test.each(buggyRows)('%s', async (_label, script, failure) => {
    const r = await g.run(script, { typecheck: 'off' });
    expect({ status: r.status, code: r.error?.code }).toEqual({ status: failure.status, code: failure.code });
    expect(r.result).toBeUndefined();
    const text = JSON.stringify(r.error);
    for (const m of failure.mentions) expect(text).toContain(m);
    if (failure.line !== undefined) expect(r.error?.line).toBe(failure.line);
  });
});
