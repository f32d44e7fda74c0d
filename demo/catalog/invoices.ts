/** Invoices: listing, lifecycle (draft -> open -> paid / void / overdue) and reminders. */
import type { ToolDefinition } from '../../src';
import {
  matchesQuery, optEnum, optNumber, optString, paginate, reqNumber, reqString, sortByField, within,
} from './args';
import type { Args } from './args';
import { subscriptionFor } from './billing';
import {
  CURRENCIES, DAY_MS, INVOICE_STATUSES, PAYMENT_METHOD_TYPES, clone, conflict, iso, mustGet, nextId, nowIso, recordSent,
} from './store';
import type { DemoStore, Invoice, LineItem } from './model';
import {
  arrayOf, cents, dateTime, defineTool, enumOf, id, input, int, listInput, nullable, page, record, sortOrder, str,
} from './schema-helpers';

const INVOICE_ID = id('Invoice', 'inv_00042');
const USER_ID = id('User', 'u_0042');

const lineItemSchema = record({
  description: str('What is billed.'),
  quantity: int('Units billed.'),
  unitAmountCents: int('Price per unit, in cents.'),
  amountCents: int('quantity x unitAmountCents, in cents.'),
});

const invoiceProperties = {
  id: str('Invoice id.'),
  number: str('Human-facing invoice number, e.g. INV-2024-00042.'),
  userId: str('Billed user.'),
  status: enumOf(INVOICE_STATUSES, 'draft (editable), open (sent, awaiting payment), paid, void, or overdue (open past its due date).'),
  currency: enumOf(CURRENCIES, 'Currency of all amounts.'),
  amountCents: int('Invoice total (sum of line items), in cents.'),
  lineItems: arrayOf(lineItemSchema, 'Billed lines.'),
  issuedAt: dateTime('Issue date (for drafts: when the draft was created).'),
  dueAt: dateTime('Payment due date.'),
  paidAt: nullable(dateTime('When it was paid, or null.')),
  voidedAt: nullable(dateTime('When it was voided, or null.')),
};
export const invoiceSchema = record(invoiceProperties, 'An invoice.');
const overdueInvoiceSchema = record({ ...invoiceProperties, daysOverdue: int('Whole days past the due date.') }, 'An overdue invoice.');

const LINE_ITEM_INPUT = {
  description: str('What is billed.', { minLength: 1 }),
  quantity: int('Units, 1-10,000.', { minimum: 1, maximum: 10_000 }),
  unitAmountCents: int('Price per unit in cents (0 - 10,000,000).', { minimum: 0, maximum: 10_000_000 }),
};

const SORT_FIELDS = ['issuedAt', 'dueAt', 'amountCents'] as const;

function filterInvoices(store: DemoStore, args: Args): Invoice[] {
  const status = optEnum(args, 'status', INVOICE_STATUSES);
  const userId = optString(args, 'userId');
  const currency = optEnum(args, 'currency', CURRENCIES);
  const min = optNumber(args, 'minAmountCents');
  const max = optNumber(args, 'maxAmountCents');
  const issuedAfter = optString(args, 'issuedAfter');
  const issuedBefore = optString(args, 'issuedBefore');
  const dueBefore = optString(args, 'dueBefore');
  return [...store.invoices.values()].filter((i) =>
    (status === undefined || i.status === status) && (userId === undefined || i.userId === userId) &&
    (currency === undefined || i.currency === currency) && (min === undefined || i.amountCents >= min) &&
    (max === undefined || i.amountCents <= max) && within(i.issuedAt, issuedAfter, issuedBefore) &&
    within(i.dueAt, undefined, dueBefore));
}

function lineItem(args: Args): LineItem {
  const quantity = reqNumber(args, 'quantity');
  const unitAmountCents = reqNumber(args, 'unitAmountCents');
  return { description: reqString(args, 'description'), quantity, unitAmountCents, amountCents: quantity * unitAmountCents };
}

