/**
 * Single-line JSDoc for emitted declarations: the schema's description plus the constraints a caller
 * needs to pick a valid value (default, format, range, length, pattern), since none of those survive
 * into the TypeScript type itself.
 */
import { finiteNumber, isSchemaObject, type SchemaObject } from './schema-walk';
import { shortJson } from './literal';

const HINT_VALUE_MAX = 60;

function range(low: string | undefined, high: string | undefined, label = ''): string | undefined {
  if (low !== undefined && high !== undefined) return `${label}${low}..${high}`;
  if (low !== undefined) return `${label}${low}`;
  if (high !== undefined) return `${label}${high}`;
  return undefined;
}

function bound(schema: SchemaObject, inclusive: 'minimum' | 'maximum', exclusive: 'exclusiveMinimum' | 'exclusiveMaximum'): string | undefined {
  const op = inclusive === 'minimum' ? '>' : '<';
  const excl = schema[exclusive];
  const incl = finiteNumber(schema[inclusive]);
  // Draft 4 spells exclusivity as a boolean next to minimum/maximum.
  if (typeof excl === 'number' && Number.isFinite(excl)) return `${op} ${excl}`;
  if (incl === undefined) return undefined;
  return excl === true ? `${op} ${incl}` : `${op}= ${incl}`;
}

function numericRange(schema: SchemaObject): string | undefined {
  const min = finiteNumber(schema.minimum);
  const max = finiteNumber(schema.maximum);
  const plain = schema.exclusiveMinimum === undefined && schema.exclusiveMaximum === undefined;
  if (plain && min !== undefined && max !== undefined) return `${min}..${max}`;
  const parts = [bound(schema, 'minimum', 'exclusiveMinimum'), bound(schema, 'maximum', 'exclusiveMaximum')].filter((p) => p !== undefined);
  return parts.length > 0 ? parts.join(', ') : undefined;
}

function sizeRange(schema: SchemaObject, minKey: string, maxKey: string, label: string): string | undefined {
  const min = finiteNumber(schema[minKey]);
  const max = finiteNumber(schema[maxKey]);
  if (min !== undefined && max === undefined) return `${label}>= ${min}`;
  if (max !== undefined && min === undefined) return `${label}<= ${max}`;
  return range(min === undefined ? undefined : String(min), max === undefined ? undefined : String(max), label);
}

/** Whether a description already states a number ("1-500" mentions 1 and 500, "100" does not mention 1). */
function mentionsNumber(description: string, n: number): boolean {
  const text = String(n);
  const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
  for (let at = description.indexOf(text); at >= 0; at = description.indexOf(text, at + 1)) {
    const before = description[at - 1];
    const after = description[at + text.length];
    if (!isDigit(before) && before !== '.' && !isDigit(after)) return true;
  }
  return false;
}

/** The constraint hints of one schema, short enough to sit after a description. */
export function schemaHints(schema: SchemaObject, description: string): string[] {
  const hints: string[] = [];
  if (schema.default !== undefined) {
    const value = shortJson(schema.default, HINT_VALUE_MAX);
    const plain = typeof schema.default === 'string' ? schema.default : value;
    // Descriptions often say "(default 50)" already; repeating it is noise.
    const said = plain !== undefined && /default/i.test(description) && description.includes(plain);
    if (value !== undefined && !said) hints.push(`default ${value}`);
  }
  if (typeof schema.format === 'string' && schema.format.length <= HINT_VALUE_MAX) hints.push(`format: ${schema.format}`);
  const numbers = numericRange(schema);
  const mentioned = (n: unknown) => typeof n === 'number' && mentionsNumber(description, n);
  if (numbers !== undefined && !(mentioned(schema.minimum) && mentioned(schema.maximum))) hints.push(numbers);
  const length = sizeRange(schema, 'minLength', 'maxLength', 'length ');
  if (length !== undefined) hints.push(length);
  const items = sizeRange(schema, 'minItems', 'maxItems', 'items ');
  if (items !== undefined) hints.push(items);
  if (typeof schema.pattern === 'string' && schema.pattern.length <= HINT_VALUE_MAX) hints.push(`pattern: ${schema.pattern}`);
  return hints;
}

/** Collapses whitespace and cuts to `max` characters, reading only as much of a huge string as needed. */
export function oneLine(text: string, max: number): string {
  const cut = text.slice(0, max * 2 + 16);
  // Most descriptions are already one line with single spaces; skip the rewrite for them.
  const flat = (/[^\S ]| {2}/.test(cut) ? cut.replace(/\s+/g, ' ') : cut).trim();
  return flat.length <= max ? flat : `${flat.slice(0, Math.max(0, max - 1)).trimEnd()}…`;
}

/**
 * `/** … *\/` on one line, or '' when there is nothing to say. `*\/` inside the text would end the
 * comment early, so it is broken up.
 */
export function jsDoc(parts: { description?: string; hints?: readonly string[]; notes?: readonly string[]; deprecated?: boolean }, maxChars: number): string {
  if (maxChars <= 0) return '';
  const extras = [...(parts.hints ?? []), ...(parts.notes ?? [])].join(', ');
  const suffixLength = extras ? extras.length + 4 : 0;
  let description = parts.description ? oneLine(parts.description, maxChars) : '';
  if (description && description.length + suffixLength > maxChars) description = oneLine(description, Math.max(0, maxChars - suffixLength));
  let text: string;
  if (description && extras) text = `${description.replace(/\.$/, '')} (${extras}).`;
  else text = description || extras;
  if (parts.deprecated) text = text ? `@deprecated ${text}` : '@deprecated';
  text = oneLine(text, maxChars + (parts.deprecated ? 12 : 0)).replace(/\*\//g, '*\\/');
  return text ? `/** ${text} */` : '';
}

/** The documentation of one property or declaration. */
export function schemaDoc(schema: unknown, notes: readonly string[], maxChars: number, withHints = true): string {
  if (!isSchemaObject(schema)) return jsDoc({ notes }, maxChars);
  const description = typeof schema.description === 'string' ? schema.description : typeof schema.title === 'string' ? schema.title : '';
  const hints = withHints ? schemaHints(schema, description) : [];
  return jsDoc({ description, hints, notes, deprecated: schema.deprecated === true }, maxChars);
}
