/**
 * A corpus of ordinary scripts of the kind models write: modern JavaScript, pure computations and demo
 * tool orchestration. Every one must run with status 'ok', raise no warning and return exactly the
 * expected value (stated literally for pure scripts, derived from direct tool calls for the others).
 */
import type { ExecuteRequest } from '../../src/gateway';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { invokeAll, invokeOk, js, type Invoice, type Page, type Ticket, type User } from './script-helpers';

let g: TestGateway;
beforeAll(async () => {
  g = await startTestGateway();
});
afterAll(() => g.close());

interface LogLine {
  level: string;
  message: string;
}

/** The expected result is computed at test time from direct tool calls. */
class Derived {
  constructor(readonly compute: () => Promise<unknown>) {}
}
/** The expected result together with the exact captured console output. */
class Logged {
  constructor(readonly result: unknown, readonly logs: LogLine[]) {}
}
const derived = (compute: () => Promise<unknown>): Derived => new Derived(compute);
const logged = (result: unknown, logs: LogLine[]): Logged => new Logged(result, logs);

const user = (id: string): Promise<User> => invokeOk<User>(g, 'users:get', { id });

type Row = [label: string, script: string, expected: unknown, options?: Omit<ExecuteRequest, 'script'>];

const pure: Row[] = [
  [
    'optional chaining and ?? on nested config',
    js`
      const cfg = { db: { host: 'db.internal', port: 0 }, cache: null };
      return [cfg.db?.host, cfg.cache?.ttl, cfg.db.port ?? 5432, cfg.db.port || 5432, cfg.missing?.deep?.x ?? 'none', cfg.db?.['host']?.length];
    `,
    ['db.internal', null, 0, 5432, 'none', 11],
  ],
  [
    'optional call and nullish assignment operators',
    js`
      const api = { ping: () => 'pong' };
      const opts = { retries: 0, name: '' };
      opts.retries ??= 3;
      opts.timeout ??= 1000;
      opts.name ||= 'default';
      opts.retries &&= opts.retries + 1;
      return [api.ping?.(), api.nope?.(), typeof api.nope?.(), opts];
    `,
    ['pong', null, 'undefined', { retries: 0, name: 'default', timeout: 1000 }],
  ],
  [
    'array and object spread',
    js`
      const a = [1, 2];
      const b = [...a, 3, ...[4, 5]];
      const base = { x: 1, y: 2 };
      const o = { ...base, y: 20, z: 30 };
      const merged = { ...null, ...undefined, ...{ w: 0 } };
      return { b, o, merged, copyIsNew: b !== a, max: Math.max(...b), chars: [...'héllo'] };
    `,
    { b: [1, 2, 3, 4, 5], o: { x: 1, y: 20, z: 30 }, merged: { w: 0 }, copyIsNew: true, max: 5, chars: ['h', 'é', 'l', 'l', 'o'] },
  ],
  [
    'destructuring with defaults and rest',
    js`
      const { name, role = 'member', ...rest } = { name: 'Ana', plan: 'pro', country: 'ES' };
      const [first, , third = 'c', ...others] = ['a', 'b', undefined, 'd', 'e'];
      let x = 1, y = 2;
      [x, y] = [y, x];
      return { name, role, rest, first, third, others, swapped: [x, y] };
    `,
    { name: 'Ana', role: 'member', rest: { plan: 'pro', country: 'ES' }, first: 'a', third: 'c', others: ['d', 'e'], swapped: [2, 1] },
  ],
  [
    'nested parameter destructuring with defaults',
    js`
      function describe({ id, address: { city = 'unknown', zip } = {}, tags: [primary = 'none'] = [] } = {}) {
        return \`$\{id}:$\{city}:$\{zip ?? '-'}:$\{primary}\`;
      }
      return [describe({ id: 1, address: { city: 'Lyon', zip: '69001' }, tags: ['vip'] }), describe({ id: 2 }), describe()];
    `,
    ['1:Lyon:69001:vip', '2:unknown:-:none', 'undefined:unknown:-:none'],
  ],
  [
    'async arrows with Promise.all and an async reduce',
    js`
      const double = async (n) => n * 2;
      const results = await Promise.all([1, 2, 3].map(double));
      const sum = await [4, 5, 6].reduce(async (accP, n) => (await accP) + n, Promise.resolve(0));
      const first = await Promise.race([new Promise((resolve) => resolve('fast')), (async () => { await null; await null; return 'slow'; })()]);
      return { results, sum, first };
    `,
    { results: [2, 4, 6], sum: 15, first: 'fast' },
  ],
  [
    'Promise.allSettled over resolved and rejected promises',
    js`
      const tasks = [Promise.resolve(1), Promise.reject(new Error('boom')), (async () => 'late')()];
      const settled = await Promise.allSettled(tasks);
      const any = await Promise.any([Promise.reject(new Error('x')), Promise.resolve('y')]);
      return { settled: settled.map((s) => (s.status === 'fulfilled' ? ['ok', s.value] : ['err', s.reason.message])), any };
    `,
    { settled: [['ok', 1], ['err', 'boom'], ['ok', 'late']], any: 'y' },
  ],
  [
    'Map word counts and Set uniqueness',
    js`
      const words = ['apple', 'banana', 'apple', 'cherry', 'banana', 'apple'];
      const counts = new Map();
      for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
      const unique = new Set(words);
      return { counts: Object.fromEntries(counts), unique: [...unique], size: unique.size, has: unique.has('cherry'), deleted: counts.delete('cherry'), keys: [...counts.keys()] };
    `,
    { counts: { apple: 3, banana: 2, cherry: 1 }, unique: ['apple', 'banana', 'cherry'], size: 3, has: true, deleted: true, keys: ['apple', 'banana'] },
  ],
  [
    'Set intersection, difference and union; Map with object keys',
    js`
      const a = new Set([1, 2, 3, 4]);
      const b = new Set([3, 4, 5]);
      const k1 = { id: 1 }, k2 = { id: 2 };
      const meta = new Map([[k1, 'one'], [k2, 'two']]);
      const seen = new WeakSet([k1]);
      return {
        inter: [...a].filter((x) => b.has(x)),
        diff: [...a].filter((x) => !b.has(x)),
        union: [...new Set([...a, ...b])].sort((x, y) => y - x),
        byObject: [meta.get(k2), meta.get({ id: 2 }) ?? 'missing'],
        weak: [seen.has(k1), seen.has(k2)],
      };
    `,
    { inter: [3, 4], diff: [1, 2], union: [5, 4, 3, 2, 1], byObject: ['two', 'missing'], weak: [true, false] },
  ],
  [
    'regex test and match with g and i flags',
    js`
      const text = 'Order #123 shipped; order #456 pending; ORDER #789 lost';
      return {
        ids: text.match(/#(\d+)/g),
        count: (text.match(/order/gi) || []).length,
        startsWithOrder: /^order/i.test(text),
        endsWithDigit: /\d$/.test(text),
        firstId: /#(\d+)/.exec(text)?.[1],
      };
    `,
    { ids: ['#123', '#456', '#789'], count: 3, startsWithOrder: true, endsWithDigit: false, firstId: '123' },
  ],
  [
    'named capture groups in match and replace',
    js`
      const m = '2024-03-15'.match(/(?<year>\d{4})-(?<month>\d{2})-(?<day>\d{2})/);
      const { year, month, day } = m.groups;
      return { year, month, day, swapped: '2024-03-15'.replace(/(?<y>\d{4})-(?<m>\d{2})-(?<d>\d{2})/, '$<d>/$<m>/$<y>') };
    `,
    { year: '2024', month: '03', day: '15', swapped: '15/03/2024' },
  ],
  [
    'matchAll with named groups and the m flag',
    js`
      const log = 'user=alice status=200\nuser=bob status=404\nuser=carol status=500';
      const rows = [...log.matchAll(/^user=(?<user>\w+) status=(?<code>\d{3})$/gm)].map((m) => ({ user: m.groups.user, code: Number(m.groups.code) }));
      return rows.filter((r) => r.code >= 400).map((r) => r.user);
    `,
    ['bob', 'carol'],
  ],
  [
    'the u flag with emoji and Unicode property escapes',
    js`
      const s = 'Hi 👋🏽 café 😀!';
      return {
        codePoints: [...'😀👋'].length,
        utf16Length: '😀'.length,
        emoji: s.match(/\p{Extended_Pictographic}/gu),
        words: 'Ærøskøbing Ñandú Москва 東京'.match(/\p{L}+/gu),
        oneCodePoint: /^.$/u.test('😀'),
        withoutU: /^.$/.test('😀'),
      };
    `,
    { codePoints: 2, utf16Length: 2, emoji: ['👋', '😀'], words: ['Ærøskøbing', 'Ñandú', 'Москва', '東京'], oneCodePoint: true, withoutU: false },
  ],
  [
    'replace with a callback filling a template',
    js`
      const tpl = 'Hello {{name}}, you owe {{amount}} {{currency}}.';
      const vars = { name: 'Zoë', amount: '12.50' };
      return tpl.replace(/\{\{(\w+)\}\}/g, (_, key) => vars[key] ?? \`<$\{key}?>\`);
    `,
    'Hello Zoë, you owe 12.50 <currency?>.',
  ],
  [
    'slugify accented text with normalize and regex',
    js`
      const slug = (s) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
      return ['Crème Brûlée Recipe!', '  Ångström & Co. ', 'São Paulo — 2024'].map(slug);
    `,
    ['creme-brulee-recipe', 'angstrom-co', 'sao-paulo-2024'],
  ],
  [
    'lookbehind, lookahead, dotAll and sticky regexes',
    js`
      const sticky = /\d+/y;
      sticky.lastIndex = 3;
      return {
        prices: 'cost $30, tax $4.50, €7'.match(/(?<=\$)\d+(\.\d+)?/g),
        thousands: [1234567, 100, 1000].map((n) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',')),
        dotAll: /a.b/s.test('a\nb'),
        noDotAll: /a.b/.test('a\nb'),
        sticky: sticky.exec('ab 123')?.[0] ?? null,
        split: 'a1b22c333d'.split(/\d+/),
      };
    `,
    { prices: ['30', '4.50'], thousands: ['1,234,567', '100', '1,000'], dotAll: true, noDotAll: false, sticky: '123', split: ['a', 'b', 'c', 'd'] },
  ],
  [
    'throw new Error caught by try/catch in a loop',
    js`
      function parseAge(v) {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0) throw new Error(\`invalid age: $\{v}\`);
        return n;
      }
      const out = [];
      for (const v of ['42', '-1', 'abc', '7']) {
        try { out.push(parseAge(v)); } catch (e) { out.push(e instanceof Error ? e.message : 'unknown'); }
      }
      return out;
    `,
    [42, 'invalid age: -1', 'invalid age: abc', 7],
  ],
  [
    'custom error class extending Error',
    js`
      class ValidationError extends Error {
        constructor(field, message) {
          super(message);
          this.name = 'ValidationError';
          this.field = field;
        }
      }
      try {
        throw new ValidationError('email', 'email is required');
      } catch (e) {
        return { isValidation: e instanceof ValidationError, isError: e instanceof Error, name: e.name, field: e.field, message: e.message, text: String(e) };
      }
    `,
    { isValidation: true, isError: true, name: 'ValidationError', field: 'email', message: 'email is required', text: 'ValidationError: email is required' },
  ],
  [
    'error cause and optional catch binding',
    js`
      function load(raw) {
        try { return JSON.parse(raw); } catch (inner) { throw new Error('config unreadable', { cause: inner }); }
      }
      let outer;
      try { load('{oops'); } catch (e) { outer = e; }
      let flag = 'untouched';
      try { null.x; } catch { flag = 'caught'; }
      return { message: outer.message, causeIsSyntax: outer.cause instanceof SyntaxError, flag };
    `,
    { message: 'config unreadable', causeIsSyntax: true, flag: 'caught' },
  ],
  [
    'console.log output is captured in order',
    js`
      const items = [{ sku: 'A1', qty: 2 }, { sku: 'B2', qty: 0 }];
      for (const it of items) console.log('checking', it.sku, it.qty);
      console.info({ total: items.length });
      console.warn(\`out of stock: $\{items.filter((i) => i.qty === 0).map((i) => i.sku).join(',')}\`);
      console.log('Привет', '世界', '🎉');
      return 'done';
    `,
    logged('done', [
      { level: 'log', message: 'checking A1 2' },
      { level: 'log', message: 'checking B2 0' },
      { level: 'info', message: '{"total":2}' },
      { level: 'warn', message: 'out of stock: B2' },
      { level: 'log', message: 'Привет 世界 🎉' },
    ]),
  ],
  [
    'while loop with an explicit bound',
    js`
      let n = 27, steps = 0;
      while (n !== 1 && steps < 1000) {
        n = n % 2 === 0 ? n / 2 : 3 * n + 1;
        steps++;
      }
      return { steps, n };
    `,
    { steps: 111, n: 1 },
  ],
  [
    'do...while loop',
    js`
      let attempts = 0;
      let value;
      do {
        attempts++;
        value = attempts * attempts;
      } while (value < 50);
      return { attempts, value };
    `,
    { attempts: 8, value: 64 },
  ],
  [
    'labels with break and continue',
    js`
      const grid = [[1, 2, 3], [4, -1, 6], [7, 8, 9]];
      let sum = 0;
      let found = null;
      outer: for (let r = 0; r < grid.length; r++) {
        for (let c = 0; c < grid[r].length; c++) {
          if (grid[r][c] < 0) { found = [r, c]; break outer; }
          sum += grid[r][c];
        }
      }
      const odds = [];
      rows: for (const row of grid) {
        for (const v of row) {
          if (v % 2 === 0) continue rows;
          odds.push(v);
        }
      }
      return { sum, found, odds };
    `,
    { sum: 10, found: [1, 1], odds: [1, 7] },
  ],
  [
    'try/catch/finally ordering',
    js`
      const trace = [];
      function risky(fail) {
        try {
          trace.push('try');
          if (fail) throw new Error('fail');
          return 'value';
        } catch (e) {
          trace.push('catch:' + e.message);
          return 'fallback';
        } finally {
          trace.push('finally');
        }
      }
      const a = risky(false);
      const b = risky(true);
      return { a, b, trace };
    `,
    { a: 'value', b: 'fallback', trace: ['try', 'finally', 'try', 'catch:fail', 'finally'] },
  ],
  [
    'async try/finally releases and rethrows',
    js`
      let released = false;
      async function withLock(fn) {
        try { return await fn(); } finally { released = true; }
      }
      let err = null;
      try {
        await withLock(async () => { throw new RangeError('out of range'); });
      } catch (e) {
        err = \`$\{e.name}: $\{e.message}\`;
      }
      return { err, released };
    `,
    { err: 'RangeError: out of range', released: true },
  ],
  [
    'class with constructor, methods, getter, static factory and toJSON',
    js`
      class Money {
        constructor(cents, currency) { this.cents = cents; this.currency = currency; }
        static of(amount, currency = 'EUR') { return new Money(Math.round(amount * 100), currency); }
        add(other) {
          if (other.currency !== this.currency) throw new Error('currency mismatch');
          return new Money(this.cents + other.cents, this.currency);
        }
        get formatted() { return \`$\{(this.cents / 100).toFixed(2)} $\{this.currency}\`; }
        toJSON() { return { cents: this.cents, currency: this.currency }; }
      }
      const total = [Money.of(1.1), Money.of(2.2), Money.of(0.7)].reduce((a, b) => a.add(b));
      let mismatch = null;
      try { total.add(Money.of(1, 'USD')); } catch (e) { mismatch = e.message; }
      return { formatted: total.formatted, json: total, mismatch, isMoney: total instanceof Money };
    `,
    { formatted: '4.00 EUR', json: { cents: 400, currency: 'EUR' }, mismatch: 'currency mismatch', isMoney: true },
  ],
  [
    'class hierarchy with extends, super calls and overrides',
    js`
      class Shape {
        constructor(name) { this.name = name; }
        area() { return 0; }
        describe() { return \`$\{this.name} with area $\{this.area().toFixed(2)}\`; }
      }
      class Circle extends Shape {
        constructor(r) { super('circle'); this.r = r; }
        area() { return Math.PI * this.r ** 2; }
      }
      class Square extends Shape {
        constructor(s) { super('square'); this.s = s; }
        area() { return this.s * this.s; }
        describe() { return super.describe() + ' (regular)'; }
      }
      const shapes = [new Circle(1), new Square(3)];
      return {
        list: shapes.map((s) => s.describe()),
        total: shapes.reduce((t, s) => t + s.area(), 0).toFixed(3),
        kinds: shapes.map((s) => [s instanceof Shape, s instanceof Circle]),
      };
    `,
    { list: ['circle with area 3.14', 'square with area 9.00 (regular)'], total: '12.142', kinds: [[true, true], [true, false]] },
  ],
  [
    'class with getter/setter pair, static getter and chaining',
    js`
      class Counter {
        constructor(label) { this.count = 0; this.label = label; }
        static get defaultStep() { return 2; }
        static create(start) { const c = new Counter('  started  '); c.count = start; return c; }
        increment(by = Counter.defaultStep) { this.count += by; return this; }
        get isEven() { return this.count % 2 === 0; }
        set label(v) { this.text = String(v).trim(); }
        get label() { return this.text.toUpperCase(); }
      }
      const c = Counter.create(1).increment().increment(5);
      const d = new Counter('ünïcode');
      return { count: c.count, isEven: c.isEven, label: c.label, other: d.label, step: Counter.defaultStep };
    `,
    { count: 8, isEven: true, label: 'STARTED', other: 'ÜNÏCODE', step: 2 },
  ],
  [
    'iterable class with a generator method',
    js`
      class Range {
        constructor(a, b) { this.a = a; this.b = b; }
        *[Symbol.iterator]() { for (let i = this.a; i <= this.b; i++) yield i; }
      }
      const r = new Range(3, 6);
      const [first, ...rest] = r;
      return { all: [...r], first, rest, sum: Array.from(r).reduce((s, x) => s + x, 0) };
    `,
    { all: [3, 4, 5, 6], first: 3, rest: [4, 5, 6], sum: 18 },
  ],
  [
    'multi-line template literal report with non-ASCII',
    js`
      const user = { name: 'Łukasz', items: 3, total: 41.5 };
      const report = \`Report for $\{user.name}
Items: $\{user.items}
Total: $\{user.total.toFixed(2)} €
Status: $\{user.total > 40 ? 'large' : 'small'}\`;
      return { report, lines: report.split('\n').length };
    `,
    { report: 'Report for Łukasz\nItems: 3\nTotal: 41.50 €\nStatus: large', lines: 4 },
  ],
  [
    'Cyrillic, CJK, emoji and accented Latin strings',
    js`
      const greetings = { ru: 'Привет, мир', zh: '你好，世界', ja: 'こんにちは', emoji: '🚀✨', fr: 'Ça va très bien' };
      return Object.entries(greetings).map(([lang, text]) => ({ lang, text, upper: text.toUpperCase(), chars: [...text].length }));
    `,
    [
      { lang: 'ru', text: 'Привет, мир', upper: 'ПРИВЕТ, МИР', chars: 11 },
      { lang: 'zh', text: '你好，世界', upper: '你好，世界', chars: 5 },
      { lang: 'ja', text: 'こんにちは', upper: 'こんにちは', chars: 5 },
      { lang: 'emoji', text: '🚀✨', upper: '🚀✨', chars: 2 },
      { lang: 'fr', text: 'Ça va très bien', upper: 'ÇA VA TRÈS BIEN', chars: 15 },
    ],
  ],
  [
    'string methods over non-ASCII text',
    js`
      const s = '  Grüße aus München 🍺  ';
      const t = s.trim();
      return {
        t,
        includes: t.includes('München'),
        starts: t.startsWith('Grüße'),
        ends: t.endsWith('🍺'),
        words: t.split(' '),
        repeat: 'ab'.repeat(3),
        codePoint: '🍺'.codePointAt(0).toString(16),
        fromCodePoint: String.fromCodePoint(0x1f600, 0x4e16),
        reversed: [...'añb😀'].reverse().join(''),
        lower: 'ΑΘΗΝΑ ÉTÉ Ωмега'.toLowerCase(),
      };
    `,
    {
      t: 'Grüße aus München 🍺',
      includes: true,
      starts: true,
      ends: true,
      words: ['Grüße', 'aus', 'München', '🍺'],
      repeat: 'ababab',
      codePoint: '1f37a',
      fromCodePoint: '😀世',
      reversed: '😀bña',
      lower: 'αθηνα été ωмега',
    },
  ],
  [
    'Array.from with map functions, Sets, Maps and strings',
    js`
      return {
        range: Array.from({ length: 5 }, (_, i) => i * i),
        fromSet: Array.from(new Set('mississippi')).join(''),
        fromMap: Array.from(new Map([['a', 1], ['b', 2]]), ([k, v]) => \`$\{k}=$\{v}\`),
        chars: Array.from('日本語'),
        filled: new Array(3).fill(0),
        of: Array.of(7, 8),
      };
    `,
    { range: [0, 1, 4, 9, 16], fromSet: 'misp', fromMap: ['a=1', 'b=2'], chars: ['日', '本', '語'], filled: [0, 0, 0], of: [7, 8] },
  ],
  [
    'flatMap, flat and a reduce into an object with computed keys',
    js`
      const orders = [
        { id: 1, lines: [{ sku: 'A', qty: 2 }, { sku: 'B', qty: 1 }] },
        { id: 2, lines: [] },
        { id: 3, lines: [{ sku: 'A', qty: 5 }] },
      ];
      const lines = orders.flatMap((o) => o.lines.map((l) => ({ order: o.id, ...l })));
      const bySku = lines.reduce((acc, l) => ({ ...acc, [l.sku]: (acc[l.sku] ?? 0) + l.qty }), {});
      return { lines, bySku, nested: [[1, [2, [3]]], [4]].flat(Infinity) };
    `,
    {
      lines: [{ order: 1, sku: 'A', qty: 2 }, { order: 1, sku: 'B', qty: 1 }, { order: 3, sku: 'A', qty: 5 }],
      bySku: { A: 7, B: 1 },
      nested: [1, 2, 3, 4],
    },
  ],
  [
    'reduce grouping with ||= and averages',
    js`
      const people = [
        { n: 'Ann', dept: 'eng', salary: 120 }, { n: 'Bob', dept: 'ops', salary: 90 }, { n: 'Cid', dept: 'eng', salary: 100 },
        { n: 'Dee', dept: 'ops', salary: 95 }, { n: 'Eve', dept: 'sales', salary: 70 },
      ];
      const byDept = people.reduce((acc, p) => { (acc[p.dept] ||= []).push(p.n); return acc; }, {});
      const avg = Object.fromEntries(Object.entries(byDept).map(([d, names]) => [d, people.filter((p) => p.dept === d).reduce((s, p) => s + p.salary, 0) / names.length]));
      return { byDept, avg };
    `,
    { byDept: { eng: ['Ann', 'Cid'], ops: ['Bob', 'Dee'], sales: ['Eve'] }, avg: { eng: 110, ops: 92.5, sales: 70 } },
  ],
  [
    'Object.entries, fromEntries, keys and values',
    js`
      const prices = { apple: 1.2, pear: 0.8, kiwi: 2.5, fig: 3.1 };
      const expensive = Object.fromEntries(Object.entries(prices).filter(([, p]) => p > 1).map(([k, p]) => [k.toUpperCase(), Math.round(p * 1.2 * 100) / 100]));
      const inverted = Object.fromEntries(Object.entries({ a: 'x', b: 'y' }).map(([k, v]) => [v, k]));
      return { expensive, inverted, keys: Object.keys(prices).length, total: Object.values(prices).reduce((a, b) => a + b, 0).toFixed(1), frozen: Object.isFrozen(Object.freeze({ a: 1 })) };
    `,
    { expensive: { APPLE: 1.44, KIWI: 3, FIG: 3.72 }, inverted: { x: 'a', y: 'b' }, keys: 4, total: '7.6', frozen: true },
  ],
  [
    'sort with comparators, multi-key and default',
    js`
      const rows = [{ name: 'Émile', score: 90, age: 30 }, { name: 'Zara', score: 95, age: 25 }, { name: 'Ali', score: 90, age: 22 }, { name: 'Bo', score: 70, age: 40 }];
      const sorted = [...rows].sort((a, b) => b.score - a.score || a.age - b.age);
      return {
        order: sorted.map((r) => r.name),
        byName: [...rows].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((r) => r.name),
        numbers: [10, 9, 1, 100, 25].sort((a, b) => a - b),
        defaultSort: [10, 9, 1, 100, 25].sort(),
        untouched: rows[0].name,
      };
    `,
    { order: ['Zara', 'Ali', 'Émile', 'Bo'], byName: ['Ali', 'Bo', 'Zara', 'Émile'], numbers: [1, 9, 10, 25, 100], defaultSort: [1, 10, 100, 25, 9], untouched: 'Émile' },
  ],
  [
    'toFixed and money rounding',
    js`
      const amounts = [19.99, 5.01, 0.1, 0.2];
      const cents = amounts.reduce((s, a) => s + Math.round(a * 100), 0);
      return {
        fixed: (cents / 100).toFixed(2),
        pct: (12.345).toFixed(1) + '%',
        padded: (7).toFixed(3),
        vat: Math.round(cents * 0.2),
        floatSum: 0.1 + 0.2 === 0.3,
        epsilon: Math.abs(0.1 + 0.2 - 0.3) < Number.EPSILON,
      };
    `,
    { fixed: '25.30', pct: '12.3%', padded: '7.000', vat: 506, floatSum: false, epsilon: true },
  ],
  [
    'date math from ISO strings without Intl',
    js`
      const DAY = 24 * 60 * 60 * 1000;
      const start = new Date('2024-01-31T00:00:00Z');
      const plus30 = new Date(start.getTime() + 30 * DAY).toISOString();
      const diffDays = Math.round((new Date('2024-03-01T00:00:00Z') - start) / DAY);
      const nextMonth = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1)).toISOString().slice(0, 10);
      return { plus30, diffDays, nextMonth, weekday: start.getUTCDay(), leapDay: new Date(Date.UTC(2024, 1, 29)).getUTCDate(), notLeap: new Date(Date.UTC(2023, 1, 29)).getUTCMonth() };
    `,
    { plus30: '2024-03-01T00:00:00.000Z', diffDays: 30, nextMonth: '2024-02-01', weekday: 3, leapDay: 29, notLeap: 2 },
  ],
  [
    'date math relative to Date.now()',
    js`
      const DAY = 86400000;
      const now = Date.now();
      const in10 = new Date(now + 10 * DAY).toISOString();
      const daysLeft = Math.round((Date.parse(in10) - now) / DAY);
      const ago = (iso) => Math.floor((Date.now() - new Date(iso).getTime()) / DAY);
      return { daysLeft, ago: ago(new Date(now - 3 * DAY - 1000).toISOString()), sane: now > Date.parse('2024-01-01T00:00:00Z') && new Date().getTime() >= now };
    `,
    { daysLeft: 10, ago: 3, sane: true },
  ],
  [
    'JSON.parse with a reviver, JSON.stringify with a replacer and indent',
    js`
      const raw = '{"id":7,"createdAt":"2024-05-01T12:00:00.000Z","tags":["a","b"],"meta":{"score":"9.5"}}';
      const obj = JSON.parse(raw, (k, v) => (k === 'score' ? Number(v) : v));
      return {
        score: obj.meta.score,
        typeofScore: typeof obj.meta.score,
        picked: JSON.stringify(obj, ['id', 'tags']),
        pretty: JSON.stringify({ a: [1, 2] }, null, 2),
        year: new Date(obj.createdAt).getUTCFullYear(),
        unicode: JSON.stringify({ city: 'Zürich', sym: '€', jp: '東京' }),
      };
    `,
    {
      score: 9.5,
      typeofScore: 'number',
      picked: '{"id":7,"tags":["a","b"]}',
      pretty: '{\n  "a": [\n    1,\n    2\n  ]\n}',
      year: 2024,
      unicode: '{"city":"Zürich","sym":"€","jp":"東京"}',
    },
  ],
  [
    'deep copy via JSON keeps the original intact',
    js`
      const original = { user: { name: 'Søren', roles: ['admin'] }, when: '2024-01-01' };
      const copy = JSON.parse(JSON.stringify(original));
      copy.user.roles.push('billing');
      copy.user.name = 'Soren';
      return { original, copy, independent: original.user !== copy.user };
    `,
    {
      original: { user: { name: 'Søren', roles: ['admin'] }, when: '2024-01-01' },
      copy: { user: { name: 'Soren', roles: ['admin', 'billing'] }, when: '2024-01-01' },
      independent: true,
    },
  ],
  [
    'JSON.parse failures are SyntaxErrors',
    js`
      const inputs = ['{"ok":true}', '{bad json}', '[1,2', 'null', '"text"'];
      return inputs.map((s) => {
        try {
          const v = JSON.parse(s);
          return v === null ? 'null' : typeof v;
        } catch (e) {
          return e instanceof SyntaxError ? 'syntax-error' : 'other';
        }
      });
    `,
    ['object', 'syntax-error', 'syntax-error', 'null', 'string'],
  ],
  [
    'generators with for...of, take and an infinite sequence',
    js`
      function* range(start, end, step = 1) { for (let i = start; i < end; i += step) yield i; }
      function* take(iter, n) { let i = 0; for (const v of iter) { if (i++ >= n) return; yield v; } }
      function* fib() { let [a, b] = [0, 1]; while (true) { yield a; [a, b] = [b, a + b]; } }
      const evens = [...range(0, 10, 2)];
      const firstFibs = [];
      for (const f of take(fib(), 10)) firstFibs.push(f);
      return { evens, firstFibs };
    `,
    { evens: [0, 2, 4, 6, 8], firstFibs: [0, 1, 1, 2, 3, 5, 8, 13, 21, 34] },
  ],
  [
    'generator next() values, return and yield*',
    js`
      function* steps() { const x = yield 'first'; yield \`got $\{x}\`; return 'end'; }
      function* both() { yield* [1, 2]; yield* steps(); }
      const it = steps();
      return { manual: [it.next(), it.next(42), it.next(), it.next()], delegated: [...both()] };
    `,
    {
      manual: [{ value: 'first', done: false }, { value: 'got 42', done: false }, { value: 'end', done: true }, { done: true }],
      delegated: [1, 2, 'first', 'got undefined'],
    },
  ],
  [
    'for await over an array of promises and an async generator',
    js`
      const pending = [3, 1, 2].map(async (n) => { await null; return n * 10; });
      const seen = [];
      for await (const v of pending) seen.push(v);
      async function* pages() {
        for (let p = 1; p <= 3; p++) { await null; yield { page: p, items: [p * 2 - 1, p * 2] }; }
      }
      let all = [];
      for await (const pg of pages()) all = [...all, ...pg.items];
      return { seen, all };
    `,
    { seen: [30, 10, 20], all: [1, 2, 3, 4, 5, 6] },
  ],
  [
    'closures, currying and memoization',
    js`
      const curry = (fn) => function curried(...args) { return args.length >= fn.length ? fn(...args) : (...more) => curried(...args, ...more); };
      const add3 = curry((a, b, c) => a + b + c);
      const makeCounter = () => { let n = 0; return { inc: () => ++n, get: () => n }; };
      const c1 = makeCounter();
      const c2 = makeCounter();
      c1.inc(); c1.inc(); c2.inc();
      const memo = (fn) => { const cache = new Map(); let calls = 0; return { f: (x) => { if (!cache.has(x)) { calls++; cache.set(x, fn(x)); } return cache.get(x); }, calls: () => calls }; };
      const sq = memo((x) => x * x);
      const results = [sq.f(4), sq.f(4), sq.f(5)];
      const fns = [];
      for (let i = 0; i < 3; i++) fns.push(() => i);
      return { a: add3(1)(2)(3), b: add3(1, 2)(3), c: add3(1, 2, 3), counters: [c1.get(), c2.get()], results, memoCalls: sq.calls(), loopClosures: fns.map((f) => f()) };
    `,
    { a: 6, b: 6, c: 6, counters: [2, 1], results: [16, 16, 25], memoCalls: 2, loopClosures: [0, 1, 2] },
  ],
  [
    'recursive tree walk',
    js`
      const tree = { name: 'root', size: 1, children: [
        { name: 'src', size: 4, children: [{ name: 'index.ts', size: 10, children: [] }, { name: 'util.ts', size: 5, children: [] }] },
        { name: 'README.md', size: 2, children: [] },
      ] };
      const totalSize = (n) => n.size + n.children.reduce((s, c) => s + totalSize(c), 0);
      const paths = (n, prefix = '') => { const p = prefix ? \`$\{prefix}/$\{n.name}\` : n.name; return [p, ...n.children.flatMap((c) => paths(c, p))]; };
      const depth = (n) => 1 + Math.max(0, ...n.children.map(depth));
      function find(n, name) { if (n.name === name) return n; for (const c of n.children) { const hit = find(c, name); if (hit) return hit; } return null; }
      return { total: totalSize(tree), paths: paths(tree), depth: depth(tree), found: find(tree, 'util.ts')?.size ?? null, missing: find(tree, 'nope') };
    `,
    { total: 22, paths: ['root', 'root/src', 'root/src/index.ts', 'root/src/util.ts', 'root/README.md'], depth: 3, found: 5, missing: null },
  ],
  [
    'recursion: permutations and factorial',
    js`
      const perms = (arr) => (arr.length <= 1 ? [arr] : arr.flatMap((x, i) => perms([...arr.slice(0, i), ...arr.slice(i + 1)]).map((p) => [x, ...p])));
      const fact = (n) => (n <= 1 ? 1 : n * fact(n - 1));
      const flatten = (v) => (Array.isArray(v) ? v.reduce((acc, x) => acc.concat(flatten(x)), []) : [v]);
      return { perms: perms(['a', 'b', 'c']).map((p) => p.join('')), fact10: fact(10), flat: flatten([1, [2, [3, [4]]], 5]) };
    `,
    { perms: ['abc', 'acb', 'bac', 'bca', 'cab', 'cba'], fact10: 3628800, flat: [1, 2, 3, 4, 5] },
  ],
  [
    'switch with fall-through cases and switch(true)',
    js`
      function httpClass(code) {
        switch (true) {
          case code >= 500: return 'server';
          case code >= 400: return 'client';
          case code >= 300: return 'redirect';
          case code >= 200: return 'ok';
          default: return 'info';
        }
      }
      function dayType(d) {
        switch (d) {
          case 'sat':
          case 'sun':
            return 'weekend';
          case 'fri': {
            const tgif = 'almost';
            return tgif;
          }
          default:
            return 'weekday';
        }
      }
      return { codes: [200, 301, 404, 503, 100].map(httpClass), days: ['mon', 'fri', 'sun'].map(dayType) };
    `,
    { codes: ['ok', 'redirect', 'client', 'server', 'info'], days: ['weekday', 'almost', 'weekend'] },
  ],
  [
    'nested ternaries and typeof',
    js`
      const describe = (v) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'object' ? 'object' : typeof v);
      return [1, 'a', true, null, undefined, [1], { a: 1 }, () => 1, 10n, Symbol('s')].map(describe);
    `,
    ['number', 'string', 'boolean', 'null', 'undefined', 'array', 'object', 'function', 'bigint', 'symbol'],
  ],
  [
    'instanceof Error across error types',
    js`
      const errs = [new TypeError('t'), new RangeError('r'), new SyntaxError('s'), new Error('e'), { message: 'fake' }, 'str'];
      return errs.map((e) => [e instanceof Error, e instanceof TypeError, e?.name ?? typeof e]);
    `,
    [[true, true, 'TypeError'], [true, false, 'RangeError'], [true, false, 'SyntaxError'], [true, false, 'Error'], [false, false, 'object'], [false, false, 'string']],
  ],
  [
    'Number.isInteger and numeric parsing',
    js`
      const vals = [5, 5.0, 5.5, '5', NaN, Infinity, -0, 2 ** 53];
      return vals.map((v) => Number.isInteger(v)).concat([
        Number.isSafeInteger(2 ** 53), Number.isFinite('5'), Number.isNaN(Number('abc')), Number.parseFloat('3.14abc'),
        parseInt('ff', 16), (255).toString(2), 1_000_000 / 4, (2n ** 64n).toString(),
      ]);
    `,
    [true, true, false, false, false, false, true, true, false, false, true, 3.14, 255, '11111111', 250000, '18446744073709551616'],
  ],
  [
    'padStart and padEnd for ids, tables and times',
    js`
      const rows = [['Item', 'Qty'], ['Äpfel', '3'], ['寿司', '12']];
      const invoiceNo = (n) => \`INV-$\{String(n).padStart(5, '0')}\`;
      return {
        ids: [1, 42, 12345].map(invoiceNo),
        table: rows.map(([a, b]) => a.padEnd(8, '.') + b.padStart(4)),
        time: [9, 5, 3].map((n) => String(n).padStart(2, '0')).join(':'),
      };
    `,
    { ids: ['INV-00001', 'INV-00042', 'INV-12345'], table: ['Item.... Qty', 'Äpfel...   3', '寿司......  12'], time: '09:05:03' },
  ],
  [
    'at(-1) on arrays and strings',
    js`
      const arr = [10, 20, 30];
      const s = 'héllo';
      return { last: arr.at(-1), secondLast: arr.at(-2), first: arr.at(0), out: arr.at(5) ?? 'none', lastChar: s.at(-1), empty: [].at(-1) === undefined };
    `,
    { last: 30, secondLast: 20, first: 10, out: 'none', lastChar: 'o', empty: true },
  ],
  [
    'find, findIndex, findLast, some, every and includes',
    js`
      const xs = [3, 8, 12, 5, 20];
      return {
        find: xs.find((x) => x > 10),
        findIndex: xs.findIndex((x) => x > 10),
        findLast: xs.findLast((x) => x < 10),
        findLastIndex: xs.findLastIndex((x) => x > 100),
        some: xs.some((x) => x % 2 === 1),
        every: xs.every((x) => x > 0),
        includes: xs.includes(12),
        indexOf: xs.indexOf(5),
        sliced: xs.slice(1, -1),
        spliced: (() => { const c = [...xs]; const removed = c.splice(1, 2, 'x'); return [c, removed]; })(),
      };
    `,
    { find: 12, findIndex: 2, findLast: 5, findLastIndex: -1, some: true, every: true, includes: true, indexOf: 3, sliced: [8, 12, 5], spliced: [[3, 'x', 5, 20], [8, 12]] },
  ],
  [
    'ES2023 copying array methods',
    js`
      const xs = [3, 1, 2];
      return { sorted: xs.toSorted((a, b) => a - b), reversed: xs.toReversed(), replaced: xs.with(0, 9), original: xs };
    `,
    { sorted: [1, 2, 3], reversed: [2, 1, 3], replaced: [9, 1, 2], original: [3, 1, 2] },
  ],
  [
    'object literal with computed keys, methods, getters and this',
    js`
      const key = 'dynamic';
      const obj = {
        [key + 'Key']: 1,
        ['a' + 1]: 2,
        method() { return this.a1 * 10; },
        get double() { return this[key + 'Key'] * 2; },
      };
      return { keys: Object.keys(obj), m: obj.method(), d: obj.double, topLevelThis: typeof this };
    `,
    { keys: ['dynamicKey', 'a1', 'method', 'double'], m: 20, d: 2, topLevelThis: 'undefined' },
  ],
  [
    'String.raw and tagged templates',
    js`
      const tag = (strings, ...vals) => strings.raw.map((s, i) => s + (i < vals.length ? \`[$\{vals[i]}]\` : '')).join('');
      const who = 'Ada';
      return { path: String.raw\`C:\temp\data\`, tagged: tag\`hi $\{who}, you are $\{36}!\` };
    `,
    { path: 'C:\\temp\\data', tagged: 'hi [Ada], you are [36]!' },
  ],
  [
    'BigInt arithmetic serialised as strings',
    js`
      const big = 9007199254740993n;
      const sum = [1n, 2n, 3n].reduce((a, b) => a + b, 0n);
      return { big: (big * 2n).toString(), sum: Number(sum), cmp: big > 9007199254740992, typeofBig: typeof big };
    `,
    { big: '18014398509481986', sum: 6, cmp: true, typeofBig: 'bigint' },
  ],
  [
    'context is readable and frozen',
    js`
      const { tenant, limits: { maxUsers = 10 } = {}, tags = [] } = context;
      let frozen = false;
      try { context.tenant = 'other'; } catch (e) { frozen = e instanceof TypeError; }
      return { tenant, maxUsers, tags: [...tags, 'extra'], frozen, still: context.tenant };
    `,
    { tenant: 'ácme-GmbH', maxUsers: 25, tags: ['β', 'extra'], frozen: true, still: 'ácme-GmbH' },
    { context: { tenant: 'ácme-GmbH', limits: { maxUsers: 25 }, tags: ['β'] } },
  ],
  [
    'Proxy and Reflect for a defaulting object',
    js`
      const withDefault = (target, fallback) => new Proxy(target, { get: (t, k) => (Reflect.has(t, k) ? Reflect.get(t, k) : fallback) });
      const stock = withDefault({ apples: 3 }, 0);
      return { apples: stock.apples, pears: stock.pears, keys: Reflect.ownKeys({ a: 1, b: 2 }) };
    `,
    { apples: 3, pears: 0, keys: ['a', 'b'] },
  ],
  [
    'Math helpers: clamp, round to step, statistics',
    js`
      const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
      const data = [4, 8, 15, 16, 23, 42];
      const mean = data.reduce((s, x) => s + x, 0) / data.length;
      const sorted = [...data].sort((a, b) => a - b);
      const median = (sorted[2] + sorted[3]) / 2;
      const sd = Math.sqrt(data.reduce((s, x) => s + (x - mean) ** 2, 0) / data.length);
      return { clamp: [clamp(-5, 0, 10), clamp(50, 0, 10), clamp(5, 0, 10)], mean, median, sd: sd.toFixed(3), hyp: Math.hypot(3, 4), trunc: Math.trunc(-4.7), sign: Math.sign(-3) };
    `,
    { clamp: [0, 10, 5], mean: 18, median: 15.5, sd: '12.315', hyp: 5, trunc: -4, sign: -1 },
  ],
  [
    'early top-level return inside a branch',
    js`
      const input = [1, 2, 3];
      if (input.length < 5) {
        return { skipped: true, reason: \`need 5 items, got $\{input.length}\` };
      }
      return { skipped: false };
    `,
    { skipped: true, reason: 'need 5 items, got 3' },
  ],
];

