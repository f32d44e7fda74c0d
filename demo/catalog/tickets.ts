/** Support desk: tickets, comments, agents. */
import type { ToolDefinition } from '../../src';
import {
  daysAgo, matchesQuery, optBool, optEnum, optNumber, optString, optStringArray, paginate, reqString, round, sortByField, sum, within,
} from './args';
import type { Args } from './args';
import { supportAgents } from './data-work';
import {
  TICKET_CATEGORIES, TICKET_CHANNELS, TICKET_PRIORITIES, TICKET_STATUSES, clone, conflict, mustGet, nextId, nowIso,
} from './store';
import type { DemoStore, Ticket, TicketComment, TicketPriority } from './model';
import {
  NO_INPUT, arrayOf, bool, dateTime, defineTool, enumOf, id, input, int, listInput, nullable, num, page, record, sortOrder, str,
} from './schema-helpers';

const TICKET_ID = id('Ticket', 'tk_0042');
const USER_ID = id('User', 'u_0042');
const TAGS = arrayOf(str('Tag.', { minLength: 1 }), 'Labels, e.g. ["vip", "api"].', { maxItems: 20, uniqueItems: true });

export const ticketSchema = record({
  id: str('Ticket id.'),
  subject: str('One-line summary.'),
  description: str('The original request.'),
  requesterId: str('User who asked for help.'),
  assigneeId: nullable(str('Support agent handling it, or null when unassigned.')),
  status: enumOf(TICKET_STATUSES, 'open (needs agent), pending (waiting on customer), on_hold, solved, closed.'),
  priority: enumOf(TICKET_PRIORITIES, 'Urgency.'),
  category: enumOf(TICKET_CATEGORIES, 'Topic.'),
  channel: enumOf(TICKET_CHANNELS, 'Where the request came in.'),
  tags: arrayOf(str('Tag.'), 'Labels.'),
  createdAt: dateTime('When it was opened.'),
  updatedAt: dateTime('Last change.'),
  firstResponseAt: nullable(dateTime('First agent reply, or null.')),
  resolvedAt: nullable(dateTime('When it was solved or closed, or null.')),
  mergedInto: nullable(str('Ticket this one was merged into, or null.')),
}, 'A support ticket.');

const commentSchema = record({
  id: str('Comment id.'), ticketId: str('Ticket.'), authorId: str('User who wrote it.'), body: str('Text.'),
  internal: bool('Internal notes are visible to agents only.'), createdAt: dateTime('When it was written.'),
});

const PRIORITY_RANK: Record<TicketPriority, number> = { low: 0, normal: 1, high: 2, urgent: 3 };
const isResolved = (t: Ticket): boolean => t.status === 'solved' || t.status === 'closed';

function filterTickets(store: DemoStore, args: Args): Ticket[] {
  const status = optEnum(args, 'status', TICKET_STATUSES);
  const priority = optEnum(args, 'priority', TICKET_PRIORITIES);
  const category = optEnum(args, 'category', TICKET_CATEGORIES);
  const assigneeId = optString(args, 'assigneeId');
  const requesterId = optString(args, 'requesterId') ?? optString(args, 'userId');
  const tag = optString(args, 'tag');
  const after = optString(args, 'createdAfter');
  const before = optString(args, 'createdBefore');
  return [...store.tickets.values()].filter((t) =>
    (status === undefined || t.status === status) && (priority === undefined || t.priority === priority) &&
    (category === undefined || t.category === category) && (assigneeId === undefined || t.assigneeId === assigneeId) &&
    (requesterId === undefined || t.requesterId === requesterId) && (tag === undefined || t.tags.includes(tag)) &&
    within(t.createdAt, after, before));
}

