/**
 * A loose ESTree node view: acorn's typings model every node as `Node` with few fields, and the
 * walker reads fields generically, so it works on `type` plus an index signature.
 */
export interface EsNode {
  type: string;
  start?: number;
  end?: number;
  loc?: { start: { line: number; column: number } };
  [field: string]: unknown;
}

// Fields that never hold child nodes (`value` does: Property.value, MethodDefinition.value).
const SKIPPED_FIELDS = new Set(['type', 'start', 'end', 'loc', 'range', 'raw', 'regex', 'name', 'operator', 'sourceType']);

export const isNode = (value: unknown): value is EsNode =>
  value !== null && typeof value === 'object' && typeof (value as { type?: unknown }).type === 'string';

/** The value of a literal key or name (`'a'`, `1`, a template without substitutions), else undefined. */
export function staticKey(node: EsNode): string | undefined {
  if (node.type === 'Literal' && (typeof node.value === 'string' || typeof node.value === 'number')) return String(node.value);
  if (node.type === 'TemplateLiteral' && Array.isArray(node.expressions) && node.expressions.length === 0) {
    const cooked = ((node.quasis as EsNode[])[0]?.value as { cooked?: unknown } | undefined)?.cooked;
    return typeof cooked === 'string' ? cooked : undefined;
  }
  return undefined;
}

/** Calls `visit(child, field)` for each direct child node, in source order of the node's fields. */
export function forEachChild(node: EsNode, visit: (child: EsNode, field: string) => void): void {
  for (const field in node) {
    if (SKIPPED_FIELDS.has(field)) continue;
    const value = node[field];
    if (Array.isArray(value)) {
      for (const item of value) if (isNode(item)) visit(item, field);
    } else if (isNode(value)) {
      visit(value, field);
    }
  }
}

