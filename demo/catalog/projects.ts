/** Projects and their tasks. */
import type { ToolDefinition } from '../../src';
import {
  matchesQuery, optEnum, optNullableString, optNumber, optString, paginate, reqString, sortByField, sum,
} from './args';
import type { Args } from './args';
import {
  DAY_MS, PROJECT_STATUSES, TASK_PRIORITIES, TASK_STATUSES, clone, iso, mustGet, nextId, nowIso,
} from './store';
import type { DemoStore, Project, Task } from './model';
import {
  arrayOf, dateTime, defineTool, enumOf, id, input, int, listInput, nullable, num, page, record, str,
} from './schema-helpers';

const PROJECT_ID = id('Project', 'prj_007');
const TASK_ID = id('Task', 'task_0042');
const USER_ID = id('User', 'u_0042');

export const projectSchema = record({
  id: str('Project id.'),
  name: str('Project name.'),
  description: str('What the project is about.'),
  status: enumOf(PROJECT_STATUSES, 'Lifecycle state.'),
  ownerId: str('User accountable for the project.'),
  teamId: str('Team running it.'),
  createdAt: dateTime('When it was created.'),
  dueAt: nullable(dateTime('Target date, or null.')),
}, 'A project.');

const taskProperties = {
  id: str('Task id.'),
  projectId: str('Project the task belongs to.'),
  title: str('What needs doing.'),
  status: enumOf(TASK_STATUSES, 'Workflow state.'),
  priority: enumOf(TASK_PRIORITIES, 'Priority.'),
  assigneeId: nullable(str('User doing it, or null.')),
  estimateHours: nullable(num('Estimate in hours, or null.')),
  createdAt: dateTime('When it was created.'),
  dueAt: nullable(dateTime('Due date, or null.')),
  completedAt: nullable(dateTime('When it was marked done, or null.')),
};
export const taskSchema = record(taskProperties, 'A task.');
const overdueTaskSchema = record({ ...taskProperties, daysOverdue: int('Whole days past the due date.') }, 'An overdue task.');

function filterTasks(store: DemoStore, args: Args): Task[] {
  const projectId = optString(args, 'projectId');
  const status = optEnum(args, 'status', TASK_STATUSES);
  const priority = optEnum(args, 'priority', TASK_PRIORITIES);
  const assigneeId = optString(args, 'assigneeId') ?? optString(args, 'userId');
  return [...store.tasks.values()].filter((t) =>
    (projectId === undefined || t.projectId === projectId) && (status === undefined || t.status === status) &&
    (priority === undefined || t.priority === priority) && (assigneeId === undefined || t.assigneeId === assigneeId));
}

