/** User accounts and teams. */
import type { ToolDefinition } from '../../src';
import {
  daysAgo, matchesQuery, optEnum, optNumber, optString, paginate, reqString, sortByField, within,
} from './args';
import type { Args } from './args';
import { mustPlan } from './data';
import {
  DAY_MS, PLANS, ROLES, USER_STATUSES, clone, conflict, currencyForCountry, iso, mustGet, nextId, nowIso, recordSent,
} from './store';
import type { DemoStore, Role, User } from './model';
import {
  DAYS, NO_INPUT, arrayOf, dateTime, defineTool, email, enumOf, id, input, int, listInput, page, record, sortOrder, str,
} from './schema-helpers';
import { ToolFailure } from '../../src';

const USER_ID = id('User', 'u_0042');
export const TEAM_ID = id('Team', 'team_03');
const COUNTRY = str('ISO 3166-1 alpha-2 country code, e.g. "DE".', { pattern: '^[A-Z]{2}$' });

export const userSchema = record({
  id: str('User id.'),
  firstName: str('Given name.'),
  lastName: str('Family name.'),
  email: str('Login and contact email address (unique).'),
  phone: str('Mobile number in E.164 format, used for SMS.'),
  country: str('ISO 3166-1 alpha-2 country code.'),
  plan: enumOf(PLANS, 'Current billing plan.'),
  status: enumOf(USER_STATUSES, 'Account state; deleted accounts are kept (soft delete).'),
  role: enumOf(ROLES, 'Role inside the workspace.'),
  teamId: str('Team the user belongs to.'),
  createdAt: dateTime('When the account was created.'),
  lastLogin: dateTime('Most recent sign-in.'),
}, 'A user account.');

const ROLE_DESCRIPTIONS: Record<Role, string> = {
  admin: 'Manages workspace settings, users and billing.',
  member: 'Regular user; creates and edits projects and tasks.',
  viewer: 'Read-only access.',
  billing: 'Sees invoices and payment methods, nothing else.',
  support: 'Support agent; can be assigned tickets.',
};

function filterUsers(store: DemoStore, args: Args): User[] {
  const status = optEnum(args, 'status', USER_STATUSES);
  const plan = optEnum(args, 'plan', PLANS);
  const role = optEnum(args, 'role', ROLES);
  const country = optString(args, 'country');
  const teamId = optString(args, 'teamId');
  const loginAfter = optString(args, 'lastLoginAfter');
  const loginBefore = optString(args, 'lastLoginBefore');
  const createdAfter = optString(args, 'createdAfter');
  const createdBefore = optString(args, 'createdBefore');
  return [...store.users.values()].filter((u) =>
    (status === undefined || u.status === status) &&
    (plan === undefined || u.plan === plan) &&
    (role === undefined || u.role === role) &&
    (country === undefined || u.country === country.toUpperCase()) &&
    (teamId === undefined || u.teamId === teamId) &&
    within(u.lastLogin, loginAfter, loginBefore) &&
    within(u.createdAt, createdAfter, createdBefore));
}

const USER_FILTERS = {
  status: enumOf(USER_STATUSES, 'Only users in this state.'),
  plan: enumOf(PLANS, 'Only users on this plan.'),
  role: enumOf(ROLES, 'Only users with this role.'),
  country: COUNTRY,
  teamId: TEAM_ID,
  lastLoginAfter: dateTime('Only users whose last login is at or after this instant.'),
  lastLoginBefore: dateTime('Only users whose last login is before this instant.'),
  createdAfter: dateTime('Only users created at or after this instant.'),
  createdBefore: dateTime('Only users created before this instant.'),
};

