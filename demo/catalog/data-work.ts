/** Support tickets (with comments) and projects (with tasks). */
import type { Rng } from './prng';
import { PROJECT_NAMES, TASK_OBJECTS, TASK_VERBS, TICKET_SUBJECTS } from './fixtures';
import { DAY_MS, iso, nextId } from './store';
import type {
  DemoStore, ProjectStatus, TaskPriority, TaskStatus, Ticket, TicketCategory, TicketPriority, TicketStatus, User,
} from './model';

export const TICKET_COUNT = 800;
const HOUR_MS = 3_600_000;

export function generateWork(store: DemoStore, rng: Rng, nowMs: number): void {
  generateTickets(store, rng, nowMs);
  generateProjects(store, rng, nowMs);
}

/** Support agents are the active users with the `support` role. */
export function supportAgents(store: DemoStore): User[] {
  return [...store.users.values()].filter((u) => u.role === 'support' && u.status === 'active');
}

function generateTickets(store: DemoStore, rng: Rng, nowMs: number): void {
  const users = [...store.users.values()].filter((u) => u.status !== 'deleted');
  const agents = supportAgents(store);
  const categories = Object.keys(TICKET_SUBJECTS) as TicketCategory[];
  const extraTags = ['vip', 'api', 'mobile', 'eu', 'sso', 'export', 'first-contact'];
  // Tickets are at least two hours old so responses and resolutions can follow them before now.
  const createdTimes = Array.from({ length: TICKET_COUNT }, () => nowMs - 2 * HOUR_MS - Math.pow(rng.next(), 1.4) * 180 * DAY_MS).sort((a, b) => a - b);
  for (const createdMs of createdTimes) {
    const requester = rng.pick(users);
    const category = rng.weighted<TicketCategory>(categories.map((c) => [c, c === 'outage' ? 3 : c === 'how_to' ? 25 : 18]));
    const ageDays = (nowMs - createdMs) / DAY_MS;
    const status: TicketStatus = ageDays > 21
      ? rng.weighted<TicketStatus>([['closed', 75], ['solved', 20], ['on_hold', 3], ['open', 2]])
      : rng.weighted<TicketStatus>([['open', 35], ['pending', 20], ['on_hold', 5], ['solved', 25], ['closed', 15]]);
    const priority = category === 'outage'
      ? rng.weighted<TicketPriority>([['high', 40], ['urgent', 60]])
      : rng.weighted<TicketPriority>([['low', 25], ['normal', 50], ['high', 18], ['urgent', 7]]);
    const assignee = agents.length > 0 && (status !== 'open' || rng.chance(0.7)) ? rng.pick(agents) : null;
    const firstResponseMs = status === 'open' && assignee === null
      ? null
      : Math.min(nowMs - 60_000, createdMs + rng.int(10, priority === 'urgent' ? 120 : 2_880) * 60_000);
    const resolved = status === 'solved' || status === 'closed';
    const resolvedMs = resolved ? Math.min(nowMs - 60_000, createdMs + rng.int(1, 240) * HOUR_MS) : null;
    const tags = [category.replace('_', '-')];
    if (requester.plan === 'enterprise') tags.push('enterprise');
    if (rng.chance(0.3)) tags.push(rng.pick(extraTags));
    const subject = rng.pick(TICKET_SUBJECTS[category] ?? ['Question']);
    const id = nextId(store, 'tk_', 4);
    const ticket: Ticket = {
      id,
      subject,
      description: `${subject}. Reported by ${requester.firstName} (${requester.plan} plan) via the help centre.`,
      requesterId: requester.id,
      assigneeId: assignee?.id ?? null,
      status,
      priority,
      category,
      channel: rng.weighted([['email', 45], ['chat', 30], ['web', 20], ['phone', 5]] as const),
      tags,
      createdAt: iso(createdMs),
      updatedAt: iso(resolvedMs ?? firstResponseMs ?? createdMs),
      firstResponseAt: firstResponseMs === null ? null : iso(firstResponseMs),
      resolvedAt: resolvedMs === null ? null : iso(resolvedMs),
      mergedInto: null,
    };
    store.tickets.set(id, ticket);
    const commentCount = firstResponseMs === null ? 0 : rng.int(1, 4);
    for (let c = 0; c < commentCount; c++) {
      const fromAgent = c % 2 === 0 && assignee !== null;
      const commentId = nextId(store, 'cm_', 5);
      store.comments.set(commentId, {
        id: commentId,
        ticketId: id,
        authorId: fromAgent && assignee ? assignee.id : requester.id,
        body: fromAgent
          ? rng.pick(['Thanks for reaching out, looking into this now.', 'Could you share a screenshot?', 'A fix has been deployed, please retry.', 'Escalated to engineering.'])
          : rng.pick(['Any update on this?', 'Still happening for us.', 'That worked, thank you!', 'Screenshot attached.']),
        internal: fromAgent && rng.chance(0.15),
        createdAt: iso(Math.min(nowMs - 30_000, (firstResponseMs ?? createdMs) + c * rng.int(1, 20) * HOUR_MS)),
      });
    }
  }
}

