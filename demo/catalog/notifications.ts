/**
 * Outbound messaging: email, SMS, Slack, push and webhooks. Nothing ever leaves the process; every
 * "send" is written to the store's notification log, which notifications:listSent reads back, so a
 * script's side effects can be inspected afterwards.
 */
import type { ToolDefinition } from '../../src';
import { ToolFailure } from '../../src';
import { daysAgo, optBool, optEnum, optNumber, optObject, optString, optStringArray, paginate, reqString, sortByField, within } from './args';
import { CHANNELS, PLANS, SENT_STATUSES, USER_STATUSES, clone, mustGet, recordSent } from './store';
import type { DemoStore, SentNotification, User } from './model';
import {
  DAYS, NO_INPUT, arrayOf, bool, dateTime, defineTool, email, enumOf, id, input, int, listInput, nullable, page, record, str,
} from './schema-helpers';
import { webhookTools } from './webhooks';

const USER_ID = id('User', 'u_0042');

export const sentSchema = record({
  id: str('Notification log id.'),
  channel: enumOf(CHANNELS, 'Delivery channel.'),
  to: str('Recipient: email address, phone number, webhook URL, #slack-channel or user id (push).'),
  subject: nullable(str('Email subject or webhook event name, else null.')),
  body: str('Message text (webhooks: the JSON payload as a string).'),
  payload: nullable({ type: 'object', description: 'Structured payload for webhooks and templated mails, else null.' }),
  status: enumOf(SENT_STATUSES, 'Delivery state; demo sends are always "sent".'),
  triggeredBy: str('Tool or automation that sent it.'),
  sentAt: dateTime('When it was sent.'),
}, 'A message in the notification log.');

const preferencesSchema = record({
  userId: str('User.'), email: bool('Transactional email allowed.'), sms: bool('SMS allowed.'), push: bool('Push allowed.'),
  marketing: bool('Marketing email allowed.'), digest: enumOf(['none', 'daily', 'weekly'], 'Activity digest frequency.'),
});

function render(template: string, vars: Record<string, string>): { text: string; missing: string[] } {
  const missing: string[] = [];
  const text = template.replace(/\{\{(\w+)\}\}/g, (_match, name: string) => {
    const value = vars[name];
    if (value === undefined) missing.push(name);
    return value ?? '';
  });
  return { text, missing };
}