export function ticketTools(store: DemoStore): ToolDefinition[] {
  const getTicket = (ticketId: string): Ticket => mustGet(store.tickets, ticketId, 'ticket');
  const touch = (t: Ticket): void => {
    t.updatedAt = nowIso(store);
  };
  const addComment = (t: Ticket, authorId: string, body: string, internal: boolean): TicketComment => {
    const comment = { id: nextId(store, 'cm_', 5), ticketId: t.id, authorId, body, internal, createdAt: nowIso(store) };
    store.comments.set(comment.id, comment);
    if (t.firstResponseAt === null && authorId !== t.requesterId) t.firstResponseAt = comment.createdAt;
    touch(t);
    return comment;
  };
  const SORTS = ['createdAt', 'updatedAt', 'priority'] as const;
  return [
    defineTool({
      name: 'tickets:list',
      kind: 'read',
      description: 'Lists support tickets, newest first by default, filtered by status, priority, category, assignee, requester, tag or creation date. Sorting by priority puts urgent first. Returns a page `{ items, total, nextOffset }`.',
      input: listInput({
        status: enumOf(TICKET_STATUSES, 'Only tickets in this status.'),
        priority: enumOf(TICKET_PRIORITIES, 'Only this priority.'),
        category: enumOf(TICKET_CATEGORIES, 'Only this category.'),
        assigneeId: id('Assigned agent (user)', 'u_0042'),
        requesterId: id('Requesting user', 'u_0042'),
        tag: str('Only tickets carrying this tag.'),
        createdAfter: dateTime('Only tickets opened at or after this instant.'),
        createdBefore: dateTime('Only tickets opened before this instant.'),
        sortBy: enumOf(SORTS, 'Sort field (default createdAt).'),
        order: sortOrder('desc'),
      }),
      output: page(ticketSchema, 'tickets'),
      handler: (args) => {
        const sortBy = optEnum(args, 'sortBy', SORTS) ?? 'createdAt';
        const order = optEnum(args, 'order', ['asc', 'desc'] as const) ?? 'desc';
        const found = filterTickets(store, args);
        const sorted = sortBy === 'priority'
          ? sortByField(found.map((t) => ({ t, rank: PRIORITY_RANK[t.priority] })), 'rank', order).map((x) => x.t)
          : sortByField(found, sortBy, order);
        return paginate(sorted, args);
      },
    }),
    defineTool({
      name: 'tickets:get',
      kind: 'read',
      description: 'Fetches one ticket by id (comments are separate: tickets:listComments). Fails with NOT_FOUND for unknown ids.',
      input: input({ id: TICKET_ID }, ['id']),
      output: ticketSchema,
      handler: (args) => clone(getTicket(reqString(args, 'id'))),
    }),
    defineTool({
      name: 'tickets:search',
      kind: 'read',
      description: 'Full-text search over ticket subjects and descriptions (case-insensitive substring), newest first, with the same filters as tickets:list.',
      input: listInput({ query: str('Text to look for.', { minLength: 1 }), status: enumOf(TICKET_STATUSES, 'Only tickets in this status.'), priority: enumOf(TICKET_PRIORITIES, 'Only this priority.') }, ['query']),
      output: page(ticketSchema, 'tickets'),
      handler: (args) => {
        const query = reqString(args, 'query');
        return paginate(sortByField(filterTickets(store, args).filter((t) => matchesQuery(query, t.subject, t.description)), 'createdAt', 'desc'), args);
      },
    }),
    defineTool({
      name: 'tickets:listForUser',
      kind: 'read',
      description: 'Tickets a customer has raised, newest first. Fails with NOT_FOUND for unknown users. Returns a page.',
      input: listInput({ userId: USER_ID, status: enumOf(TICKET_STATUSES, 'Only tickets in this status.') }, ['userId']),
      output: page(ticketSchema, 'tickets'),
      handler: (args) => {
        mustGet(store.users, reqString(args, 'userId'), 'user');
        return paginate(sortByField(filterTickets(store, args), 'createdAt', 'desc'), args);
      },
    }),
    defineTool({
      name: 'tickets:listUnassigned',
      kind: 'read',
      description: 'The triage queue: unresolved tickets without an assignee, most urgent first and oldest first within a priority.',
      input: listInput({ priority: enumOf(TICKET_PRIORITIES, 'Only this priority.') }),
      output: page(ticketSchema, 'tickets'),
      handler: (args) => {
        const queue = filterTickets(store, args).filter((t) => t.assigneeId === null && !isResolved(t))
          .sort((a, b) => PRIORITY_RANK[b.priority] - PRIORITY_RANK[a.priority] || a.createdAt.localeCompare(b.createdAt));
        return paginate(queue, args);
      },
    }),
    defineTool({
      name: 'tickets:listComments',
      kind: 'read',
      description: 'The conversation on a ticket, oldest first. Internal agent notes are included unless includeInternal is false.',
      input: input({ ticketId: TICKET_ID, includeInternal: bool('Include internal notes (default true).') }, ['ticketId']),
      output: record({ items: arrayOf(commentSchema, 'Comments, oldest first.') }),
      handler: (args) => {
        const ticket = getTicket(reqString(args, 'ticketId'));
        const internalToo = optBool(args, 'includeInternal') !== false;
        return { items: [...store.comments.values()].filter((c) => c.ticketId === ticket.id && (internalToo || !c.internal)).map((c) => clone(c)) };
      },
    }),
    defineTool({
      name: 'tickets:listAgents',
      kind: 'read',
      description: 'Support agents (active users with the support role) with their current open workload and tickets resolved in the last 30 days. Takes no arguments.',
      input: NO_INPUT,
      output: record({ agents: arrayOf(record({ userId: str('Agent user id.'), name: str('Full name.'), email: str('Email.'), openTickets: int('Assigned and unresolved.'), resolvedLast30Days: int('Resolved in the last 30 days.') }), 'Agents, busiest first.') }),
      handler: () => {
        const since = daysAgo(store, 30);
        const tickets = [...store.tickets.values()];
        const agents = supportAgents(store).map((a) => ({
          userId: a.id, name: `${a.firstName} ${a.lastName}`, email: a.email,
          openTickets: tickets.filter((t) => t.assigneeId === a.id && !isResolved(t)).length,
          resolvedLast30Days: tickets.filter((t) => t.assigneeId === a.id && t.resolvedAt !== null && Date.parse(t.resolvedAt) >= since).length,
        }));
        return { agents: agents.sort((x, y) => y.openTickets - x.openTickets || x.userId.localeCompare(y.userId)) };
      },
    }),
    defineTool({
      name: 'tickets:stats',
      kind: 'read',
      description: 'Support desk health for tickets opened in the last N days: counts by status, priority and category, unassigned backlog, and average first-response and resolution times.',
      input: input({ days: int('Window size in days, 1-180 (default 30).', { minimum: 1, maximum: 180 }) }),
      output: record({
        tickets: int('Tickets opened in the window.'),
        byStatus: record(Object.fromEntries(TICKET_STATUSES.map((s) => [s, int(`Tickets ${s}.`)]))),
        byPriority: record(Object.fromEntries(TICKET_PRIORITIES.map((p) => [p, int(`Tickets with priority ${p}.`)]))),
        byCategory: record(Object.fromEntries(TICKET_CATEGORIES.map((c) => [c, int(`Tickets about ${c}.`)]))),
        unassignedOpen: int('Unresolved tickets without an assignee.'),
        avgFirstResponseMinutes: num('Mean time to first agent reply.'),
        avgResolutionHours: num('Mean time from open to solved/closed.'),
      }),
      handler: (args) => {
        const since = daysAgo(store, optNumber(args, 'days') ?? 30);
        const inWindow = [...store.tickets.values()].filter((t) => Date.parse(t.createdAt) >= since);
        const count = <K extends string>(keys: readonly K[], pick: (t: Ticket) => K) => Object.fromEntries(keys.map((k) => [k, inWindow.filter((t) => pick(t) === k).length]));
        const mean = (values: number[]) => (values.length === 0 ? 0 : round(sum(values) / values.length, 1));
        return {
          tickets: inWindow.length,
          byStatus: count(TICKET_STATUSES, (t) => t.status),
          byPriority: count(TICKET_PRIORITIES, (t) => t.priority),
          byCategory: count(TICKET_CATEGORIES, (t) => t.category),
          unassignedOpen: inWindow.filter((t) => t.assigneeId === null && !isResolved(t)).length,
          avgFirstResponseMinutes: mean(inWindow.flatMap((t) => (t.firstResponseAt === null ? [] : [(Date.parse(t.firstResponseAt) - Date.parse(t.createdAt)) / 60_000]))),
          avgResolutionHours: mean(inWindow.flatMap((t) => (t.resolvedAt === null ? [] : [(Date.parse(t.resolvedAt) - Date.parse(t.createdAt)) / 3_600_000]))),
        };
      },
    }),
    defineTool({
      name: 'tickets:create',
      kind: 'create',
      description: 'Opens a ticket on behalf of a customer. It starts open and unassigned. Fails with NOT_FOUND for unknown requesters. Returns the new ticket.',
      input: input({
        requesterId: USER_ID,
        subject: str('One-line summary.', { minLength: 1, maxLength: 200 }),
        description: str('Full request text.', { minLength: 1 }),
        priority: enumOf(TICKET_PRIORITIES, 'Urgency (default normal).'),
        category: enumOf(TICKET_CATEGORIES, 'Topic (default how_to).'),
        channel: enumOf(TICKET_CHANNELS, 'Where it came in (default web).'),
        tags: TAGS,
      }, ['requesterId', 'subject', 'description']),
      output: ticketSchema,
      handler: (args) => {
        const requester = mustGet(store.users, reqString(args, 'requesterId'), 'user');
        const now = nowIso(store);
        const ticket: Ticket = {
          id: nextId(store, 'tk_', 4), subject: reqString(args, 'subject'), description: reqString(args, 'description'),
          requesterId: requester.id, assigneeId: null, status: 'open',
          priority: optEnum(args, 'priority', TICKET_PRIORITIES) ?? 'normal',
          category: optEnum(args, 'category', TICKET_CATEGORIES) ?? 'how_to',
          channel: optEnum(args, 'channel', TICKET_CHANNELS) ?? 'web',
          tags: optStringArray(args, 'tags') ?? [], createdAt: now, updatedAt: now,
          firstResponseAt: null, resolvedAt: null, mergedInto: null,
        };
        store.tickets.set(ticket.id, ticket);
        return clone(ticket);
      },
    }),
    ...ticketWriteTools(store, getTicket, addComment),
  ];
}

