/**
 * The script's `console`: every method a model reaches for, captured into the run's `logs` under the
 * consoleLines / consoleBytes limits. Formats follow Node's where they are observable (`label: 2`,
 * `Assertion failed: …`, `label: 1.234ms`, two spaces per group level, a box-drawn table).
 */
import type { LogEntry } from '../src/executor/protocol';
import { byteLength, freeze, getPrototypeOf, logJson } from './primordials';

/** What the console needs from its execution. */
export interface ConsoleSink {
  readonly logs: LogEntry[];
  logBytes: number;
  readonly limits: { consoleLines: number; consoleBytes: number };
  /** Throws when the run already ended (a tripped limit or deadline). */
  checkLive(): void;
  limit(name: string, value: number): Error;
  /** Monotonic milliseconds, for console.time. */
  now(): number;
}

export function errorName(err: Error): string {
  try {
    const own = err.name;
    if (own && own !== 'Error') return String(own);
    // SES compartments hand subclass instances back as plain Errors unless `name` was set; the class name survives.
    const ctorName = (getPrototypeOf(err) as { constructor?: { name?: unknown } } | null)?.constructor?.name;
    return typeof ctorName === 'string' && ctorName ? ctorName : 'Error';
  } catch {
    return 'Error';
  }
}

/** One value as text, the way logs and error messages show it. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Error) return `${errorName(value)}: ${String(value.message)}`;
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return `[Function ${value.name || 'anonymous'}]`;
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol') return value.toString();
  if (typeof value === 'number') return String(value);
  try {
    if (value instanceof Map) return `Map(${value.size}) ${logJson([...value]) ?? ''}`;
    if (value instanceof Set) return `Set(${value.size}) ${logJson([...value]) ?? ''}`;
    return logJson(value) ?? String(value);
  } catch {
    return '[unserializable]';
  }
}

/** Node's format specifiers in a first string argument: %s %d %i %f %j %o %O %c %%. */
export function formatArgs(args: readonly unknown[]): string {
  const first = args[0];
  if (typeof first !== 'string' || !first.includes('%')) return args.map(describeValue).join(' ');
  let next = 1;
  const text = first.replace(/%[sdifjoOc%]/g, (spec) => {
    if (spec === '%%') return '%';
    if (next >= args.length) return spec;
    const arg = args[next++];
    switch (spec) {
      case '%d':
      case '%i':
        return typeof arg === 'bigint' ? `${arg}n` : String(spec === '%i' ? Math.trunc(Number(arg)) : Number(arg));
      case '%f':
        return String(Number.parseFloat(String(arg)));
      case '%c':
        return '';
      case '%s':
        return typeof arg === 'string' ? arg : describeValue(arg);
      default:
        return describeValue(arg);
    }
  });
  return [text, ...args.slice(next).map(describeValue)].join(' ');
}

/** A cell of console.table: strings quoted as Node shows them. */
const cell = (value: unknown): string => (typeof value === 'string' ? `'${value}'` : describeValue(value));

function renderTable(data: unknown, columns: unknown, budget: number): string | undefined {
  if (data === null || typeof data !== 'object') return undefined;
  const rows: [string, unknown][] = data instanceof Map ? [...data].map(([k, v], i) => [String(i), { Key: k, Values: v }]) : data instanceof Set ? [...data].map((v, i) => [String(i), v]) : Object.entries(data);
  const keys: string[] = [];
  let primitives = false;
  for (const [, value] of rows) {
    if (value !== null && typeof value === 'object') {
      for (const k of Object.keys(value)) if (!keys.includes(k)) keys.push(k);
    } else primitives = true;
  }
  const shown = Array.isArray(columns) ? columns.map(String) : keys;
  const header = ['(index)', ...shown, ...(primitives ? ['Values'] : [])];
  const body = rows.map(([index, value]) => {
    const isObject = value !== null && typeof value === 'object';
    const record = value as Record<string, unknown>;
    return [index, ...shown.map((k) => (isObject && k in record ? cell(record[k]) : '')), ...(primitives ? [isObject ? '' : cell(value)] : [])];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)) + 2);
  const line = (l: string, m: string, r: string): string => l + widths.map((w) => '─'.repeat(w)).join(m) + r;
  const row = (cells: string[]): string => `│${cells.map((c, i) => ` ${c.padEnd(widths[i]! - 1)}`).join('│')}│`;
  const out = [line('┌', '┬', '┐'), row(header), line('├', '┼', '┤')];
  let size = out.join('\n').length;
  for (const r of body) {
    const text = row(r);
    size += text.length + 1;
    // Stop building once the text cannot fit in what is left of the log budget: the caller trips the limit.
    if (size > budget) return `${out.join('\n')}\n${text}`;
    out.push(text);
  }
  out.push(line('└', '┴', '┘'));
  return out.join('\n');
}

