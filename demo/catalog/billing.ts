/** Plans, subscriptions, credits, coupons and usage. */
import type { ToolDefinition } from '../../src';
import { optBool, optEnum, optNumber, optString, paginate, reqEnum, reqNumber, reqString, round, sortByField, sum } from './args';
import { mustPlan } from './data';
import {
  CURRENCIES, DAY_MS, PAYMENT_METHOD_TYPES, PLANS, SUBSCRIPTION_STATUSES, clone, conflict, mustGet, nextId, nowIso,
} from './store';
import type { Currency, DemoStore, Plan, Subscription } from './model';
import {
  DAYS, NO_INPUT, arrayOf, bool, dateTime, defineTool, enumOf, id, input, int, listInput, nullable, num, page,
  record, str,
} from './schema-helpers';
import { ToolFailure } from '../../src';

const USER_ID = id('User', 'u_0042');
const INTERVALS = ['month', 'year'] as const;
/** Fixed demo exchange rates; real systems would look these up. */
const USD_RATE: Record<Currency, number> = { USD: 1, EUR: 1.08, GBP: 1.27 };

const planSchema = record({
  id: enumOf(PLANS, 'Plan id.'),
  name: str('Display name.'),
  monthlyPriceCents: int('Price per seat per month, in cents.'),
  yearlyPriceCents: int('Price per seat per year, in cents.'),
  seatsIncluded: int('Seats included before per-seat pricing applies.'),
  apiCallsPerMonth: int('Monthly API call allowance.'),
  storageGb: int('Storage allowance in GB.'),
  features: arrayOf(str('Feature.'), 'Marketing feature list.'),
});

export const subscriptionSchema = record({
  id: str('Subscription id.'),
  userId: str('Owning user.'),
  plan: enumOf(PLANS, 'Plan.'),
  status: enumOf(SUBSCRIPTION_STATUSES, 'Lifecycle state.'),
  interval: enumOf(INTERVALS, 'Billing interval.'),
  seats: int('Paid seats.'),
  amountCents: int('List price per interval (seats x plan price), in cents, before coupons.'),
  currency: enumOf(CURRENCIES, 'Billing currency.'),
  currentPeriodStart: dateTime('Start of the current billing period.'),
  currentPeriodEnd: dateTime('End of the current billing period (next renewal).'),
  cancelAtPeriodEnd: bool('True when the subscription will end at currentPeriodEnd instead of renewing.'),
  canceledAt: nullable(dateTime('When it was canceled, or null.')),
  trialEndsAt: nullable(dateTime('End of the trial for trialing subscriptions, else null.')),
  couponCode: nullable(str('Applied coupon code, or null.')),
  createdAt: dateTime('When the subscription started.'),
}, 'A subscription; every user has exactly one.');

const creditSchema = record({
  id: str('Credit id.'), userId: str('User credited.'), amountCents: int('Credit amount, in cents.'),
  currency: enumOf(CURRENCIES, 'Currency.'), reason: str('Why the credit was granted.'), createdAt: dateTime('When it was granted.'),
});

const couponSchema = record({
  code: str('Coupon code customers type in.'), description: str('What the coupon gives.'),
  percentOff: int('Discount percentage.'), durationMonths: int('How many months the discount lasts.'),
  active: bool('Whether new redemptions are accepted.'), timesRedeemed: int('Redemptions so far.'),
  maxRedemptions: nullable(int('Redemption cap, or null for unlimited.')), expiresAt: nullable(dateTime('Expiry, or null.')),
});

const paymentMethodSchema = record({
  id: str('Payment method id.'), userId: str('Owner.'), type: enumOf(PAYMENT_METHOD_TYPES, 'Kind of method.'),
  brand: nullable(str('Card brand for cards, else null.')), last4: nullable(str('Last four digits (cards, bank accounts), else null.')),
  expMonth: nullable(int('Card expiry month, else null.')), expYear: nullable(int('Card expiry year, else null.')),
  isDefault: bool('Whether renewals charge this method.'),
});

function periodDays(sub: Subscription): number {
  return sub.interval === 'year' ? 365 : 30;
}

function priceFor(store: DemoStore, plan: Plan, interval: Subscription['interval'], seats: number): number {
  const def = mustPlan(store, plan);
  return seats * (interval === 'year' ? def.yearlyPriceCents : def.monthlyPriceCents);
}

