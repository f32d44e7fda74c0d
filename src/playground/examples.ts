/**
 * The playground's example scripts. The first, the seed example (the ten most recently active users whose
 * first name starts with "me", paging through users:list), is also what the REST, MCP and browser tests run.
 * Plain data: the page bundles it and the tests import it.
 */
export const SEED_SCRIPT = `const tenDaysAgo = Date.now() - 10 * 24 * 3600 * 1000;
const hits = [];
let offset = 0;
do {
  const page = await callTool('users:list', { limit: 500, offset });
  hits.push(...page.items.filter(u => u.firstName.toLowerCase().startsWith('me') && Date.parse(u.lastLogin) >= tenDaysAgo));
  offset = page.nextOffset;
} while (offset != null);
return hits.sort((a, b) => b.lastLogin.localeCompare(a.lastLogin)).slice(0, 10).map(u => u.firstName);
`;

export const EXAMPLES: Readonly<Record<string, string>> = Object.freeze({
  'Recently active users named "me…"': SEED_SCRIPT,
  'Open invoices of three users, in parallel': `const users = await callTool('users:list', { limit: 3 });
const invoices = await Promise.all(users.items.map(u => callTool('invoices:listForUser', { userId: u.id, limit: 5 })));
return users.items.map((u, i) => ({ user: u.id, invoices: invoices[i].items.length }));
`,
  'A tool error, caught': `const r = await callTool('users:get', { id: 'u_9999' }, { throwOnError: false });
console.log('ok?', r.ok);
return r.ok ? r.data : r.error.code;
`,
  'TypeScript, formatted with Intl': `interface Invoice { id: string; amountCents: number; currency: string; status: string }
const page = (await callTool('invoices:list', { status: 'open', limit: 20 })) as { items: Invoice[] };
const money = (cents: number, currency: string): string =>
  new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(cents / 100);
const byCurrency = Object.groupBy(page.items, (i) => i.currency);
return Object.entries(byCurrency).map(([currency, items]) => ({
  currency,
  open: items!.length,
  total: money(items!.reduce((sum, i) => sum + i.amountCents, 0), currency),
}));
`,
  'A syntax error': `const total = 1 +;
return total;
`,
});
