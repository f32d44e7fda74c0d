import type { ToolDefinition } from '../src/catalog';

/** Tools that answer at once (or after a fixed delay), so benchmarks measure the gateway, not the tools. */
export function benchTools(delayMs = 0): ToolDefinition[] {
  return [
    {
      name: 'bench:echo',
      description: 'Returns its arguments immediately (or after the configured delay).',
      inputSchema: { type: 'object', properties: { i: { type: 'integer' } }, additionalProperties: true },
      annotations: { readOnlyHint: true },
      handler: (args) => (delayMs > 0 ? new Promise((resolve) => setTimeout(() => resolve(args), delayMs)) : args),
    },
  ];
}

export const SCRIPTS = Object.freeze({
  trivial: 'return 1',
  threeTools:
    "const a = await callTool('bench:echo', { i: 1 });\n" +
    "const b = await callTool('bench:echo', { i: 2 });\n" +
    "const c = await callTool('bench:echo', { i: 3 });\n" +
    'return a.i + b.i + c.i;',
});

/** A realistic script of about `bytes` bytes: pagination, Map counting, a regex, Promise.all, logging. */
export function scriptOfSize(bytes: number): string {
  const unit = (i: number): string => `
const users${i} = await callTool('users:list', { limit: 100, status: 'active' });
const byCountry${i} = new Map();
for (const u of users${i}.items) {
  const key = u.country ?? 'unknown';
  if (/^[A-Z]{2}$/.test(key)) byCountry${i}.set(key, (byCountry${i}.get(key) || 0) + 1);
}
const top${i} = [...byCountry${i}.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5);
console.log('top countries', top${i});
const invoices${i} = await Promise.all(users${i}.items.slice(0, 5).map((u) => callTool('invoices:listForUser', { userId: u.id, limit: 10 })));
`;
  return fill('', unit, bytes);
}

/** `head` plus as many units as bring the script closest to `bytes`, then `return 1;`. */
function fill(head: string, unit: (i: number) => string, bytes: number): string {
  let source = `${head}${unit(0)}`;
  for (let i = 1; ; i++) {
    const next = source + unit(i);
    if (Math.abs(Buffer.byteLength(next) - bytes) >= Math.abs(Buffer.byteLength(source) - bytes)) break;
    source = next;
  }
  return `${source}return 1;\n`;
}

/** The same work as scriptOfSize, written the way models write TypeScript: interfaces, annotations, casts. */
export function typedScriptOfSize(bytes: number): string {
  const head = `interface User { id: string; country?: string | null; status: 'active' | 'suspended' }
interface Page<T> { items: T[]; total: number; nextOffset: number | null }
type Counts = Map<string, number>;
type Summary = { country: string; users: number };
function topN<T>(entries: [T, number][], n: number): [T, number][] {
  return [...entries].sort((a, b) => b[1] - a[1]).slice(0, n);
}
`;
  const unit = (i: number): string => `
const users${i} = (await callTool('users:list', { limit: 100, status: 'active' })) as Page<User>;
const byCountry${i}: Counts = new Map<string, number>();
for (const u of users${i}.items) {
  const key: string = u.country ?? 'unknown';
  if (/^[A-Z]{2}$/.test(key)) byCountry${i}.set(key, (byCountry${i}.get(key) || 0) + 1);
}
const top${i}: [string, number][] = [...byCountry${i}.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5);
console.log('top countries', top${i}!);
const invoices${i} = await Promise.all(users${i}.items.slice(0, 5).map((u: User): Promise<unknown> => callTool('invoices:listForUser', { userId: u.id, limit: 10 })));
`;
  return fill(head, unit, bytes);
}

/**
 * A script of about 1 KB that names three demo tools and uses them right: what the type check costs on
 * a script it lets through. `mistaken`: the same with a wrong result field, an argument name and an enum
 * value wrong (the check then also runs the untyped world and writes advice).
 */
export function typecheckScript(mistaken = false): string {
  const lines = [
    "const page = await callTool('users:list', { status: 'active', plan: 'pro', limit: 50 });",
    'const rows = [];',
    'for (const u of page.items.slice(0, 10)) {',
    '  const [invoices, tickets] = await Promise.all([',
    `    callTool('invoices:listForUser', { userId: u.id, status: ${mistaken ? "'unpaid'" : "'open'"}, limit: 20 }),`,
    `    callTool('tickets:listForUser', { ${mistaken ? 'user_id' : 'userId'}: u.id, limit: 20 }),`,
    '  ]);',
    '  const openCents = invoices.items.reduce((sum, i) => sum + i.amountCents, 0);',
    "  const urgent = tickets.items.filter((t) => t.priority === 'urgent' || t.priority === 'high');",
    `  rows.push({ id: u.id, email: u.${mistaken ? 'mail' : 'email'}, country: u.country, openCents, urgent: urgent.length, oldest: tickets.items.at(-1)?.createdAt ?? null });`,
    '}',
    'rows.sort((a, b) => b.openCents - a.openCents);',
    'console.log(`checked ${rows.length} of ${page.total} users`);',
    'return { top: rows.slice(0, 5), totalOpenCents: rows.reduce((s, r) => s + r.openCents, 0) };',
  ];
  const body = lines.join('\n');
  return `${body}\n// ${'-'.repeat(Math.max(0, 1000 - body.length))}\n`;
}