function ticketWriteTools(
  store: DemoStore,
  getTicket: (ticketId: string) => Ticket,
  addComment: (t: Ticket, authorId: string, body: string, internal: boolean) => TicketComment,
): ToolDefinition[] {
  const open = (args: Args): Ticket => {
    const t = getTicket(reqString(args, 'id'));
    if (t.mergedInto !== null) conflict(`ticket '${t.id}' was merged into '${t.mergedInto}'`);
    return t;
  };
  const resolve = (t: Ticket, status: 'solved' | 'closed'): void => {
    t.status = status;
    t.resolvedAt = t.resolvedAt ?? nowIso(store);
    t.updatedAt = nowIso(store);
  };
  return [
    defineTool({
      name: 'tickets:update',
      kind: 'update',
      description: 'Changes subject, priority, category, status or tags of a ticket; only passed fields change. Moving to solved/closed stamps resolvedAt, moving back clears it. Returns the ticket.',
      input: {
        ...input({
          id: TICKET_ID,
          subject: str('New summary.', { minLength: 1, maxLength: 200 }),
          priority: enumOf(TICKET_PRIORITIES, 'New priority.'),
          category: enumOf(TICKET_CATEGORIES, 'New category.'),
          status: enumOf(TICKET_STATUSES, 'New status.'),
          tags: { ...TAGS, description: 'Replaces the tag list.' },
        }, ['id']),
        minProperties: 2,
      },
      output: ticketSchema,
      handler: (args) => {
        const t = open(args);
        t.subject = optString(args, 'subject') ?? t.subject;
        t.priority = optEnum(args, 'priority', TICKET_PRIORITIES) ?? t.priority;
        t.category = optEnum(args, 'category', TICKET_CATEGORIES) ?? t.category;
        t.tags = optStringArray(args, 'tags') ?? t.tags;
        const status = optEnum(args, 'status', TICKET_STATUSES);
        if (status === 'solved' || status === 'closed') resolve(t, status);
        else if (status !== undefined) {
          t.status = status;
          t.resolvedAt = null;
        }
        t.updatedAt = nowIso(store);
        return clone(t);
      },
    }),
    defineTool({
      name: 'tickets:assign',
      kind: 'update',
      description: 'Assigns a ticket to a support agent. Fails with NOT_FOUND for unknown users and CONFLICT if the user is not an active support agent (see tickets:listAgents). Returns the ticket.',
      input: input({ id: TICKET_ID, assigneeId: id('Agent user', 'u_0042') }, ['id', 'assigneeId']),
      output: ticketSchema,
      handler: (args) => {
        const t = open(args);
        const agent = mustGet(store.users, reqString(args, 'assigneeId'), 'user');
        if (agent.role !== 'support' || agent.status !== 'active') conflict(`user '${agent.id}' is not an active support agent`);
        t.assigneeId = agent.id;
        t.updatedAt = nowIso(store);
        return clone(t);
      },
    }),
    defineTool({
      name: 'tickets:addComment',
      kind: 'create',
      description: 'Adds a reply or internal note to a ticket. The first comment by someone other than the requester sets firstResponseAt. Returns the new comment.',
      input: input({ id: TICKET_ID, authorId: id('Author user', 'u_0042'), body: str('Comment text.', { minLength: 1 }), internal: bool('Internal note hidden from the customer (default false).') }, ['id', 'authorId', 'body']),
      output: commentSchema,
      handler: (args) => {
        const t = open(args);
        const author = mustGet(store.users, reqString(args, 'authorId'), 'user');
        return clone(addComment(t, author.id, reqString(args, 'body'), optBool(args, 'internal') ?? false));
      },
    }),
    defineTool({
      name: 'tickets:close',
      kind: 'update',
      description: 'Closes a ticket, optionally recording a resolution note as an internal comment by the assignee (or requester when unassigned). Closing twice is harmless. Returns the ticket.',
      input: input({ id: TICKET_ID, resolution: str('How it was resolved.') }, ['id']),
      output: ticketSchema,
      handler: (args) => {
        const t = open(args);
        if (t.status === 'closed') return clone(t);
        const resolution = optString(args, 'resolution');
        if (resolution !== undefined) addComment(t, t.assigneeId ?? t.requesterId, resolution, true);
        resolve(t, 'closed');
        return clone(t);
      },
    }),
    defineTool({
      name: 'tickets:reopen',
      kind: 'update',
      description: 'Reopens a solved or closed ticket (status open, resolvedAt cleared). Fails with CONFLICT for merged tickets. Returns the ticket.',
      input: input({ id: TICKET_ID }, ['id']),
      output: ticketSchema,
      handler: (args) => {
        const t = open(args);
        t.status = 'open';
        t.resolvedAt = null;
        t.updatedAt = nowIso(store);
        return clone(t);
      },
    }),
    defineTool({
      name: 'tickets:escalate',
      kind: 'update',
      idempotent: false,
      description: 'Raises a ticket one priority level (up to urgent), tags it "escalated" and leaves an internal note with the reason. Fails with CONFLICT on resolved tickets. Returns the ticket.',
      input: input({ id: TICKET_ID, reason: str('Why it needs attention.', { minLength: 1 }) }, ['id', 'reason']),
      output: ticketSchema,
      handler: (args) => {
        const t = open(args);
        if (isResolved(t)) conflict(`ticket '${t.id}' is ${t.status}; reopen it first`);
        const next: Record<TicketPriority, TicketPriority> = { low: 'normal', normal: 'high', high: 'urgent', urgent: 'urgent' };
        t.priority = next[t.priority];
        if (!t.tags.includes('escalated')) t.tags.push('escalated');
        addComment(t, t.assigneeId ?? t.requesterId, `Escalated: ${reqString(args, 'reason')}`, true);
        return clone(t);
      },
    }),
    defineTool({
      name: 'tickets:merge',
      kind: 'destructive',
      description: 'Merges a duplicate ticket into another: its comments move to the target and it is closed with mergedInto set. Fails with CONFLICT when merging a ticket into itself. Returns the target ticket.',
      input: input({ sourceId: id('Duplicate ticket to fold in', 'tk_0043'), targetId: id('Ticket to keep', 'tk_0042') }, ['sourceId', 'targetId']),
      output: ticketSchema,
      handler: (args) => {
        const source = getTicket(reqString(args, 'sourceId'));
        const target = getTicket(reqString(args, 'targetId'));
        if (source.id === target.id) conflict('cannot merge a ticket into itself');
        if (target.mergedInto !== null) conflict(`ticket '${target.id}' was itself merged into '${target.mergedInto}'`);
        for (const c of store.comments.values()) if (c.ticketId === source.id) c.ticketId = target.id;
        source.mergedInto = target.id;
        resolve(source, 'closed');
        for (const tag of source.tags) if (!target.tags.includes(tag)) target.tags.push(tag);
        target.updatedAt = nowIso(store);
        return clone(target);
      },
    }),
    defineTool({
      name: 'tickets:delete',
      kind: 'destructive',
      description: 'Permanently deletes a ticket and its comments (e.g. spam). Returns the ticket as it was before deletion.',
      input: input({ id: TICKET_ID }, ['id']),
      output: ticketSchema,
      handler: (args) => {
        const t = getTicket(reqString(args, 'id'));
        store.tickets.delete(t.id);
        for (const [commentId, c] of store.comments) if (c.ticketId === t.id) store.comments.delete(commentId);
        return clone(t);
      },
    }),
  ];
}