export function userTools(store: DemoStore): ToolDefinition[] {
  const getUser = (userId: string): User => mustGet(store.users, userId, 'user');
  return [
    defineTool({
      name: 'users:list',
      kind: 'read',
      description: 'Lists users, oldest account first by default, with optional filters on status, plan, role, country, team and login/sign-up dates (suspended and deleted accounts are included unless you filter by status). Returns one page `{ items, total, nextOffset }`; keep passing nextOffset to walk all 1,000+ users.',
      input: listInput({
        ...USER_FILTERS,
        sortBy: enumOf(['id', 'createdAt', 'lastLogin', 'lastName'], 'Field to sort by (default id).'),
        order: sortOrder('asc'),
      }),
      output: page(userSchema, 'users'),
      handler: (args) => {
        const sortBy = optEnum(args, 'sortBy', ['id', 'createdAt', 'lastLogin', 'lastName'] as const) ?? 'id';
        return paginate(sortByField(filterUsers(store, args), sortBy, optEnum(args, 'order', ['asc', 'desc'] as const) ?? 'asc'), args);
      },
    }),
    defineTool({
      name: 'users:get',
      kind: 'read',
      description: "Fetches a single user by id. Fails with NOT_FOUND (\"user 'u_9999' not found\") when the id is unknown.",
      input: input({ id: USER_ID }, ['id']),
      output: userSchema,
      handler: (args) => clone(getUser(reqString(args, 'id'))),
    }),
    defineTool({
      name: 'users:getByEmail',
      kind: 'read',
      description: 'Looks a user up by email address (case-insensitive exact match). Fails with NOT_FOUND when nobody uses that address.',
      input: input({ email: email('Email address to look up.') }, ['email']),
      output: userSchema,
      handler: (args) => {
        const wanted = reqString(args, 'email').toLowerCase();
        const found = [...store.users.values()].find((u) => u.email.toLowerCase() === wanted);
        if (!found) throw new ToolFailure('NOT_FOUND', `no user with email '${wanted}'`);
        return clone(found);
      },
    }),
    defineTool({
      name: 'users:search',
      kind: 'read',
      description: 'Free-text search over first name, last name and email (case-insensitive substring, so "me" also matches "James"). Accepts the same filters as users:list and returns a page of matches.',
      input: listInput({ query: str('Text to look for; at least one character.', { minLength: 1 }), ...USER_FILTERS }, ['query']),
      output: page(userSchema, 'users'),
      handler: (args) => {
        const query = reqString(args, 'query');
        return paginate(filterUsers(store, args).filter((u) => matchesQuery(query, u.firstName, u.lastName, u.email, `${u.firstName} ${u.lastName}`)), args);
      },
    }),
    defineTool({
      name: 'users:create',
      kind: 'create',
      description: 'Creates an active user (and a matching subscription on the chosen plan). Fails with CONFLICT if the email is taken. Returns the new user with its generated id.',
      input: input({
        firstName: str('Given name.', { minLength: 1 }),
        lastName: str('Family name.', { minLength: 1 }),
        email: email('Email address; must be unique.'),
        country: COUNTRY,
        plan: enumOf(PLANS, 'Plan to start on (default free).'),
        role: enumOf(ROLES, 'Workspace role (default member).'),
        teamId: { ...TEAM_ID, description: 'Team to join (default team_01).' },
      }, ['firstName', 'lastName', 'email', 'country']),
      output: userSchema,
      handler: (args) => {
        const emailAddress = reqString(args, 'email');
        if ([...store.users.values()].some((u) => u.email.toLowerCase() === emailAddress.toLowerCase())) {
          conflict(`email '${emailAddress}' is already in use`);
        }
        const teamId = optString(args, 'teamId') ?? 'team_01';
        mustGet(store.teams, teamId, 'team');
        const now = nowIso(store);
        const user: User = {
          id: nextId(store, 'u_', 4),
          firstName: reqString(args, 'firstName'),
          lastName: reqString(args, 'lastName'),
          email: emailAddress,
          phone: '+15550000000',
          country: reqString(args, 'country').toUpperCase(),
          plan: optEnum(args, 'plan', PLANS) ?? 'free',
          status: 'active',
          role: optEnum(args, 'role', ROLES) ?? 'member',
          teamId,
          createdAt: now,
          lastLogin: now,
        };
        store.users.set(user.id, user);
        store.preferences.set(user.id, { userId: user.id, email: true, sms: false, push: true, marketing: false, digest: 'weekly' });
        const plan = mustPlan(store, user.plan);
        const subId = nextId(store, 'sub_', 4);
        store.subscriptions.set(subId, {
          id: subId, userId: user.id, plan: user.plan, status: user.plan === 'free' ? 'active' : 'trialing', interval: 'month',
          seats: 1, amountCents: plan.monthlyPriceCents, currency: currencyForCountry(user.country),
          currentPeriodStart: now, currentPeriodEnd: iso(store.now() + 30 * DAY_MS), cancelAtPeriodEnd: false,
          canceledAt: null, trialEndsAt: user.plan === 'free' ? null : iso(store.now() + 14 * DAY_MS), couponCode: null, createdAt: now,
        });
        store.usage.set(user.id, { userId: user.id, apiCalls: 0, storageGb: 0, seatsUsed: 1 });
        return clone(user);
      },
    }),
    defineTool({
      name: 'users:update',
      kind: 'update',
      description: 'Changes profile fields of a user (name, email, country, role, team). Only the fields you pass change; plan and status have their own tools. Returns the updated user.',
      input: {
        ...input({
          id: USER_ID,
          firstName: str('New given name.', { minLength: 1 }),
          lastName: str('New family name.', { minLength: 1 }),
          email: email('New email address; must stay unique.'),
          country: COUNTRY,
          role: enumOf(ROLES, 'New workspace role.'),
          teamId: TEAM_ID,
        }, ['id']),
        minProperties: 2,
      },
      output: userSchema,
      handler: (args) => {
        const user = getUser(reqString(args, 'id'));
        const newEmail = optString(args, 'email');
        if (newEmail !== undefined && [...store.users.values()].some((u) => u.id !== user.id && u.email.toLowerCase() === newEmail.toLowerCase())) {
          conflict(`email '${newEmail}' is already in use`);
        }
        const teamId = optString(args, 'teamId');
        if (teamId !== undefined) mustGet(store.teams, teamId, 'team');
        user.firstName = optString(args, 'firstName') ?? user.firstName;
        user.lastName = optString(args, 'lastName') ?? user.lastName;
        user.email = newEmail ?? user.email;
        user.country = optString(args, 'country')?.toUpperCase() ?? user.country;
        user.role = optEnum(args, 'role', ROLES) ?? user.role;
        user.teamId = teamId ?? user.teamId;
        return clone(user);
      },
    }),
    defineTool({
      name: 'users:delete',
      kind: 'destructive',
      idempotent: true,
      description: 'Soft-deletes a user: status becomes "deleted" and their subscription is canceled immediately. The record stays readable. Returns the user as it is now.',
      input: input({ id: USER_ID }, ['id']),
      output: userSchema,
      handler: (args) => {
        const user = getUser(reqString(args, 'id'));
        user.status = 'deleted';
        for (const sub of store.subscriptions.values()) {
          if (sub.userId === user.id && sub.status !== 'canceled') {
            sub.status = 'canceled';
            sub.canceledAt = nowIso(store);
          }
        }
        return clone(user);
      },
    }),
    defineTool({
      name: 'users:suspend',
      kind: 'update',
      description: 'Suspends an account so the user can no longer sign in (for example after abuse or non-payment). Fails with CONFLICT for deleted users. Returns the updated user.',
      input: input({ id: USER_ID, reason: str('Why the account is suspended; kept for the audit trail.', { minLength: 1 }) }, ['id', 'reason']),
      output: userSchema,
      handler: (args) => {
        const user = getUser(reqString(args, 'id'));
        if (user.status === 'deleted') conflict(`user '${user.id}' is deleted`);
        user.status = 'suspended';
        return clone(user);
      },
    }),
    defineTool({
      name: 'users:reactivate',
      kind: 'update',
      description: 'Lifts a suspension and makes the account active again. Fails with CONFLICT for deleted users. Returns the updated user.',
      input: input({ id: USER_ID }, ['id']),
      output: userSchema,
      handler: (args) => {
        const user = getUser(reqString(args, 'id'));
        if (user.status === 'deleted') conflict(`user '${user.id}' is deleted and cannot be reactivated`);
        user.status = 'active';
        return clone(user);
      },
    }),
    defineTool({
      name: 'users:resetPassword',
      kind: 'sink',
      description: 'Starts a password reset: emails the user a one-hour reset link (recorded in the notification log). Returns where the email went and when the link expires.',
      input: input({ id: USER_ID }, ['id']),
      output: record({
        userId: str('User the reset is for.'),
        email: str('Address the reset link was sent to.'),
        notificationId: str('Id of the sent email in the notification log.'),
        expiresAt: dateTime('When the reset link stops working.'),
      }),
      handler: (args) => {
        const user = getUser(reqString(args, 'id'));
        if (user.status !== 'active') conflict(`user '${user.id}' is ${user.status}`);
        const sent = recordSent(store, {
          channel: 'email', to: user.email, subject: 'Reset your password',
          body: `Hi ${user.firstName}, use this link to reset your password: https://app.example.com/reset/${user.id}`,
          payload: null, triggeredBy: 'users:resetPassword',
        });
        return { userId: user.id, email: user.email, notificationId: sent.id, expiresAt: iso(store.now() + 3_600_000) };
      },
    }),
    defineTool({
      name: 'users:listRecentLogins',
      kind: 'read',
      description: 'Users who signed in during the last N days, most recent login first. Handy for "who is active right now" questions; returns a page of users.',
      input: listInput({ days: DAYS('How far back to look.', 90, 7) }),
      output: page(userSchema, 'users'),
      handler: (args) => {
        const since = daysAgo(store, optNumber(args, 'days') ?? 7);
        const recent = [...store.users.values()].filter((u) => Date.parse(u.lastLogin) >= since);
        return paginate(sortByField(recent, 'lastLogin', 'desc'), args);
      },
    }),
    ...userInsightTools(store, getUser),
  ];
}

