/**
 * Bindings captured before SES or any guest code runs. The bridge uses these, never globals a script
 * could have influenced. (The pre-lockdown Date and Math are not exported: lockdown replaces the globals
 * with frozen versions, and only those may be endowed.)
 */
/** The clock the bridge reads; captured so no script can replace it even before Date is hardened. */
export const dateNow: () => number = Date.now.bind(Date);
export const { freeze, getPrototypeOf } = Object;
const { stringify, parse } = JSON;
export const jsonStringify = (value: unknown): string | undefined => stringify(value);
/** JSON for logs: BigInt as `12n` and NaN/Infinity as themselves instead of errors and null. */
export const logJson = (value: unknown): string | undefined =>
  stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${v}n` : typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
export const jsonParse = (text: string): unknown => parse(text);
export const byteLength = (text: string): number => Buffer.byteLength(text, 'utf8');
