/**
 * One plausible value for a schema, as JavaScript source. The order of preference mirrors how much each
 * source knows: the schema's own examples and defaults, then its format, then what the property name
 * suggests, then the bare type. Bounded in depth and size, and `$ref` cycles end in an empty value.
 */
import { jsLiteral, jsPropertyKey, singleQuote } from './literal';
import { finiteNumber, hasOwn, inferTypes, isSchemaObject, own, stringArray, type SchemaDocument, type SchemaObject } from './schema-walk';
import { wordsAsWritten } from '../search';

const MAX_DEPTH = 5;
const MAX_NESTED_KEYS = 8;

const FORMATS: Readonly<Record<string, string>> = {
  email: 'user@example.com',
  'idn-email': 'user@example.com',
  date: '2024-01-31',
  'date-time': '2024-01-31T12:00:00Z',
  time: '12:00:00Z',
  uri: 'https://example.com',
  url: 'https://example.com',
  iri: 'https://example.com',
  'uri-reference': 'https://example.com',
  uuid: '123e4567-e89b-42d3-a456-426614174000',
  ipv4: '192.0.2.1',
  ipv6: '2001:db8::1',
  hostname: 'example.com',
  'idn-hostname': 'example.com',
};

type Hint = { text: string } | { number: number };

/** What a property's name suggests, from its lower-case words (`user_id` → user, id). */
function nameHint(name: string, numeric: boolean): Hint | undefined {
  const words = wordsAsWritten(name);
  const last = words[words.length - 1];
  if (last === undefined) return undefined;
  const has = (...w: string[]) => w.some((x) => words.includes(x));
  if (last === 'id' || last === 'ids' || last === 'uuid') {
    if (numeric) return { number: 1 };
    const entity = words.slice(0, -1).join('_');
    return { text: `${entity || 'id'}_123` };
  }
  if (numeric) {
    if (has('limit', 'count', 'size', 'top', 'per', 'max', 'num', 'amount', 'quantity')) return { number: 10 };
    if (has('offset', 'skip', 'start')) return { number: 0 };
    if (has('page')) return { number: 1 };
    if (has('year')) return { number: 2024 };
    if (has('lat', 'latitude')) return { number: 52.52 };
    if (has('lon', 'lng', 'longitude')) return { number: 13.405 };
    return undefined;
  }
  if (has('email')) return { text: 'user@example.com' };
  if (has('url', 'uri', 'link', 'website', 'endpoint')) return { text: 'https://example.com' };
  if (has('query', 'q', 'search', 'keyword', 'keywords', 'term')) return { text: 'example' };
  if (has('phone')) return { text: '+15555550100' };
  if (has('country')) return { text: 'US' };
  if (has('currency')) return { text: 'USD' };
  if (has('lang', 'language', 'locale')) return { text: 'en' };
  if (has('date')) return { text: '2024-01-31' };
  if (has('domain', 'hostname', 'host')) return { text: 'example.com' };
  if (has('symbol', 'ticker')) return { text: 'AAPL' };
  if (has('city')) return { text: 'Berlin' };
  if (has('username', 'user', 'login')) return { text: 'alice' };
  if (has('name', 'title')) return { text: 'Example' };
  return undefined;
}

/** A number inside the schema's bounds, starting from `preferred`. */
function numberIn(schema: SchemaObject, preferred: number, integer: boolean): string {
  let low = finiteNumber(schema.minimum);
  let high = finiteNumber(schema.maximum);
  const step = integer ? 1 : 0.5;
  const exMin = schema.exclusiveMinimum;
  const exMax = schema.exclusiveMaximum;
  // Draft 4 marks exclusivity with a boolean; later drafts give the bound itself.
  if (typeof exMin === 'number' && Number.isFinite(exMin)) low = Math.max(low ?? -Infinity, exMin + step);
  else if (exMin === true && low !== undefined) low += step;
  if (typeof exMax === 'number' && Number.isFinite(exMax)) high = Math.min(high ?? Infinity, exMax - step);
  else if (exMax === true && high !== undefined) high -= step;
  let value = preferred;
  if (low !== undefined && value < low) value = low;
  if (high !== undefined && value > high) value = high;
  const multiple = finiteNumber(schema.multipleOf);
  if (multiple !== undefined && multiple > 0) value = Math.ceil(value / multiple) * multiple;
  if (integer) value = high !== undefined && Math.ceil(value) > high ? Math.floor(value) : Math.ceil(value);
  return Number.isFinite(value) ? String(Object.is(value, -0) ? 0 : Number(value.toPrecision(12))) : '0';
}

function stringSample(schema: SchemaObject, name: string): string {
  const format = typeof schema.format === 'string' ? FORMATS[schema.format] : undefined;
  if (format !== undefined) return singleQuote(format);
  const hint = nameHint(name, false);
  let text = hint && 'text' in hint ? hint.text : 'text';
  const min = finiteNumber(schema.minLength);
  const max = finiteNumber(schema.maxLength);
  if (min !== undefined && text.length < min) text = text.padEnd(Math.min(min, 64), 'x');
  if (max !== undefined && text.length > max) text = text.slice(0, Math.max(0, max));
  return singleQuote(text);
}

/** The schema's own example value, if it offers one that renders small. */
function declaredValue(schema: SchemaObject): string | undefined {
  const candidates: unknown[] = [];
  if (Array.isArray(schema.examples) && schema.examples.length > 0) candidates.push(schema.examples[0]);
  if (hasOwn(schema, 'example')) candidates.push(schema.example);
  if (hasOwn(schema, 'default')) candidates.push(schema.default);
  if (hasOwn(schema, 'const')) candidates.push(schema.const);
  if (Array.isArray(schema.enum) && schema.enum.length > 0) candidates.push(schema.enum[0]);
  for (const value of candidates) {
    if (value === undefined) continue;
    const text = jsLiteral(value);
    if (text !== undefined) return text;
  }
  return undefined;
}

