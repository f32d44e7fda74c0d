/**
 * Type text for the declaration emitter: literals, enums, arrays and tuples, unions, intersections and
 * object bodies, with their character cost counted as they are built. What a type refers to (`$ref`,
 * properties, the budget) is the emitter's business (ts-emit.ts); this part only spells types.
 */
import { inferTypes, isSchemaObject, type SchemaDocument, type SchemaObject } from './schema-walk';
import { singleQuote, tsPropertyKey } from './literal';
import type { EmitPlan } from './ts-plan';

/** Binding strength, so a union inside an array or intersection gets parentheses. */
export const enum Prec {
  Union = 0,
  Intersection = 1,
  Atom = 2,
}

export interface Rendered {
  text: string;
  prec: Prec;
  /** A bare object literal type, which a declaration can spell as an interface. */
  object?: boolean;
  /** The members of a union, so nested unions flatten and deduplicate. */
  members?: readonly Rendered[];
}

export const atom = (text: string): Rendered => ({ text, prec: Prec.Atom });
export const UNKNOWN = atom('unknown');
const NEVER = atom('never');
const NULL = atom('null');

/** Members of any list rendered at all (tuples, unions, enums), whatever the plan. */
const LIST_MAX = 50;
const LITERAL_MAX = 200;
const COMBINED_INDEX_MAX = 120;
const WIDENED = new Set(['string', 'number', 'boolean', 'null', 'unknown[]', 'Record<string, unknown>']);

const paren = (r: Rendered, min: Prec): string => (r.prec < min ? `(${r.text})` : r.text);

/** `… 3 more` after a type whose list was cut; left off `unknown`, which must stay recognisable. */
export function withMore(r: Rendered, more: number): Rendered {
  if (more <= 0 || r.text === 'unknown') return r;
  return { text: `${r.text} /* … ${more} more */`, prec: r.prec };
}

export abstract class TypeText {
  protected used = 0;

  constructor(protected readonly plan: EmitPlan) {}

  protected abstract typeOf(document: SchemaDocument, schema: unknown, depth: number, indent: string, immediate: boolean): Rendered;
  protected abstract objectType(document: SchemaDocument, schema: SchemaObject, depth: number, indent: string): Rendered;
  protected abstract note(text: string): void;
  /** Records that something was left out to fit. */
  protected abstract leaveOut(): void;

  /** `r` with a `… N more` comment when its list was cut, charged. */
  protected withMore(r: Rendered, more: number): Rendered {
    const out = withMore(r, more);
    this.used += out.text.length - r.text.length;
    return out;
  }

  protected charge(r: Rendered): Rendered {
    this.used += r.text.length;
    return r;
  }

  /** Renders up to `max` items of a list (all up to LIST_MAX when no max), and how many were left. */
  protected members(list: readonly unknown[], max: number | undefined, render: (item: unknown) => Rendered): { shown: Rendered[]; more: number } {
    const limit = Math.min(LIST_MAX, max ?? LIST_MAX);
    const more = Math.max(0, list.length - limit);
    if (more > 0 && max !== undefined && max < LIST_MAX) this.leaveOut();
    return { shown: list.slice(0, limit).map(render), more };
  }

  protected literal(value: unknown): Rendered {
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

  /** Literals up to the plan's enumMax; past that the base types of the rest stand in for them. */
  protected enumType(values: readonly unknown[]): Rendered {
    const shown: Rendered[] = [];
    const widened = new Set<string>();
    const seen = new Set<string>();
    let more = 0;
    for (const value of values) {
      const literal = this.literal(value);
      if (seen.has(literal.text)) continue;
      seen.add(literal.text);
      if (shown.length < this.plan.enumMax) {
        shown.push(this.charge(literal));
        continue;
      }
      more++;
      widened.add(value === null ? 'null' : Array.isArray(value) ? 'unknown[]' : typeof value === 'object' ? 'Record<string, unknown>' : typeof value);
    }
    if (more > 0) {
      this.leaveOut();
      for (const type of widened) shown.push(this.charge(WIDENED.has(type) ? atom(type) : UNKNOWN));
    }
    return this.withMore(this.union(shown), more);
  }

  protected typeKeyword(document: SchemaDocument, schema: SchemaObject, depth: number, indent: string): Rendered {
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
      if (prefix.length > LIST_MAX) rest = true;
      const minItems = typeof schema.minItems === 'number' ? schema.minItems : 0;
      const elements = prefix.slice(0, LIST_MAX).map((item: unknown, i) => {
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

  /** One property line, with its JSDoc above it. */
  protected memberLine(doc: string, inner: string, key: string, isRequired: boolean, type: Rendered): string {
    const line = `${doc ? `${inner}${doc}\n` : ''}${inner}${tsPropertyKey(key)}${isRequired ? '' : '?'}: ${type.text};`;
    this.used += line.length - type.text.length + 1;
    return line;
  }

  /** The braces around property lines, with the index signature every member must fit. */
  protected objectBody(members: string[], memberTypes: readonly Rendered[], index: readonly Rendered[], optional: boolean, omitted: number, indent: string, closed: boolean): Rendered {
    const inner = `${indent}  `;
    if (index.length > 0) {
      let valueType = this.union(index);
      // A property-less open map reads better as the built-in spelling.
      if (memberTypes.length === 0 && omitted === 0 && valueType.text === 'unknown') return this.charge(atom('Record<string, unknown>'));
      // Every declared property must fit the index signature, optional ones with their `undefined`.
      if (memberTypes.length > 0 && valueType.text !== 'unknown') {
        const combined = this.union([valueType, ...memberTypes, ...(optional ? [atom('undefined')] : [])]);
        valueType = combined.text.length > COMBINED_INDEX_MAX || combined.text.includes('\n') || combined.text.includes('/*') ? UNKNOWN : combined;
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
    if (members.length === 0) return this.charge(atom(closed ? 'Record<string, never>' : 'Record<string, unknown>'));
    this.used += indent.length + 4;
    return { text: `{\n${members.join('\n')}\n${indent}}`, prec: Prec.Atom, object: true };
  }

  protected union(members: readonly Rendered[]): Rendered {
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

  protected intersection(members: readonly Rendered[]): Rendered {
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
