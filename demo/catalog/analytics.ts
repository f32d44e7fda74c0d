/**
 * Analytics. Product metrics (DAU, sessions, errors...) come from the generated daily series; business
 * numbers (revenue, retention, churn, funnels) are computed live from users, invoices and payments so
 * they move when other tools change the store.
 */
import type { ToolDefinition } from '../../src';
import { daysAgo, optEnum, optNumber, paginate, reqEnum, round, sortByField, sum } from './args';
import {
  CURRENCIES, DAY_MS, PLANS, USER_STATUSES, iso, isoDate,
} from './store';
import type { Currency, DailyMetrics, DemoStore, User } from './model';
import {
  DAYS, NO_INPUT, arrayOf, date, dateTime, defineTool, enumOf, input, int, listInput, num, page, record, str,
} from './schema-helpers';
import { userSchema } from './users';

type MetricName = Exclude<keyof DailyMetrics, 'date'>;
const METRICS: Record<MetricName, { description: string; unit: string; aggregation: 'sum' | 'average' }> = {
  activeUsers: { description: 'Distinct users active that day (DAU).', unit: 'users', aggregation: 'average' },
  newSignups: { description: 'Accounts created that day, per product analytics.', unit: 'users', aggregation: 'sum' },
  sessions: { description: 'Sessions started.', unit: 'sessions', aggregation: 'sum' },
  pageViews: { description: 'Pages viewed in the web app.', unit: 'views', aggregation: 'sum' },
  apiCalls: { description: 'Public API requests served.', unit: 'requests', aggregation: 'sum' },
  errors: { description: 'Server-side errors (HTTP 5xx).', unit: 'errors', aggregation: 'sum' },
  avgSessionSeconds: { description: 'Mean session length.', unit: 'seconds', aggregation: 'average' },
  churnedUsers: { description: 'Accounts that canceled that day, per product analytics.', unit: 'users', aggregation: 'sum' },
};
const METRIC_NAMES = Object.keys(METRICS) as MetricName[];
const USD_RATE: Record<Currency, number> = { USD: 1, EUR: 1.08, GBP: 1.27 };

const pointSchema = record({ date: date('Day (UTC), YYYY-MM-DD.'), value: num('Metric value.') });
const metricArg = enumOf(METRIC_NAMES, 'Metric to read; see analytics:listMetrics.');

function lastDays(store: DemoStore, days: number): DailyMetrics[] {
  return store.metrics.slice(-Math.max(1, Math.min(days, store.metrics.length)));
}

function aggregate(values: readonly number[], how: 'sum' | 'average'): number {
  if (values.length === 0) return 0;
  return how === 'sum' ? sum(values) : round(sum(values) / values.length, 1);
}

function mondayOf(day: string): string {
  const ms = Date.parse(`${day}T00:00:00Z`);
  const weekday = (new Date(ms).getUTCDay() + 6) % 7;
  return isoDate(ms - weekday * DAY_MS);
}

const pct = (part: number, whole: number): number => (whole === 0 ? 0 : round((part / whole) * 100, 1));