class Sampler {
  private readonly refs: string[] = [];

  constructor(private readonly document: SchemaDocument) {}

  value(schema: unknown, name: string, depth: number): string {
    if (!isSchemaObject(schema) || depth > MAX_DEPTH) return this.untyped(name);
    if (typeof schema.$ref === 'string') {
      const target = this.document.resolve(schema.$ref);
      if (!target) return this.untyped(name);
      // A recursive reference (a tree node's children) ends in the emptiest value of its type.
      if (this.refs.includes(target.key) || this.refs.length > 16) return this.empty(target.target);
      this.refs.push(target.key);
      try {
        return this.value(target.target, name, depth + 1);
      } finally {
        this.refs.pop();
      }
    }
    const declared = declaredValue(schema);
    if (declared !== undefined) return declared;
    if (Array.isArray(schema.allOf) && inferTypes(schema).length === 0) return this.merged(schema, name, depth);
    const alternative = this.firstAlternative(schema);
    if (alternative !== undefined) return this.value(alternative, name, depth + 1);
    for (const keyword of ['anyOf', 'oneOf']) {
      const members = schema[keyword];
      if (Array.isArray(members) && inferTypes(schema).length === 0) {
        const pick = members.find((m: unknown) => !(isSchemaObject(m) && m.type === 'null')) ?? members[0];
        if (pick !== undefined) return this.value(pick, name, depth + 1);
      }
    }
    const type = inferTypes(schema).find((t) => t !== 'null') ?? (inferTypes(schema).includes('null') ? 'null' : undefined);
    switch (type) {
      case 'string':
        return stringSample(schema, name);
      case 'integer':
      case 'number': {
        const hint = nameHint(name, true);
        return numberIn(schema, hint && 'number' in hint ? hint.number : 1, type === 'integer');
      }
      case 'boolean':
        return 'true';
      case 'null':
        return 'null';
      case 'array':
        return this.array(schema, name, depth);
      case 'object':
        return this.object(schema, depth);
      default:
        return this.untyped(name);
    }
  }

  /**
   * An object whose alternatives say what it requires (`type: object, oneOf: [{ required: [a] }, …]`), as
   * the object merged with its first alternative; undefined for any other schema.
   */
  private firstAlternative(schema: SchemaObject): SchemaObject | undefined {
    if (!inferTypes(schema).includes('object') || stringArray(schema.required).length > 0) return undefined;
    const members = Array.isArray(schema.oneOf) ? schema.oneOf : Array.isArray(schema.anyOf) ? schema.anyOf : undefined;
    const first: unknown = members?.[0];
    if (!isSchemaObject(first) || first.$ref !== undefined || stringArray(first.required).length === 0) return undefined;
    const { oneOf: _oneOf, anyOf: _anyOf, ...rest } = schema;
    const properties = { ...(isSchemaObject(schema.properties) ? schema.properties : {}), ...(isSchemaObject(first.properties) ? first.properties : {}) };
    return { ...rest, properties, required: stringArray(first.required) };
  }

  private untyped(name: string): string {
    const hint = nameHint(name, false) ?? nameHint(name, true);
    if (hint === undefined) return `'text'`;
    return 'text' in hint ? singleQuote(hint.text) : String(hint.number);
  }

  private empty(schema: unknown): string {
    const type = isSchemaObject(schema) ? inferTypes(schema)[0] : undefined;
    return type === 'array' ? '[]' : type === 'object' ? '{}' : 'null';
  }

  private array(schema: SchemaObject, name: string, depth: number): string {
    const prefix = Array.isArray(schema.prefixItems) ? schema.prefixItems : Array.isArray(schema.items) ? schema.items : undefined;
    if (prefix) return `[${prefix.slice(0, MAX_NESTED_KEYS).map((item: unknown) => this.value(item, name, depth + 1)).join(', ')}]`;
    if (!isSchemaObject(schema.items)) return '[]';
    // The item of `tags` is a tag: singular names give better hints.
    const itemName = name.endsWith('s') ? name.slice(0, -1) : name;
    return `[${this.value(schema.items, itemName, depth + 1)}]`;
  }

  private object(schema: SchemaObject, depth: number): string {
    const properties = isSchemaObject(schema.properties) ? schema.properties : {};
    const keys = stringArray(schema.required).slice(0, MAX_NESTED_KEYS);
    if (keys.length === 0) return '{}';
    return `{ ${keys.map((key) => `${jsPropertyKey(key)}: ${this.value(own(properties, key), key, depth + 1)}`).join(', ')} }`;
  }

  private merged(schema: SchemaObject, name: string, depth: number): string {
    // No prototype, so a property called `__proto__` is stored rather than re-parenting the object.
    const properties = Object.create(null) as SchemaObject;
    const required: string[] = [];
    for (const member of (schema.allOf as unknown[]).slice(0, 20)) {
      let part = member;
      if (isSchemaObject(part) && typeof part.$ref === 'string') part = this.document.resolve(part.$ref)?.target;
      if (!isSchemaObject(part)) continue;
      if (!inferTypes(part).includes('object')) return this.value(part, name, depth + 1);
      if (isSchemaObject(part.properties)) for (const key of Object.keys(part.properties)) properties[key] = own(part.properties, key);
      required.push(...stringArray(part.required));
    }
    return this.object({ type: 'object', properties, required: [...new Set(required)] }, depth);
  }
}

/** A JavaScript literal for a value of `schema`, for the property `name` (its hints) of `document`. */
export function sampleValue(document: SchemaDocument, schema: unknown, name: string): string {
  return new Sampler(document).value(schema, name, 0);
}
