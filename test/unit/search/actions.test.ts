import { actionAgreement, queryActions, toolVerbs } from '../../../src/search/actions';
import { stem } from '../../../src/search/index-build';

const catalogVerbs = new Set(['star', 'merge'].map(stem));

describe('the action a query asks for', () => {
  test('its first verb, by class: add and create are one action, show is one thing or all', () => {
    expect(queryActions('add a deploy key to a repo', catalogVerbs)).toEqual(['create']);
    expect(queryActions('please remove branch protection', catalogVerbs)).toEqual(['delete']);
    expect(queryActions('show me all open PRs', catalogVerbs)).toEqual(['list', 'get']);
    expect(queryActions('close issue 99', catalogVerbs)).toEqual(['update']);
  });

  test("a verb the catalog's titles start with is an action of its own", () => {
    expect(queryActions('star a repository', catalogVerbs)).toEqual([stem('star')]);
    expect(queryActions('merge this PR', catalogVerbs)).toEqual([stem('merge')]);
  });

  test('a question reads, a yes/no question checks; a polite request is neither', () => {
    expect(queryActions('who starred my repo?', catalogVerbs)).toContain('list');
    expect(queryActions('who starred my repo?', catalogVerbs)).not.toContain(stem('star'));
    expect(queryActions('how many stars does it have', catalogVerbs)).toContain('get');
    expect(queryActions('does alice follow bob?', catalogVerbs)).toEqual(['check']);
    expect(queryActions('is bob a collaborator on the repo?', catalogVerbs)).toEqual(['check']);
    expect(queryActions('can you get the forecast for New York', catalogVerbs)).toEqual(['get']);
  });

  test('a bare noun phrase names no action', () => {
    expect(queryActions('contributor statistics for a repo', catalogVerbs)).toEqual([]);
  });
});

describe('the verbs a tool is named by', () => {
  test("a title's first words, both sides of 'or'; 'Get all' lists", () => {
    expect(toolVerbs('Star a repository for the authenticated user', 'activity_star-repo')).toEqual([stem('star')]);
    expect(toolVerbs('Create or update a repository secret', 'x')).toEqual([stem('create'), stem('update')]);
    expect(toolVerbs('Get all repository rulesets', 'x')).toEqual([stem('get'), 'list']);
  });
  test('without a title, the name counts only when it starts with a known verb', () => {
    expect(toolVerbs(undefined, 'get_stock_history')).toEqual([stem('get')]);
    expect(toolVerbs(undefined, 'batting_average')).toEqual([]);
  });
});

describe('agreement', () => {
  test('same action 1, one read for another ½, a contradiction 0; an unknown side never costs', () => {
    expect(actionAgreement(new Set(['create']), ['create'])).toBe(1);
    expect(actionAgreement(new Set(['list']), ['get'])).toBe(0.5);
    expect(actionAgreement(new Set(['create']), ['get'])).toBe(0);
    expect(actionAgreement(new Set(), ['delete'])).toBe(1);
    expect(actionAgreement(new Set(['delete']), [])).toBe(1);
  });
});
