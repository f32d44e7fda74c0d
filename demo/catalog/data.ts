/**
 * Builds one seeded, in-memory demo store. All history (sign-ups, invoices, tickets, metrics...) is laid
 * out backwards from `now()` at construction so the data always looks fresh, and the same seed plus the
 * same clock always yields the same store.
 */
import { createRng } from './prng';
import type { Rng } from './prng';
import {
  COUNTRIES, COUPONS, EMAIL_DOMAINS, EMAIL_TEMPLATES, FIRST_NAMES, LAST_NAMES, PLAN_DEFINITIONS,
  SLACK_CHANNELS, TEAM_NAMES, WEBHOOK_EVENTS,
} from './fixtures';
import { DAY_MS, clone, currencyForCountry, iso, nextId } from './store';
import type { DemoStore, Plan, PlanDefinition, Role, SentNotification, Subscription, User, UserStatus } from './model';
import { generateCommerce } from './data-commerce';
import { generateWork } from './data-work';

export const USER_COUNT = 1_000;
export const METRIC_DAYS = 90;

export interface StoreOptions {
  seed: number;
  now: () => number;
}

export function createStore(options: StoreOptions): DemoStore {
  const rng = createRng(options.seed);
  const nowMs = options.now();
  const store: DemoStore = {
    now: options.now,
    createdAtMs: nowMs,
    seq: new Map(),
    users: new Map(),
    teams: new Map(),
    plans: new Map(PLAN_DEFINITIONS.map((p) => [p.id, clone(p)])),
    subscriptions: new Map(),
    usage: new Map(),
    coupons: new Map(),
    credits: new Map(),
    paymentMethods: new Map(),
    invoices: new Map(),
    payments: new Map(),
    refunds: new Map(),
    disputes: new Map(),
    tickets: new Map(),
    comments: new Map(),
    projects: new Map(),
    tasks: new Map(),
    warehouses: new Map(),
    suppliers: new Map(),
    items: new Map(),
    stock: new Map(),
    movements: new Map(),
    purchaseOrders: new Map(),
    metrics: [],
    sent: new Map(),
    preferences: new Map(),
    webhookEndpoints: new Map(),
    emailTemplates: new Map(EMAIL_TEMPLATES.map((t) => [t.id, clone(t)])),
    slackChannels: new Map(SLACK_CHANNELS.map((c) => [c.id, { ...c }])),
  };

  generateTeams(store, rng, nowMs);
  generateUsers(store, rng, nowMs);
  generateSubscriptions(store, rng, nowMs);
  generateCoupons(store, rng, nowMs);
  generateCommerce(store, rng, nowMs);
  generateWork(store, rng, nowMs);
  generateMetrics(store, rng, nowMs);
  generateNotifications(store, rng, nowMs);
  return store;
}

function generateTeams(store: DemoStore, rng: Rng, nowMs: number): void {
  for (const name of TEAM_NAMES) {
    const id = nextId(store, 'team_', 2);
    store.teams.set(id, { id, name, createdAt: iso(nowMs - rng.int(400, 1500) * DAY_MS) });
  }
}

function slug(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9]/g, '');
}

function generateUsers(store: DemoStore, rng: Rng, nowMs: number): void {
  const teamIds = [...store.teams.keys()];
  const emails = new Set<string>();
  for (let i = 0; i < USER_COUNT; i++) {
    const id = nextId(store, 'u_', 4);
    const firstName = rng.pick(FIRST_NAMES);
    const lastName = rng.pick(LAST_NAMES);
    const country = rng.weighted(COUNTRIES);
    const status = rng.weighted<UserStatus>([['active', 88], ['suspended', 5], ['deleted', 7]]);
    const plan = rng.weighted<Plan>([['free', 50], ['pro', 38], ['enterprise', 12]]);
    const role = rng.weighted<Role>([['member', 62], ['admin', 12], ['viewer', 15], ['billing', 7], ['support', 4]]);
    const createdMs = nowMs - rng.int(5 * DAY_MS, 3 * 365 * DAY_MS);
    // Squaring skews logins towards "recently", the way a healthy product's last-seen dates look.
    const u = rng.next();
    let lastLoginMs = status === 'deleted' ? nowMs - (30 + rng.next() * 60) * DAY_MS : nowMs - u * u * 90 * DAY_MS;
    if (lastLoginMs < createdMs) lastLoginMs = createdMs + rng.next() * (nowMs - createdMs);
    let email = `${slug(firstName)}.${slug(lastName)}@${rng.pick(EMAIL_DOMAINS)}`;
    if (emails.has(email)) email = email.replace('@', `${i}@`);
    emails.add(email);
    const user: User = {
      id, firstName, lastName, email,
      phone: `+1555${String(rng.int(0, 9_999_999)).padStart(7, '0')}`,
      country, plan, status, role,
      teamId: rng.pick(teamIds),
      createdAt: iso(createdMs),
      lastLogin: iso(lastLoginMs),
    };
    store.users.set(id, user);
    store.preferences.set(id, {
      userId: id,
      email: rng.chance(0.95),
      sms: rng.chance(0.3),
      push: rng.chance(0.6),
      marketing: rng.chance(0.45),
      digest: rng.weighted([['none', 3], ['daily', 2], ['weekly', 5]] as const),
    });
  }
}