const withTools: Row[] = [
  [
    'callTool with throwOnError: false over known and unknown users',
    js`
      const ids = ['u_0001', 'u_9999', 'u_0002'];
      const results = [];
      for (const id of ids) {
        const r = await callTool('users:get', { id }, { throwOnError: false });
        results.push(r.ok ? { id, name: r.data.firstName } : { id, error: r.error.code });
      }
      return results;
    `,
    derived(async () => [
      { id: 'u_0001', name: (await user('u_0001')).firstName },
      { id: 'u_9999', error: 'NOT_FOUND' },
      { id: 'u_0002', name: (await user('u_0002')).firstName },
    ]),
  ],
  [
    'ToolError with code NOT_FOUND handled in a helper',
    js`
      async function findUser(id) {
        try {
          return await callTool('users:get', { id });
        } catch (e) {
          if (e instanceof ToolError && e.code === 'NOT_FOUND') return null;
          throw e;
        }
      }
      const [a, b] = await Promise.all([findUser('u_0003'), findUser('u_4242')]);
      return { a: a?.email ?? null, b: b?.email ?? null };
    `,
    derived(async () => ({ a: (await user('u_0003')).email, b: null })),
  ],
  [
    'ToolError fields for an unknown invoice',
    js`
      try {
        await callTool('invoices:get', { id: 'inv_99999' });
        return 'unexpected';
      } catch (e) {
        return { isToolError: e instanceof ToolError, isError: e instanceof Error, name: e.name, code: e.code, tool: e.tool, mentionsId: e.message.includes('inv_99999') };
      }
    `,
    { isToolError: true, isError: true, name: 'ToolError', code: 'NOT_FOUND', tool: 'invoices:get', mentionsId: true },
  ],
  [
    'validation and unknown-tool failures with throwOnError: false',
    js`
      const tooBig = await callTool('users:list', { limit: 10000 }, { throwOnError: false });
      const unknown = await callTool('users:nope', {}, { throwOnError: false });
      const ok = await callTool('users:list', { limit: 1 }, { throwOnError: false });
      return [tooBig.ok, tooBig.error?.code, /\/limit/.test(tooBig.error?.message ?? ''), unknown.ok, unknown.error?.code, ok.ok, ok.data.items.length];
    `,
    [false, 'TOOL_VALIDATION', true, false, 'TOOL_NOT_FOUND', true, 1],
  ],
  [
    'paginate all users with nextOffset and count by plan',
    js`
      const counts = {};
      let offset = 0;
      while (offset !== null) {
        const page = await callTool('users:list', { limit: 500, offset });
        for (const u of page.items) counts[u.plan] = (counts[u.plan] ?? 0) + 1;
        offset = page.nextOffset;
      }
      return counts;
    `,
    derived(async () => (await invokeOk<{ byPlan: Record<string, number> }>(g, 'users:stats')).byPlan),
  ],
  [
    'Promise.all over three user lookups',
    js`
      const users = await Promise.all(['u_0010', 'u_0020', 'u_0030'].map((id) => callTool('users:get', { id })));
      return users.map(({ firstName, lastName, country }) => \`$\{firstName} $\{lastName} ($\{country})\`);
    `,
    derived(async () => Promise.all(['u_0010', 'u_0020', 'u_0030'].map(async (id) => {
      const u = await user(id);
      return `${u.firstName} ${u.lastName} (${u.country})`;
    }))),
  ],
  [
    'Promise.allSettled over invoice lookups with one miss',
    js`
      const ids = ['inv_00001', 'inv_00002', 'inv_nope'];
      const settled = await Promise.allSettled(ids.map((id) => callTool('invoices:get', { id })));
      return settled.map((s, i) => (s.status === 'fulfilled' ? { id: ids[i], amount: s.value.amountCents } : { id: ids[i], code: s.reason.code }));
    `,
    derived(async () => [
      { id: 'inv_00001', amount: (await invokeOk<Invoice>(g, 'invoices:get', { id: 'inv_00001' })).amountCents },
      { id: 'inv_00002', amount: (await invokeOk<Invoice>(g, 'invoices:get', { id: 'inv_00002' })).amountCents },
      { id: 'inv_nope', code: 'NOT_FOUND' },
    ]),
  ],
  [
    "a user's invoices grouped by status in a Map",
    js`
      const { items } = await callTool('invoices:listForUser', { userId: 'u_0042', limit: 500 });
      const byStatus = new Map();
      for (const inv of items) {
        const entry = byStatus.get(inv.status) ?? { count: 0, cents: 0 };
        entry.count += 1;
        entry.cents += inv.amountCents;
        byStatus.set(inv.status, entry);
      }
      return Object.fromEntries([...byStatus].sort(([a], [b]) => (a < b ? -1 : 1)));
    `,
    derived(async () => {
      const { items } = await invokeOk<Page<Invoice>>(g, 'invoices:listForUser', { userId: 'u_0042', limit: 500 });
      const out: Record<string, { count: number; cents: number }> = {};
      for (const inv of items) {
        const entry = out[inv.status] ?? { count: 0, cents: 0 };
        entry.count += 1;
        entry.cents += inv.amountCents;
        out[inv.status] = entry;
      }
      return out;
    }),
  ],
  [
    'distinct countries of the first 200 users via a Set',
    js`
      const { items } = await callTool('users:list', { limit: 200 });
      return [...new Set(items.map((u) => u.country))].sort();
    `,
    derived(async () => {
      const { items } = await invokeOk<Page<User>>(g, 'users:list', { limit: 200 });
      return [...new Set(items.map((u) => u.country))].sort();
    }),
  ],
  [
    'email domains with a named-group regex, top three',
    js`
      const { items } = await callTool('users:list', { limit: 100 });
      const domains = new Map();
      for (const { email } of items) {
        const d = email.match(/@(?<domain>[\w.-]+)$/)?.groups?.domain ?? 'unknown';
        domains.set(d, (domains.get(d) ?? 0) + 1);
      }
      return [...domains].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 3);
    `,
    derived(async () => {
      const { items } = await invokeOk<Page<User>>(g, 'users:list', { limit: 100 });
      const counts = new Map<string, number>();
      for (const u of items) {
        const d = u.email.split('@')[1] ?? 'unknown';
        counts.set(d, (counts.get(d) ?? 0) + 1);
      }
      return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 3);
    }),
  ],
  [
    'a repository class caching tool results',
    js`
      class UserRepo {
        constructor(call) { this.call = call; this.cache = new Map(); }
        static create() { return new UserRepo((name, args) => callTool(name, args)); }
        async get(id) {
          if (!this.cache.has(id)) this.cache.set(id, await this.call('users:get', { id }));
          return this.cache.get(id);
        }
        get size() { return this.cache.size; }
      }
      const repo = UserRepo.create();
      const a = await repo.get('u_0010');
      const b = await repo.get('u_0010');
      await repo.get('u_0011');
      return { same: a === b, size: repo.size, name: \`$\{a.firstName} $\{a.lastName}\` };
    `,
    derived(async () => {
      const u = await user('u_0010');
      return { same: true, size: 2, name: `${u.firstName} ${u.lastName}` };
    }),
  ],
  [
    'async generator over all paid EUR invoices',
    js`
      async function* allInvoices(filter) {
        let offset = 0;
        do {
          const page = await callTool('invoices:list', { ...filter, limit: 200, offset });
          yield* page.items;
          offset = page.nextOffset;
        } while (offset !== null);
      }
      let count = 0, sum = 0;
      for await (const inv of allInvoices({ status: 'paid', currency: 'EUR' })) { count++; sum += inv.amountCents; }
      return { count, sum };
    `,
    derived(async () => {
      const totals = await invokeOk<{ groups: { key: string; currency: string; count: number; amountCents: number }[] }>(g, 'invoices:totals', { status: 'paid' });
      const eur = totals.groups.find((x) => x.currency === 'EUR');
      return { count: eur?.count, sum: eur?.amountCents };
    }),
  ],
  [
    'plan table rendered with template literals, padEnd and toFixed',
    js`
      const { plans } = await callTool('billing:listPlans', {});
      const lines = plans.map((p) => \`$\{p.name.padEnd(12)}$\{(p.monthlyPriceCents / 100).toFixed(2).padStart(8)} /mo  $\{p.features.length} features\`);
      return \`Plans ($\{plans.length}):
$\{lines.join('\n')}\`;
    `,
    derived(async () => {
      const { plans } = await invokeOk<{ plans: { name: string; monthlyPriceCents: number; features: string[] }[] }>(g, 'billing:listPlans');
      const lines = plans.map((p) => `${p.name.padEnd(12)}${(p.monthlyPriceCents / 100).toFixed(2).padStart(8)} /mo  ${p.features.length} features`);
      return `Plans (${plans.length}):\n${lines.join('\n')}`;
    }),
  ],
  [
    'users active in the last 7 days by date math',
    js`
      const since = Date.now() - 7 * 24 * 3600 * 1000;
      let count = 0;
      for (let offset = 0; offset !== null; ) {
        const page = await callTool('users:list', { limit: 500, offset, sortBy: 'lastLogin', order: 'desc' });
        const recent = page.items.filter((u) => new Date(u.lastLogin).getTime() >= since);
        count += recent.length;
        offset = recent.length === page.items.length ? page.nextOffset : null;
      }
      return count;
    `,
    derived(async () => (await invokeOk<Page<User>>(g, 'users:listRecentLogins', { days: 7, limit: 1 })).total),
  ],
  [
    'deep copy of a tool result leaves the original untouched',
    js`
      const original = await callTool('users:get', { id: 'u_0077' });
      const copy = JSON.parse(JSON.stringify(original));
      copy.firstName = 'CHANGED';
      copy.extra = { nested: true };
      return { before: original.firstName, copy: copy.firstName, keys: Object.keys(copy).length - Object.keys(original).length };
    `,
    derived(async () => ({ before: (await user('u_0077')).firstName, copy: 'CHANGED', keys: 1 })),
  ],
  [
    'ticket statuses bucketed with switch',
    js`
      const buckets = { active: 0, waiting: 0, done: 0 };
      let offset = 0;
      do {
        const page = await callTool('tickets:list', { limit: 500, offset });
        for (const t of page.items) {
          switch (t.status) {
            case 'open':
              buckets.active++;
              break;
            case 'pending':
            case 'on_hold':
              buckets.waiting++;
              break;
            default:
              buckets.done++;
          }
        }
        offset = page.nextOffset;
      } while (offset !== null);
      return buckets;
    `,
    derived(async () => {
      const total = async (status: string): Promise<number> => (await invokeOk<Page<Ticket>>(g, 'tickets:list', { status, limit: 1 })).total;
      return {
        active: await total('open'),
        waiting: (await total('pending')) + (await total('on_hold')),
        done: (await total('solved')) + (await total('closed')),
      };
    }),
  ],
  [
    'labelled search for the first invoice with a bulk line',
    js`
      const { items } = await callTool('invoices:list', { limit: 200 });
      let hit = null;
      search: for (const inv of items) {
        for (const [index, line] of inv.lineItems.entries()) {
          if (line.quantity > 50) {
            hit = { id: inv.id, index, quantity: line.quantity };
            break search;
          }
        }
      }
      return hit;
    `,
    derived(async () => {
      const { items } = await invokeOk<Page<Invoice>>(g, 'invoices:list', { limit: 200 });
      for (const inv of items) {
        const index = inv.lineItems.findIndex((l) => l.quantity > 50);
        if (index >= 0) return { id: inv.id, index, quantity: inv.lineItems[index]?.quantity };
      }
      return null;
    }),
  ],
  [
    'curried getters across areas',
    js`
      const getter = (area) => (id) => callTool(\`$\{area}:get\`, { id });
      const [getUser, getInvoice, getTicket] = ['users', 'invoices', 'tickets'].map(getter);
      const [u, inv, t] = await Promise.all([getUser('u_0005'), getInvoice('inv_00005'), getTicket('tk_0005')]);
      return [u.email, inv.number, t.subject];
    `,
    derived(async () => [
      (await user('u_0005')).email,
      (await invokeOk<Invoice>(g, 'invoices:get', { id: 'inv_00005' })).number,
      (await invokeOk<Ticket>(g, 'tickets:get', { id: 'tk_0005' })).subject,
    ]),
  ],
  [
    'recursive fetchAll of open tickets',
    js`
      async function fetchAll(name, args, offset = 0, acc = []) {
        const page = await callTool(name, { ...args, limit: 100, offset });
        const next = [...acc, ...page.items];
        return page.nextOffset === null ? next : fetchAll(name, args, page.nextOffset, next);
      }
      const open = await fetchAll('tickets:list', { status: 'open' });
      return { count: open.length, distinct: new Set(open.map((t) => t.id)).size, allOpen: open.every((t) => t.status === 'open') };
    `,
    derived(async () => {
      const { total } = await invokeOk<Page<Ticket>>(g, 'tickets:list', { status: 'open', limit: 1 });
      return { count: total, distinct: total, allOpen: true };
    }),
  ],
  [
    'email with Cyrillic, CJK, emoji and accents round-trips',
    js`
      const sent = await callTool('emails:send', {
        to: 'yuki.tanaka@example.jp',
        subject: 'Счёт №42 📄 für Müller — 東京',
        body: \`Здравствуйте!
請求書をご確認ください。
Merci beaucoup, à bientôt 🙏\`,
      });
      const back = await callTool('notifications:getSent', { id: sent.id });
      return { channel: back.channel, to: back.to, subject: back.subject, body: back.body, status: back.status, triggeredBy: back.triggeredBy };
    `,
    {
      channel: 'email',
      to: 'yuki.tanaka@example.jp',
      subject: 'Счёт №42 📄 für Müller — 東京',
      body: 'Здравствуйте!\n請求書をご確認ください。\nMerci beaucoup, à bientôt 🙏',
      status: 'sent',
      triggeredBy: 'emails:send',
    },
  ],
  [
    'typeof over every field of a user',
    js`
      const u = await callTool('users:get', { id: 'u_0100' });
      const types = Object.fromEntries(Object.entries(u).map(([k, v]) => [k, typeof v]));
      return { types: [...new Set(Object.values(types))], fields: Object.keys(types).length, dates: [u.createdAt, u.lastLogin].every((d) => !Number.isNaN(new Date(d).getTime())) };
    `,
    { types: ['string'], fields: 12, dates: true },
  ],
  [
    'Math.max and Math.min over spread invoice amounts',
    js`
      const { items } = await callTool('invoices:listForUser', { userId: 'u_0042', limit: 500 });
      const amounts = items.map((i) => i.amountCents);
      return { max: Math.max(...amounts), min: Math.min(...amounts), avg: (amounts.reduce((a, b) => a + b, 0) / amounts.length / 100).toFixed(2) };
    `,
    derived(async () => {
      const amounts = (await invokeOk<Page<Invoice>>(g, 'invoices:listForUser', { userId: 'u_0042', limit: 500 })).items.map((i) => i.amountCents);
      return { max: Math.max(...amounts), min: Math.min(...amounts), avg: (amounts.reduce((a, b) => a + b, 0) / amounts.length / 100).toFixed(2) };
    }),
  ],
  [
    'optional chaining over a customer summary',
    js`
      const s = await callTool('users:getSummary', { id: 'u_0042' });
      return {
        plan: s.subscription?.plan ?? 'none',
        city: s.user?.address?.city ?? 'n/a',
        owes: (s.outstandingCents ?? 0) > 0,
        name: s.user?.firstName?.toUpperCase(),
      };
    `,
    derived(async () => {
      const s = await invokeOk<{ subscription: { plan: string }; outstandingCents: number; user: User }>(g, 'users:getSummary', { id: 'u_0042' });
      return { plan: s.subscription.plan, city: 'n/a', owes: s.outstandingCents > 0, name: s.user.firstName.toUpperCase() };
    }),
  ],
  [
    'do...while over failed payments',
    js`
      let offset = 0, failed = 0, reasons = new Set();
      do {
        const page = await callTool('payments:list', { status: 'failed', limit: 100, offset });
        failed += page.items.length;
        for (const p of page.items) if (p.failureReason) reasons.add(p.failureReason);
        offset = page.nextOffset;
      } while (offset !== null);
      return { failed, reasons: [...reasons].sort() };
    `,
    derived(async () => {
      const all = await invokeAll<{ failureReason: string | null }>(g, 'payments:list', { status: 'failed' });
      return { failed: all.length, reasons: [...new Set(all.flatMap((p) => (p.failureReason ? [p.failureReason] : [])))].sort() };
    }),
  ],
  [
    'for...of over Object.entries of role counts',
    js`
      const { byRole } = await callTool('users:stats', {});
      const lines = [];
      for (const [role, count] of Object.entries(byRole).sort(([, a], [, b]) => b - a)) lines.push(\`$\{role}: $\{count}\`);
      return lines;
    `,
    derived(async () => {
      const { byRole } = await invokeOk<{ byRole: Record<string, number> }>(g, 'users:stats');
      return Object.entries(byRole).sort(([, a], [, b]) => b - a).map(([role, count]) => `${role}: ${count}`);
    }),
  ],
  [
    'destructuring Promise.all of heterogeneous reads',
    js`
      const [{ plans }, { total, byStatus }, { items: channels }] = await Promise.all([
        callTool('billing:listPlans', {}),
        callTool('users:stats', {}),
        callTool('slack:listChannels', {}),
      ]);
      return { plans: plans.map((p) => p.id), total, active: byStatus.active, publicChannels: channels.filter((c) => !c.isPrivate).map((c) => \`#$\{c.name}\`) };
    `,
    derived(async () => {
      const stats = await invokeOk<{ total: number; byStatus: { active: number } }>(g, 'users:stats');
      const { items } = await invokeOk<{ items: { name: string; isPrivate: boolean }[] }>(g, 'slack:listChannels');
      return { plans: ['free', 'pro', 'enterprise'], total: stats.total, active: stats.byStatus.active, publicChannels: items.filter((c) => !c.isPrivate).map((c) => `#${c.name}`) };
    }),
  ],
  [
    'ids from context fetched in parallel',
    js`
      const ids = context.userIds ?? [];
      const users = await Promise.all(ids.map((id) => callTool('users:get', { id })));
      return users.map((u) => u.id + ':' + u.plan);
    `,
    derived(async () => Promise.all(['u_0201', 'u_0202'].map(async (id) => `${id}:${(await user(id)).plan}`))),
    { context: { userIds: ['u_0201', 'u_0202'] } },
  ],
  [
    'top three countries of the first 500 users',
    js`
      const { items } = await callTool('users:list', { limit: 500 });
      const counts = items.reduce((m, u) => m.set(u.country, (m.get(u.country) ?? 0) + 1), new Map());
      return Array.from(counts, ([country, n]) => ({ country, n })).sort((a, b) => b.n - a.n || (a.country < b.country ? -1 : 1)).slice(0, 3);
    `,
    derived(async () => {
      const { items } = await invokeOk<Page<User>>(g, 'users:list', { limit: 500 });
      const counts = new Map<string, number>();
      for (const u of items) counts.set(u.country, (counts.get(u.country) ?? 0) + 1);
      return [...counts].map(([country, n]) => ({ country, n })).sort((a, b) => b.n - a.n || (a.country < b.country ? -1 : 1)).slice(0, 3);
    }),
  ],
  [
    'warehouse utilisation formatted and sorted',
    js`
      const { items } = await callTool('inventory:listWarehouses', {});
      return items
        .map(({ name, city, utilizationPct }) => ({ label: \`$\{name} ($\{city})\`, pct: \`$\{utilizationPct.toFixed(1)}%\` , v: utilizationPct }))
        .sort((a, b) => b.v - a.v)
        .map(({ label, pct }) => \`$\{label}: $\{pct}\`);
    `,
    derived(async () => {
      const { items } = await invokeOk<{ items: { name: string; city: string; utilizationPct: number }[] }>(g, 'inventory:listWarehouses');
      return [...items].sort((a, b) => b.utilizationPct - a.utilizationPct).map((w) => `${w.name} (${w.city}): ${w.utilizationPct.toFixed(1)}%`);
    }),
  ],
  [
    'support agent workload summed with reduce',
    js`
      const { agents } = await callTool('tickets:listAgents', {});
      const open = agents.reduce((s, a) => s + a.openTickets, 0);
      const busiest = agents.at(0);
      const idle = agents.filter((a) => a.openTickets === 0).length;
      return { agents: agents.length, open, busiest: busiest?.userId ?? null, idle };
    `,
    derived(async () => {
      const { agents } = await invokeOk<{ agents: { userId: string; openTickets: number }[] }>(g, 'tickets:listAgents');
      return { agents: agents.length, open: agents.reduce((s, a) => s + a.openTickets, 0), busiest: agents[0]?.userId ?? null, idle: agents.filter((a) => a.openTickets === 0).length };
    }),
  ],
  [
    'invoice numbers parsed with a named-group regex',
    js`
      const { items } = await callTool('invoices:list', { limit: 50, sortBy: 'issuedAt', order: 'asc' });
      const re = /^INV-(?<year>\d{4})-(?<seq>\d{5})$/u;
      const years = {};
      let bad = 0;
      for (const { number } of items) {
        const m = re.exec(number);
        if (!m) { bad++; continue; }
        years[m.groups.year] = (years[m.groups.year] ?? 0) + 1;
      }
      return { years, bad };
    `,
    derived(async () => {
      const { items } = await invokeOk<Page<Invoice>>(g, 'invoices:list', { limit: 50, sortBy: 'issuedAt', order: 'asc' });
      const years: Record<string, number> = {};
      let bad = 0;
      for (const { number } of items) {
        const m = /^INV-(\d{4})-\d{5}$/.exec(number);
        if (!m?.[1]) bad++;
        else years[m[1]] = (years[m[1]] ?? 0) + 1;
      }
      return { years, bad };
    }),
  ],
  [
    'low-stock items as a reorder list with template literals',
    js`
      const { items, total } = await callTool('inventory:listLowStock', { limit: 5 });
      const needed = items.filter(({ onOrder }) => onOrder === 0);
      return { total, lines: needed.map(({ sku, name, reorderQuantity }) => \`$\{sku} × $\{reorderQuantity} — $\{name}\`) };
    `,
    derived(async () => {
      const page = await invokeOk<Page<{ sku: string; name: string; reorderQuantity: number; onOrder: number }>>(g, 'inventory:listLowStock', { limit: 5 });
      return { total: page.total, lines: page.items.filter((i) => i.onOrder === 0).map((i) => `${i.sku} × ${i.reorderQuantity} — ${i.name}`) };
    }),
  ],
];

describe('ordinary scripts run ok, without warnings, with the exact result', () => {
  test('the corpus is large enough', () => {
    expect(pure.length + withTools.length).toBeGreaterThanOrEqual(65);
  });

  // Every row gets its options element: jest treats a callback with more parameters than the row has
  // values as one expecting a `done` callback.
  const rows: Required<Row>[] = [...pure, ...withTools].map(([label, script, expected, options]) => [label, script, expected, options ?? {}]);
  test.each(rows)('%s', async (_label, script, expected, options) => {
    const r = await g.run(script, options);
    expect({ status: r.status, error: r.error }).toEqual({ status: 'ok', error: undefined });
    expect(r.warnings).toEqual([]);
    if (expected instanceof Derived) {
      expect(r.result).toEqual(await expected.compute());
      expect(r.logs).toEqual([]);
    } else if (expected instanceof Logged) {
      expect(r.result).toEqual(expected.result);
      expect(r.logs).toEqual(expected.logs);
    } else {
      expect(r.result).toEqual(expected);
      expect(r.logs).toEqual([]);
    }
  });
});