function userInsightTools(store: DemoStore, getUser: (userId: string) => User): ToolDefinition[] {
  const countMap = (values: readonly string[], keys: readonly string[]): Record<string, number> =>
    Object.fromEntries(keys.map((k) => [k, values.filter((v) => v === k).length]));
  const counts = (keys: readonly string[], what: string) =>
    record(Object.fromEntries(keys.map((k) => [k, int(`Users with ${what} ${k}.`)])));
  return [
    defineTool({
      name: 'users:stats',
      kind: 'read',
      description: 'Headline numbers about the user base: totals by status, plan and role, and the top countries. Takes no arguments.',
      input: NO_INPUT,
      output: record({
        total: int('All users, any status.'),
        byStatus: counts(USER_STATUSES, 'status'),
        byPlan: counts(PLANS, 'plan'),
        byRole: counts(ROLES, 'role'),
        topCountries: arrayOf(record({ country: str('Country code.'), count: int('Users in that country.') }), 'Ten largest countries, biggest first.'),
      }),
      handler: () => {
        const users = [...store.users.values()];
        const byCountry = new Map<string, number>();
        for (const u of users) byCountry.set(u.country, (byCountry.get(u.country) ?? 0) + 1);
        return {
          total: users.length,
          byStatus: countMap(users.map((u) => u.status), USER_STATUSES),
          byPlan: countMap(users.map((u) => u.plan), PLANS),
          byRole: countMap(users.map((u) => u.role), ROLES),
          topCountries: [...byCountry].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 10).map(([country, count]) => ({ country, count })),
        };
      },
    }),
    defineTool({
      name: 'users:getSummary',
      kind: 'read',
      description: 'One-call overview of a customer: the user, their subscription, invoice totals, open tickets and owned projects. Fails with NOT_FOUND for unknown ids.',
      input: input({ id: USER_ID }, ['id']),
      output: record({
        user: userSchema,
        subscription: record({ id: str('Subscription id.'), plan: enumOf(PLANS, 'Plan.'), status: str('Subscription status.'), amountCents: int('Price per interval, in cents.'), currency: str('Currency code.') }),
        invoiceCount: int('Invoices ever issued to the user.'),
        outstandingCents: int('Sum of open and overdue invoices, in cents.'),
        paidCents: int('Sum of paid invoices, in cents.'),
        openTickets: int('Tickets that are not solved or closed.'),
        projectsOwned: int('Projects the user owns.'),
        daysSinceLastLogin: int('Whole days since the last sign-in.'),
      }),
      handler: (args) => {
        const user = getUser(reqString(args, 'id'));
        const sub = [...store.subscriptions.values()].find((s) => s.userId === user.id);
        if (!sub) throw new ToolFailure('NOT_FOUND', `subscription for user '${user.id}' not found`);
        const invoices = [...store.invoices.values()].filter((i) => i.userId === user.id);
        const total = (pred: (status: string) => boolean) => invoices.filter((i) => pred(i.status)).reduce((s, i) => s + i.amountCents, 0);
        return {
          user: clone(user),
          subscription: { id: sub.id, plan: sub.plan, status: sub.status, amountCents: sub.amountCents, currency: sub.currency },
          invoiceCount: invoices.length,
          outstandingCents: total((s) => s === 'open' || s === 'overdue'),
          paidCents: total((s) => s === 'paid'),
          openTickets: [...store.tickets.values()].filter((t) => t.requesterId === user.id && t.status !== 'solved' && t.status !== 'closed').length,
          projectsOwned: [...store.projects.values()].filter((p) => p.ownerId === user.id).length,
          daysSinceLastLogin: Math.floor((store.now() - Date.parse(user.lastLogin)) / DAY_MS),
        };
      },
    }),
    defineTool({
      name: 'users:listRoles',
      kind: 'read',
      description: 'The workspace roles, what each may do, and how many users hold it. Takes no arguments.',
      input: NO_INPUT,
      output: record({ roles: arrayOf(record({ role: enumOf(ROLES, 'Role name.'), description: str('What the role allows.'), userCount: int('Users with the role.') }), 'All roles.') }),
      handler: () => ({
        roles: ROLES.map((role) => ({ role, description: ROLE_DESCRIPTIONS[role], userCount: [...store.users.values()].filter((u) => u.role === role).length })),
      }),
    }),
    defineTool({
      name: 'users:assignTeam',
      kind: 'update',
      description: 'Moves a user to another team. Fails with NOT_FOUND when the user or team does not exist. Returns the updated user.',
      input: input({ id: USER_ID, teamId: TEAM_ID }, ['id', 'teamId']),
      output: userSchema,
      handler: (args) => {
        const user = getUser(reqString(args, 'id'));
        user.teamId = mustGet(store.teams, reqString(args, 'teamId'), 'team').id;
        return clone(user);
      },
    }),
  ];
}