export function invoiceTools(store: DemoStore): ToolDefinition[] {
  const getInvoice = (args: Args): Invoice => mustGet(store.invoices, reqString(args, 'id'), 'invoice');
  const requireStatus = (invoice: Invoice, allowed: readonly Invoice['status'][], action: string): void => {
    if (!allowed.includes(invoice.status)) conflict(`cannot ${action} invoice '${invoice.id}' in status ${invoice.status}`);
  };
  return [
    defineTool({
      name: 'invoices:list',
      kind: 'read',
      description: 'Lists invoices across all customers, newest first by default. Filter by status, user, currency, amount range and issue/due dates. Returns a page `{ items, total, nextOffset }`.',
      input: listInput({
        status: enumOf(INVOICE_STATUSES, 'Only invoices in this status.'),
        userId: USER_ID,
        currency: enumOf(CURRENCIES, 'Only this currency.'),
        minAmountCents: cents('Only invoices of at least this total.'),
        maxAmountCents: cents('Only invoices of at most this total.'),
        issuedAfter: dateTime('Only invoices issued at or after this instant.'),
        issuedBefore: dateTime('Only invoices issued before this instant.'),
        dueBefore: dateTime('Only invoices due before this instant.'),
        sortBy: enumOf(SORT_FIELDS, 'Sort field (default issuedAt).'),
        order: sortOrder('desc'),
      }),
      output: page(invoiceSchema, 'invoices'),
      handler: (args) => {
        const sorted = sortByField(filterInvoices(store, args), optEnum(args, 'sortBy', SORT_FIELDS) ?? 'issuedAt', optEnum(args, 'order', ['asc', 'desc'] as const) ?? 'desc');
        return paginate(sorted, args);
      },
    }),
    defineTool({
      name: 'invoices:listForUser',
      kind: 'read',
      description: "A customer's invoices, newest first, optionally only one status. Fails with NOT_FOUND for unknown users. Returns a page `{ items, total, nextOffset }`.",
      input: listInput({ userId: USER_ID, status: enumOf(INVOICE_STATUSES, 'Only invoices in this status.') }, ['userId']),
      output: page(invoiceSchema, 'invoices'),
      handler: (args) => {
        mustGet(store.users, reqString(args, 'userId'), 'user');
        return paginate(sortByField(filterInvoices(store, args), 'issuedAt', 'desc'), args);
      },
    }),
    defineTool({
      name: 'invoices:get',
      kind: 'read',
      description: 'Fetches one invoice with its line items. Fails with NOT_FOUND for unknown ids.',
      input: input({ id: INVOICE_ID }, ['id']),
      output: invoiceSchema,
      handler: (args) => clone(getInvoice(args)),
    }),
    defineTool({
      name: 'invoices:getByNumber',
      kind: 'read',
      description: 'Finds an invoice by its printed number (e.g. "INV-2024-00042"), which is what customers quote in emails. Fails with NOT_FOUND if no invoice has it.',
      input: input({ number: str('Invoice number as printed.', { minLength: 1 }) }, ['number']),
      output: invoiceSchema,
      handler: (args) => {
        const wanted = reqString(args, 'number').trim().toUpperCase();
        const found = [...store.invoices.values()].find((i) => i.number === wanted);
        return clone(found ?? mustGet(store.invoices, wanted, 'invoice'));
      },
    }),
    defineTool({
      name: 'invoices:search',
      kind: 'read',
      description: "Searches invoices by number, line-item text or the customer's email (case-insensitive substring). Returns a page of matches, newest first.",
      input: listInput({ query: str('Text to look for.', { minLength: 1 }), status: enumOf(INVOICE_STATUSES, 'Only invoices in this status.') }, ['query']),
      output: page(invoiceSchema, 'invoices'),
      handler: (args) => {
        const query = reqString(args, 'query');
        const hits = filterInvoices(store, args).filter((i) =>
          matchesQuery(query, i.number, store.users.get(i.userId)?.email ?? null, ...i.lineItems.map((li) => li.description)));
        return paginate(sortByField(hits, 'issuedAt', 'desc'), args);
      },
    }),
    defineTool({
      name: 'invoices:listOverdue',
      kind: 'read',
      description: 'Unpaid invoices past their due date (status overdue, or open with a due date in the past), most overdue first, each with daysOverdue. Returns a page.',
      input: listInput({ minDaysOverdue: int('Only invoices at least this many days late (default 1).', { minimum: 0, maximum: 3650 }) }),
      output: page(overdueInvoiceSchema, 'overdue invoices'),
      handler: (args) => {
        const now = store.now();
        const minDays = optNumber(args, 'minDaysOverdue') ?? 1;
        const late = [...store.invoices.values()]
          .filter((i) => (i.status === 'overdue' || i.status === 'open') && Date.parse(i.dueAt) < now)
          .map((i) => ({ ...i, daysOverdue: Math.floor((now - Date.parse(i.dueAt)) / DAY_MS) }))
          .filter((i) => i.daysOverdue >= minDays);
        return paginate(sortByField(late, 'daysOverdue', 'desc'), args);
      },
    }),
    defineTool({
      name: 'invoices:totals',
      kind: 'read',
      description: 'Counts and sums invoices grouped by status, month of issue or user country, optionally within an issue-date range. Each group is split per currency, because amounts in different currencies cannot be added.',
      input: input({
        groupBy: enumOf(['status', 'month', 'country'], 'Grouping key (default status).'),
        issuedAfter: dateTime('Only invoices issued at or after this instant.'),
        issuedBefore: dateTime('Only invoices issued before this instant.'),
        status: enumOf(INVOICE_STATUSES, 'Only invoices in this status.'),
      }),
      output: record({
        groupBy: enumOf(['status', 'month', 'country'], 'Grouping used.'),
        groups: arrayOf(record({ key: str('Group value (status, YYYY-MM, or country code).'), currency: enumOf(CURRENCIES, 'Currency.'), count: int('Invoices.'), amountCents: int('Sum of totals, in cents.') }), 'Groups, sorted by key then currency.'),
        invoiceCount: int('All invoices counted.'),
      }),
      handler: (args) => {
        const groupBy = optEnum(args, 'groupBy', ['status', 'month', 'country'] as const) ?? 'status';
        const invoices = filterInvoices(store, args);
        const groups = new Map<string, { key: string; currency: Invoice['currency']; count: number; amountCents: number }>();
        for (const i of invoices) {
          const key = groupBy === 'status' ? i.status : groupBy === 'month' ? i.issuedAt.slice(0, 7) : (store.users.get(i.userId)?.country ?? 'unknown');
          const group = groups.get(`${key}|${i.currency}`) ?? { key, currency: i.currency, count: 0, amountCents: 0 };
          group.count += 1;
          group.amountCents += i.amountCents;
          groups.set(`${key}|${i.currency}`, group);
        }
        const rows = [...groups.values()].sort((a, b) => a.key.localeCompare(b.key) || a.currency.localeCompare(b.currency));
        return { groupBy, groups: rows, invoiceCount: invoices.length };
      },
    }),
    defineTool({
      name: 'invoices:getPdfUrl',
      kind: 'read',
      description: 'A short-lived download link for the invoice PDF (valid 15 minutes). Fails with NOT_FOUND for unknown ids and CONFLICT for drafts, which have no PDF yet.',
      input: input({ id: INVOICE_ID }, ['id']),
      output: record({ invoiceId: str('Invoice.'), url: str('Signed download URL.', { format: 'uri' }), expiresAt: dateTime('When the link stops working.') }),
      handler: (args) => {
        const invoice = getInvoice(args);
        requireStatus(invoice, ['open', 'paid', 'void', 'overdue'], 'render');
        const expires = store.now() + 15 * 60_000;
        return { invoiceId: invoice.id, url: `https://files.example.com/invoices/${invoice.number}.pdf?expires=${Math.floor(expires / 1000)}`, expiresAt: iso(expires) };
      },
    }),
    ...invoiceWriteTools(store, getInvoice, requireStatus),
  ];
}

