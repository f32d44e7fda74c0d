/**
 * The JSON Schema → TypeScript renderer behind `schemaToTypeScript` and the tool declarations. Built for
 * schemas from upstream servers: every loop is capped and references are resolved only inside the same
 * document. One emitter is one attempt at one plan (ts-plan.ts): it either fits its character budget or
 * gives up with `OverBudget`, except the last attempt, which cuts hard (`unknown` for what did not fit).
 * Named declarations are emitted lazily (roots first, then `$ref` targets in the order they are met).
 */
import { SchemaDocument, hasOwn, isSchemaObject, own, refBaseName, stringArray, type SchemaObject } from './schema-walk';
import { jsDoc, schemaDoc } from './ts-doc';
import { resultPropertiesAt, type EmitPlan, type Side } from './ts-plan';
import { definitionIdentity, type TypeRegistry } from './ts-shared';
import { TypeText, UNKNOWN, atom, type Rendered } from './ts-types';

export const TRUNCATED_COMMENT = '// … truncated';
const NOTES_MAX = 4;

/** Thrown when an attempt passes its budget; the caller tries the next plan. */
export class OverBudget extends Error {}

export interface EmitterSetup {
  plan: EmitPlan;
  /** Characters this attempt may write. */
  limit: number;
  /** The last attempt: cut what does not fit instead of giving up. */
  hardCut: boolean;
  registry: TypeRegistry;
  /** Prefix of shared definition names (`Github` → `GithubSimpleUser`). */
  prefix: string;
}

/** One declaration written by an attempt. */
export interface Declaration {
  name: string;
  text: string;
  /** Set for shared definitions: the registry identity, and whether parts were left out. */
  shared?: { identity: string; reduced: boolean };
}

interface Pending {
  document: SchemaDocument;
  key: string;
  name: string;
  schema: unknown;
  side: Side;
  level: number;
  identity: string | undefined;
  stubChars: number;
}

export class DeclarationEmitter extends TypeText {
  private readonly declared = new Map<SchemaDocument, Map<string, string>>();
  private readonly queue: Pending[] = [];
  private readonly pendingByName = new Map<string, Pending>();
  private readonly inline = new Set<object>();
  private notes: string[] = [];
  private current: { document: SchemaDocument; key: string } | undefined;
  private side: Side = 'args';
  private level = 0;
  private truncated = false;
  /** Something was left out of the declaration being rendered. */
  private reducedNow = false;
  /** Something was left out anywhere in this attempt. */
  private shortened = false;

  constructor(private readonly setup: EmitterSetup) {
    super(setup.plan);
  }

  get cut(): boolean {
    return this.truncated;
  }

  get leftOut(): boolean {
    return this.shortened || this.truncated;
  }

  /** Renders `name` for a root schema; its `$ref` targets wait in the queue for `drain`. */
  emitRoot(schema: unknown, name: string, side: Side, doc: string | undefined, fallback?: string): string {
    const document = new SchemaDocument(schema);
    this.declared.set(document, new Map([['#', name]]));
    return this.declaration(document, '#', name, schema, side, 0, doc, fallback);
  }

  /** Renders every queued `$ref` target, nearest first. */
  drain(): Declaration[] {
    const out: Declaration[] = [];
    while (this.queue.length > 0) {
      const next = this.queue.shift()!;
      this.pendingByName.delete(next.name);
      if (this.overBudget()) {
        this.truncated = true;
        out.push(this.finished(next, `type ${next.name} = unknown;`, true));
        continue;
      }
      this.used -= next.stubChars;
      this.reducedNow = false;
      const text = this.declaration(next.document, next.key, next.name, next.schema, next.side, next.level, undefined, undefined);
      out.push(this.finished(next, text, this.reducedNow));
    }
    return out;
  }

  private finished(next: Pending, text: string, reduced: boolean): Declaration {
    if (next.identity === undefined) return { name: next.name, text };
    this.setup.registry.shared.set(next.identity, { name: next.name, reduced });
    return { name: next.name, text, shared: { identity: next.identity, reduced } };
  }

  private overBudget(): boolean {
    if (this.used <= this.setup.limit) return false;
    if (!this.setup.hardCut) throw new OverBudget();
    return true;
  }

  private docChars(side: Side): number {
    return side === 'args' ? this.plan.argsDocChars : this.plan.resultDocChars;
  }

  private declaration(document: SchemaDocument, key: string, name: string, schema: unknown, side: Side, level: number, doc: string | undefined, fallback: string | undefined): string {
    this.current = { document, key };
    this.side = side;
    this.level = level;
    this.notes = [];
    let body = this.typeOf(document, schema, 0, '', true);
    if (fallback !== undefined && body.text === 'unknown' && !hasTypeInfo(schema)) body = atom(fallback);
    const notes = this.notes.slice(0, NOTES_MAX);
    const comment = doc !== undefined ? jsDoc({ description: doc, notes }, this.plan.toolDocChars) : schemaDoc(schema, notes, this.docChars(side), false);
    const text = body.object ? `interface ${name} ${body.text}` : `type ${name} = ${body.text};`;
    this.used += name.length + 16 + comment.length;
    return comment ? `${comment}\n${text}` : text;
  }

  protected override note(text: string): void {
    if (this.notes.length < NOTES_MAX * 4 && !this.notes.includes(text)) this.notes.push(text);
  }

  protected override leaveOut(): void {
    this.reducedNow = this.shortened = true;
  }