export function analyticsTools(store: DemoStore): ToolDefinition[] {
  const users = (): User[] => [...store.users.values()];
  const windowDays = (args: Record<string, unknown>, fallback: number): number => optNumber(args, 'days') ?? fallback;
  return [
    defineTool({
      name: 'analytics:dailyActiveUsers',
      kind: 'read',
      description: 'Daily active users for each of the last N days (UTC, oldest first, today included), with the average and the peak day.',
      input: input({ days: DAYS('How many days to return.') }),
      output: record({
        from: date('First day.'), to: date('Last day (today).'),
        points: arrayOf(record({ date: date('Day.'), activeUsers: int('DAU that day.') }), 'One point per day, oldest first.'),
        average: num('Mean DAU over the window.'),
        peak: record({ date: date('Busiest day.'), activeUsers: int('DAU on that day.') }),
      }),
      handler: (args) => {
        const days = lastDays(store, windowDays(args, 30));
        const points = days.map((d) => ({ date: d.date, activeUsers: d.activeUsers }));
        const peak = points.reduce((best, p) => (p.activeUsers > best.activeUsers ? p : best), points[0] ?? { date: '', activeUsers: 0 });
        return { from: points[0]?.date ?? '', to: points.at(-1)?.date ?? '', points, average: aggregate(points.map((p) => p.activeUsers), 'average'), peak };
      },
    }),
    defineTool({
      name: 'analytics:listMetrics',
      kind: 'read',
      description: 'The product metrics available to analytics:getMetric, with unit and whether they add up over time (sum) or are averaged. Takes no arguments.',
      input: NO_INPUT,
      output: record({ metrics: arrayOf(record({ name: str('Metric name.'), description: str('What it measures.'), unit: str('Unit.'), aggregation: enumOf(['sum', 'average'], 'How days combine.') }), 'Metrics.') }),
      handler: () => ({ metrics: METRIC_NAMES.map((name) => ({ name, ...METRICS[name] })) }),
    }),
    defineTool({
      name: 'analytics:getMetric',
      kind: 'read',
      description: 'A product metric over the last N days (max 90), per day or per week (weeks start Monday), with the window total/average. Use analytics:listMetrics for names.',
      input: input({ metric: metricArg, days: DAYS('Window size.'), granularity: enumOf(['day', 'week'], 'Bucket size (default day).') }, ['metric']),
      output: record({
        metric: str('Metric name.'), granularity: enumOf(['day', 'week'], 'Bucket size.'),
        points: arrayOf(pointSchema, 'Buckets, oldest first; weekly buckets are dated by their Monday.'),
        aggregate: num('Whole-window sum, or average for averaged metrics.'), aggregation: enumOf(['sum', 'average'], 'Which one aggregate is.'),
      }),
      handler: (args) => {
        const metric = reqEnum(args, 'metric', METRIC_NAMES);
        const how = METRICS[metric].aggregation;
        const days = lastDays(store, windowDays(args, 30));
        const granularity = optEnum(args, 'granularity', ['day', 'week'] as const) ?? 'day';
        const buckets = new Map<string, number[]>();
        for (const d of days) {
          const key = granularity === 'day' ? d.date : mondayOf(d.date);
          buckets.set(key, [...(buckets.get(key) ?? []), d[metric]]);
        }
        return {
          metric, granularity, points: [...buckets].map(([day, values]) => ({ date: day, value: aggregate(values, how) })),
          aggregate: aggregate(days.map((d) => d[metric]), how), aggregation: how,
        };
      },
    }),
    defineTool({
      name: 'analytics:summary',
      kind: 'read',
      description: 'Every product metric for the last N days next to the N days before, with the percentage change. Good for weekly reports.',
      input: input({ days: DAYS('Window size; the comparison window is the same length.', 45, 7) }),
      output: record({
        days: int('Window size.'),
        metrics: arrayOf(record({ metric: str('Metric.'), current: num('This window (sum or average).'), previous: num('Previous window.'), changePct: num('Change in percent; 0 when previous is 0.') }), 'One row per metric.'),
      }),
      handler: (args) => {
        const n = Math.min(45, windowDays(args, 7));
        const current = store.metrics.slice(-n);
        const previous = store.metrics.slice(-2 * n, -n);
        return {
          days: n,
          metrics: METRIC_NAMES.map((metric) => {
            const how = METRICS[metric].aggregation;
            const cur = aggregate(current.map((d) => d[metric]), how);
            const prev = aggregate(previous.map((d) => d[metric]), how);
            return { metric, current: cur, previous: prev, changePct: prev === 0 ? 0 : round(((cur - prev) / prev) * 100, 1) };
          }),
        };
      },
    }),
    defineTool({
      name: 'analytics:anomalies',
      kind: 'read',
      description: 'Days in the last 90 where a metric is unusually high or low (|z-score| above the threshold, default 2.5), e.g. outages or launch spikes.',
      input: input({ metric: metricArg, threshold: num('Minimum absolute z-score to report (default 2.5).', { minimum: 0.5, maximum: 10 }) }, ['metric']),
      output: record({
        metric: str('Metric.'), mean: num('Mean over 90 days.'), stdDev: num('Standard deviation.'),
        anomalies: arrayOf(record({ date: date('Day.'), value: num('Value that day.'), zScore: num('Standard deviations from the mean.'), direction: enumOf(['high', 'low'], 'Above or below normal.') }), 'Unusual days, most extreme first.'),
      }),
      handler: (args) => {
        const metric = reqEnum(args, 'metric', METRIC_NAMES);
        const threshold = optNumber(args, 'threshold') ?? 2.5;
        const values = store.metrics.map((d) => d[metric]);
        const mean = sum(values) / Math.max(1, values.length);
        const std = Math.sqrt(sum(values.map((v) => (v - mean) ** 2)) / Math.max(1, values.length));
        const anomalies = store.metrics
          .map((d) => ({ date: d.date, value: d[metric], zScore: std === 0 ? 0 : round((d[metric] - mean) / std, 2) }))
          .filter((a) => Math.abs(a.zScore) >= threshold)
          .sort((a, b) => Math.abs(b.zScore) - Math.abs(a.zScore))
          .map((a) => ({ ...a, direction: a.zScore > 0 ? 'high' : 'low' }));
        return { metric, mean: round(mean, 2), stdDev: round(std, 2), anomalies };
      },
    }),
    defineTool({
      name: 'analytics:activeUsers',
      kind: 'read',
      description: 'How many non-deleted users signed in within the last N days (computed from user records), overall and per plan, and as a share of all non-deleted users.',
      input: input({ days: DAYS('Activity window.', 90, 30) }),
      output: record({
        windowDays: int('Window used.'), activeUsers: int('Users active in the window.'), totalUsers: int('Non-deleted users.'),
        activePct: num('activeUsers / totalUsers, percent.'),
        byPlan: record(Object.fromEntries(PLANS.map((p) => [p, int(`Active ${p} users.`)]))),
      }),
      handler: (args) => {
        const days = windowDays(args, 30);
        const since = daysAgo(store, days);
        const live = users().filter((u) => u.status !== 'deleted');
        const active = live.filter((u) => Date.parse(u.lastLogin) >= since);
        return {
          windowDays: days, activeUsers: active.length, totalUsers: live.length, activePct: pct(active.length, live.length),
          byPlan: Object.fromEntries(PLANS.map((p) => [p, active.filter((u) => u.plan === p).length])),
        };
      },
    }),
    defineTool({
      name: 'analytics:inactiveUsers',
      kind: 'read',
      description: 'Active-status users who have not signed in for at least N days, longest-absent first: the audience for a win-back campaign. Returns a page of users.',
      input: listInput({ days: DAYS('Minimum days since last login.', 90, 30) }),
      output: page(userSchema, 'users'),
      handler: (args) => {
        const cutoff = daysAgo(store, windowDays(args, 30));
        const idle = users().filter((u) => u.status === 'active' && Date.parse(u.lastLogin) < cutoff);
        return paginate(sortByField(idle, 'lastLogin', 'asc'), args);
      },
    }),
    defineTool({
      name: 'analytics:usersByCountry',
      kind: 'read',
      description: 'User counts per country, largest first, with how many of them pay and each country\'s share of the total. Optionally restricted to one account status.',
      input: input({ status: enumOf(USER_STATUSES, 'Only users in this state.') }),
      output: record({ total: int('Users counted.'), countries: arrayOf(record({ country: str('Country code.'), users: int('Users.'), paying: int('Users on pro or enterprise.'), sharePct: num('Share of total, percent.') }), 'Countries, largest first.') }),
      handler: (args) => {
        const status = optEnum(args, 'status', USER_STATUSES);
        const counted = users().filter((u) => status === undefined || u.status === status);
        const rows = new Map<string, { users: number; paying: number }>();
        for (const u of counted) {
          const row = rows.get(u.country) ?? { users: 0, paying: 0 };
          row.users += 1;
          if (u.plan !== 'free') row.paying += 1;
          rows.set(u.country, row);
        }
        const countries = [...rows].map(([country, r]) => ({ country, ...r, sharePct: pct(r.users, counted.length) }))
          .sort((a, b) => b.users - a.users || a.country.localeCompare(b.country));
        return { total: counted.length, countries };
      },
    }),
    defineTool({
      name: 'analytics:usersByPlan',
      kind: 'read',
      description: 'User counts per plan, how many of each are active, and each plan\'s share of all users. Takes no arguments.',
      input: NO_INPUT,
      output: record({ plans: arrayOf(record({ plan: enumOf(PLANS, 'Plan.'), users: int('Users on the plan.'), active: int('Of those, status active.'), sharePct: num('Share of all users, percent.') }), 'One row per plan.') }),
      handler: () => {
        const all = users();
        return { plans: PLANS.map((plan) => {
          const on = all.filter((u) => u.plan === plan);
          return { plan, users: on.length, active: on.filter((u) => u.status === 'active').length, sharePct: pct(on.length, all.length) };
        }) };
      },
    }),
    defineTool({
      name: 'analytics:signups',
      kind: 'read',
      description: 'New accounts per day, ISO week or month over the last N days, counted from user records (so users created through users:create show up).',
      input: input({ days: DAYS('Window size.', 365, 30), groupBy: enumOf(['day', 'week', 'month'], 'Bucket size (default day).') }),
      output: record({ total: int('Sign-ups in the window.'), points: arrayOf(record({ period: str('Bucket: YYYY-MM-DD (day, or Monday of the week) or YYYY-MM.'), signups: int('Accounts created.') }), 'Buckets with at least one sign-up, oldest first.') }),
      handler: (args) => {
        const since = daysAgo(store, windowDays(args, 30));
        const groupBy = optEnum(args, 'groupBy', ['day', 'week', 'month'] as const) ?? 'day';
        const counts = new Map<string, number>();
        for (const u of sortByField(users(), 'createdAt', 'asc')) {
          if (Date.parse(u.createdAt) < since) continue;
          const day = u.createdAt.slice(0, 10);
          const key = groupBy === 'day' ? day : groupBy === 'week' ? mondayOf(day) : day.slice(0, 7);
          counts.set(key, (counts.get(key) ?? 0) + 1);
        }
        return { total: sum([...counts.values()]), points: [...counts].map(([period, signups]) => ({ period, signups })) };
      },
    }),
    ...businessTools(store, users),
  ];
}