function invoiceWriteTools(
  store: DemoStore,
  getInvoice: (args: Args) => Invoice,
  requireStatus: (invoice: Invoice, allowed: readonly Invoice['status'][], action: string) => void,
): ToolDefinition[] {
  return [
    defineTool({
      name: 'invoices:create',
      kind: 'create',
      description: "Creates a draft invoice for a user in their billing currency. Drafts can still be edited; call invoices:finalize to send it. Returns the new invoice.",
      input: input({
        userId: USER_ID,
        lineItems: arrayOf(record(LINE_ITEM_INPUT), 'Lines to bill (1-50).', { minItems: 1, maxItems: 50 }),
        dueInDays: int('Payment terms in days after issue (default 14).', { minimum: 0, maximum: 120 }),
      }, ['userId', 'lineItems']),
      output: invoiceSchema,
      handler: (args) => {
        const sub = subscriptionFor(store, reqString(args, 'userId'));
        const raw = Array.isArray(args.lineItems) ? (args.lineItems as unknown[]) : [];
        const lineItems = raw.map((li) => lineItem(typeof li === 'object' && li !== null ? { ...li } : {}));
        const invoiceId = nextId(store, 'inv_', 5);
        const invoice: Invoice = {
          id: invoiceId,
          number: `INV-${new Date(store.now()).getUTCFullYear()}-${invoiceId.slice(4)}`,
          userId: sub.userId, status: 'draft', currency: sub.currency,
          amountCents: lineItems.reduce((s, li) => s + li.amountCents, 0), lineItems,
          issuedAt: nowIso(store), dueAt: iso(store.now() + (optNumber(args, 'dueInDays') ?? 14) * DAY_MS),
          paidAt: null, voidedAt: null,
        };
        store.invoices.set(invoice.id, invoice);
        return clone(invoice);
      },
    }),
    defineTool({
      name: 'invoices:addLineItem',
      kind: 'update',
      idempotent: false,
      description: 'Appends a line to a draft invoice and recomputes its total. Fails with CONFLICT once the invoice is finalized. Returns the updated invoice.',
      input: input({ id: INVOICE_ID, ...LINE_ITEM_INPUT }, ['id', 'description', 'quantity', 'unitAmountCents']),
      output: invoiceSchema,
      handler: (args) => {
        const invoice = getInvoice(args);
        requireStatus(invoice, ['draft'], 'edit');
        const li = lineItem(args);
        invoice.lineItems.push(li);
        invoice.amountCents += li.amountCents;
        return clone(invoice);
      },
    }),
    defineTool({
      name: 'invoices:finalize',
      kind: 'update',
      description: 'Finalizes a draft: it becomes open, gets issued now, and keeps its payment terms. Fails with CONFLICT for non-drafts. Returns the invoice.',
      input: input({ id: INVOICE_ID }, ['id']),
      output: invoiceSchema,
      handler: (args) => {
        const invoice = getInvoice(args);
        requireStatus(invoice, ['draft'], 'finalize');
        const terms = Date.parse(invoice.dueAt) - Date.parse(invoice.issuedAt);
        invoice.status = 'open';
        invoice.issuedAt = nowIso(store);
        invoice.dueAt = iso(store.now() + terms);
        return clone(invoice);
      },
    }),
    defineTool({
      name: 'invoices:markPaid',
      kind: 'update',
      description: 'Records an out-of-band payment (e.g. a bank transfer that arrived) against an open or overdue invoice: the invoice becomes paid and a succeeded payment is logged. Returns the invoice.',
      input: input({ id: INVOICE_ID, method: enumOf(PAYMENT_METHOD_TYPES, 'How it was paid (default bank_transfer).') }, ['id']),
      output: invoiceSchema,
      handler: (args) => {
        const invoice = getInvoice(args);
        if (invoice.status === 'paid') return clone(invoice);
        requireStatus(invoice, ['open', 'overdue'], 'mark paid');
        invoice.status = 'paid';
        invoice.paidAt = nowIso(store);
        const paymentId = nextId(store, 'pay_', 5);
        store.payments.set(paymentId, {
          id: paymentId, userId: invoice.userId, invoiceId: invoice.id, amountCents: invoice.amountCents, amountRefundedCents: 0,
          currency: invoice.currency, status: 'succeeded', method: optEnum(args, 'method', PAYMENT_METHOD_TYPES) ?? 'bank_transfer',
          failureReason: null, createdAt: invoice.paidAt,
        });
        return clone(invoice);
      },
    }),
    defineTool({
      name: 'invoices:updateDueDate',
      kind: 'update',
      description: 'Moves the due date of an unpaid invoice (payment extension). An overdue invoice whose new date is in the future becomes open again. Fails with CONFLICT for paid or void invoices.',
      input: input({ id: INVOICE_ID, dueAt: dateTime('New due date.') }, ['id', 'dueAt']),
      output: invoiceSchema,
      handler: (args) => {
        const invoice = getInvoice(args);
        requireStatus(invoice, ['draft', 'open', 'overdue'], 'reschedule');
        invoice.dueAt = iso(Date.parse(reqString(args, 'dueAt')));
        if (invoice.status === 'overdue' && Date.parse(invoice.dueAt) > store.now()) invoice.status = 'open';
        return clone(invoice);
      },
    }),
    defineTool({
      name: 'invoices:void',
      kind: 'destructive',
      idempotent: true,
      description: 'Voids an unpaid invoice so it is no longer collectable; this cannot be undone. Fails with CONFLICT for paid invoices (refund the payment instead). Returns the invoice.',
      input: input({ id: INVOICE_ID, reason: str('Why it is voided (kept for audit).') }, ['id']),
      output: invoiceSchema,
      handler: (args) => {
        const invoice = getInvoice(args);
        if (invoice.status === 'void') return clone(invoice);
        requireStatus(invoice, ['draft', 'open', 'overdue'], 'void');
        invoice.status = 'void';
        invoice.voidedAt = nowIso(store);
        return clone(invoice);
      },
    }),
    defineTool({
      name: 'invoices:delete',
      kind: 'destructive',
      description: 'Permanently deletes a draft invoice. Finalized invoices cannot be deleted (void them instead; CONFLICT). Returns the invoice as it was before deletion.',
      input: input({ id: INVOICE_ID }, ['id']),
      output: invoiceSchema,
      handler: (args) => {
        const invoice = getInvoice(args);
        requireStatus(invoice, ['draft'], 'delete');
        store.invoices.delete(invoice.id);
        return clone(invoice);
      },
    }),
    defineTool({
      name: 'invoices:sendReminder',
      kind: 'sink',
      description: 'Emails the customer a payment reminder for an open or overdue invoice (logged in the notification log, nothing leaves the demo). Fails with CONFLICT for other statuses.',
      input: input({ id: INVOICE_ID, message: str('Optional personal note appended to the reminder.') }, ['id']),
      output: record({ invoiceId: str('Invoice.'), notificationId: str('Id of the email in the notification log.'), to: str('Recipient address.'), sentAt: dateTime('When it was sent.') }),
      handler: (args) => {
        const invoice = getInvoice(args);
        requireStatus(invoice, ['open', 'overdue'], 'remind about');
        const user = mustGet(store.users, invoice.userId, 'user');
        const amount = `${(invoice.amountCents / 100).toFixed(2)} ${invoice.currency}`;
        const note = optString(args, 'message');
        const sent = recordSent(store, {
          channel: 'email', to: user.email, subject: `Invoice ${invoice.number} is due`,
          body: `Hi ${user.firstName}, invoice ${invoice.number} for ${amount} is due on ${invoice.dueAt.slice(0, 10)}.${note === undefined ? '' : `\n\n${note}`}`,
          payload: { invoiceId: invoice.id }, triggeredBy: 'invoices:sendReminder',
        });
        return { invoiceId: invoice.id, notificationId: sent.id, to: sent.to, sentAt: sent.sentAt };
      },
    }),
  ];
}
