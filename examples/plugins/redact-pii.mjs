/**
 * Response plugin: replaces email addresses and phone numbers in every string of a tool's result.
 * options: { email?: boolean = true, phone?: boolean = true, emailMask?: string, phoneMask?: string }
 */
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
// E.164 and common national forms: +49 30 1234567, (555) 123-4567, 555-123-4567.
const PHONE = /(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)[\s.-]?)?\d{2,4}(?:[\s.-]?\d{2,4}){1,3}\b/g;
const MIN_PHONE_DIGITS = 7;

export default async function redactPii({ result, options }) {
  const email = options.email !== false;
  const phone = options.phone !== false;
  let changed = 0;
  const clean = (text) =>
    (phone ? (email ? text.replace(EMAIL, () => (changed++, options.emailMask ?? '[email]')) : text).replace(PHONE, (m) => (m.replace(/\D/g, '').length >= MIN_PHONE_DIGITS ? (changed++, options.phoneMask ?? '[phone]') : m)) : email ? text.replace(EMAIL, () => (changed++, options.emailMask ?? '[email]')) : text);
  const walk = (value, depth) => {
    if (typeof value === 'string') return clean(value);
    if (depth > 64 || value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((v) => walk(v, depth + 1));
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, depth + 1)]));
  };
  const redacted = walk(result, 0);
  return changed > 0 ? { result: redacted } : {};
}