export function makeConsole(sink: ConsoleSink): Readonly<Record<string, unknown>> {
  const { consoleLines, consoleBytes } = sink.limits;
  let indent = '';
  const counts = new Map<string, number>();
  const timers = new Map<string, number>();

  const emit = (level: LogEntry['level'], text: string): void => {
    sink.checkLive();
    const message = indent === '' ? text : text.replace(/^/gm, indent);
    sink.logBytes += byteLength(message);
    if (sink.logs.length + 1 > consoleLines) throw sink.limit('consoleLines', consoleLines);
    if (sink.logBytes > consoleBytes) throw sink.limit('consoleBytes', consoleBytes);
    sink.logs.push({ level, message });
  };
  const label = (value: unknown): string => (value === undefined ? 'default' : String(value));
  const elapsed = (name: string, method: string): string | undefined => {
    const started = timers.get(name);
    if (started === undefined) {
      emit('warn', `Warning: No such label '${name}' for console.${method}()`);
      return undefined;
    }
    return `${name}: ${(sink.now() - started).toFixed(3)}ms`;
  };

  const methods: Record<string, (...args: unknown[]) => void> = {
    log: (...args) => emit('log', formatArgs(args)),
    info: (...args) => emit('info', formatArgs(args)),
    warn: (...args) => emit('warn', formatArgs(args)),
    error: (...args) => emit('error', formatArgs(args)),
    debug: (...args) => emit('debug', formatArgs(args)),
    trace: (...args) => emit('error', `Trace${args.length > 0 ? `: ${formatArgs(args)}` : ''}`),
    dir: (value) => emit('log', describeValue(value)),
    table: (data, columns) => {
      sink.checkLive();
      const text = renderTable(data, columns, Math.max(0, consoleBytes - sink.logBytes));
      emit('log', text ?? formatArgs([data]));
    },
    assert: (condition, ...args) => {
      if (condition) return;
      emit('error', args.length === 0 ? 'Assertion failed' : `Assertion failed: ${formatArgs(args)}`);
    },
    count: (name) => {
      const key = label(name);
      const n = (counts.get(key) ?? 0) + 1;
      counts.set(key, n);
      emit('log', `${key}: ${n}`);
    },
    countReset: (name) => {
      const key = label(name);
      if (counts.has(key)) counts.set(key, 0);
      else emit('warn', `Count for '${key}' does not exist`);
    },
    time: (name) => {
      const key = label(name);
      if (timers.has(key)) emit('warn', `Warning: Label '${key}' already exists for console.time()`);
      else timers.set(key, sink.now());
    },
    timeEnd: (name) => {
      const key = label(name);
      const text = elapsed(key, 'timeEnd');
      timers.delete(key);
      if (text !== undefined) emit('log', text);
    },
    timeLog: (name, ...args) => {
      const text = elapsed(label(name), 'timeLog');
      if (text !== undefined) emit('log', args.length > 0 ? `${text} ${formatArgs(args)}` : text);
    },
    group: (...args) => {
      if (args.length > 0) emit('log', formatArgs(args));
      indent += '  ';
    },
    groupCollapsed: (...args) => {
      if (args.length > 0) emit('log', formatArgs(args));
      indent += '  ';
    },
    groupEnd: () => {
      sink.checkLive();
      indent = indent.slice(0, -2);
    },
  };
  // Plain closures (named by their keys), made for every run: binding each like callTool (so it prints as
  // native code) cost 10 µs per run for 17 methods, and their source says nothing a script could use. A
  // shallow freeze suffices: their prototypes are lockdown's, already frozen.
  return freeze(methods);
}