export function subscriptionFor(store: DemoStore, userId: string): Subscription {
  mustGet(store.users, userId, 'user');
  const sub = [...store.subscriptions.values()].find((s) => s.userId === userId);
  if (!sub) throw new ToolFailure('NOT_FOUND', `subscription for user '${userId}' not found`);
  return sub;
}

export function billingTools(store: DemoStore): ToolDefinition[] {
  const sub = (args: Record<string, unknown>): Subscription => subscriptionFor(store, reqString(args, 'userId'));
  return [
    defineTool({
      name: 'billing:listPlans',
      kind: 'read',
      description: 'The plans customers can subscribe to, with per-seat prices and allowances. Takes no arguments.',
      input: NO_INPUT,
      output: record({ plans: arrayOf(planSchema, 'All plans, cheapest first.') }),
      handler: () => ({ plans: [...store.plans.values()].map((p) => clone(p)) }),
    }),
    defineTool({
      name: 'billing:getPlan',
      kind: 'read',
      description: 'Details of a single plan: prices, seats included, allowances and features.',
      input: input({ planId: enumOf(PLANS, 'Plan to describe.') }, ['planId']),
      output: planSchema,
      handler: (args) => clone(mustPlan(store, reqEnum(args, 'planId', PLANS))),
    }),
    defineTool({
      name: 'billing:getSubscription',
      kind: 'read',
      description: "A user's subscription: plan, status, seats, price and current period. Fails with NOT_FOUND for unknown users.",
      input: input({ userId: USER_ID }, ['userId']),
      output: subscriptionSchema,
      handler: (args) => clone(sub(args)),
    }),
    defineTool({
      name: 'billing:listSubscriptions',
      kind: 'read',
      description: 'Lists subscriptions filtered by status, plan, interval or coupon, newest first. Returns a page `{ items, total, nextOffset }`.',
      input: listInput({
        status: enumOf(SUBSCRIPTION_STATUSES, 'Only subscriptions in this state.'),
        plan: enumOf(PLANS, 'Only this plan.'),
        interval: enumOf(INTERVALS, 'Only this billing interval.'),
        couponCode: str('Only subscriptions using this coupon.'),
      }),
      output: page(subscriptionSchema, 'subscriptions'),
      handler: (args) => {
        const status = optEnum(args, 'status', SUBSCRIPTION_STATUSES);
        const plan = optEnum(args, 'plan', PLANS);
        const interval = optEnum(args, 'interval', INTERVALS);
        const coupon = optString(args, 'couponCode');
        const matches = [...store.subscriptions.values()].filter((s) =>
          (status === undefined || s.status === status) && (plan === undefined || s.plan === plan) &&
          (interval === undefined || s.interval === interval) && (coupon === undefined || s.couponCode === coupon));
        return paginate(sortByField(matches, 'createdAt', 'desc'), args);
      },
    }),
    defineTool({
      name: 'billing:previewPlanChange',
      kind: 'read',
      description: 'Shows what moving a user to another plan (and optionally interval) would cost, including the prorated charge or credit for the rest of the current period. Changes nothing.',
      input: input({ userId: USER_ID, plan: enumOf(PLANS, 'Target plan.'), interval: enumOf(INTERVALS, 'Target interval (default: keep current).') }, ['userId', 'plan']),
      output: record({
        userId: str('User.'), fromPlan: enumOf(PLANS, 'Current plan.'), toPlan: enumOf(PLANS, 'Target plan.'),
        currentAmountCents: int('Current price per interval, in cents.'), newAmountCents: int('Price per interval after the change, in cents.'),
        prorationCents: int('Charged now (positive) or credited (negative) for the remaining days, in cents.'),
        daysRemaining: int('Days left in the current period.'), currency: enumOf(CURRENCIES, 'Currency.'),
      }),
      handler: (args) => {
        const s = sub(args);
        const toPlan = reqEnum(args, 'plan', PLANS);
        const newAmount = priceFor(store, toPlan, optEnum(args, 'interval', INTERVALS) ?? s.interval, s.seats);
        const daysRemaining = Math.max(0, Math.ceil((Date.parse(s.currentPeriodEnd) - store.now()) / DAY_MS));
        return {
          userId: s.userId, fromPlan: s.plan, toPlan, currentAmountCents: s.amountCents, newAmountCents: newAmount,
          prorationCents: Math.round((newAmount - s.amountCents) * Math.min(1, daysRemaining / periodDays(s))),
          daysRemaining, currency: s.currency,
        };
      },
    }),
    defineTool({
      name: 'billing:changePlan',
      kind: 'update',
      description: "Moves a user's subscription to another plan (and optionally interval), repricing it and updating the user's plan. Fails with CONFLICT on canceled subscriptions. Returns the updated subscription.",
      input: input({ userId: USER_ID, plan: enumOf(PLANS, 'New plan.'), interval: enumOf(INTERVALS, 'New interval (default: keep current).') }, ['userId', 'plan']),
      output: subscriptionSchema,
      handler: (args) => {
        const s = sub(args);
        if (s.status === 'canceled') conflict(`subscription '${s.id}' is canceled`);
        s.plan = reqEnum(args, 'plan', PLANS);
        s.interval = optEnum(args, 'interval', INTERVALS) ?? s.interval;
        s.amountCents = priceFor(store, s.plan, s.interval, s.seats);
        mustGet(store.users, s.userId, 'user').plan = s.plan;
        return clone(s);
      },
    }),
    defineTool({
      name: 'billing:updateSeats',
      kind: 'update',
      description: 'Sets the number of paid seats on a subscription and reprices it. Fails with CONFLICT on canceled subscriptions. Returns the updated subscription.',
      input: input({ userId: USER_ID, seats: int('New seat count, 1-1000.', { minimum: 1, maximum: 1000 }) }, ['userId', 'seats']),
      output: subscriptionSchema,
      handler: (args) => {
        const s = sub(args);
        if (s.status === 'canceled') conflict(`subscription '${s.id}' is canceled`);
        s.seats = reqNumber(args, 'seats');
        s.amountCents = priceFor(store, s.plan, s.interval, s.seats);
        return clone(s);
      },
    }),
    defineTool({
      name: 'billing:cancelSubscription',
      kind: 'destructive',
      idempotent: true,
      description: 'Cancels a subscription, by default at the end of the current period (set atPeriodEnd false to end it now). Returns the updated subscription.',
      input: input({ userId: USER_ID, atPeriodEnd: bool('Keep access until the period ends (default true).') }, ['userId']),
      output: subscriptionSchema,
      handler: (args) => {
        const s = sub(args);
        if (optBool(args, 'atPeriodEnd') === false) {
          s.status = 'canceled';
          s.canceledAt = s.canceledAt ?? nowIso(store);
          s.cancelAtPeriodEnd = false;
        } else if (s.status !== 'canceled') {
          s.cancelAtPeriodEnd = true;
        }
        return clone(s);
      },
    }),
    defineTool({
      name: 'billing:resumeSubscription',
      kind: 'update',
      description: 'Undoes a pending cancel-at-period-end so the subscription renews again. Fails with CONFLICT if it is already fully canceled. Returns the subscription.',
      input: input({ userId: USER_ID }, ['userId']),
      output: subscriptionSchema,
      handler: (args) => {
        const s = sub(args);
        if (s.status === 'canceled') conflict(`subscription '${s.id}' is already canceled; create a new one instead`);
        s.cancelAtPeriodEnd = false;
        return clone(s);
      },
    }),
    defineTool({
      name: 'billing:applyCoupon',
      kind: 'update',
      description: "Applies a coupon code to a user's subscription. Fails with NOT_FOUND for unknown codes and CONFLICT for inactive, expired or exhausted coupons. Returns the subscription.",
      input: input({ userId: USER_ID, code: str('Coupon code, e.g. WELCOME10.', { minLength: 1 }) }, ['userId', 'code']),
      output: subscriptionSchema,
      handler: (args) => {
        const s = sub(args);
        const coupon = mustGet(store.coupons, reqString(args, 'code').toUpperCase(), 'coupon');
        const expired = coupon.expiresAt !== null && Date.parse(coupon.expiresAt) < store.now();
        const exhausted = coupon.maxRedemptions !== null && coupon.timesRedeemed >= coupon.maxRedemptions;
        if (!coupon.active || expired || exhausted) conflict(`coupon '${coupon.code}' cannot be redeemed`);
        if (s.couponCode !== coupon.code) {
          s.couponCode = coupon.code;
          coupon.timesRedeemed += 1;
        }
        return clone(s);
      },
    }),
    defineTool({
      name: 'billing:listCoupons',
      kind: 'read',
      description: 'All coupon codes with their discount, limits and redemption counts. Pass activeOnly to hide retired ones.',
      input: input({ activeOnly: bool('Only coupons that can still be redeemed (default false).') }),
      output: record({ coupons: arrayOf(couponSchema, 'Coupons.') }),
      handler: (args) => ({
        coupons: [...store.coupons.values()].filter((c) => optBool(args, 'activeOnly') !== true || c.active).map((c) => clone(c)),
      }),
    }),
    ...balanceTools(store, sub),
  ];
}

