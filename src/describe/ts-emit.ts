/**
 * The JSON Schema → TypeScript renderer behind `schemaToTypeScript` and `toolDeclaration`. Built for
 * schemas from upstream servers: every loop is capped, references are resolved only inside the same
 * document, and a character budget keeps the output bounded, with `unknown` standing in for whatever
 * did not fit. Named declarations are emitted lazily (root first, then `$ref` targets in the order they
 * are first met), so the text can be cut at a declaration boundary.
 */
import { SchemaDocument, hasOwn, inferTypes, isSchemaObject, own, refBaseName, stringArray, type SchemaObject } from './schema-walk';
import { singleQuote, tsPropertyKey } from './literal';
import { jsDoc, schemaDoc } from './ts-doc';

export interface EmitOptions {
  maxDepth: number;
  maxChars: number;
  docMaxChars: number;
}

/** Binding strength, so a union inside an array or intersection gets parentheses. */
const enum Prec {
  Union = 0,
  Intersection = 1,
  Atom = 2,
}

interface Rendered {
  text: string;
  prec: Prec;
  /** A bare object literal type, which a declaration can spell as an interface. */
  object?: boolean;
  /** The members of a union, so nested unions flatten and deduplicate. */
  members?: readonly Rendered[];
}

const atom = (text: string): Rendered => ({ text, prec: Prec.Atom });
const UNKNOWN = atom('unknown');
const NEVER = atom('never');
const NULL = atom('null');

export const TRUNCATED_COMMENT = '// … truncated';
const ENUM_MAX = 50;
const TUPLE_MAX = 50;
const KEY_MAX = 200;
const LITERAL_MAX = 200;
const NOTES_MAX = 4;
const COMBINED_INDEX_MAX = 120;

const paren = (r: Rendered, min: Prec): string => (r.prec < min ? `(${r.text})` : r.text);

interface Pending {
  document: SchemaDocument;
  key: string;
  name: string;
  schema: unknown;
  stubChars: number;
}

export class DeclarationEmitter {
  private used = 0;
  private readonly limit: number;
  private readonly names = new Set<string>();
  private readonly declared = new Map<SchemaDocument, Map<string, string>>();
  private readonly queue: Pending[] = [];
  private readonly out: string[] = [];
  private readonly inline = new Set<object>();
  private notes: string[] = [];
  private current: { document: SchemaDocument; key: string } | undefined;
  private truncated = false;

  constructor(
    private readonly options: EmitOptions,
    reserveChars: number,
  ) {
    // Room for the closing braces of a declaration cut short and the truncation comment.
    this.limit = Math.max(0, options.maxChars - reserveChars - 256);
  }

  /** Claims a top-level name so no `$ref` target is given it. */
  claim(base: string): string {
    let name = base;
    for (let i = 2; this.names.has(name); i++) name = `${base}${i}`;
    this.names.add(name);
    return name;
  }

  /** Emits `name` for `schema`, then every declaration its references need. */
  emitRoot(schema: unknown, name: string, doc: string | undefined, fallback?: string): void {
    const document = new SchemaDocument(schema);
    this.declared.set(document, new Map([['#', name]]));
    this.out.push(this.declaration(document, '#', name, schema, doc, fallback));
    while (this.queue.length > 0) {
      const next = this.queue.shift()!;
      if (this.used > this.limit) {
        this.truncated = true;
        this.out.push(`type ${next.name} = unknown;`);
        continue;
      }
      this.used -= next.stubChars;
      this.out.push(this.declaration(next.document, next.key, next.name, next.schema, undefined, undefined));
    }
  }

  /** Adds a line the caller built itself (e.g. a fixed declaration). */
  raw(line: string): void {
    this.used += line.length + 1;
    this.out.push(line);
  }

  lines(): readonly string[] {
    return this.out;
  }

  /** True when anything was left out for lack of room. */
  get cut(): boolean {
    return this.truncated;
  }