export function notificationTools(store: DemoStore): ToolDefinition[] {
  const send = (entry: Omit<SentNotification, 'id' | 'sentAt' | 'status'>): SentNotification => clone(recordSent(store, entry));
  return [
    defineTool({
      name: 'emails:send',
      kind: 'sink',
      description: 'Sends a plain-text email. In the demo nothing is delivered: the message is written to the notification log (see notifications:listSent). Returns the log entry.',
      input: input({
        to: email('Recipient address.'),
        subject: str('Subject line.', { minLength: 1, maxLength: 200 }),
        body: str('Plain-text body.', { minLength: 1 }),
        cc: arrayOf(email('Address.'), 'Extra recipients (max 10).', { maxItems: 10 }),
      }, ['to', 'subject', 'body']),
      output: sentSchema,
      handler: (args) => {
        const cc = optStringArray(args, 'cc') ?? [];
        return send({
          channel: 'email', to: reqString(args, 'to'), subject: reqString(args, 'subject'), body: reqString(args, 'body'),
          payload: cc.length > 0 ? { cc } : null, triggeredBy: 'emails:send',
        });
      },
    }),
    defineTool({
      name: 'emails:sendTemplate',
      kind: 'sink',
      description: "Emails a user using a stored template (see emails:listTemplates). firstName is filled in from the user; pass any other variables. Fails with INVALID_ARGUMENT if a variable is missing. Returns the log entry.",
      input: input({
        templateId: str("Template id, e.g. 'welcome' or 'invoice_reminder'.", { minLength: 1 }),
        userId: USER_ID,
        variables: { type: 'object', description: 'Template variables by name, e.g. { "invoiceNumber": "INV-2024-00042" }.', additionalProperties: { type: 'string' } },
      }, ['templateId', 'userId']),
      output: sentSchema,
      handler: (args) => {
        const template = mustGet(store.emailTemplates, reqString(args, 'templateId'), 'email template');
        const user = mustGet(store.users, reqString(args, 'userId'), 'user');
        const vars: Record<string, string> = { firstName: user.firstName, lastName: user.lastName, email: user.email };
        for (const [key, value] of Object.entries(optObject(args, 'variables') ?? {})) vars[key] = String(value);
        const subject = render(template.subject, vars);
        const body = render(template.body, vars);
        const missing = [...new Set([...subject.missing, ...body.missing])];
        if (missing.length > 0) throw new ToolFailure('INVALID_ARGUMENT', `template '${template.id}' needs variables: ${missing.join(', ')}`);
        return send({ channel: 'email', to: user.email, subject: subject.text, body: body.text, payload: { templateId: template.id, variables: vars }, triggeredBy: 'emails:sendTemplate' });
      },
    }),
    defineTool({
      name: 'emails:listTemplates',
      kind: 'read',
      description: 'The stored email templates with their subject, body and the {{variables}} they use. Takes no arguments.',
      input: NO_INPUT,
      output: record({ items: arrayOf(record({ id: str('Template id.'), name: str('Name.'), subject: str('Subject with {{variables}}.'), body: str('Body with {{variables}}.'), variables: arrayOf(str('Variable.'), 'Variables used.') }), 'Templates.') }),
      handler: () => ({ items: [...store.emailTemplates.values()].map((t) => clone(t)) }),
    }),
    defineTool({
      name: 'sms:send',
      kind: 'sink',
      description: 'Sends a text message to a phone number in E.164 format (logged only, never delivered in the demo). Long messages are billed per 160 characters. Returns the log entry.',
      input: input({ to: str('Phone number in E.164 format, e.g. +15551234567.', { pattern: '^\\+[1-9][0-9]{6,14}$' }), body: str('Message text, up to 480 characters.', { minLength: 1, maxLength: 480 }) }, ['to', 'body']),
      output: sentSchema,
      handler: (args) => send({ channel: 'sms', to: reqString(args, 'to'), subject: null, body: reqString(args, 'body'), payload: null, triggeredBy: 'sms:send' }),
    }),
    defineTool({
      name: 'slack:postMessage',
      kind: 'sink',
      description: "Posts a message to a Slack channel, given by name ('alerts' or '#alerts') or id. Fails with NOT_FOUND for unknown channels (see slack:listChannels). Logged only. Returns the log entry.",
      input: input({ channel: str('Channel name or id.', { minLength: 1 }), text: str('Message text (Slack mrkdwn allowed).', { minLength: 1, maxLength: 4000 }) }, ['channel', 'text']),
      output: sentSchema,
      handler: (args) => {
        const wanted = reqString(args, 'channel').replace(/^#/, '');
        const channel = [...store.slackChannels.values()].find((c) => c.id === wanted || c.name === wanted);
        if (!channel) throw new ToolFailure('NOT_FOUND', `slack channel '${wanted}' not found`);
        return send({ channel: 'slack', to: `#${channel.name}`, subject: null, body: reqString(args, 'text'), payload: { channelId: channel.id }, triggeredBy: 'slack:postMessage' });
      },
    }),
    defineTool({
      name: 'slack:listChannels',
      kind: 'read',
      description: 'Slack channels the bot can post to, with member counts. Takes no arguments.',
      input: NO_INPUT,
      output: record({ items: arrayOf(record({ id: str('Channel id.'), name: str('Channel name without #.'), isPrivate: bool('Private channel.'), memberCount: int('Members.') }), 'Channels.') }),
      handler: () => ({ items: [...store.slackChannels.values()].map((c) => clone(c)) }),
    }),
    defineTool({
      name: 'push:send',
      kind: 'sink',
      description: "Sends a mobile push notification to a user. Fails with CONFLICT when the user turned push off in their preferences. Logged only. Returns the log entry.",
      input: input({ userId: USER_ID, title: str('Notification title.', { minLength: 1, maxLength: 80 }), body: str('Notification text.', { minLength: 1, maxLength: 240 }) }, ['userId', 'title', 'body']),
      output: sentSchema,
      handler: (args) => {
        const user = mustGet(store.users, reqString(args, 'userId'), 'user');
        if (store.preferences.get(user.id)?.push === false) throw new ToolFailure('CONFLICT', `user '${user.id}' has push notifications turned off`);
        return send({ channel: 'push', to: user.id, subject: reqString(args, 'title'), body: reqString(args, 'body'), payload: null, triggeredBy: 'push:send' });
      },
    }),
    defineTool({
      name: 'notifications:listSent',
      kind: 'read',
      description: 'The notification log: every email, SMS, Slack message, push and webhook sent (historical ones plus anything sent through these tools), newest first. Filter by channel, recipient, status, sender or time.',
      input: listInput({
        channel: enumOf(CHANNELS, 'Only this channel.'),
        to: str('Only messages to this exact recipient.'),
        status: enumOf(SENT_STATUSES, 'Only this delivery state.'),
        triggeredBy: str("Only messages sent by this tool, e.g. 'emails:send'."),
        since: dateTime('Only messages sent at or after this instant.'),
      }),
      output: page(sentSchema, 'notifications'),
      handler: (args) => {
        const channel = optEnum(args, 'channel', CHANNELS);
        const status = optEnum(args, 'status', SENT_STATUSES);
        const to = optString(args, 'to');
        const triggeredBy = optString(args, 'triggeredBy');
        const since = optString(args, 'since');
        const found = [...store.sent.values()].filter((n) =>
          (channel === undefined || n.channel === channel) && (status === undefined || n.status === status) &&
          (to === undefined || n.to === to) && (triggeredBy === undefined || n.triggeredBy === triggeredBy) && within(n.sentAt, since, undefined));
        // Newest first; the log is append-only, so reversing insertion order also orders equal timestamps.
        return paginate(sortByField(found.reverse(), 'sentAt', 'desc'), args);
      },
    }),
    defineTool({
      name: 'notifications:getSent',
      kind: 'read',
      description: 'One entry of the notification log by id. Fails with NOT_FOUND for unknown ids.',
      input: input({ id: id('Notification', 'ntf_000042') }, ['id']),
      output: sentSchema,
      handler: (args) => clone(mustGet(store.sent, reqString(args, 'id'), 'notification')),
    }),
    defineTool({
      name: 'notifications:stats',
      kind: 'read',
      description: 'Messages sent in the last N days per channel and delivery status; useful to spot bounce or failure spikes.',
      input: input({ days: DAYS('Window size.', 90, 7) }),
      output: record({
        total: int('Messages in the window.'),
        byChannel: arrayOf(record({ channel: enumOf(CHANNELS, 'Channel.'), sent: int('Messages.'), delivered: int('Delivered.'), bounced: int('Bounced.'), failed: int('Failed.') }), 'One row per channel.'),
      }),
      handler: (args) => {
        const since = daysAgo(store, optNumber(args, 'days') ?? 7);
        const recent = [...store.sent.values()].filter((n) => Date.parse(n.sentAt) >= since);
        return {
          total: recent.length,
          byChannel: CHANNELS.map((channel) => {
            const rows = recent.filter((n) => n.channel === channel);
            const count = (s: SentNotification['status']) => rows.filter((n) => n.status === s).length;
            return { channel, sent: rows.length, delivered: count('delivered'), bounced: count('bounced'), failed: count('failed') };
          }),
        };
      },
    }),
    defineTool({
      name: 'notifications:getPreferences',
      kind: 'read',
      description: "A user's notification preferences (which channels they accept, marketing opt-in, digest frequency).",
      input: input({ userId: USER_ID }, ['userId']),
      output: preferencesSchema,
      handler: (args) => clone(mustGet(store.preferences, mustGet(store.users, reqString(args, 'userId'), 'user').id, 'preferences')),
    }),
    defineTool({
      name: 'notifications:updatePreferences',
      kind: 'update',
      description: "Changes a user's notification preferences; only the fields you pass change. Returns the preferences.",
      input: {
        ...input({
          userId: USER_ID, email: bool('Allow transactional email.'), sms: bool('Allow SMS.'), push: bool('Allow push.'),
          marketing: bool('Allow marketing email.'), digest: enumOf(['none', 'daily', 'weekly'], 'Digest frequency.'),
        }, ['userId']),
        minProperties: 2,
      },
      output: preferencesSchema,
      handler: (args) => {
        const prefs = mustGet(store.preferences, mustGet(store.users, reqString(args, 'userId'), 'user').id, 'preferences');
        prefs.email = optBool(args, 'email') ?? prefs.email;
        prefs.sms = optBool(args, 'sms') ?? prefs.sms;
        prefs.push = optBool(args, 'push') ?? prefs.push;
        prefs.marketing = optBool(args, 'marketing') ?? prefs.marketing;
        prefs.digest = optEnum(args, 'digest', ['none', 'daily', 'weekly'] as const) ?? prefs.digest;
        return clone(prefs);
      },
    }),
    broadcastTool(store),
    ...webhookTools(store, sentSchema),
  ];
}

function broadcastTool(store: DemoStore): ToolDefinition {
  return defineTool({
    name: 'notifications:broadcast',
    kind: 'sink',
    description: 'Emails every user in an audience (plan, status, country, recent activity). Users who disabled email are skipped, and so are marketing opt-outs when marketing is true. Use dryRun to count recipients first. Returns counts and the log ids.',
    input: input({
      subject: str('Subject line; {{firstName}} is replaced per user.', { minLength: 1, maxLength: 200 }),
      body: str('Body; {{firstName}} is replaced per user.', { minLength: 1 }),
      plan: enumOf(PLANS, 'Only users on this plan.'),
      status: enumOf(USER_STATUSES, 'Only users in this state (default active).'),
      country: str('Only users in this country (ISO code).', { pattern: '^[A-Z]{2}$' }),
      activeWithinDays: int('Only users who signed in within this many days.', { minimum: 1, maximum: 3650 }),
      marketing: bool('This is a marketing message: respect marketing opt-outs (default true).'),
      dryRun: bool('Only count recipients, send nothing (default false).'),
    }, ['subject', 'body']),
    output: record({
      dryRun: bool('Whether anything was sent.'),
      matched: int('Users in the audience.'),
      sent: int('Emails sent (or that would be sent).'),
      skipped: int('Users skipped because of their preferences.'),
      notificationIds: arrayOf(str('Log id.'), 'Ids of the sent emails (empty on dry runs).'),
    }),
    handler: (args) => {
      const plan = optEnum(args, 'plan', PLANS);
      const status = optEnum(args, 'status', USER_STATUSES) ?? 'active';
      const country = optString(args, 'country');
      const activeDays = optNumber(args, 'activeWithinDays');
      const marketing = optBool(args, 'marketing') ?? true;
      const dryRun = optBool(args, 'dryRun') ?? false;
      const since = activeDays === undefined ? undefined : daysAgo(store, activeDays);
      const audience = [...store.users.values()].filter((u) =>
        u.status === status && (plan === undefined || u.plan === plan) && (country === undefined || u.country === country) &&
        (since === undefined || Date.parse(u.lastLogin) >= since));
      const reachable = (u: User): boolean => {
        const prefs = store.preferences.get(u.id);
        return prefs !== undefined && prefs.email && (!marketing || prefs.marketing);
      };
      const recipients = audience.filter(reachable);
      const ids = dryRun ? [] : recipients.map((u) => recordSent(store, {
        channel: 'email', to: u.email,
        subject: reqString(args, 'subject').replace(/\{\{firstName\}\}/g, u.firstName),
        body: reqString(args, 'body').replace(/\{\{firstName\}\}/g, u.firstName),
        payload: { userId: u.id, broadcast: true }, triggeredBy: 'notifications:broadcast',
      }).id);
      return { dryRun, matched: audience.length, sent: recipients.length, skipped: audience.length - recipients.length, notificationIds: ids };
    },
  });
}