function generateProjects(store: DemoStore, rng: Rng, nowMs: number): void {
  const owners = [...store.users.values()].filter((u) => u.status === 'active' && (u.role === 'admin' || u.role === 'member'));
  const activeUsers = [...store.users.values()].filter((u) => u.status === 'active');
  for (const name of PROJECT_NAMES) {
    const owner = rng.pick(owners);
    const status = rng.weighted<ProjectStatus>([['planning', 10], ['active', 55], ['on_hold', 8], ['completed', 20], ['archived', 7]]);
    const createdMs = nowMs - rng.int(20, 400) * DAY_MS;
    const dueMs = rng.chance(0.8) ? createdMs + rng.int(60, 300) * DAY_MS : null;
    const id = nextId(store, 'prj_', 3);
    store.projects.set(id, {
      id, name,
      description: `${name}: owned by the ${store.teams.get(owner.teamId)?.name ?? 'core'} team.`,
      status, ownerId: owner.id, teamId: owner.teamId,
      createdAt: iso(createdMs),
      dueAt: dueMs === null ? null : iso(dueMs),
    });
    const teammates = activeUsers.filter((u) => u.teamId === owner.teamId);
    const pool = teammates.length >= 3 ? teammates : activeUsers;
    const taskCount = rng.int(8, 22);
    for (let t = 0; t < taskCount; t++) {
      const finished = status === 'completed' || status === 'archived';
      const taskStatus = finished ? 'done' : rng.weighted<TaskStatus>([['todo', 35], ['in_progress', 25], ['in_review', 10], ['done', 30]]);
      const taskCreated = createdMs + rng.next() * Math.max(DAY_MS, nowMs - createdMs - DAY_MS);
      const taskDue = rng.chance(0.7) ? taskCreated + rng.int(3, 60) * DAY_MS : null;
      const taskId = nextId(store, 'task_', 4);
      store.tasks.set(taskId, {
        id: taskId,
        projectId: id,
        title: `${rng.pick(TASK_VERBS)} ${rng.pick(TASK_OBJECTS)}`,
        status: taskStatus,
        priority: rng.weighted<TaskPriority>([['low', 20], ['medium', 50], ['high', 22], ['urgent', 8]]),
        assigneeId: rng.chance(0.85) ? rng.pick(pool).id : null,
        estimateHours: rng.chance(0.75) ? rng.pick([1, 2, 3, 5, 8, 13, 21]) : null,
        createdAt: iso(taskCreated),
        dueAt: taskDue === null ? null : iso(taskDue),
        completedAt: taskStatus === 'done' ? iso(Math.min(nowMs - HOUR_MS, taskCreated + rng.int(1, 30) * DAY_MS)) : null,
      });
    }
  }
}