  protected override typeOf(document: SchemaDocument, schema: unknown, depth: number, indent: string, immediate: boolean): Rendered {
    if (this.overBudget()) {
      this.truncated = true;
      return UNKNOWN;
    }
    if (schema === false) return atom('never');
    if (!isSchemaObject(schema)) return UNKNOWN;
    if (depth > this.plan.maxDepth) {
      this.note(`nested deeper than ${this.plan.maxDepth} levels`);
      this.leaveOut();
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
    const members = (keyword: string): { shown: Rendered[]; more: number } => {
      const list = schema[keyword];
      if (!Array.isArray(list)) return { shown: [], more: 0 };
      return this.members(list, this.side === 'result' ? this.plan.unionMax : undefined, (m) => this.typeOf(document, m, depth + 1, indent, immediate));
    };
    const all = members('allOf');
    parts.push(...all.shown);
    for (const keyword of ['anyOf', 'oneOf']) {
      if (!Array.isArray(schema[keyword])) continue;
      const some = members(keyword);
      parts.push(this.withMore(this.union(some.shown), some.more));
    }
    const result = this.withMore(this.intersection(parts), all.more);
    return schema.nullable === true && result !== UNKNOWN ? this.union([result, atom('null')]) : result;
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
      const identity = definitionIdentity(document, target.key, target.segments);
      const known = identity === undefined ? undefined : this.setup.registry.shared.get(identity);
      if (known) {
        name = known.name;
        // An argument needs the whole type; one declared shortened for a result is declared again.
        if (known.reduced && this.side === 'args') this.enqueue(document, target.key, name, target.target, identity);
      } else {
        const root = byKey.get('#') ?? '';
        const base = refBaseName(target.segments);
        const prefix = identity === undefined ? root : this.setup.prefix;
        name = this.setup.registry.claim(base.startsWith(prefix) ? base : `${prefix}${base}`);
        this.enqueue(document, target.key, name, target.target, identity);
        if (identity !== undefined) this.setup.registry.shared.set(identity, { name, reduced: false });
      }
      byKey.set(target.key, name);
    } else {
      // Met again before it was rendered: the nearest and most demanding use decides its detail.
      const pending = this.pendingByName.get(name);
      if (pending) {
        pending.level = Math.min(pending.level, this.level);
        if (this.side === 'args') pending.side = 'args';
      }
    }
    return this.charge(atom(name));
  }

  private enqueue(document: SchemaDocument, key: string, name: string, schema: unknown, identity: string | undefined): void {
    const stubChars = name.length + 20;
    this.used += stubChars;
    const pending: Pending = { document, key, name, schema, side: this.side, level: this.level, identity, stubChars };
    this.queue.push(pending);
    this.pendingByName.set(name, pending);
  }

  protected override objectType(document: SchemaDocument, schema: SchemaObject, depth: number, indent: string): Rendered {
    const properties = isSchemaObject(schema.properties) ? schema.properties : undefined;
    const keys = properties ? Object.keys(properties) : [];
    const cap = this.side === 'result' ? resultPropertiesAt(this.plan, this.level) : Number.POSITIVE_INFINITY;
    if (cap === 0 && keys.length > 0) {
      this.leaveOut();
      return this.charge(atom('Record<string, unknown>'));
    }
    const required = new Set(stringArray(schema.required));
    const inner = `${indent}  `;
    const members: string[] = [];
    const memberTypes: Rendered[] = [];
    let optional = false;
    let omitted = 0;
    let forceIndex = false;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      if (i >= cap || this.overBudget()) {
        if (i < cap) this.truncated = true;
        else this.leaveOut();
        omitted = keys.length - i;
        forceIndex = true;
        break;
      }
      const line = this.propertyLine(document, own(properties!, key), key, required.has(key), depth, inner);
      if (line === undefined) {
        forceIndex = true;
        continue;
      }
      members.push(line.text);
      memberTypes.push(line.type);
      if (!required.has(key)) optional = true;
    }
    const index: Rendered[] = [];
    const additional = schema.additionalProperties;
    this.level++;
    try {
      if (isSchemaObject(additional)) index.push(this.typeOf(document, additional, depth + 1, inner, false));
      else if (additional === true && (!properties || this.setup.plan.openObjects === true)) index.push(UNKNOWN);
      if (isSchemaObject(schema.patternProperties)) {
        for (const pattern of Object.keys(schema.patternProperties).slice(0, 50)) {
          index.push(this.typeOf(document, own(schema.patternProperties, pattern), depth + 1, inner, false));
        }
      }
    } finally {
      this.level--;
    }
    if (forceIndex) index.push(UNKNOWN);
    return this.objectBody(members, memberTypes, index, optional, omitted, indent, additional === false && !isSchemaObject(schema.patternProperties));
  }

  private propertyLine(document: SchemaDocument, propSchema: unknown, key: string, isRequired: boolean, depth: number, inner: string): { text: string; type: Rendered } | undefined {
    if (key.length > 200) return undefined;
    const before = this.notes;
    this.notes = [];
    this.level++;
    let type: Rendered;
    try {
      type = this.typeOf(document, propSchema, depth + 1, inner, false);
    } finally {
      this.level--;
    }
    const doc = schemaDoc(propSchema, this.notes.slice(0, NOTES_MAX), this.docChars(this.side));
    this.notes = before;
    return { text: this.memberLine(doc, inner, key, isRequired, type), type };
  }
}

function hasTypeInfo(schema: unknown): boolean {
  if (!isSchemaObject(schema)) return false;
  return ['type', 'properties', '$ref', 'anyOf', 'oneOf', 'allOf', 'enum', 'const', 'items', 'additionalProperties', 'patternProperties'].some((k) => schema[k] !== undefined);
}