function businessTools(store: DemoStore, users: () => User[]): ToolDefinition[] {
  return [
    defineTool({
      name: 'analytics:revenueByDay',
      kind: 'read',
      description: 'Collected revenue per day for the last N days in one currency, from succeeded (including later refunded) payments. Days without payments are included with zero.',
      input: input({ days: DAYS('Window size.', 365, 30), currency: enumOf(CURRENCIES, 'Currency to report (default USD).') }),
      output: record({ currency: enumOf(CURRENCIES, 'Currency.'), totalCents: int('Window total, in cents.'), points: arrayOf(record({ date: date('Day.'), amountCents: int('Collected that day, in cents.'), payments: int('Payments that day.') }), 'One point per day, oldest first.') }),
      handler: (args) => {
        const days = optNumber(args, 'days') ?? 30;
        const currency = optEnum(args, 'currency', CURRENCIES) ?? 'USD';
        const today = Math.floor(store.now() / DAY_MS) * DAY_MS;
        const buckets = new Map<string, { amountCents: number; payments: number }>();
        for (let i = days - 1; i >= 0; i--) buckets.set(isoDate(today - i * DAY_MS), { amountCents: 0, payments: 0 });
        for (const p of store.payments.values()) {
          if (p.currency !== currency || !['succeeded', 'refunded', 'partially_refunded'].includes(p.status)) continue;
          const bucket = buckets.get(p.createdAt.slice(0, 10));
          if (bucket) {
            bucket.amountCents += p.amountCents;
            bucket.payments += 1;
          }
        }
        const points = [...buckets].map(([day, b]) => ({ date: day, ...b }));
        return { currency, totalCents: sum(points.map((p) => p.amountCents)), points };
      },
    }),
    defineTool({
      name: 'analytics:revenueByCountry',
      kind: 'read',
      description: "Paid invoice revenue over the last N days grouped by the customer's country, normalised to USD cents at fixed demo rates, largest first.",
      input: input({ days: DAYS('Window size (by payment date).', 365, 90) }),
      output: record({ totalUsdCents: int('All countries, USD cents.'), countries: arrayOf(record({ country: str('Country code.'), usdCents: int('Revenue, USD cents.'), invoices: int('Paid invoices.') }), 'Countries, largest first.') }),
      handler: (args) => {
        const since = daysAgo(store, optNumber(args, 'days') ?? 90);
        const rows = new Map<string, { usdCents: number; invoices: number }>();
        for (const inv of store.invoices.values()) {
          if (inv.status !== 'paid' || inv.paidAt === null || Date.parse(inv.paidAt) < since) continue;
          const country = store.users.get(inv.userId)?.country ?? 'unknown';
          const row = rows.get(country) ?? { usdCents: 0, invoices: 0 };
          row.usdCents += Math.round(inv.amountCents * USD_RATE[inv.currency]);
          row.invoices += 1;
          rows.set(country, row);
        }
        const countries = [...rows].map(([country, r]) => ({ country, ...r })).sort((a, b) => b.usdCents - a.usdCents || a.country.localeCompare(b.country));
        return { totalUsdCents: sum(countries.map((c) => c.usdCents)), countries };
      },
    }),
    defineTool({
      name: 'analytics:topCustomers',
      kind: 'read',
      description: 'Customers ranked by lifetime paid invoice revenue (USD cents at fixed demo rates), with plan and country.',
      input: input({ limit: int('How many customers, 1-100 (default 10).', { minimum: 1, maximum: 100 }) }),
      output: record({ customers: arrayOf(record({
        userId: str('User.'), name: str('Full name.'), email: str('Email.'), plan: enumOf(PLANS, 'Plan.'), country: str('Country code.'),
        paidUsdCents: int('Lifetime paid, USD cents.'), paidInvoices: int('Paid invoices.'),
      }), 'Best customers first.') }),
      handler: (args) => {
        const totals = new Map<string, { paid: number; count: number }>();
        for (const inv of store.invoices.values()) {
          if (inv.status !== 'paid') continue;
          const t = totals.get(inv.userId) ?? { paid: 0, count: 0 };
          t.paid += Math.round(inv.amountCents * USD_RATE[inv.currency]);
          t.count += 1;
          totals.set(inv.userId, t);
        }
        const customers = [...totals].sort((a, b) => b[1].paid - a[1].paid || a[0].localeCompare(b[0])).slice(0, optNumber(args, 'limit') ?? 10)
          .flatMap(([userId, t]) => {
            const u = store.users.get(userId);
            return u ? [{ userId, name: `${u.firstName} ${u.lastName}`, email: u.email, plan: u.plan, country: u.country, paidUsdCents: t.paid, paidInvoices: t.count }] : [];
          });
        return { customers };
      },
    }),
    defineTool({
      name: 'analytics:retention',
      kind: 'read',
      description: 'Monthly sign-up cohorts for the last N months with how many are still retained (not deleted and signed in within the last 30 days).',
      input: input({ months: int('Number of cohorts, 1-36 (default 12).', { minimum: 1, maximum: 36 }) }),
      output: record({ cohorts: arrayOf(record({ cohort: str('Sign-up month, YYYY-MM.'), users: int('Users who signed up that month.'), retained: int('Of those, still active.'), retentionPct: num('retained / users, percent.') }), 'Cohorts, oldest first.') }),
      handler: (args) => {
        const months = optNumber(args, 'months') ?? 12;
        const recent = daysAgo(store, 30);
        const now = new Date(store.now());
        const cohorts = [];
        for (let back = months - 1; back >= 0; back--) {
          const key = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1)).toISOString().slice(0, 7);
          const members = users().filter((u) => u.createdAt.startsWith(key));
          const retained = members.filter((u) => u.status !== 'deleted' && Date.parse(u.lastLogin) >= recent).length;
          cohorts.push({ cohort: key, users: members.length, retained, retentionPct: pct(retained, members.length) });
        }
        return { cohorts };
      },
    }),
    defineTool({
      name: 'analytics:churnRate',
      kind: 'read',
      description: 'Paid-subscription churn over the last N days: subscriptions canceled in the window divided by paid subscriptions alive at its start.',
      input: input({ days: DAYS('Window size.', 365, 30) }),
      output: record({ windowDays: int('Window used.'), from: dateTime('Window start.'), canceled: int('Paid subscriptions canceled in the window.'), activeAtStart: int('Paid subscriptions alive at the start.'), churnRatePct: num('canceled / activeAtStart, percent.') }),
      handler: (args) => {
        const days = optNumber(args, 'days') ?? 30;
        const start = daysAgo(store, days);
        const paid = [...store.subscriptions.values()].filter((s) => s.plan !== 'free' && Date.parse(s.createdAt) < start);
        const aliveAtStart = paid.filter((s) => s.canceledAt === null || Date.parse(s.canceledAt) >= start);
        const canceled = aliveAtStart.filter((s) => s.canceledAt !== null).length;
        return { windowDays: days, from: iso(start), canceled, activeAtStart: aliveAtStart.length, churnRatePct: pct(canceled, aliveAtStart.length) };
      },
    }),
    defineTool({
      name: 'analytics:funnel',
      kind: 'read',
      description: 'Conversion funnel for users who signed up in the last N days: signed up -> came back after day one -> on a paid plan -> still active. Each step shows users and conversion from the previous step.',
      input: input({ days: DAYS('Sign-up window.', 1095, 365) }),
      output: record({ steps: arrayOf(record({ step: enumOf(['signed_up', 'returned', 'paying', 'retained'], 'Funnel step.'), users: int('Users reaching the step.'), conversionPct: num('Percent of the previous step (100 for the first).') }), 'Steps in order.') }),
      handler: (args) => {
        const since = daysAgo(store, optNumber(args, 'days') ?? 365);
        const signed = users().filter((u) => Date.parse(u.createdAt) >= since);
        const returned = signed.filter((u) => Date.parse(u.lastLogin) - Date.parse(u.createdAt) > DAY_MS);
        const paying = returned.filter((u) => u.plan !== 'free');
        const retained = paying.filter((u) => u.status === 'active' && Date.parse(u.lastLogin) >= daysAgo(store, 30));
        const counts: Array<[string, number]> = [['signed_up', signed.length], ['returned', returned.length], ['paying', paying.length], ['retained', retained.length]];
        return { steps: counts.map(([step, n], i) => ({ step, users: n, conversionPct: i === 0 ? 100 : pct(n, counts[i - 1]?.[1] ?? 0) })) };
      },
    }),
    defineTool({
      name: 'analytics:supportVolume',
      kind: 'read',
      description: 'Support tickets created and resolved per day over the last N days, from the ticket store, plus the current open backlog.',
      input: input({ days: DAYS('Window size.', 180, 30) }),
      output: record({ created: int('Tickets created in the window.'), resolved: int('Tickets resolved in the window.'), backlog: int('Tickets not solved or closed right now.'), points: arrayOf(record({ date: date('Day.'), created: int('Created that day.'), resolved: int('Resolved that day.') }), 'One point per day, oldest first.') }),
      handler: (args) => {
        const days = optNumber(args, 'days') ?? 30;
        const today = Math.floor(store.now() / DAY_MS) * DAY_MS;
        const buckets = new Map<string, { created: number; resolved: number }>();
        for (let i = days - 1; i >= 0; i--) buckets.set(isoDate(today - i * DAY_MS), { created: 0, resolved: 0 });
        for (const t of store.tickets.values()) {
          const c = buckets.get(t.createdAt.slice(0, 10));
          if (c) c.created += 1;
          const r = t.resolvedAt === null ? undefined : buckets.get(t.resolvedAt.slice(0, 10));
          if (r) r.resolved += 1;
        }
        const points = [...buckets].map(([day, b]) => ({ date: day, ...b }));
        const backlog = [...store.tickets.values()].filter((t) => t.status !== 'solved' && t.status !== 'closed').length;
        return { created: sum(points.map((p) => p.created)), resolved: sum(points.map((p) => p.resolved)), backlog, points };
      },
    }),
  ];
}
