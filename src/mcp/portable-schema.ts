/**
 * Raw tools are listed to MCP clients that forward the list to an LLM API, and one tool the API refuses
 * fails every request of that client (Anthropic and OpenAI refuse `oneOf`/`anyOf`/`allOf` at the root of
 * an input schema; OpenAI also a root without `properties` and arrays without `items`). The listed copy
 * of a source's schema is therefore made portable; calls are still validated against the original, so
 * nothing the source refuses gets through.
 *
 * Rules and their sources: test/integration/llm-tool-schemas.test.ts.
 */

type Schema = Record<string, unknown>;

const isSchema = (v: unknown): v is Schema => v !== null && typeof v === 'object' && !Array.isArray(v);

const ROOT_COMBINATORS = ['oneOf', 'anyOf', 'allOf'] as const;
/** Keywords refused at the root (OpenAI): they only narrow what the server checks anyway. */
const ROOT_REFUSED = ['enum', 'const', 'not', 'if', 'then', 'else'] as const;

const cache = new WeakMap<object, Schema>();

/** Deeper than this the listed copy is left as the source wrote it (no hand-written schema nests so far). */
const MAX_REPAIR_DEPTH = 64;

export function portableInputSchema(schema: Schema): Schema {
  const hit = cache.get(schema);
  if (hit) return hit;
  let out: Schema;
  try {
    out = portable(schema);
  } catch {
    // A schema too deep or too strange to copy must not fail the whole tool list: list the tool as taking
    // any object; its calls are still validated against the schema the source declared.
    out = { type: 'object', properties: {}, description: 'Arguments as the tool documents them.' };
  }
  cache.set(schema, out);
  return out;
}

function portable(original: Schema): Schema {
  let root: Schema = structuredClone(original);
  root = inlineRootRef(root);
  let alternatives = false;
  for (const keyword of ROOT_COMBINATORS) {
    const branches = root[keyword];
    if (!Array.isArray(branches)) continue;
    delete root[keyword];
    const objects = branches.map((b) => (isSchema(b) ? inlineRootRef({ ...b, $defs: root.$defs, definitions: root.definitions }) : {}));
    const properties: Schema = isSchema(root.properties) ? { ...root.properties } : {};
    for (const b of objects) if (isSchema(b.properties)) for (const [k, v] of Object.entries(b.properties)) properties[k] ??= v;
    root.properties = properties;
    // allOf: every branch's requirements hold; oneOf/anyOf: only what every branch requires.
    const requiredSets = objects.map((b) => new Set(Array.isArray(b.required) ? (b.required as unknown[]).map(String) : []));
    const own = Array.isArray(root.required) ? (root.required as unknown[]).map(String) : [];
    const merged = keyword === 'allOf' ? requiredSets.flatMap((s) => [...s]) : [...(requiredSets[0] ?? [])].filter((k) => requiredSets.every((s) => s.has(k)));
    const required = [...new Set([...own, ...merged])];
    if (required.length > 0) root.required = required;
    if (keyword !== 'allOf') alternatives = true;
  }
  for (const keyword of ROOT_REFUSED) delete root[keyword];
  root.type = 'object';
  if (!isSchema(root.properties)) root.properties = {};
  if (alternatives) {
    const note = 'Accepts one of several argument combinations; the tool says which are valid.';
    root.description = typeof root.description === 'string' ? `${root.description} ${note}` : note;
  }
  repair(root, new Set(), 0);
  return root;
}

/** A root `$ref` to a local definition becomes that definition (with the definitions kept). */
function inlineRootRef(schema: Schema): Schema {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  const { $ref: _ref, ...rest } = schema;
  const m = /^#\/(\$defs|definitions)\/([^/]+)$/.exec(ref);
  const target = m ? (schema[m[1]!] as Schema | undefined)?.[decodeURIComponent(m[2]!).replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
  return isSchema(target) ? { ...target, ...rest } : rest;
}

/** At every node: arrays get `items`, every required name is a declared property, descriptions are strings. */
function repair(node: Schema, seen: Set<object>, depth: number): void {
  if (seen.has(node) || depth > MAX_REPAIR_DEPTH) return;
  seen.add(node);
  const types = Array.isArray(node.type) ? node.type : [node.type];
  if (types.includes('array') && node.items === undefined && node.prefixItems === undefined) node.items = {};
  if (Array.isArray(node.required)) {
    const required = [...new Set((node.required as unknown[]).filter((k): k is string => typeof k === 'string'))];
    // A required name the schema never declares stays required, declared as "anything" (Gemini refuses the rest).
    const properties: Schema = isSchema(node.properties) ? node.properties : {};
    for (const name of required) if (!Object.hasOwn(properties, name)) properties[name] = {};
    node.properties = properties;
    if (required.length > 0) node.required = required;
    else delete node.required;
  }
  if (node.description !== undefined && typeof node.description !== 'string') delete node.description;
  for (const value of Object.values(node)) {
    if (Array.isArray(value)) for (const item of value) if (isSchema(item)) repair(item, seen, depth + 1);
    if (isSchema(value)) {
      if (value.type !== undefined || value.properties !== undefined || value.items !== undefined || value.$ref !== undefined || value.anyOf !== undefined) repair(value, seen, depth + 1);
      else for (const child of Object.values(value)) if (isSchema(child)) repair(child, seen, depth + 1);
    }
  }
}