function balanceTools(store: DemoStore, sub: (args: Record<string, unknown>) => Subscription): ToolDefinition[] {
  return [
    defineTool({
      name: 'billing:getBalance',
      kind: 'read',
      description: "What a user owes: outstanding open and overdue invoices minus account credit. Amounts are in the subscription's currency.",
      input: input({ userId: USER_ID }, ['userId']),
      output: record({
        userId: str('User.'), currency: enumOf(CURRENCIES, 'Currency of all amounts.'),
        outstandingCents: int('Open plus overdue invoice totals, in cents.'), creditCents: int('Unused account credit, in cents.'),
        netDueCents: int('outstandingCents minus creditCents, never below zero.'), overdueInvoices: int('How many invoices are overdue.'),
      }),
      handler: (args) => {
        const s = sub(args);
        const invoices = [...store.invoices.values()].filter((i) => i.userId === s.userId && (i.status === 'open' || i.status === 'overdue'));
        const outstanding = sum(invoices.map((i) => i.amountCents));
        const credit = sum([...store.credits.values()].filter((c) => c.userId === s.userId).map((c) => c.amountCents));
        return {
          userId: s.userId, currency: s.currency, outstandingCents: outstanding, creditCents: credit,
          netDueCents: Math.max(0, outstanding - credit), overdueInvoices: invoices.filter((i) => i.status === 'overdue').length,
        };
      },
    }),
    defineTool({
      name: 'billing:addCredit',
      kind: 'create',
      description: "Grants account credit to a user (goodwill, outage compensation...). It is applied against future invoices. Returns the new credit entry.",
      input: input({
        userId: USER_ID,
        amountCents: int('Credit to grant, in cents (1 - 1,000,000).', { minimum: 1, maximum: 1_000_000 }),
        reason: str('Why the credit is granted.', { minLength: 1 }),
      }, ['userId', 'amountCents', 'reason']),
      output: creditSchema,
      handler: (args) => {
        const s = sub(args);
        const credit = {
          id: nextId(store, 'cr_', 4), userId: s.userId, amountCents: reqNumber(args, 'amountCents'), currency: s.currency,
          reason: reqString(args, 'reason'), createdAt: nowIso(store),
        };
        store.credits.set(credit.id, credit);
        return clone(credit);
      },
    }),
    defineTool({
      name: 'billing:listCredits',
      kind: 'read',
      description: 'Account credits granted, newest first, optionally for one user. Returns a page `{ items, total, nextOffset }`.',
      input: listInput({ userId: USER_ID }),
      output: page(creditSchema, 'credits'),
      handler: (args) => {
        const userId = optString(args, 'userId');
        const credits = [...store.credits.values()].filter((c) => userId === undefined || c.userId === userId);
        return paginate(sortByField(credits, 'createdAt', 'desc'), args);
      },
    }),
    defineTool({
      name: 'billing:listPaymentMethods',
      kind: 'read',
      description: 'Cards, bank accounts and PayPal accounts saved for a user; the default one is charged on renewal. Free users usually have none.',
      input: input({ userId: USER_ID }, ['userId']),
      output: record({ items: arrayOf(paymentMethodSchema, 'Saved payment methods, default first.') }),
      handler: (args) => {
        const userId = mustGet(store.users, reqString(args, 'userId'), 'user').id;
        const methods = [...store.paymentMethods.values()].filter((m) => m.userId === userId);
        return { items: sortByField(methods, 'isDefault', 'desc').map((m) => clone(m)) };
      },
    }),
    defineTool({
      name: 'billing:getUsage',
      kind: 'read',
      description: "Current-period usage for a user's subscription (API calls, storage, seats) next to the plan's allowances, with percentages used.",
      input: input({ userId: USER_ID }, ['userId']),
      output: record({
        userId: str('User.'), plan: enumOf(PLANS, 'Plan.'), periodStart: dateTime('Start of the measured period.'),
        apiCalls: int('API calls so far.'), apiCallsLimit: int('Allowance for the period.'),
        storageGb: num('Storage in use, GB.'), storageLimitGb: int('Storage allowance, GB.'),
        seatsUsed: int('Seats occupied.'), seats: int('Seats paid for.'),
        percentUsed: record({ apiCalls: num('Percent of API allowance used.'), storage: num('Percent of storage used.'), seats: num('Percent of seats used.') }),
      }),
      handler: (args) => {
        const s = sub(args);
        const plan = mustPlan(store, s.plan);
        const usage = store.usage.get(s.userId) ?? { userId: s.userId, apiCalls: 0, storageGb: 0, seatsUsed: 0 };
        const pct = (used: number, limit: number) => (limit === 0 ? 0 : round((used / limit) * 100, 1));
        return {
          userId: s.userId, plan: s.plan, periodStart: s.currentPeriodStart,
          apiCalls: usage.apiCalls, apiCallsLimit: plan.apiCallsPerMonth, storageGb: usage.storageGb, storageLimitGb: plan.storageGb,
          seatsUsed: usage.seatsUsed, seats: s.seats,
          percentUsed: { apiCalls: pct(usage.apiCalls, plan.apiCallsPerMonth), storage: pct(usage.storageGb, plan.storageGb), seats: pct(usage.seatsUsed, s.seats) },
        };
      },
    }),
    defineTool({
      name: 'billing:mrr',
      kind: 'read',
      description: 'Monthly recurring revenue from active and past-due subscriptions, after coupons, normalised to USD at fixed demo rates (yearly plans count 1/12). Broken down by plan. Takes no arguments.',
      input: NO_INPUT,
      output: record({
        mrrCents: int('Total MRR in USD cents.'),
        payingCustomers: int('Subscriptions contributing revenue.'),
        arpuCents: int('Average revenue per paying customer, USD cents.'),
        byPlan: arrayOf(record({ plan: enumOf(PLANS, 'Plan.'), subscriptions: int('Contributing subscriptions.'), mrrCents: int('MRR in USD cents.') }), 'Per plan.'),
      }),
      handler: () => {
        const byPlan = new Map<Plan, { subscriptions: number; mrr: number }>(PLANS.map((p) => [p, { subscriptions: 0, mrr: 0 }]));
        for (const s of store.subscriptions.values()) {
          if ((s.status !== 'active' && s.status !== 'past_due') || s.amountCents === 0) continue;
          const discount = s.couponCode === null ? 0 : (store.coupons.get(s.couponCode)?.percentOff ?? 0);
          const monthly = (s.interval === 'year' ? s.amountCents / 12 : s.amountCents) * (1 - discount / 100) * USD_RATE[s.currency];
          const entry = byPlan.get(s.plan);
          if (entry) {
            entry.subscriptions += 1;
            entry.mrr += monthly;
          }
        }
        const rows = [...byPlan].map(([plan, e]) => ({ plan, subscriptions: e.subscriptions, mrrCents: Math.round(e.mrr) }));
        const total = sum(rows.map((r) => r.mrrCents));
        const paying = sum(rows.map((r) => r.subscriptions));
        return { mrrCents: total, payingCustomers: paying, arpuCents: paying === 0 ? 0 : Math.round(total / paying), byPlan: rows };
      },
    }),
    defineTool({
      name: 'billing:listTrialsEnding',
      kind: 'read',
      description: 'Trialing subscriptions whose trial ends within the next N days, soonest first: the people sales should talk to this week.',
      input: listInput({ days: DAYS('How far ahead to look.', 30, 7) }),
      output: page(subscriptionSchema, 'subscriptions'),
      handler: (args) => {
        const until = store.now() + (optNumber(args, 'days') ?? 7) * DAY_MS;
        const trials = [...store.subscriptions.values()].filter((s) => s.status === 'trialing' && s.trialEndsAt !== null && Date.parse(s.trialEndsAt) <= until);
        return paginate(sortByField(trials, 'trialEndsAt', 'asc'), args);
      },
    }),
  ];
}