  private declaration(document: SchemaDocument, key: string, name: string, schema: unknown, doc: string | undefined, fallback: string | undefined): string {
    this.current = { document, key };
    this.notes = [];
    let body = this.typeOf(document, schema, 0, '', true);
    if (fallback !== undefined && body.text === 'unknown' && !this.hasTypeInfo(schema)) body = atom(fallback);
    const notes = this.notes.slice(0, NOTES_MAX);
    const comment = doc !== undefined ? jsDoc({ description: doc, notes }, this.options.docMaxChars) : schemaDoc(schema, notes, this.options.docMaxChars, false);
    const text = body.object ? `interface ${name} ${body.text}` : `type ${name} = ${body.text};`;
    this.used += name.length + 16 + comment.length;
    return comment ? `${comment}\n${text}` : text;
  }

  private hasTypeInfo(schema: unknown): boolean {
    if (!isSchemaObject(schema)) return false;
    return ['type', 'properties', '$ref', 'anyOf', 'oneOf', 'allOf', 'enum', 'const', 'items', 'additionalProperties', 'patternProperties'].some((k) => schema[k] !== undefined);
  }

  private note(text: string): void {
    if (this.notes.length < NOTES_MAX * 4 && !this.notes.includes(text)) this.notes.push(text);
  }

  private charge(r: Rendered): Rendered {
    this.used += r.text.length;
    return r;
  }

  private typeOf(document: SchemaDocument, schema: unknown, depth: number, indent: string, immediate: boolean): Rendered {
    if (this.used > this.limit) {
      this.truncated = true;
      return UNKNOWN;
    }
    if (schema === false) return NEVER;
    if (!isSchemaObject(schema)) return UNKNOWN;
    if (depth > this.options.maxDepth) {
      this.note(`nested deeper than ${this.options.maxDepth} levels`);
      return UNKNOWN;
    }
    // A schema that contains itself as a plain object (not through $ref) has no finite type.
    if (this.inline.has(schema)) return UNKNOWN;
    this.inline.add(schema);
    try {
      return this.render(document, schema, depth, indent, immediate);
    } finally {
      this.inline.delete(schema);
    }
  }

  private render(document: SchemaDocument, schema: SchemaObject, depth: number, indent: string, immediate: boolean): Rendered {
    const parts: Rendered[] = [];
    if (typeof schema.$ref === 'string') parts.push(this.refType(document, schema.$ref, immediate));
    else if (hasOwn(schema, 'const')) parts.push(this.charge(this.literal(schema.const)));
    else if (Array.isArray(schema.enum)) parts.push(this.enumType(schema.enum));
    else parts.push(this.typeKeyword(document, schema, depth, indent));
    const members = (keyword: string): Rendered[] => {
      const list = schema[keyword];
      if (!Array.isArray(list)) return [];
      return list.slice(0, ENUM_MAX).map((m: unknown) => this.typeOf(document, m, depth + 1, indent, immediate));
    };
    parts.push(...members('allOf'));
    if (Array.isArray(schema.anyOf)) parts.push(this.union(members('anyOf')));
    if (Array.isArray(schema.oneOf)) parts.push(this.union(members('oneOf')));
    const result = this.intersection(parts);
    return schema.nullable === true && result !== UNKNOWN ? this.union([result, NULL]) : result;
  }

  private refType(document: SchemaDocument, ref: string, immediate: boolean): Rendered {
    const target = document.resolve(ref);
    if (!target) {
      this.note(`unresolved $ref ${ref.length > 60 ? `${ref.slice(0, 59)}…` : ref}`);
      return UNKNOWN;
    }
    const current = this.current;
    if (immediate && current && current.document === document && document.reachesImmediately(target.key, current.key)) {
      this.note('recursive $ref');
      return UNKNOWN;
    }
    let byKey = this.declared.get(document);
    if (!byKey) {
      byKey = new Map();
      this.declared.set(document, byKey);
    }
    let name = byKey.get(target.key);
    if (name === undefined) {
      const root = byKey.get('#') ?? '';
      const base = refBaseName(target.segments);
      name = this.claim(base.startsWith(root) ? base : `${root}${base}`);
      byKey.set(target.key, name);
      const stubChars = name.length + 20;
      this.used += stubChars;
      this.queue.push({ document, key: target.key, name, schema: target.target, stubChars });
    }
    return this.charge(atom(name));
  }

