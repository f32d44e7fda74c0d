/**
 * OpenAPI schemas as self-contained JSON Schemas for tools. `#/components/schemas/X` becomes
 * `#/$defs/X`, and a tool's schema carries in `$defs` only the components it reaches (transitively), so
 * a tool of a 1,000-component spec ships its own few dozen rather than all of them. Components are
 * converted once and shared by every tool that uses them.
 */
import type { JsonSchema } from '../../types';

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const COMPONENT_SCHEMA = /^#\/components\/schemas\/([^/]+)$/;
/** Keywords holding data rather than schemas: a `$ref` key inside them is a value, not a reference. */
const DATA_KEYWORDS = new Set(['example', 'examples', 'default', 'enum', 'const']);
/** Keywords that give a schema structure; a component without any of them is a plain value type. */
const STRUCTURAL = ['$ref', 'properties', 'additionalProperties', 'patternProperties', 'items', 'prefixItems', 'allOf', 'anyOf', 'oneOf', 'not'];
/** Longest `$ref` chain followed for parameters, request bodies and responses. */
const MAX_CHAIN = 32;

const decodeSegment = (segment: string): string => {
  let text = segment;
  try {
    text = decodeURIComponent(segment);
  } catch {
    // A malformed escape is taken literally.
  }
  return text.replace(/~1/g, '/').replace(/~0/g, '~');
};
const encodeSegment = (segment: string): string => segment.replace(/~/g, '~0').replace(/\//g, '~1');

export const defsRef = (name: string): string => `#/$defs/${encodeSegment(name)}`;

export class SpecSchemas {
  readonly #doc: unknown;
  readonly #components: Record<string, unknown>;
  readonly #converted = new Map<string, JsonSchema>();
  /** Components each converted component references directly. */
  readonly #references = new Map<string, ReadonlySet<string>>();
  readonly #twins = new Map<string, string | null>();
  /** Non-component pointers being inlined, to stop a cycle through them. */
  readonly #inlining = new Set<string>();

  constructor(doc: unknown) {
    this.#doc = doc;
    const components = isObject(doc) && isObject(doc.components) && isObject(doc.components.schemas) ? doc.components.schemas : {};
    this.#components = components;
  }

  /** The value an internal pointer (`#/…`) names, or undefined. */
  resolvePointer(ref: string): unknown {
    if (ref === '#') return this.#doc;
    if (!ref.startsWith('#/')) return undefined;
    let node: unknown = this.#doc;
    for (const raw of ref.slice(2).split('/')) {
      const segment = decodeSegment(raw);
      if (Array.isArray(node) && /^(0|[1-9][0-9]*)$/.test(segment)) node = node[Number(segment)];
      else if (isObject(node) && Object.prototype.hasOwnProperty.call(node, segment)) node = node[segment];
      else return undefined;
    }
    return node;
  }

  /** Follows `$ref` chains of a parameter, request body or response to the object itself. */
  follow<T>(value: T | undefined): T | undefined {
    let node: unknown = value;
    for (let i = 0; i < MAX_CHAIN && isObject(node) && typeof node.$ref === 'string'; i++) node = this.resolvePointer(node.$ref);
    return isObject(node) && typeof node.$ref !== 'string' ? (node as T) : undefined;
  }

  /**
   * A copy of `schema` whose component references point into `$defs`; the names of the components it
   * references directly are added to `used`.
   */
  convert(schema: unknown, used: Set<string>): JsonSchema {
    const out = this.#value(schema, used);
    return isObject(out) ? out : {};
  }

  /** `schema` with a `$defs` of every component it reaches from `used`, or unchanged when it reaches none. */
  withDefs(schema: JsonSchema, used: ReadonlySet<string>): JsonSchema {
    if (used.size === 0) return schema;
    const defs: Record<string, JsonSchema> = {};
    const stack = [...used].reverse();
    const seen = new Set<string>();
    while (stack.length > 0) {
      const name = stack.pop()!;
      if (seen.has(name)) continue;
      seen.add(name);
      defs[name] = this.#component(name);
      stack.push(...[...(this.#references.get(name) ?? [])].reverse());
    }
    return { ...schema, $defs: defs };
  }

  #component(name: string): JsonSchema {
    let converted = this.#converted.get(name);
    if (!converted) {
      const used = new Set<string>();
      // Placed first so a component that reaches itself finds it and stops.
      this.#converted.set(name, {});
      converted = this.convert(this.#components[name], used);
      this.#converted.set(name, converted);
      this.#references.set(name, used);
    }
    return converted;
  }

  #value(value: unknown, used: Set<string>): unknown {
    if (Array.isArray(value)) return value.map((v) => this.#value(v, used));
    if (!isObject(value)) return value;
    if (typeof value.$ref === 'string') return this.#reference(value, value.$ref, used);
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) out[key] = DATA_KEYWORDS.has(key) ? v : this.#value(v, used);
    return out;
  }

  #reference(node: Record<string, unknown>, ref: string, used: Set<string>): unknown {
    const { $ref: _ref, ...rest } = node;
    const siblings = this.#value(rest, used) as Record<string, unknown>;
    const component = COMPONENT_SCHEMA.exec(ref);
    if (component) {
      const name = decodeSegment(component[1]!);
      if (!Object.prototype.hasOwnProperty.call(this.#components, name)) return siblings;
      const raw = this.#components[name];
      // A component that is one value type (`alert-number`: an integer) reads better inline than by name.
      if (isObject(raw) && !STRUCTURAL.some((k) => raw[k] !== undefined) && raw.type !== 'object' && raw.type !== 'array') {
        return { ...this.#component(name), ...siblings };
      }
      const twin = this.#twinOf(name);
      if (twin !== undefined && siblings.anyOf === undefined) {
        used.add(twin);
        return { ...siblings, anyOf: [{ $ref: defsRef(twin) }, { type: 'null' }] };
      }
      used.add(name);
      return { ...siblings, $ref: defsRef(name) };
    }
    // Another internal pointer (bundled external content, a part of a component): inlined.
    const target = ref.startsWith('#') ? this.resolvePointer(ref) : undefined;
    if (target === undefined || this.#inlining.has(ref)) return siblings;
    this.#inlining.add(ref);
    try {
      const inlined = this.#value(target, used);
      return isObject(inlined) ? { ...inlined, ...siblings } : siblings;
    } finally {
      this.#inlining.delete(ref);
    }
  }

  /**
   * The component that `name` copies with `nullable: true` added (GitHub's `nullable-simple-user` is
   * `simple-user` or null), so a reference to it can say `X | null` instead of repeating X.
   */
  #twinOf(name: string): string | undefined {
    const cached = this.#twins.get(name);
    if (cached !== undefined) return cached ?? undefined;
    let twin: string | null = null;
    const raw = this.#components[name];
    if (isObject(raw) && raw.nullable === true) {
      const strip = (s: Record<string, unknown>): string => JSON.stringify({ ...s, nullable: undefined, title: undefined, description: undefined });
      const text = strip(raw);
      const base = name.replace(/^nullable[-_]?/i, '');
      const candidate = base !== name ? this.#components[base] : undefined;
      if (isObject(candidate) && candidate.nullable !== true && strip(candidate) === text) twin = base;
    }
    this.#twins.set(name, twin);
    return twin ?? undefined;
  }
}
