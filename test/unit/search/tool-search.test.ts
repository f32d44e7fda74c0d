import { Catalog, type ToolDefinition } from '../../../src/catalog';
import { silentLogger } from '../../../src/log';
import { ToolSearch, type SearchableCatalog, type SearchView } from '../../../src/search';

const all: SearchView = { key: 'all', visible: () => true };
const tool = (name: string, description: string): ToolDefinition => ({ name, description, inputSchema: { type: 'object', properties: {} }, handler: () => null });
const namesFor = (search: ToolSearch, query: string) => search.searchLexical({ queries: [query], topK: 10, minScore: 0, view: all }).tools.map((t) => t.name);

describe('ToolSearch', () => {
  test('a catalog change rebuilds after the debounce; a burst of changes rebuilds once', async () => {
    const catalog = new Catalog();
    catalog.register([tool('a:alpha', 'First tool.')]);
    const search = new ToolSearch(catalog, { debounceMs: 30, sliceMs: 5, log: silentLogger() });
    catalog.onChange(() => search.catalogChanged());
    const swaps: string[] = [];
    search.onSwap((version) => swaps.push(version));
    await search.start();
    expect(swaps).toEqual([catalog.version]);
    catalog.register([tool('b:beta', 'Second tool about zebras.')]);
    catalog.register([tool('c:gamma', 'Third tool about zebras.')]);
    expect(namesFor(search, 'zebras')).toEqual([]);
    await new Promise((r) => setTimeout(r, 200));
    expect(swaps).toHaveLength(2);
    expect(namesFor(search, 'zebras').sort()).toEqual(['b:beta', 'c:gamma']);
    search.close();
  });

  test('a change that leaves the version as it was does not block later rebuilds', async () => {
    const catalog = new Catalog();
    catalog.register([tool('a:alpha', 'First tool.')]);
    const search = new ToolSearch(catalog, { debounceMs: 0, sliceMs: 5, log: silentLogger() });
    catalog.onChange(() => search.catalogChanged());
    await search.start();
    catalog.replaceSource('a', [tool('a:alpha', 'First tool.')]);
    await new Promise((r) => setTimeout(r, 20));
    catalog.register([tool('d:delta', 'A tool about otters.')]);
    await search.whenCurrent();
    expect(namesFor(search, 'otters')).toEqual(['d:delta']);
    search.close();
  });

  test('a failed rebuild keeps the old index serving; whenCurrent() reports it instead of spinning', async () => {
    const catalog = new Catalog();
    catalog.register([tool('a:alpha', 'A tool about herons.')]);
    let broken = false;
    const flaky: SearchableCatalog = {
      get version() {
        return broken ? 'broken' : catalog.version;
      },
      list: () => {
        if (broken) throw new Error('listing failed');
        return catalog.list();
      },
    };
    const search = new ToolSearch(flaky, { debounceMs: 0, sliceMs: 5, log: silentLogger() });
    await search.start();
    broken = true;
    await expect(search.whenCurrent()).rejects.toThrow('could not be rebuilt');
    expect(namesFor(search, 'herons')).toEqual(['a:alpha']);
    broken = false;
    await search.whenCurrent();
    search.close();
  });

  test('queries[] merge: max score, matchedQueries, topK and total', () => {
    const catalog = new Catalog();
    catalog.register([tool('a:otters', 'Counts otters.'), tool('b:herons', 'Counts herons.'), tool('c:both', 'Counts otters and herons.')]);
    const search = new ToolSearch(catalog, { debounceMs: 0, sliceMs: 5, log: silentLogger() });
    const answer = search.searchLexical({ queries: ['otters', 'herons'], topK: 2, minScore: 0, view: all });
    expect(answer.total).toBe(3);
    expect(answer.tools).toHaveLength(2);
    const both = search.searchLexical({ queries: ['otters', 'herons'], topK: 10, minScore: 0, view: all }).tools.find((t) => t.name === 'c:both');
    expect(both?.matchedQueries).toEqual([0, 1]);
    expect(search.searchLexical({ queries: ['otters'], topK: 10, minScore: 0, view: all }).tools[0]).not.toHaveProperty('matchedQueries');
    search.close();
  });
});