  private literal(value: unknown): Rendered {
    if (value === null) return NULL;
    switch (typeof value) {
      case 'string':
        return value.length <= LITERAL_MAX ? atom(singleQuote(value)) : atom('string');
      case 'number':
        return Number.isFinite(value) ? atom(Object.is(value, -0) ? '0' : String(value)) : atom('number');
      case 'boolean':
        return atom(String(value));
      case 'object':
        return atom(Array.isArray(value) ? 'unknown[]' : 'Record<string, unknown>');
      default:
        return UNKNOWN;
    }
  }

  private enumType(values: readonly unknown[]): Rendered {
    const shown: Rendered[] = [];
    const widened = new Set<string>();
    const seen = new Set<string>();
    for (let i = 0; i < values.length; i++) {
      const literal = this.literal(values[i]);
      if (seen.has(literal.text)) continue;
      if (shown.length < ENUM_MAX) {
        seen.add(literal.text);
        shown.push(this.charge(literal));
      } else {
        const value = values[i];
        widened.add(value === null ? 'null' : Array.isArray(value) ? 'unknown[]' : typeof value === 'object' ? 'Record<string, unknown>' : typeof value);
      }
    }
    if (widened.size > 0) {
      this.note(`enum: ${ENUM_MAX} of ${values.length} values shown`);
      for (const type of widened) shown.push(this.charge(['string', 'number', 'boolean', 'null', 'unknown[]', 'Record<string, unknown>'].includes(type) ? atom(type) : UNKNOWN));
    }
    return this.union(shown);
  }

  private typeKeyword(document: SchemaDocument, schema: SchemaObject, depth: number, indent: string): Rendered {
    const types = inferTypes(schema);
    const rendered = (types.length === 1 ? types : [...new Set(types)].slice(0, 8)).map((type): Rendered => {
      switch (type) {
        case 'string':
        case 'number':
        case 'boolean':
        case 'null':
          return this.charge(atom(type));
        case 'integer':
          return this.charge(atom('number'));
        case 'array':
          return this.arrayType(document, schema, depth, indent);
        case 'object':
          return this.objectType(document, schema, depth, indent);
        default:
          return UNKNOWN;
      }
    });
    return rendered.length === 0 ? UNKNOWN : this.union(rendered);
  }

  private arrayType(document: SchemaDocument, schema: SchemaObject, depth: number, indent: string): Rendered {
    const prefix = Array.isArray(schema.prefixItems) ? schema.prefixItems : Array.isArray(schema.items) ? schema.items : undefined;
    if (prefix) {
      // 2020-12 puts the rest in `items`, draft 4–7 in `additionalItems`.
      let rest = Array.isArray(schema.prefixItems) ? schema.items : schema.additionalItems;
      if (prefix.length > TUPLE_MAX) rest = true;
      const minItems = typeof schema.minItems === 'number' ? schema.minItems : 0;
      const elements = prefix.slice(0, TUPLE_MAX).map((item: unknown, i) => {
        const r = this.typeOf(document, item, depth + 1, indent, false);
        return i < minItems ? r.text : `${paren(r, Prec.Atom)}?`;
      });
      if (rest !== false && rest !== undefined && rest !== true && !isSchemaObject(rest)) rest = true;
      if (rest === undefined || rest === true || isSchemaObject(rest)) {
        const item = rest === undefined || rest === true ? UNKNOWN : this.typeOf(document, rest, depth + 1, indent, false);
        elements.push(`...${paren(item, Prec.Atom)}[]`);
      }
      this.used += 2 + elements.length * 2;
      return atom(`[${elements.join(', ')}]`);
    }
    if (schema.items === false) return this.charge(atom('[]'));
    const item = schema.items === undefined ? UNKNOWN : this.typeOf(document, schema.items, depth + 1, indent, false);
    this.used += 2;
    return atom(`${paren(item, Prec.Atom)}[]`);
  }

