/**
 * Short `callTool` snippets generated from a tool's schemas, so a script author sees argument names,
 * value shapes and how to read the result without translating the schema in their head. Values come
 * from the schema when it offers one (examples, default, enum), otherwise from the format, the property
 * name and finally the type.
 */
import { IDENTIFIER, isReservedWord, jsPropertyKey, memberAccess, singleQuote } from './literal';
import { SchemaDocument, followRefs, inferTypes, isSchemaObject, own, stringArray, type SchemaObject } from './schema-walk';
import { sampleValue } from './sample';

/** What `usageExamples` reads from a tool; a catalog `ToolDefinition` fits. */
export interface ExampleTool {
  name: string;
  inputSchema: Record<string, unknown>;
  outputSchema?: Record<string, unknown>;
}

const MAX_ARGS = 25;
const MAX_SNIPPET = 2_000;
const SINGLE_LINE_MAX = 120;
const SCALARS = new Set(['string', 'number', 'integer', 'boolean']);

interface ObjectShape {
  properties: SchemaObject;
  required: string[];
}

/** Properties and required names of an object schema, merging `allOf` members (one level of refs deep each). */
function objectShape(document: SchemaDocument, schema: unknown): ObjectShape | undefined {
  const resolved = followRefs(document, schema);
  if (!isSchemaObject(resolved)) return undefined;
  // No prototype, so a property called `__proto__` is stored rather than re-parenting the object.
  const properties = Object.create(null) as SchemaObject;
  const required: string[] = [];
  const parts = [resolved, ...(Array.isArray(resolved.allOf) ? resolved.allOf.slice(0, 20).map((m: unknown) => followRefs(document, m)) : [])];
  for (const part of parts) {
    if (!isSchemaObject(part)) continue;
    if (isSchemaObject(part.properties)) {
      for (const key of Object.keys(part.properties)) if (!(key in properties)) properties[key] = own(part.properties, key);
    }
    required.push(...stringArray(part.required));
  }
  return { properties, required: [...new Set(required)] };
}

function argsLiteral(document: SchemaDocument, shape: ObjectShape, keys: readonly string[]): string {
  if (keys.length === 0) return '{}';
  const entries = keys.map((key) => `${jsPropertyKey(key)}: ${sampleValue(document, own(shape.properties, key), key)}`);
  const single = `{ ${entries.join(', ')} }`;
  return single.length <= SINGLE_LINE_MAX ? single : `{\n${entries.map((e) => `  ${e},`).join('\n')}\n}`;
}

const call = (toolName: string, args: string): string => `const r = await callTool(${singleQuote(toolName)}, ${args});`;

/** `users` → `user`, `entries` → `entry`, `lineItems` → `lineItem`; `item` when that gives no usable name. */
function loopVariable(arrayName: string): string {
  let name = arrayName;
  if (/ies$/.test(name)) name = `${name.slice(0, -3)}y`;
  else if (/(ss|x|ch|sh)es$/.test(name)) name = name.slice(0, -2);
  else if (/[^s]s$/.test(name)) name = name.slice(0, -1);
  const usable = IDENTIFIER.test(name) && !isReservedWord(name) && !['r', 'callTool', 'console', 'context', arrayName].includes(name);
  return usable ? name : 'item';
}

function isScalar(document: SchemaDocument, schema: unknown): boolean {
  const resolved = followRefs(document, schema);
  if (!isSchemaObject(resolved)) return false;
  if (Array.isArray(resolved.enum) || resolved.const !== undefined) return true;
  const types = inferTypes(resolved).filter((t) => t !== 'null');
  return types.length > 0 && types.every((t) => SCALARS.has(t));
}

function isArray(document: SchemaDocument, schema: unknown): boolean {
  const resolved = followRefs(document, schema);
  return isSchemaObject(resolved) && inferTypes(resolved).filter((t) => t !== 'null')[0] === 'array';
}

function firstScalar(document: SchemaDocument, shape: ObjectShape | undefined): string | undefined {
  return shape ? Object.keys(shape.properties).find((k) => isScalar(document, own(shape.properties, k))) : undefined;
}

/** A line that reads the result: loop over its first array, or log its first scalar field. */
function resultUsage(outputSchema: unknown): string | undefined {
  const document = new SchemaDocument(outputSchema);
  const loop = (source: string, variable: string, itemsSchema: unknown): string => {
    const field = firstScalar(document, objectShape(document, itemsSchema));
    return `for (const ${variable} of ${source}) console.log(${field === undefined ? variable : memberAccess(variable, field)});`;
  };
  const root = followRefs(document, outputSchema);
  if (!isSchemaObject(root)) return undefined;
  if (isArray(document, root)) return loop('r', 'item', root.items);
  const shape = objectShape(document, root);
  if (!shape) return undefined;
  const keys = Object.keys(shape.properties);
  const arrayKey = keys.find((k) => isArray(document, own(shape.properties, k)));
  if (arrayKey !== undefined) {
    const arraySchema = followRefs(document, own(shape.properties, arrayKey));
    const items = isSchemaObject(arraySchema) ? arraySchema.items : undefined;
    return loop(memberAccess('r', arrayKey), loopVariable(arrayKey), items);
  }
  const scalar = firstScalar(document, shape);
  if (scalar !== undefined) return `console.log(${memberAccess('r', scalar)});`;
  // Results that only group fields (`{ from: {…}, to: {…} }`) are read one level down.
  for (const key of keys) {
    const nested = firstScalar(document, objectShape(document, own(shape.properties, key)));
    if (nested !== undefined) return `console.log(${memberAccess(memberAccess('r', key), nested)});`;
  }
  return undefined;
}

function examples(tool: ExampleTool): string[] {
  const toolName = typeof tool.name === 'string' ? tool.name : '';
  const document = new SchemaDocument(tool.inputSchema);
  const shape = objectShape(document, tool.inputSchema) ?? { properties: {}, required: [] };
  const propertyKeys = Object.keys(shape.properties);
  const requiredKeys = shape.required.slice(0, MAX_ARGS);
  const optionalKeys = propertyKeys.filter((k) => !shape.required.includes(k));
  const requiredCall = call(toolName, argsLiteral(document, shape, requiredKeys));
  const out = [requiredCall];
  if (optionalKeys.length > 0) {
    const all = call(toolName, argsLiteral(document, shape, [...requiredKeys, ...optionalKeys].slice(0, MAX_ARGS)));
    if (all.length <= MAX_SNIPPET) out.push(all);
  }
  if (tool.outputSchema !== undefined && tool.outputSchema !== null) {
    const usage = resultUsage(tool.outputSchema);
    if (usage !== undefined) out.push(`${requiredCall}\n${usage}`);
  }
  return out;
}

/**
 * Up to `max` (at most 3) snippets: the call with required arguments only, the call with every argument
 * (when some are optional), and a call followed by a line reading the result (when an output schema
 * says what is in it). Never throws; the same tool always gives the same snippets.
 */
export function usageExamples(tool: ExampleTool, max = 3): string[] {
  const limit = Math.min(3, Math.max(0, Math.floor(Number.isFinite(max) ? max : 3)));
  let list: string[];
  try {
    list = examples(tool);
  } catch {
    // Only a hand-built schema (proxies, throwing getters) gets here; the bare call is still right.
    list = [call(typeof tool?.name === 'string' ? tool.name : '', '{}')];
  }
  return list.slice(0, limit);
}
