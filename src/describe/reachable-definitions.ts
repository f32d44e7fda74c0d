/**
 * A tool's JSON Schema as describe serves it: without the definitions nothing in it reaches. Sources
 * that ship a shared definitions table with every tool (one generated from a large spec, an upstream
 * server that attaches all of its `$defs`) would otherwise make every answer carry the whole table.
 */
import { isSchemaObject } from './schema-walk';

const CONTAINERS = ['$defs', 'definitions'] as const;
/** Nodes walked at most; a larger schema is served as it is rather than scanned without end. */
const MAX_NODES = 200_000;

const decode = (segment: string): string => {
  try {
    return decodeURIComponent(segment).replace(/~1/g, '/').replace(/~0/g, '~');
  } catch {
    return segment;
  }
};

/** `schema` itself when every definition is reached (or it has none), else a copy keeping the reached ones. */
export function withReachableDefinitions(schema: Record<string, unknown>): Record<string, unknown> {
  const containers = CONTAINERS.filter((c) => isSchemaObject(schema[c]));
  if (containers.length === 0) return schema;
  const reached = new Map<string, Set<string>>(containers.map((c) => [c, new Set<string>()]));
  const seen = new Set<object>();
  // The root without its tables: its own `$ref` and everything under it count, the tables only when reached.
  const { $defs: _defs, definitions: _definitions, ...root } = schema;
  const stack: unknown[] = [root];
  let walked = 0;
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== 'object' || node === null || seen.has(node)) continue;
    if (++walked > MAX_NODES) return schema;
    seen.add(node);
    if (Array.isArray(node)) {
      stack.push(...node);
      continue;
    }
    const ref = (node as Record<string, unknown>).$ref;
    if (typeof ref === 'string' && ref.startsWith('#/')) {
      const [container, name] = ref.slice(2).split('/').map(decode);
      const names = container === undefined ? undefined : reached.get(container);
      const definitions = container === undefined ? undefined : schema[container];
      if (names && name !== undefined && !names.has(name) && isSchemaObject(definitions) && Object.prototype.hasOwnProperty.call(definitions, name)) {
        names.add(name);
        stack.push(definitions[name]);
      }
    }
    for (const value of Object.values(node)) if (typeof value === 'object' && value !== null) stack.push(value);
  }
  const pruned: Record<string, unknown> = { ...schema };
  let changed = false;
  for (const container of containers) {
    const all = schema[container] as Record<string, unknown>;
    const names = reached.get(container)!;
    if (names.size === Object.keys(all).length) continue;
    changed = true;
    const kept = Object.fromEntries(Object.keys(all).filter((n) => names.has(n)).map((n) => [n, all[n]]));
    if (Object.keys(kept).length > 0) pruned[container] = kept;
    else delete pruned[container];
  }
  return changed ? pruned : schema;
}
