/** Payments, refunds and disputes. */
import type { ToolDefinition } from '../../src';
import { daysAgo, optBool, optEnum, optNumber, optString, paginate, reqNumber, reqString, sortByField, sum, within } from './args';
import type { Args } from './args';
import { subscriptionFor } from './billing';
import {
  CURRENCIES, DISPUTE_STATUSES, PAYMENT_METHOD_TYPES, PAYMENT_STATUSES, REFUND_REASONS, clone, conflict, iso, mustGet,
  nextId, nowIso,
} from './store';
import type { DemoStore, Payment, Refund } from './model';
import {
  DAYS, arrayOf, bool, cents, dateTime, defineTool, enumOf, id, input, int, listInput, nullable, page, record, str,
} from './schema-helpers';

const PAYMENT_ID = id('Payment', 'pay_00042');
const USER_ID = id('User', 'u_0042');

export const paymentSchema = record({
  id: str('Payment id.'),
  userId: str('Paying user.'),
  invoiceId: nullable(str('Invoice the payment settles, or null for one-off charges.')),
  amountCents: int('Amount charged or authorized, in cents.'),
  amountRefundedCents: int('Refunded so far, in cents.'),
  currency: enumOf(CURRENCIES, 'Currency.'),
  status: enumOf(PAYMENT_STATUSES, 'succeeded, failed, pending (bank transfer in flight), authorized (awaiting capture), canceled, refunded or partially_refunded.'),
  method: enumOf(PAYMENT_METHOD_TYPES, 'Payment method type.'),
  failureReason: nullable(str('Decline code for failed payments (e.g. card_declined), else null.')),
  createdAt: dateTime('When the attempt was made.'),
}, 'A payment attempt.');

const refundSchema = record({
  id: str('Refund id.'), paymentId: str('Refunded payment.'), userId: str('Customer.'), amountCents: int('Refunded amount, in cents.'),
  currency: enumOf(CURRENCIES, 'Currency.'), reason: enumOf(REFUND_REASONS, 'Reason code.'),
  note: nullable(str('Free-text note, or null.')), createdAt: dateTime('When the refund was issued.'),
});

const disputeSchema = record({
  id: str('Dispute id.'), paymentId: str('Disputed payment.'), userId: str('Customer.'), amountCents: int('Disputed amount, in cents.'),
  currency: enumOf(CURRENCIES, 'Currency.'),
  reason: enumOf(['fraudulent', 'product_not_received', 'duplicate', 'subscription_canceled'], 'Reason the cardholder gave.'),
  status: enumOf(DISPUTE_STATUSES, 'needs_response (act before dueBy), under_review, won or lost.'),
  evidence: nullable(str('Evidence submitted, or null.')), dueBy: dateTime('Deadline for submitting evidence.'),
  createdAt: dateTime('When the dispute was opened.'),
});

function filterPayments(store: DemoStore, args: Args): Payment[] {
  const status = optEnum(args, 'status', PAYMENT_STATUSES);
  const method = optEnum(args, 'method', PAYMENT_METHOD_TYPES);
  const userId = optString(args, 'userId');
  const min = optNumber(args, 'minAmountCents');
  const after = optString(args, 'createdAfter');
  const before = optString(args, 'createdBefore');
  return [...store.payments.values()].filter((p) =>
    (status === undefined || p.status === status) && (method === undefined || p.method === method) &&
    (userId === undefined || p.userId === userId) && (min === undefined || p.amountCents >= min) &&
    within(p.createdAt, after, before));
}

