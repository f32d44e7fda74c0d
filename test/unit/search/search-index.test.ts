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
