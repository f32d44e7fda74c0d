/**
 * Bindings captured before SES or any guest code runs. The bridge uses these, never globals a script
 * could have influenced. FERAL_ marks host-realm objects that are powerful: they are endowed on purpose
 * (a working clock and random source) and nothing else.
 */
export const FERAL_DATE = Date;
export const FERAL_MATH = Math;
export const { freeze, getPrototypeOf } = Object;
const { stringify, parse } = JSON;
export const jsonStringify = (value: unknown): string | undefined => stringify(value);
export const jsonParse = (text: string): unknown => parse(text);
export const byteLength = (text: string): number => Buffer.byteLength(text, 'utf8');