export function projectTools(store: DemoStore): ToolDefinition[] {
  const getProject = (projectId: string): Project => mustGet(store.projects, projectId, 'project');
  const tasksOf = (projectId: string): Task[] => [...store.tasks.values()].filter((t) => t.projectId === projectId);
  return [
    defineTool({
      name: 'projects:list',
      kind: 'read',
      description: 'Lists projects, newest first, filtered by status, owner, team or a name search. Returns a page `{ items, total, nextOffset }`.',
      input: listInput({
        status: enumOf(PROJECT_STATUSES, 'Only projects in this state.'),
        ownerId: USER_ID,
        teamId: id('Team', 'team_03'),
        query: str('Case-insensitive substring of the name or description.'),
      }),
      output: page(projectSchema, 'projects'),
      handler: (args) => {
        const status = optEnum(args, 'status', PROJECT_STATUSES);
        const ownerId = optString(args, 'ownerId');
        const teamId = optString(args, 'teamId');
        const query = optString(args, 'query');
        const found = [...store.projects.values()].filter((p) =>
          (status === undefined || p.status === status) && (ownerId === undefined || p.ownerId === ownerId) &&
          (teamId === undefined || p.teamId === teamId) && (query === undefined || matchesQuery(query, p.name, p.description)));
        return paginate(sortByField(found, 'createdAt', 'desc'), args);
      },
    }),
    defineTool({
      name: 'projects:get',
      kind: 'read',
      description: 'Fetches one project. Fails with NOT_FOUND for unknown ids. Use projects:getProgress for task statistics.',
      input: input({ id: PROJECT_ID }, ['id']),
      output: projectSchema,
      handler: (args) => clone(getProject(reqString(args, 'id'))),
    }),
    defineTool({
      name: 'projects:getProgress',
      kind: 'read',
      description: 'Task statistics for a project: counts per status, percent complete, estimated and remaining hours, and overdue tasks.',
      input: input({ id: PROJECT_ID }, ['id']),
      output: record({
        projectId: str('Project.'), tasks: int('All tasks.'),
        byStatus: record(Object.fromEntries(TASK_STATUSES.map((s) => [s, int(`Tasks in ${s}.`)]))),
        percentComplete: num('done / tasks, percent (0 when there are no tasks).'),
        estimatedHours: num('Sum of estimates.'), remainingHours: num('Sum of estimates of unfinished tasks.'),
        overdueTasks: int('Unfinished tasks past their due date.'),
      }),
      handler: (args) => {
        const project = getProject(reqString(args, 'id'));
        const tasks = tasksOf(project.id);
        const done = tasks.filter((t) => t.status === 'done');
        const open = tasks.filter((t) => t.status !== 'done');
        return {
          projectId: project.id, tasks: tasks.length,
          byStatus: Object.fromEntries(TASK_STATUSES.map((s) => [s, tasks.filter((t) => t.status === s).length])),
          percentComplete: tasks.length === 0 ? 0 : Math.round((done.length / tasks.length) * 1000) / 10,
          estimatedHours: sum(tasks.map((t) => t.estimateHours ?? 0)),
          remainingHours: sum(open.map((t) => t.estimateHours ?? 0)),
          overdueTasks: open.filter((t) => t.dueAt !== null && Date.parse(t.dueAt) < store.now()).length,
        };
      },
    }),
    defineTool({
      name: 'projects:listMembers',
      kind: 'read',
      description: "People on a project: the owning team's active members plus anyone assigned a task, each with their count of unfinished tasks on it.",
      input: input({ id: PROJECT_ID }, ['id']),
      output: record({ items: arrayOf(record({ userId: str('User.'), name: str('Full name.'), email: str('Email.'), openTasks: int('Unfinished tasks assigned on this project.') }), 'Members, busiest first.') }),
      handler: (args) => {
        const project = getProject(reqString(args, 'id'));
        const tasks = tasksOf(project.id);
        const ids = new Set([...store.users.values()].filter((u) => u.teamId === project.teamId && u.status === 'active').map((u) => u.id));
        for (const t of tasks) if (t.assigneeId !== null) ids.add(t.assigneeId);
        const items = [...ids].flatMap((userId) => {
          const u = store.users.get(userId);
          return u ? [{ userId, name: `${u.firstName} ${u.lastName}`, email: u.email, openTasks: tasks.filter((t) => t.assigneeId === userId && t.status !== 'done').length }] : [];
        });
        return { items: items.sort((a, b) => b.openTasks - a.openTasks || a.userId.localeCompare(b.userId)) };
      },
    }),
    defineTool({
      name: 'projects:listTasks',
      kind: 'read',
      description: 'Tasks of a project in creation order, filtered by status, priority or assignee. Fails with NOT_FOUND for unknown projects. Returns a page `{ items, total, nextOffset }`.',
      input: listInput({
        projectId: PROJECT_ID,
        status: enumOf(TASK_STATUSES, 'Only tasks in this state.'),
        priority: enumOf(TASK_PRIORITIES, 'Only this priority.'),
        assigneeId: USER_ID,
      }, ['projectId']),
      output: page(taskSchema, 'tasks'),
      handler: (args) => {
        getProject(reqString(args, 'projectId'));
        return paginate(filterTasks(store, args), args);
      },
    }),
    defineTool({
      name: 'projects:listTasksForUser',
      kind: 'read',
      description: "A person's tasks across all projects, soonest due first (undated last). Finished tasks are left out unless status is 'done'.",
      input: listInput({ userId: USER_ID, status: enumOf(TASK_STATUSES, 'Only tasks in this state.') }, ['userId']),
      output: page(taskSchema, 'tasks'),
      handler: (args) => {
        mustGet(store.users, reqString(args, 'userId'), 'user');
        const wanted = optEnum(args, 'status', TASK_STATUSES);
        const tasks = filterTasks(store, args).filter((t) => wanted !== undefined || t.status !== 'done');
        return paginate(sortByField(tasks, 'dueAt', 'asc'), args);
      },
    }),
    defineTool({
      name: 'projects:listOverdueTasks',
      kind: 'read',
      description: 'Unfinished tasks past their due date, most overdue first, optionally for one project or assignee. Each item carries daysOverdue.',
      input: listInput({ projectId: PROJECT_ID, assigneeId: USER_ID }),
      output: page(overdueTaskSchema, 'overdue tasks'),
      handler: (args) => {
        const now = store.now();
        const late = filterTasks(store, args)
          .filter((t) => t.status !== 'done' && t.dueAt !== null && Date.parse(t.dueAt) < now)
          .map((t) => ({ ...t, daysOverdue: Math.floor((now - Date.parse(t.dueAt ?? '')) / DAY_MS) }));
        return paginate(sortByField(late, 'daysOverdue', 'desc'), args);
      },
    }),
    defineTool({
      name: 'projects:getTask',
      kind: 'read',
      description: 'Fetches one task. Fails with NOT_FOUND for unknown ids.',
      input: input({ taskId: TASK_ID }, ['taskId']),
      output: taskSchema,
      handler: (args) => clone(mustGet(store.tasks, reqString(args, 'taskId'), 'task')),
    }),
    ...projectWriteTools(store, getProject),
  ];
}