export function paymentTools(store: DemoStore): ToolDefinition[] {
  const getPayment = (paymentId: string): Payment => mustGet(store.payments, paymentId, 'payment');
  const hasMethod = (userId: string): boolean => [...store.paymentMethods.values()].some((m) => m.userId === userId);
  const settleInvoice = (payment: Payment): void => {
    const invoice = payment.invoiceId === null ? undefined : store.invoices.get(payment.invoiceId);
    if (invoice && (invoice.status === 'open' || invoice.status === 'overdue') && payment.amountCents >= invoice.amountCents) {
      invoice.status = 'paid';
      invoice.paidAt = payment.createdAt;
    }
  };
  const newPayment = (fields: Omit<Payment, 'id' | 'createdAt'>): Payment => {
    const payment: Payment = { id: nextId(store, 'pay_', 5), ...fields, createdAt: nowIso(store) };
    store.payments.set(payment.id, payment);
    if (payment.status === 'succeeded') settleInvoice(payment);
    return payment;
  };
  return [
    defineTool({
      name: 'payments:list',
      kind: 'read',
      description: 'Lists payment attempts, newest first, filtered by status, method, user, minimum amount or date range. Returns a page `{ items, total, nextOffset }`.',
      input: listInput({
        status: enumOf(PAYMENT_STATUSES, 'Only payments in this status.'),
        method: enumOf(PAYMENT_METHOD_TYPES, 'Only this payment method type.'),
        userId: USER_ID,
        minAmountCents: cents('Only payments of at least this amount.'),
        createdAfter: dateTime('Only payments made at or after this instant.'),
        createdBefore: dateTime('Only payments made before this instant.'),
      }),
      output: page(paymentSchema, 'payments'),
      handler: (args) => paginate(sortByField(filterPayments(store, args), 'createdAt', 'desc'), args),
    }),
    defineTool({
      name: 'payments:get',
      kind: 'read',
      description: 'Fetches one payment by id. Fails with NOT_FOUND for unknown ids.',
      input: input({ id: PAYMENT_ID }, ['id']),
      output: paymentSchema,
      handler: (args) => clone(getPayment(reqString(args, 'id'))),
    }),
    defineTool({
      name: 'payments:listForUser',
      kind: 'read',
      description: "A customer's payment history, newest first. Fails with NOT_FOUND for unknown users. Returns a page.",
      input: listInput({ userId: USER_ID, status: enumOf(PAYMENT_STATUSES, 'Only payments in this status.') }, ['userId']),
      output: page(paymentSchema, 'payments'),
      handler: (args) => {
        mustGet(store.users, reqString(args, 'userId'), 'user');
        return paginate(sortByField(filterPayments(store, args), 'createdAt', 'desc'), args);
      },
    }),
    defineTool({
      name: 'payments:listForInvoice',
      kind: 'read',
      description: 'Every payment attempt (including failures) made against an invoice, oldest first. Fails with NOT_FOUND for unknown invoices.',
      input: input({ invoiceId: id('Invoice', 'inv_00042') }, ['invoiceId']),
      output: record({ items: arrayOf(paymentSchema, 'Payment attempts, oldest first.') }),
      handler: (args) => {
        const invoice = mustGet(store.invoices, reqString(args, 'invoiceId'), 'invoice');
        return { items: [...store.payments.values()].filter((p) => p.invoiceId === invoice.id).map((p) => clone(p)) };
      },
    }),
    defineTool({
      name: 'payments:listFailed',
      kind: 'read',
      description: 'Failed payment attempts in the last N days, newest first, with their decline reasons: the dunning work queue. Returns a page.',
      input: listInput({ days: DAYS('How far back to look.', 365, 30) }),
      output: page(paymentSchema, 'payments'),
      handler: (args) => {
        const since = daysAgo(store, optNumber(args, 'days') ?? 30);
        const failed = [...store.payments.values()].filter((p) => p.status === 'failed' && Date.parse(p.createdAt) >= since);
        return paginate(sortByField(failed, 'createdAt', 'desc'), args);
      },
    }),
    defineTool({
      name: 'payments:summary',
      kind: 'read',
      description: 'Money in and out over the last N days, per currency: gross collected, refunded, net, and counts of succeeded and failed attempts.',
      input: input({ days: DAYS('Window to summarise.', 365, 30) }),
      output: record({
        from: dateTime('Start of the window.'), to: dateTime('End of the window (now).'),
        byCurrency: arrayOf(record({
          currency: enumOf(CURRENCIES, 'Currency.'), grossCents: int('Collected, in cents.'), refundedCents: int('Refunded in the window, in cents.'),
          netCents: int('gross minus refunded, in cents.'), succeeded: int('Successful payments.'), failed: int('Failed attempts.'),
        }), 'One row per currency.'),
      }),
      handler: (args) => {
        const since = daysAgo(store, optNumber(args, 'days') ?? 30);
        const inWindow = (at: string): boolean => Date.parse(at) >= since;
        const rows = CURRENCIES.map((currency) => {
          const payments = [...store.payments.values()].filter((p) => p.currency === currency && inWindow(p.createdAt));
          const collected = payments.filter((p) => p.status === 'succeeded' || p.status === 'refunded' || p.status === 'partially_refunded');
          const refunded = sum([...store.refunds.values()].filter((r) => r.currency === currency && inWindow(r.createdAt)).map((r) => r.amountCents));
          const gross = sum(collected.map((p) => p.amountCents));
          return { currency, grossCents: gross, refundedCents: refunded, netCents: gross - refunded, succeeded: collected.length, failed: payments.filter((p) => p.status === 'failed').length };
        });
        return { from: iso(since), to: nowIso(store), byCurrency: rows };
      },
    }),
    defineTool({
      name: 'payments:charge',
      kind: 'create',
      description: "Charges a customer's default payment method in their billing currency. With capture false the amount is only authorized (capture it later). If invoiceId is given and the amount covers it, the invoice is marked paid. A customer without a saved method yields a failed payment, not an error.",
      input: input({
        userId: USER_ID,
        amountCents: int('Amount to charge, in cents (50 - 10,000,000).', { minimum: 50, maximum: 10_000_000 }),
        invoiceId: str("Invoice this charge settles, e.g. 'inv_00042'.", { minLength: 1 }),
        capture: bool('Capture immediately (default true) or only authorize.'),
      }, ['userId', 'amountCents']),
      output: paymentSchema,
      handler: (args) => {
        const sub = subscriptionFor(store, reqString(args, 'userId'));
        const invoiceId = optString(args, 'invoiceId') ?? null;
        if (invoiceId !== null && mustGet(store.invoices, invoiceId, 'invoice').userId !== sub.userId) {
          conflict(`invoice '${invoiceId}' belongs to another user`);
        }
        const ok = hasMethod(sub.userId);
        const method = [...store.paymentMethods.values()].find((m) => m.userId === sub.userId && m.isDefault)?.type ?? 'card';
        return clone(newPayment({
          userId: sub.userId, invoiceId, amountCents: reqNumber(args, 'amountCents'), amountRefundedCents: 0, currency: sub.currency,
          status: !ok ? 'failed' : optBool(args, 'capture') === false ? 'authorized' : 'succeeded',
          method, failureReason: ok ? null : 'no_payment_method',
        }));
      },
    }),
    defineTool({
      name: 'payments:capture',
      kind: 'update',
      idempotent: false,
      description: 'Captures an authorized payment, optionally for less than was authorized. Fails with CONFLICT unless the payment is authorized. Returns the payment, now succeeded.',
      input: input({ id: PAYMENT_ID, amountCents: int('Amount to capture, in cents (default: the full authorization).', { minimum: 1 }) }, ['id']),
      output: paymentSchema,
      handler: (args) => {
        const payment = getPayment(reqString(args, 'id'));
        if (payment.status !== 'authorized') conflict(`payment '${payment.id}' is ${payment.status}, not authorized`);
        const amount = optNumber(args, 'amountCents') ?? payment.amountCents;
        if (amount > payment.amountCents) conflict(`cannot capture ${amount}, only ${payment.amountCents} was authorized`);
        payment.amountCents = amount;
        payment.status = 'succeeded';
        settleInvoice(payment);
        return clone(payment);
      },
    }),
    defineTool({
      name: 'payments:cancel',
      kind: 'destructive',
      idempotent: true,
      description: 'Cancels an authorized (not yet captured) payment and releases the hold on the card. Fails with CONFLICT for payments in any other state. Returns the payment.',
      input: input({ id: PAYMENT_ID }, ['id']),
      output: paymentSchema,
      handler: (args) => {
        const payment = getPayment(reqString(args, 'id'));
        if (payment.status !== 'authorized' && payment.status !== 'canceled') conflict(`payment '${payment.id}' is ${payment.status}`);
        payment.status = 'canceled';
        return clone(payment);
      },
    }),
    defineTool({
      name: 'payments:refund',
      kind: 'destructive',
      description: 'Refunds a succeeded payment in full (default) or in part. Fails with CONFLICT if the payment was not collected or the amount exceeds what is left. Returns the new refund and the updated payment.',
      input: input({
        paymentId: PAYMENT_ID,
        amountCents: int('Amount to refund, in cents (default: everything not yet refunded).', { minimum: 1 }),
        reason: enumOf(REFUND_REASONS, 'Reason code (default requested_by_customer).'),
        note: str('Internal note.'),
      }, ['paymentId']),
      output: record({ refund: refundSchema, payment: paymentSchema }),
      handler: (args) => {
        const payment = getPayment(reqString(args, 'paymentId'));
        if (payment.status !== 'succeeded' && payment.status !== 'partially_refunded') conflict(`payment '${payment.id}' is ${payment.status} and cannot be refunded`);
        const remaining = payment.amountCents - payment.amountRefundedCents;
        const amount = optNumber(args, 'amountCents') ?? remaining;
        if (amount > remaining) conflict(`only ${remaining} cents of payment '${payment.id}' can still be refunded`);
        const refund: Refund = {
          id: nextId(store, 're_', 4), paymentId: payment.id, userId: payment.userId, amountCents: amount, currency: payment.currency,
          reason: optEnum(args, 'reason', REFUND_REASONS) ?? 'requested_by_customer', note: optString(args, 'note') ?? null, createdAt: nowIso(store),
        };
        store.refunds.set(refund.id, refund);
        payment.amountRefundedCents += amount;
        payment.status = payment.amountRefundedCents >= payment.amountCents ? 'refunded' : 'partially_refunded';
        return { refund: clone(refund), payment: clone(payment) };
      },
    }),
    defineTool({
      name: 'payments:retry',
      kind: 'create',
      description: "Retries a failed payment against the customer's current default method, creating a new attempt (the failed one stays in history). Settles the linked invoice on success. Fails with CONFLICT unless the payment failed.",
      input: input({ id: PAYMENT_ID }, ['id']),
      output: paymentSchema,
      handler: (args) => {
        const failed = getPayment(reqString(args, 'id'));
        if (failed.status !== 'failed') conflict(`payment '${failed.id}' is ${failed.status}; only failed payments can be retried`);
        const ok = hasMethod(failed.userId);
        return clone(newPayment({
          userId: failed.userId, invoiceId: failed.invoiceId, amountCents: failed.amountCents, amountRefundedCents: 0, currency: failed.currency,
          status: ok ? 'succeeded' : 'failed', method: failed.method, failureReason: ok ? null : 'no_payment_method',
        }));
      },
    }),
    defineTool({
      name: 'payments:listRefunds',
      kind: 'read',
      description: 'Refunds issued, newest first, optionally for one payment, one user or one reason. Returns a page `{ items, total, nextOffset }`.',
      input: listInput({ paymentId: PAYMENT_ID, userId: USER_ID, reason: enumOf(REFUND_REASONS, 'Only this reason.'), createdAfter: dateTime('Only refunds issued at or after this instant.') }),
      output: page(refundSchema, 'refunds'),
      handler: (args) => {
        const paymentId = optString(args, 'paymentId');
        const userId = optString(args, 'userId');
        const reason = optEnum(args, 'reason', REFUND_REASONS);
        const after = optString(args, 'createdAfter');
        const refunds = [...store.refunds.values()].filter((r) =>
          (paymentId === undefined || r.paymentId === paymentId) && (userId === undefined || r.userId === userId) &&
          (reason === undefined || r.reason === reason) && within(r.createdAt, after, undefined));
        return paginate(sortByField(refunds, 'createdAt', 'desc'), args);
      },
    }),
    defineTool({
      name: 'payments:getRefund',
      kind: 'read',
      description: 'Fetches one refund by id. Fails with NOT_FOUND for unknown ids.',
      input: input({ id: id('Refund', 're_0042') }, ['id']),
      output: refundSchema,
      handler: (args) => clone(mustGet(store.refunds, reqString(args, 'id'), 'refund')),
    }),
    defineTool({
      name: 'payments:listDisputes',
      kind: 'read',
      description: 'Card disputes (chargebacks), soonest evidence deadline first, optionally by status. Those in needs_response must be answered before dueBy.',
      input: listInput({ status: enumOf(DISPUTE_STATUSES, 'Only disputes in this status.') }),
      output: page(disputeSchema, 'disputes'),
      handler: (args) => {
        const status = optEnum(args, 'status', DISPUTE_STATUSES);
        return paginate(sortByField([...store.disputes.values()].filter((d) => status === undefined || d.status === status), 'dueBy', 'asc'), args);
      },
    }),
    defineTool({
      name: 'payments:getDispute',
      kind: 'read',
      description: 'Fetches one dispute by id. Fails with NOT_FOUND for unknown ids.',
      input: input({ id: id('Dispute', 'dp_0007') }, ['id']),
      output: disputeSchema,
      handler: (args) => clone(mustGet(store.disputes, reqString(args, 'id'), 'dispute')),
    }),
    defineTool({
      name: 'payments:respondToDispute',
      kind: 'update',
      description: 'Submits evidence for a dispute awaiting response; it moves to under_review. Fails with CONFLICT if the dispute is not in needs_response. Returns the dispute.',
      input: input({ id: id('Dispute', 'dp_0007'), evidence: str('What you send the card network: logs, contracts, delivery proof.', { minLength: 10 }) }, ['id', 'evidence']),
      output: disputeSchema,
      handler: (args) => {
        const dispute = mustGet(store.disputes, reqString(args, 'id'), 'dispute');
        if (dispute.status !== 'needs_response') conflict(`dispute '${dispute.id}' is ${dispute.status}`);
        dispute.evidence = reqString(args, 'evidence');
        dispute.status = 'under_review';
        return clone(dispute);
      },
    }),
  ];
}