function generateSubscriptions(store: DemoStore, rng: Rng, nowMs: number): void {
  for (const user of store.users.values()) {
    const plan = mustPlan(store, user.plan);
    const interval = user.plan !== 'free' && rng.chance(0.25) ? 'year' : 'month';
    const seats = user.plan === 'free' ? 1 : user.plan === 'pro' ? rng.int(1, 12) : rng.int(10, 120);
    const periodDays = interval === 'year' ? 365 : 30;
    const periodStart = nowMs - rng.int(0, periodDays - 1) * DAY_MS;
    let status: Subscription['status'] = 'active';
    let canceledAt: string | null = null;
    if (user.status === 'deleted') {
      status = 'canceled';
      canceledAt = iso(Date.parse(user.lastLogin) + DAY_MS);
    } else if (user.plan !== 'free') {
      status = rng.weighted([['active', 85], ['past_due', 6], ['trialing', 5], ['canceled', 4]] as const);
      if (status === 'canceled') canceledAt = iso(nowMs - rng.int(1, 80) * DAY_MS);
    }
    const id = nextId(store, 'sub_', 4);
    store.subscriptions.set(id, {
      id,
      userId: user.id,
      plan: user.plan,
      status,
      interval,
      seats,
      amountCents: seats * (interval === 'year' ? plan.yearlyPriceCents : plan.monthlyPriceCents),
      currency: currencyForCountry(user.country),
      currentPeriodStart: iso(periodStart),
      currentPeriodEnd: iso(periodStart + periodDays * DAY_MS),
      cancelAtPeriodEnd: status === 'active' && rng.chance(0.05),
      canceledAt,
      trialEndsAt: status === 'trialing' ? iso(nowMs + rng.int(1, 14) * DAY_MS) : null,
      couponCode: user.plan !== 'free' && rng.chance(0.12) ? rng.pick(['WELCOME10', 'ANNUAL20', 'STARTUP50', 'PARTNER15']) : null,
      createdAt: user.createdAt,
    });
    store.usage.set(user.id, {
      userId: user.id,
      apiCalls: Math.round(plan.apiCallsPerMonth * rng.next() * 0.9),
      storageGb: Math.round(plan.storageGb * rng.next() * 80) / 100,
      seatsUsed: rng.int(1, seats),
    });
  }
}

export function mustPlan(store: DemoStore, plan: Plan): PlanDefinition {
  const found = store.plans.get(plan);
  if (found === undefined) throw new Error(`unknown plan ${plan}`);
  return found;
}

function generateCoupons(store: DemoStore, rng: Rng, nowMs: number): void {
  for (const coupon of COUPONS) {
    store.coupons.set(coupon.code, {
      ...coupon,
      timesRedeemed: rng.int(0, coupon.maxRedemptions ?? 400),
      expiresAt: coupon.active ? iso(nowMs + rng.int(30, 365) * DAY_MS) : iso(nowMs - rng.int(30, 200) * DAY_MS),
    });
  }
  for (const sub of store.subscriptions.values()) {
    const coupon = sub.couponCode === null ? undefined : store.coupons.get(sub.couponCode);
    if (coupon) coupon.timesRedeemed += 1;
  }
}