function projectWriteTools(store: DemoStore, getProject: (projectId: string) => Project): ToolDefinition[] {
  const getTask = (args: Args): Task => mustGet(store.tasks, reqString(args, 'taskId'), 'task');
  const userOrNull = (value: string | null | undefined): string | null | undefined =>
    value === null || value === undefined ? value : mustGet(store.users, value, 'user').id;
  const dateOrNull = (value: string | null | undefined): string | null | undefined =>
    value === null || value === undefined ? value : iso(Date.parse(value));
  return [
    defineTool({
      name: 'projects:create',
      kind: 'create',
      description: "Creates a project owned by a user, run by the owner's team unless teamId is given. Starts in planning. Returns the new project.",
      input: input({
        name: str('Project name.', { minLength: 1, maxLength: 120 }),
        ownerId: USER_ID,
        description: str('What the project is about.'),
        teamId: id('Team', 'team_03'),
        dueAt: dateTime('Target date.'),
      }, ['name', 'ownerId']),
      output: projectSchema,
      handler: (args) => {
        const owner = mustGet(store.users, reqString(args, 'ownerId'), 'user');
        const teamId = mustGet(store.teams, optString(args, 'teamId') ?? owner.teamId, 'team').id;
        const project: Project = {
          id: nextId(store, 'prj_', 3), name: reqString(args, 'name'), description: optString(args, 'description') ?? '',
          status: 'planning', ownerId: owner.id, teamId, createdAt: nowIso(store), dueAt: dateOrNull(optString(args, 'dueAt')) ?? null,
        };
        store.projects.set(project.id, project);
        return clone(project);
      },
    }),
    defineTool({
      name: 'projects:update',
      kind: 'update',
      description: 'Changes name, description, status, owner or due date of a project (dueAt null clears it). Only passed fields change. Returns the project.',
      input: {
        ...input({
          id: PROJECT_ID,
          name: str('New name.', { minLength: 1, maxLength: 120 }),
          description: str('New description.'),
          status: enumOf(PROJECT_STATUSES, 'New state.'),
          ownerId: USER_ID,
          dueAt: nullable(dateTime('New target date, or null to clear.')),
        }, ['id']),
        minProperties: 2,
      },
      output: projectSchema,
      handler: (args) => {
        const p = getProject(reqString(args, 'id'));
        p.name = optString(args, 'name') ?? p.name;
        p.description = optString(args, 'description') ?? p.description;
        p.status = optEnum(args, 'status', PROJECT_STATUSES) ?? p.status;
        p.ownerId = userOrNull(optString(args, 'ownerId')) ?? p.ownerId;
        const due = dateOrNull(optNullableString(args, 'dueAt'));
        if (due !== undefined) p.dueAt = due;
        return clone(p);
      },
    }),
    defineTool({
      name: 'projects:archive',
      kind: 'update',
      description: 'Archives a project: it leaves active views but keeps its tasks and can be restored with projects:update. Returns the project.',
      input: input({ id: PROJECT_ID }, ['id']),
      output: projectSchema,
      handler: (args) => {
        const p = getProject(reqString(args, 'id'));
        p.status = 'archived';
        return clone(p);
      },
    }),
    defineTool({
      name: 'projects:delete',
      kind: 'destructive',
      description: 'Permanently deletes a project together with all its tasks. Returns the project as it was before deletion.',
      input: input({ id: PROJECT_ID }, ['id']),
      output: projectSchema,
      handler: (args) => {
        const p = getProject(reqString(args, 'id'));
        store.projects.delete(p.id);
        for (const [taskId, t] of store.tasks) if (t.projectId === p.id) store.tasks.delete(taskId);
        return clone(p);
      },
    }),
    defineTool({
      name: 'projects:createTask',
      kind: 'create',
      description: 'Adds a task to a project (status todo). Fails with NOT_FOUND for unknown projects or assignees. Returns the new task.',
      input: input({
        projectId: PROJECT_ID,
        title: str('What needs doing.', { minLength: 1, maxLength: 200 }),
        assigneeId: USER_ID,
        priority: enumOf(TASK_PRIORITIES, 'Priority (default medium).'),
        dueAt: dateTime('Due date.'),
        estimateHours: num('Estimate in hours (0-1000).', { minimum: 0, maximum: 1000 }),
      }, ['projectId', 'title']),
      output: taskSchema,
      handler: (args) => {
        const project = getProject(reqString(args, 'projectId'));
        const task: Task = {
          id: nextId(store, 'task_', 4), projectId: project.id, title: reqString(args, 'title'), status: 'todo',
          priority: optEnum(args, 'priority', TASK_PRIORITIES) ?? 'medium', assigneeId: userOrNull(optString(args, 'assigneeId')) ?? null,
          estimateHours: optNumber(args, 'estimateHours') ?? null, createdAt: nowIso(store),
          dueAt: dateOrNull(optString(args, 'dueAt')) ?? null, completedAt: null,
        };
        store.tasks.set(task.id, task);
        return clone(task);
      },
    }),
    defineTool({
      name: 'projects:updateTask',
      kind: 'update',
      description: 'Changes title, status, priority, due date or estimate of a task (null clears dueAt / estimateHours). Moving to done stamps completedAt. Returns the task.',
      input: {
        ...input({
          taskId: TASK_ID,
          title: str('New title.', { minLength: 1, maxLength: 200 }),
          status: enumOf(TASK_STATUSES, 'New state.'),
          priority: enumOf(TASK_PRIORITIES, 'New priority.'),
          dueAt: nullable(dateTime('New due date, or null to clear.')),
          estimateHours: nullable(num('New estimate in hours, or null to clear.', { minimum: 0, maximum: 1000 })),
        }, ['taskId']),
        minProperties: 2,
      },
      output: taskSchema,
      handler: (args) => {
        const t = getTask(args);
        t.title = optString(args, 'title') ?? t.title;
        t.priority = optEnum(args, 'priority', TASK_PRIORITIES) ?? t.priority;
        const status = optEnum(args, 'status', TASK_STATUSES);
        if (status !== undefined && status !== t.status) {
          t.status = status;
          t.completedAt = status === 'done' ? nowIso(store) : null;
        }
        const due = dateOrNull(optNullableString(args, 'dueAt'));
        if (due !== undefined) t.dueAt = due;
        if (args.estimateHours === null) t.estimateHours = null;
        else t.estimateHours = optNumber(args, 'estimateHours') ?? t.estimateHours;
        return clone(t);
      },
    }),
    defineTool({
      name: 'projects:assignTask',
      kind: 'update',
      description: 'Assigns a task to a user, or unassigns it with assigneeId null. Fails with NOT_FOUND for unknown users. Returns the task.',
      input: input({ taskId: TASK_ID, assigneeId: nullable(id('Assignee user (null to unassign)', 'u_0042')) }, ['taskId', 'assigneeId']),
      output: taskSchema,
      handler: (args) => {
        const t = getTask(args);
        t.assigneeId = userOrNull(optNullableString(args, 'assigneeId')) ?? null;
        return clone(t);
      },
    }),
    defineTool({
      name: 'projects:completeTask',
      kind: 'update',
      description: 'Marks a task done and stamps completedAt (completing twice keeps the first timestamp). Returns the task.',
      input: input({ taskId: TASK_ID }, ['taskId']),
      output: taskSchema,
      handler: (args) => {
        const t = getTask(args);
        if (t.status !== 'done') {
          t.status = 'done';
          t.completedAt = nowIso(store);
        }
        return clone(t);
      },
    }),
    defineTool({
      name: 'projects:deleteTask',
      kind: 'destructive',
      description: 'Permanently deletes a task. Returns the task as it was before deletion.',
      input: input({ taskId: TASK_ID }, ['taskId']),
      output: taskSchema,
      handler: (args) => {
        const t = getTask(args);
        store.tasks.delete(t.id);
        return clone(t);
      },
    }),
  ];
}
