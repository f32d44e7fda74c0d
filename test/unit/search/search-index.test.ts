import { createDemoTools } from '../../../demo/catalog';
import { SearchIndex, type SearchDocument } from '../../../src/search';

const demo = SearchIndex.build(createDemoTools());
const top = (index: SearchIndex, query: string, n = 3) => index.search(query).slice(0, n).map((h) => h.name);

describe('search index over the demo catalog', () => {
  test('finds tools by what they do', () => {
    expect(top(demo, 'delete an invoice', 1)).toEqual(['invoices:delete']);
    expect(top(demo, 'send a payment reminder for an overdue invoice')).toContain('invoices:sendReminder');
  });

  test('synonyms: erase/purge ↔ delete, bill ↔ invoice, deactivate ↔ suspend', () => {
    expect(top(demo, 'erase an invoice', 1)).toEqual(['invoices:delete']);
    expect(top(demo, 'purge the ticket', 1)).toEqual(['tickets:delete']);
    expect(top(demo, 'overdue bills', 1)).toEqual(['invoices:listOverdue']);
    expect(top(demo, 'deactivate an account', 1)).toEqual(['users:suspend']);
  });

  test('canonical names, aliases and camelCase parts all match', () => {
    expect(top(demo, 'invoices:listOverdue', 1)).toEqual(['invoices:listOverdue']);
    expect(top(demo, 'invoices__listOverdue', 1)).toEqual(['invoices:listOverdue']);
    expect(top(demo, 'list overdue', 1)).toEqual(['invoices:listOverdue']);
  });

  test('lunr query syntax in user text neither throws nor changes meaning', () => {
    for (const query of ['users:list', 'a:b:c', '-delete', '+user', 'user~2', 'name^10', 'foo*', '*', ':', '"unterminated', '\\', 'title:x AND y']) {
      expect(() => demo.search(query)).not.toThrow();
    }
    expect(top(demo, '-delete invoice', 1)).toEqual(['invoices:delete']);
  });

  test('scores are in 0..1, best first; nothing to match gives nothing', () => {
    const hits = demo.search('create a ticket for a customer');
    expect(hits.length).toBeGreaterThan(0);
    for (const hit of hits) expect(hit.score).toBeGreaterThanOrEqual(0);
    for (const hit of hits) expect(hit.score).toBeLessThanOrEqual(1);
    expect(hits.map((h) => h.score)).toEqual([...hits.map((h) => h.score)].sort((a, b) => b - a));
    expect(demo.search('')).toEqual([]);
    expect(demo.search('the of and')).toEqual([]);
    expect(demo.search('zzqxv')).toEqual([]);
  });

  test('a request for two things ranks both near the top', () => {
    const hits = top(demo, 'List the overdue invoices, and also deactivate the user account of bob', 5);
    expect(hits).toContain('invoices:listOverdue');
    expect(hits).toContain('users:suspend');
  });

  test('allow() restricts candidates, so a narrow view still gets its best tools', () => {
    const allowed = new Set(['users:delete', 'tickets:delete']);
    const names = demo.names;
    const hits = demo.search('delete', (id) => allowed.has(names[id] ?? ''));
    expect(hits.map((h) => h.name).sort()).toEqual(['tickets:delete', 'users:delete']);
  });
});

describe('index construction', () => {
  const docs: SearchDocument[] = [
    { name: 'library:getchapter', description: 'Fetches a chapter of a book.', inputSchema: { type: 'object', properties: { book: { type: 'string', description: 'Book title' } } } },
    { name: 'library:searchbooks', description: 'Search the catalogue of books by title or author.' },
    { name: 'weather:forecast', description: 'Weather forecast for a city.', tags: ['climate'] },
    { name: 'geo:zipcode', description: 'Location details for a postal code.' },
  ];
  const index = SearchIndex.build(docs);

  test('run-together names are split against the catalog vocabulary', () => {
    expect(top(index, 'get chapter', 1)).toEqual(['library:getchapter']);
  });

  test('adjacent query words join when the catalog writes them as one', () => {
    expect(top(index, 'what is the zip code of Paris', 1)).toEqual(['geo:zipcode']);
  });

  test('tags and parameter descriptions are searchable', () => {
    expect(top(index, 'climate', 1)).toEqual(['weather:forecast']);
    expect(top(index, 'book title', 2)).toContain('library:getchapter');
  });

  test('the sliced build gives the same index as the one-shot build', async () => {
    const sliced = await SearchIndex.buildSliced(docs, undefined, 1);
    for (const q of ['chapter', 'forecast for Paris', 'zip code']) expect(sliced.search(q)).toEqual(index.search(q));
  });

  test('an empty catalog answers nothing', () => {
    expect(SearchIndex.build([]).search('anything')).toEqual([]);
  });
});

describe('a REST catalog: titled operations that share their object', () => {
  const boilerplate = ' This endpoint supports the following custom media types. Response will include `body`, `body_text` and `body_html`. '.repeat(6);
  const op = (name: string, title: string, description = title): SearchDocument => ({ name, description: `${description}${boilerplate}`, annotations: { title } });
  const docs: SearchDocument[] = [
    op('api:keys_list', 'List deploy keys'),
    op('api:keys_get', 'Get a deploy key'),
    op('api:keys_create', 'Create a deploy key'),
    op('api:keys_delete', 'Delete a deploy key'),
    op('api:pulls_list', 'List pull requests', 'List pull requests. Lists pull requests in a specified repository.'),
    { name: 'api:pull-request-stacks_list', description: 'Lists pull request stacks in a repository.', annotations: { title: 'List pull request stacks' } },
    op('api:pulls_merge', 'Merge a pull request'),
    op('api:repos_list-for-authenticated-user', 'List repositories for the authenticated user'),
    op('api:repos_list-for-user', 'List repositories for a user'),
    op('api:repos_list-for-org', 'List organization repositories'),
    op('api:activity_list-stargazers-for-repo', 'List stargazers', 'Lists the people that have starred the repository.'),
    op('api:activity_star-repo-for-authenticated-user', 'Star a repository for the authenticated user'),
  ];
  const index = SearchIndex.build(docs);

  test('the action asked for decides between tools on the same object', () => {
    expect(top(index, 'add a deploy key to the repo', 1)).toEqual(['api:keys_create']);
    expect(top(index, 'remove that deploy key', 1)).toEqual(['api:keys_delete']);
    expect(top(index, 'which deploy keys are configured?', 1)).toEqual(['api:keys_list']);
  });

  test("the title, not a long description's boilerplate, says what a tool does", () => {
    expect(top(index, 'list the pull requests of a repository', 1)).toEqual(['api:pulls_list']);
    expect(top(index, 'merge this PR', 1)).toEqual(['api:pulls_merge']);
  });

  test("short forms and the first person: 'my repos' are the authenticated user's, an org's are the organization's", () => {
    expect(top(index, 'list my repos', 1)).toEqual(['api:repos_list-for-authenticated-user']);
    expect(top(index, "list the org's repos", 1)).toEqual(['api:repos_list-for-org']);
  });

  test('a question reads; a verb the titles start with acts', () => {
    expect(top(index, 'who are the stargazers of this repo?', 1)).toEqual(['api:activity_list-stargazers-for-repo']);
    expect(top(index, 'star a repository', 1)).toEqual(['api:activity_star-repo-for-authenticated-user']);
  });
});
