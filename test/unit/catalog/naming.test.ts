import { ALIAS_PATTERN, assignAliases, baseAlias, Catalog } from '../../../src/catalog';

describe('provider-safe aliases', () => {
  test('source:tool becomes source__tool', () => {
    expect(assignAliases(['users:list', 'invoices:listForUser']).get('users:list')).toBe('users__list');
    expect(baseAlias('github.enterprise:create issue!')).toBe('github_enterprise__create_issue_');
  });

  test('overlong and colliding names get a stable hash suffix; every alias is valid and unique', () => {
    const long = `tools:${'x'.repeat(80)}`;
    const names = ['a.b:c', 'a_b:c', long, 'users:list'];
    const aliases = assignAliases(names);
    for (const alias of aliases.values()) expect(alias).toMatch(ALIAS_PATTERN);
    expect(new Set(aliases.values()).size).toBe(names.length);
    expect(aliases.get('a.b:c')).toMatch(/^a_b__c_[0-9a-f]{8}$/);
    expect(aliases.get('a_b:c')).toMatch(/^a_b__c_[0-9a-f]{8}$/);
    expect(aliases.get(long)!.length).toBe(64);
    expect(aliases.get('users:list')).toBe('users__list');
  });

  test('the mapping does not depend on registration order (stable across restarts)', () => {
    const names = ['a.b:c', 'a_b:c', `t:${'y'.repeat(90)}`, 'users:get'];
    expect(Object.fromEntries(assignAliases([...names].reverse()))).toEqual(Object.fromEntries(assignAliases(names)));
  });

  test('the catalog resolves canonical names and aliases alike', () => {
    const catalog = new Catalog();
    catalog.register([{ name: 'users:list', description: 'd', inputSchema: { type: 'object' }, handler: () => 1 }]);
    expect(catalog.resolve('users:list')).toBe('users:list');
    expect(catalog.resolve('users__list')).toBe('users:list');
    expect(catalog.aliasOf('users:list')).toBe('users__list');
    expect(catalog.get('users__list')?.name).toBe('users:list');
    expect(catalog.resolve('users__nope')).toBeUndefined();
  });
});