function generateMetrics(store: DemoStore, rng: Rng, nowMs: number): void {
  const today = Math.floor(nowMs / DAY_MS) * DAY_MS;
  // A couple of bad days make anomaly detection and "what happened here?" questions interesting.
  const outageDay = rng.int(10, 60);
  const launchDay = rng.int(61, 85);
  for (let back = METRIC_DAYS - 1; back >= 0; back--) {
    const dayMs = today - back * DAY_MS;
    const weekday = new Date(dayMs).getUTCDay();
    const weekend = weekday === 0 || weekday === 6;
    const trend = 1 + (METRIC_DAYS - back) * 0.002;
    let active = Math.round((weekend ? 230 : 380) * trend * (0.92 + rng.next() * 0.16));
    let signups = Math.round((weekend ? 4 : 9) * trend * (0.6 + rng.next() * 0.8));
    let errors = rng.int(40, 140);
    if (back === outageDay) {
      active = Math.round(active * 0.45);
      errors *= 25;
    }
    if (back === launchDay) signups *= 4;
    const sessions = Math.round(active * (1.6 + rng.next() * 0.8));
    store.metrics.push({
      date: new Date(dayMs).toISOString().slice(0, 10),
      activeUsers: active,
      newSignups: signups,
      sessions,
      pageViews: Math.round(sessions * (5 + rng.next() * 4)),
      apiCalls: Math.round(active * (900 + rng.next() * 400)),
      errors,
      avgSessionSeconds: rng.int(180, 540),
      churnedUsers: rng.int(0, 4),
    });
  }
}

function generateNotifications(store: DemoStore, rng: Rng, nowMs: number): void {
  const endpoints: Array<[string, string, string[]]> = [
    ['https://hooks.acme.example/billing', 'Finance system sync', ['invoice.paid', 'invoice.overdue', 'payment.refunded']],
    ['https://crm.globex.example/webhooks/users', 'CRM contact sync', ['user.created', 'user.updated', 'user.deleted']],
    ['https://ops.initech.example/stock', 'Reorder automation', ['stock.low']],
    ['https://alerts.hooli.example/incoming', 'Support escalations', ['ticket.created', 'ticket.closed']],
    ['https://legacy.umbrella.example/hook', 'Old integration (disabled)', ['payment.succeeded']],
  ];
  for (const [url, description, events] of endpoints) {
    const id = nextId(store, 'we_', 3);
    store.webhookEndpoints.set(id, {
      id, url, description, events, active: !description.includes('disabled'),
      createdAt: iso(nowMs - rng.int(20, 400) * DAY_MS),
    });
  }
  const users = [...store.users.values()];
  const history: Array<{ ms: number; make: () => Omit<SentNotification, 'id' | 'sentAt'> }> = [];
  for (let i = 0; i < 150; i++) {
    const user = rng.pick(users);
    const template = rng.pick(EMAIL_TEMPLATES);
    const channel = rng.weighted([['email', 70], ['sms', 10], ['webhook', 12], ['slack', 8]] as const);
    const status = rng.weighted([['delivered', 90], ['bounced', 4], ['failed', 6]] as const);
    const event = rng.pick(WEBHOOK_EVENTS);
    const url = rng.pick(endpoints)[0];
    const slackChannel = rng.pick(SLACK_CHANNELS).name;
    history.push({
      ms: nowMs - rng.next() * 30 * DAY_MS,
      make: () => {
        switch (channel) {
          case 'email':
            return { channel, to: user.email, subject: template.subject.replace('{{firstName}}', user.firstName), body: template.body.replace('{{firstName}}', user.firstName), payload: null, status, triggeredBy: `template:${template.id}` };
          case 'sms':
            return { channel, to: user.phone, subject: null, body: `Your verification code is ${String(100000 + i * 37)}`, payload: null, status, triggeredBy: 'auth:verify' };
          case 'webhook':
            return { channel, to: url, subject: event, body: JSON.stringify({ event, userId: user.id }), payload: { event, userId: user.id }, status, triggeredBy: 'events' };
          case 'slack':
            return { channel, to: `#${slackChannel}`, subject: null, body: `New ${user.plan} signup: ${user.firstName} ${user.lastName}`, payload: null, status: 'delivered', triggeredBy: 'automation' };
        }
      },
    });
  }
  history.sort((a, b) => a.ms - b.ms);
  for (const entry of history) {
    const id = nextId(store, 'ntf_', 6);
    store.sent.set(id, { id, ...entry.make(), sentAt: iso(entry.ms) });
  }
}
