import { MemoryResultCache, CachedLookups } from '../../../src/cache';
import { Catalog, createAccessControl, type AccessPolicy } from '../../../src/catalog';
import { createDemoTools } from '../../../demo/catalog';
import { Discovery } from '../../../src/gateway/discovery';
import { silentLogger } from '../../../src/log';
import { createMetrics } from '../../../src/metrics';
import { ToolSearch } from '../../../src/search';

function discoveryFor(policy: Partial<AccessPolicy>) {
  const catalog = new Catalog();
  catalog.register(createDemoTools());
  const access = createAccessControl({ mode: 'codecall_only', include: [], exclude: [], defaultDeny: [], tools: {}, ...policy });
  const search = new ToolSearch(catalog, { debounceMs: 0, sliceMs: 10, log: silentLogger() });
  const metrics = createMetrics({ restarts: () => 0, upstreams: () => [] }, false);
  const cache = new CachedLookups(new MemoryResultCache(100), () => undefined, silentLogger());
  return new Discovery({ catalog, access, search, cache, metrics, policyKey: JSON.stringify(policy) });
}

const names = async (d: Discovery, query: string, policy?: { include?: string[]; exclude?: string[] }) =>
  (await d.search({ queries: [query], topK: 50, ...(policy ? { tenant: { id: 'acme', policy } } : {}) })).tools.map((t) => t.name);

describe('search and describe follow the access decision', () => {
  test('include: only matching tools are found or described', async () => {
    const d = discoveryFor({ include: ['tickets:*'] });
    const found = await names(d, 'list users and tickets');
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((n) => n.startsWith('tickets:'))).toBe(true);
    const described = await d.describe(['users:list', 'tickets:list']);
    expect(described.tools.map((t) => t.name)).toEqual(['tickets:list']);
    expect(described.notFound[0]?.didYouMean.every((n) => n.startsWith('tickets:'))).toBe(true);
  });

  test('codecall_opt_in: only tools enabled for code call are found', async () => {
    const d = discoveryFor({ mode: 'codecall_opt_in', tools: { 'users:list': { enabledInCodeCall: true } } });
    expect(await names(d, 'list users')).toEqual(['users:list']);
    expect((await d.describe(['users:get'])).notFound.map((n) => n.name)).toEqual(['users:get']);
  });

  test('metadata_driven with enabledInCodeCall false hides that tool only', async () => {
    const d = discoveryFor({ mode: 'metadata_driven', tools: { 'users:list': { enabledInCodeCall: false } } });
    const found = await names(d, 'list users');
    expect(found).not.toContain('users:list');
    expect(found).toContain('users:listRoles');
  });

  test('a tenant view narrows further, and its answers are cached apart from the full view', async () => {
    const d = discoveryFor({});
    const full = await names(d, 'invoice');
    expect(full.some((n) => n.startsWith('invoices:'))).toBe(true);
    const narrowed = await names(d, 'invoice', { exclude: ['invoices:*'] });
    expect(narrowed.some((n) => n.startsWith('invoices:'))).toBe(false);
    expect(await names(d, 'invoice')).toEqual(full);
    expect((await d.describe(['invoices:get'], { id: 'acme', policy: { exclude: ['invoices:*'] } })).notFound).toHaveLength(1);
    expect((await d.describe(['invoices:get'])).tools).toHaveLength(1);
  });
});
