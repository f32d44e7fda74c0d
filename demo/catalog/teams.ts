/** Teams: the groups users belong to (and that own projects). */
import type { ToolDefinition } from '../../src';
import { optEnum, paginate, reqString } from './args';
import { USER_STATUSES, clone, mustGet } from './store';
import type { DemoStore } from './model';
import { dateTime, defineTool, enumOf, input, int, listInput, page, record, str } from './schema-helpers';
import { TEAM_ID, userSchema } from './users';

const teamSchema = record({
  id: str('Team id.'),
  name: str('Team name.'),
  createdAt: dateTime('When the team was created.'),
  memberCount: int('Users in the team, any status.'),
  activeMemberCount: int('Users in the team whose status is active.'),
});

function teamView(store: DemoStore, teamId: string): Record<string, unknown> {
  const team = mustGet(store.teams, teamId, 'team');
  const members = [...store.users.values()].filter((u) => u.teamId === teamId);
  return { ...clone(team), memberCount: members.length, activeMemberCount: members.filter((u) => u.status === 'active').length };
}

export function teamTools(store: DemoStore): ToolDefinition[] {
  return [
    defineTool({
      name: 'teams:list',
      kind: 'read',
      description: 'Lists teams with their member counts, in creation order. Returns a page `{ items, total, nextOffset }`.',
      input: listInput({}),
      output: page(teamSchema, 'teams'),
      handler: (args) => paginate([...store.teams.keys()].map((teamId) => teamView(store, teamId)), args),
    }),
    defineTool({
      name: 'teams:get',
      kind: 'read',
      description: 'Fetches one team with its member counts. Fails with NOT_FOUND for unknown ids.',
      input: input({ id: TEAM_ID }, ['id']),
      output: teamSchema,
      handler: (args) => teamView(store, reqString(args, 'id')),
    }),
    defineTool({
      name: 'teams:listMembers',
      kind: 'read',
      description: 'Users belonging to a team, optionally only those with a given status. Fails with NOT_FOUND for unknown teams; returns a page of users.',
      input: listInput({ teamId: TEAM_ID, status: enumOf(USER_STATUSES, 'Only members in this state.') }, ['teamId']),
      output: page(userSchema, 'users'),
      handler: (args) => {
        const team = mustGet(store.teams, reqString(args, 'teamId'), 'team');
        const status = optEnum(args, 'status', USER_STATUSES);
        return paginate([...store.users.values()].filter((u) => u.teamId === team.id && (status === undefined || u.status === status)), args);
      },
    }),
  ];
}
