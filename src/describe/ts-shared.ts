/**
 * Named types shared across the tools of one declaration block. A definition (`$defs`, `definitions`)
 * is identified by its content and the content of everything it references, not by its name: two tools
 * of one OpenAPI spec that both use `simple-user` share one `GithubSimpleUser`, while two sources that
 * both define a different `Item` get two names.
 */
import { createHash } from 'node:crypto';
import { isSchemaObject, type SchemaDocument } from './schema-walk';

/** A shared named type declared in the block. */
export interface SharedType {
  name: string;
  /** Declared with parts left out, so an argument that needs it whole declares it again in full. */
  reduced: boolean;
}

/** Names taken and shared types declared so far; forked per attempt and kept only when it fits. */
export class TypeRegistry {
  readonly names: Set<string>;
  readonly shared: Map<string, SharedType>;

  constructor(from?: TypeRegistry) {
    this.names = new Set(from?.names);
    this.shared = new Map(from?.shared);
  }

  fork(): TypeRegistry {
    return new TypeRegistry(this);
  }

  /** `base`, or `base2`, `base3`… when taken. */
  claim(base: string): string {
    let name = base;
    for (let i = 2; this.names.has(name); i++) name = `${base}${i}`;
    this.names.add(name);
    return name;
  }
}

const DEFINITION_CONTAINERS = new Set(['$defs', 'definitions']);
/** Nodes walked to find what a definition references; a larger closure is not shared. */
const MAX_WALK = 50_000;

const UNRESOLVED = Symbol('unresolved');
const jsonText = new WeakMap<object, string>();
/** By schema root, so attempts and requests that render the same tool reuse what was hashed. */
const identities = new WeakMap<object, Map<string, string | null>>();

function textOf(value: object): string {
  let text = jsonText.get(value);
  if (text === undefined) {
    text = JSON.stringify(value);
    jsonText.set(value, text);
  }
  return text;
}

/**
 * The identity of the definition at `key` (`#/$defs/Name`), or undefined when it is not a definition
 * or cannot be compared (too large, not JSON): then it stays private to its document.
 */
export function definitionIdentity(document: SchemaDocument, key: string, segments: readonly string[]): string | undefined {
  if (segments.length !== 2 || !DEFINITION_CONTAINERS.has(segments[0]!)) return undefined;
  const root = typeof document.root === 'object' && document.root !== null ? document.root : document;
  let byKey = identities.get(root);
  if (!byKey) {
    byKey = new Map();
    identities.set(root, byKey);
  }
  const cached = byKey.get(key);
  if (cached !== undefined) return cached ?? undefined;
  let identity: string | null = null;
  try {
    identity = closureHash(document, key);
  } catch {
    // Cycles of plain objects, proxies, BigInts: not comparable, so not shared.
  }
  byKey.set(key, identity);
  return identity ?? undefined;
}

/**
 * Hash of every (pointer, JSON) pair the definition reaches through `$ref`, itself included. The walk
 * counts every node it visits, shared subtrees each time, so a schema whose JSON would be huge (a wide
 * DAG of plain objects) is refused before it is serialised.
 */
function closureHash(document: SchemaDocument, key: string): string | null {
  const reached = new Map<string, unknown>();
  const pending = [key];
  let walked = 0;
  while (pending.length > 0) {
    const next = pending.pop()!;
    if (reached.has(next)) continue;
    const target = document.resolve(next);
    reached.set(target?.key ?? next, target ? target.target : UNRESOLVED);
    if (!target) continue;
    const stack: unknown[] = [target.target];
    while (stack.length > 0) {
      const node = stack.pop();
      if (++walked > MAX_WALK) return null;
      if (Array.isArray(node)) stack.push(...node);
      else if (isSchemaObject(node)) {
        if (typeof node.$ref === 'string') {
          const ref = document.resolve(node.$ref);
          if (!ref) reached.set(node.$ref, UNRESOLVED);
          else if (!reached.has(ref.key)) pending.push(ref.key);
        }
        for (const child of Object.values(node)) if (typeof child === 'object' && child !== null) stack.push(child);
      }
    }
  }
  // The definition's own pointer first: two definitions that reach each other have the same closure.
  const hash = createHash('sha256').update(key).update('\n');
  for (const k of [...reached.keys()].sort()) {
    const value = reached.get(k);
    const text = value === UNRESOLVED ? 'unresolved' : typeof value === 'object' && value !== null ? textOf(value) : String(JSON.stringify(value));
    hash.update(k).update('\0').update(text).update('\n');
  }
  return hash.digest('base64url');
}
