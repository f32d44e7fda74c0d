/**
 * Typed readers for handler arguments plus the list/paginate/filter plumbing every list tool shares.
 * Arguments arrive validated, so the readers only narrow `unknown`; they still fail loudly (as
 * INVALID_ARGUMENT) if a caller bypasses validation, rather than letting a wrong type leak into the store.
 */
import { ToolFailure } from '../../src';
import { DAY_MS, clone } from './store';
import type { DemoStore } from './model';
import { DEFAULT_LIMIT, MAX_LIMIT } from './schema-helpers';

export type Args = Record<string, unknown>;

function invalid(key: string, expected: string): never {
  throw new ToolFailure('INVALID_ARGUMENT', `argument '${key}' must be ${expected}`);
}

export function optString(args: Args, key: string): string | undefined {
  const value = args[key];
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : invalid(key, 'a string');
}

export function reqString(args: Args, key: string): string {
  return optString(args, key) ?? invalid(key, 'a string (required)');
}

/** For fields where `null` means "clear it" and absence means "leave it". */
export function optNullableString(args: Args, key: string): string | null | undefined {
  return args[key] === null ? null : optString(args, key);
}

export function optNumber(args: Args, key: string): number | undefined {
  const value = args[key];
  if (value === undefined) return undefined;
  return typeof value === 'number' && Number.isFinite(value) ? value : invalid(key, 'a number');
}

export function reqNumber(args: Args, key: string): number {
  return optNumber(args, key) ?? invalid(key, 'a number (required)');
}

export function optBool(args: Args, key: string): boolean | undefined {
  const value = args[key];
  if (value === undefined) return undefined;
  return typeof value === 'boolean' ? value : invalid(key, 'a boolean');
}

export function optEnum<T extends string>(args: Args, key: string, values: readonly T[]): T | undefined {
  const value = optString(args, key);
  if (value === undefined) return undefined;
  const match = values.find((v) => v === value);
  return match ?? invalid(key, `one of ${values.join(', ')}`);
}

export function reqEnum<T extends string>(args: Args, key: string, values: readonly T[]): T {
  return optEnum(args, key, values) ?? invalid(key, `one of ${values.join(', ')} (required)`);
}

export function optStringArray(args: Args, key: string): string[] | undefined {
  const value = args[key];
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) return invalid(key, 'an array of strings');
  return value.map((v: unknown) => (typeof v === 'string' ? v : invalid(key, 'an array of strings')));
}

export function optObject(args: Args, key: string): Record<string, unknown> | undefined {
  const value = args[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return invalid(key, 'an object');
  return { ...value };
}

export interface Page<T> {
  items: T[];
  total: number;
  nextOffset: number | null;
}

/** Applies `limit`/`offset` and clones the page so results never alias the store. */
export function paginate<T>(all: readonly T[], args: Args): Page<T> {
  const limit = Math.min(MAX_LIMIT, Math.max(1, Math.floor(optNumber(args, 'limit') ?? DEFAULT_LIMIT)));
  const offset = Math.max(0, Math.floor(optNumber(args, 'offset') ?? 0));
  const items = all.slice(offset, offset + limit).map((item) => clone(item));
  return { items, total: all.length, nextOffset: offset + limit < all.length ? offset + limit : null };
}

/** Inclusive lower / exclusive upper bound check on ISO timestamps; absent bounds are open. */
export function within(value: string | null, after: string | undefined, before: string | undefined): boolean {
  if (after === undefined && before === undefined) return true;
  if (value === null) return false;
  const ms = Date.parse(value);
  if (after !== undefined && ms < Date.parse(after)) return false;
  if (before !== undefined && ms >= Date.parse(before)) return false;
  return true;
}

/** Sorts a copy by a string or number field; ties keep their original (id) order. */
export function sortByField<T>(items: readonly T[], field: keyof T, order: 'asc' | 'desc'): T[] {
  const factor = order === 'asc' ? 1 : -1;
  return [...items].sort((a, b) => {
    const x = a[field];
    const y = b[field];
    if (x === y) return 0;
    if (x === null || x === undefined) return 1;
    if (y === null || y === undefined) return -1;
    return (x < y ? -1 : 1) * factor;
  });
}

/** Epoch ms `days` days before the store's clock. */
export function daysAgo(store: DemoStore, days: number): number {
  return store.now() - days * DAY_MS;
}

export function lower(value: string): string {
  return value.toLocaleLowerCase('en-US');
}

export function matchesQuery(query: string, ...fields: ReadonlyArray<string | null>): boolean {
  const q = lower(query.trim());
  return fields.some((f) => f !== null && lower(f).includes(q));
}

export function sum(values: readonly number[]): number {
  return values.reduce((total, v) => total + v, 0);
}

export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