  private objectType(document: SchemaDocument, schema: SchemaObject, depth: number, indent: string): Rendered {
    const properties = isSchemaObject(schema.properties) ? schema.properties : undefined;
    const required = new Set(stringArray(schema.required));
    const inner = `${indent}  `;
    const members: string[] = [];
    const memberTypes: Rendered[] = [];
    let optional = false;
    let omitted = 0;
    let forceIndex = false;
    const keys = properties ? Object.keys(properties) : [];
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      if (this.used > this.limit) {
        this.truncated = true;
        omitted = keys.length - i;
        forceIndex = true;
        break;
      }
      if (key.length > KEY_MAX) {
        forceIndex = true;
        continue;
      }
      const propSchema = own(properties!, key);
      const before = this.notes;
      this.notes = [];
      const type = this.typeOf(document, propSchema, depth + 1, inner, false);
      const doc = schemaDoc(propSchema, this.notes.slice(0, NOTES_MAX), this.options.docMaxChars);
      this.notes = before;
      const isRequired = required.has(key);
      const line = `${doc ? `${inner}${doc}\n` : ''}${inner}${tsPropertyKey(key)}${isRequired ? '' : '?'}: ${type.text};`;
      this.used += line.length - type.text.length + 1;
      members.push(line);
      memberTypes.push(type);
      if (!isRequired) optional = true;
    }
    const index: Rendered[] = [];
    const additional = schema.additionalProperties;
    if (isSchemaObject(additional)) index.push(this.typeOf(document, additional, depth + 1, inner, false));
    else if (additional === true && !properties) index.push(UNKNOWN);
    if (isSchemaObject(schema.patternProperties)) {
      for (const pattern of Object.keys(schema.patternProperties).slice(0, ENUM_MAX)) {
        index.push(this.typeOf(document, own(schema.patternProperties, pattern), depth + 1, inner, false));
      }
    }
    if (forceIndex) index.push(UNKNOWN);
    if (index.length > 0) {
      let valueType = this.union(index);
      // A property-less open map reads better as the built-in spelling.
      if (memberTypes.length === 0 && omitted === 0 && valueType.text === 'unknown') return this.charge(atom('Record<string, unknown>'));
      // Every declared property must fit the index signature, optional ones with their `undefined`.
      if (memberTypes.length > 0 && valueType.text !== 'unknown') {
        const combined = this.union([valueType, ...memberTypes, ...(optional ? [atom('undefined')] : [])]);
        valueType = combined.text.length > COMBINED_INDEX_MAX || combined.text.includes('\n') ? UNKNOWN : combined;
      }
      const line = `${inner}[key: string]: ${valueType.text};`;
      this.used += line.length + 1;
      members.push(line);
    }
    if (omitted > 0) {
      const line = `${inner}// … ${omitted} more properties`;
      this.used += line.length + 1;
      members.push(line);
    }
    if (members.length === 0) {
      const closed = additional === false && !isSchemaObject(schema.patternProperties);
      return this.charge(atom(closed ? 'Record<string, never>' : 'Record<string, unknown>'));
    }
    this.used += indent.length + 4;
    return { text: `{\n${members.join('\n')}\n${indent}}`, prec: Prec.Atom, object: true };
  }

  private union(members: readonly Rendered[]): Rendered {
    const only = members.length === 1 ? members[0]! : undefined;
    if (only && !only.members) return only.text === 'unknown' ? UNKNOWN : only;
    const kept: Rendered[] = [];
    const seen = new Set<string>();
    for (const m of members.flatMap((r) => r.members ?? [r])) {
      if (m === UNKNOWN || m.text === 'unknown') return UNKNOWN;
      if (m.text === 'never' || seen.has(m.text)) continue;
      seen.add(m.text);
      kept.push(m);
    }
    if (kept.length === 0) return NEVER;
    if (kept.length === 1) return kept[0]!;
    this.used += 3 * (kept.length - 1);
    return { text: kept.map((m) => m.text).join(' | '), prec: Prec.Union, members: kept };
  }

  private intersection(members: readonly Rendered[]): Rendered {
    const kept: Rendered[] = [];
    const seen = new Set<string>();
    for (const m of members) {
      if (m.text === 'never') return NEVER;
      if (m === UNKNOWN || m.text === 'unknown' || seen.has(m.text)) continue;
      seen.add(m.text);
      kept.push(m);
    }
    if (kept.length === 0) return UNKNOWN;
    if (kept.length === 1) return kept[0]!;
    this.used += 3 * (kept.length - 1);
    return { text: kept.map((m) => paren(m, Prec.Intersection)).join(' & '), prec: Prec.Intersection };
  }
}
