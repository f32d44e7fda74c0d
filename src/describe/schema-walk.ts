/**
 * Reading JSON Schemas from upstream servers without trusting them: local `$ref` resolution (JSON
 * pointers into the same document), immediate-reference analysis for recursion checks, and small typed
 * accessors. Nothing here throws on malformed input; an unresolvable reference is reported as such.
 */
import { pascalCase } from './literal';

export type SchemaObject = Record<string, unknown>;

export const isSchemaObject = (value: unknown): value is SchemaObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Own properties only: a pointer segment like `constructor` must not reach Object.prototype. */
export function own(object: object, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(object, key) ? (object as Record<string, unknown>)[key] : undefined;
}

export const hasOwn = (object: object, key: string): boolean => Object.prototype.hasOwnProperty.call(object, key);

export const stringArray = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

export const finiteNumber = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

export interface ResolvedRef {
  /** Canonical pointer (`#/$defs/Node`), the identity of the target within its document. */
  key: string;
  target: unknown;
  /** Pointer segments, decoded; used to name the target. */
  segments: readonly string[];
}

const encodeSegment = (segment: string): string => segment.replace(/~/g, '~0').replace(/\//g, '~1');

function decodeSegment(segment: string): string | undefined {
  let text: string;
  try {
    text = decodeURIComponent(segment);
  } catch {
    // A malformed escape (`%zz`) names nothing.
    return undefined;
  }
  return text.replace(/~1/g, '/').replace(/~0/g, '~');
}

// Keywords that lead to a sub-schema; dropping them from a pointer leaves the meaningful words.
const STRUCTURAL = new Set(['properties', 'items', 'prefixItems', 'additionalProperties', 'patternProperties', 'anyOf', 'oneOf', 'allOf', '$defs', 'definitions', 'not']);

/**
 * One schema document: the root every local `$ref` in it points into. Resolution and immediate-ref sets
 * are cached because tree-shaped schemas reference the same definitions many times.
 */
export class SchemaDocument {
  private readonly resolved = new Map<string, ResolvedRef | null>();
  private readonly immediate = new Map<string, readonly string[]>();

  constructor(readonly root: unknown) {}

  /** Resolves a local reference (`#`, `#/…`); external and anchor references resolve to undefined. */
  resolve(ref: string): ResolvedRef | undefined {
    const cached = this.resolved.get(ref);
    if (cached !== undefined) return cached ?? undefined;
    const result = this.lookup(ref);
    if (this.resolved.size < 10_000) this.resolved.set(ref, result ?? null);
    return result;
  }

  private lookup(ref: string): ResolvedRef | undefined {
    if (ref !== '#' && !ref.startsWith('#/')) return undefined;
    const segments: string[] = [];
    let node: unknown = this.root;
    if (ref.length > 1) {
      for (const raw of ref.slice(2).split('/')) {
        const segment = decodeSegment(raw);
        if (segment === undefined) return undefined;
        if (Array.isArray(node)) {
          if (!/^(0|[1-9][0-9]*)$/.test(segment)) return undefined;
          node = node[Number(segment)];
        } else if (typeof node === 'object' && node !== null) {
          node = own(node, segment);
        } else {
          return undefined;
        }
        if (node === undefined) return undefined;
        segments.push(segment);
      }
    }
    return { key: `#${segments.map((s) => `/${encodeSegment(s)}`).join('')}`, target: node, segments };
  }

  /**
   * Canonical keys of the references a schema reaches without passing through an object, array or tuple:
   * the targets a type alias would reference directly (`type A = B | C`). Used to avoid aliases that
   * circularly reference themselves, which TypeScript rejects.
   */
  immediateRefs(key: string, schema: unknown): readonly string[] {
    const cached = this.immediate.get(key);
    if (cached) return cached;
    const found = new Set<string>();
    const seen = new Set<object>();
    const visit = (node: unknown): void => {
      if (!isSchemaObject(node) || seen.has(node) || seen.size > 1_000) return;
      seen.add(node);
      if (typeof node.$ref === 'string') {
        const target = this.resolve(node.$ref);
        if (target) found.add(target.key);
      }
      for (const keyword of ['allOf', 'anyOf', 'oneOf']) {
        const members = node[keyword];
        if (Array.isArray(members)) for (const member of members.slice(0, 1_000)) visit(member);
      }
    };
    visit(schema);
    const list = [...found];
    this.immediate.set(key, list);
    return list;
  }

  /** True when `to` is reachable from `from` through immediate references only. */
  reachesImmediately(from: string, to: string): boolean {
    const stack = [from];
    const visited = new Set<string>();
    while (stack.length > 0) {
      const key = stack.pop()!;
      if (key === to) return true;
      if (visited.has(key) || visited.size > 1_000) continue;
      visited.add(key);
      const target = this.resolve(key);
      if (target) stack.push(...this.immediateRefs(key, target.target));
    }
    return false;
  }
}

/** A readable name for a reference target: `#/$defs/tree_node` → `TreeNode`, `#/properties/a/items` → `AItems`. */
export function refBaseName(segments: readonly string[]): string {
  const last = segments[segments.length - 1];
  const parent = segments[segments.length - 2];
  if (last !== undefined && (parent === '$defs' || parent === 'definitions')) return pascalCase(last, 'Def');
  const words = segments.filter((s) => !STRUCTURAL.has(s) || s === segments[segments.length - 1]);
  return pascalCase(words.join(' '), 'Ref');
}

/**
 * Follows `$ref` chains to a schema with content, guarding against loops. Returns the schema itself when
 * it is not a reference, undefined when a reference cannot be resolved.
 */
export function followRefs(document: SchemaDocument, schema: unknown, limit = 32): unknown {
  let node = schema;
  for (let i = 0; i < limit; i++) {
    if (!isSchemaObject(node) || typeof node.$ref !== 'string') return node;
    const target = document.resolve(node.$ref);
    if (!target) return undefined;
    node = target.target;
  }
  return undefined;
}

/** The `type` keyword as a list of names; an absent or malformed keyword gives []. */
export function typeNames(schema: SchemaObject): string[] {
  const type = schema.type;
  if (typeof type === 'string') return [type];
  return stringArray(type);
}

/** The schema's effective types: declared, or inferred from the keywords that only make sense for one type. */
export function inferTypes(schema: SchemaObject): string[] {
  const declared = typeNames(schema);
  if (declared.length > 0) return declared;
  // `required` alone is left out: in a oneOf branch it only constrains the enclosing object.
  if (isSchemaObject(schema.properties) || isSchemaObject(schema.patternProperties) || isSchemaObject(schema.additionalProperties)) {
    return ['object'];
  }
  if (schema.items !== undefined || Array.isArray(schema.prefixItems)) return ['array'];
  return [];
}
