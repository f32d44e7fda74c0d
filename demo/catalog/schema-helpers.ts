/**
 * Small builders that keep ~150 tool definitions readable. Only standard JSON Schema keywords are
 * emitted (ajv strict mode accepts them), and every tool is declared through `defineTool` so its
 * annotations and tags follow one convention.
 */
import type { JsonSchema, ToolAnnotations, ToolDefinition } from '../../src';

export const str = (description: string, extra: JsonSchema = {}): JsonSchema => ({ type: 'string', description, ...extra });
export const int = (description: string, extra: JsonSchema = {}): JsonSchema => ({ type: 'integer', description, ...extra });
export const num = (description: string, extra: JsonSchema = {}): JsonSchema => ({ type: 'number', description, ...extra });
export const bool = (description: string): JsonSchema => ({ type: 'boolean', description });
export const dateTime = (description: string): JsonSchema => ({ type: 'string', format: 'date-time', description });
export const date = (description: string): JsonSchema => ({ type: 'string', format: 'date', description });
export const email = (description: string): JsonSchema => ({ type: 'string', format: 'email', description });
export const enumOf = (values: readonly string[], description: string): JsonSchema => ({ type: 'string', enum: [...values], description });
export const arrayOf = (items: JsonSchema, description: string, extra: JsonSchema = {}): JsonSchema => ({ type: 'array', items, description, ...extra });
export const cents = (description: string): JsonSchema => int(`${description} In the smallest currency unit (cents).`);
export const id = (entity: string, example: string): JsonSchema => str(`${entity} id, e.g. '${example}'.`, { minLength: 1 });

/** `T | null`, keeping the description on the outside where readers look for it. */
export function nullable(schema: JsonSchema): JsonSchema {
  const { description, ...rest } = schema;
  return description === undefined ? { anyOf: [rest, { type: 'null' }] } : { description, anyOf: [rest, { type: 'null' }] };
}

/** A result object: every property is always present unless listed in `optional`. */
export function record(properties: Record<string, JsonSchema>, description?: string, optional: readonly string[] = []): JsonSchema {
  const schema: JsonSchema = {
    type: 'object',
    properties,
    required: Object.keys(properties).filter((k) => !optional.includes(k)),
    additionalProperties: false,
  };
  if (description !== undefined) schema.description = description;
  return schema;
}

/** An argument object; unknown arguments are rejected so typos surface instead of being ignored. */
export function input(properties: Record<string, JsonSchema>, required: readonly string[] = []): JsonSchema {
  const schema: JsonSchema = { type: 'object', properties, additionalProperties: false };
  if (required.length > 0) schema.required = [...required];
  return schema;
}

export const NO_INPUT: JsonSchema = input({});

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 1_000;

export const PAGINATION: Record<string, JsonSchema> = {
  limit: int(`Page size, 1-${MAX_LIMIT} (default ${DEFAULT_LIMIT}).`, { minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT }),
  offset: int('How many matching items to skip (default 0). Pass the previous nextOffset to fetch the next page.', { minimum: 0, default: 0 }),
};

export function listInput(filters: Record<string, JsonSchema>, required: readonly string[] = []): JsonSchema {
  return input({ ...filters, ...PAGINATION }, required);
}

/** Shape shared by every list tool: `{ items, total, nextOffset }`. */
export function page(item: JsonSchema, what: string): JsonSchema {
  return record({
    items: arrayOf(item, `The ${what} on this page.`),
    total: int(`How many ${what} match the filters across all pages.`, { minimum: 0 }),
    nextOffset: nullable(int('Offset to pass for the next page; null on the last page.', { minimum: 0 })),
  }, `One page of ${what}.`);
}

export const sortOrder = (fallback: 'asc' | 'desc'): JsonSchema => enumOf(['asc', 'desc'], `Sort direction (default ${fallback}).`);
export const DAYS = (what: string, max = 90, fallback = 30): JsonSchema =>
  int(`${what} Window size in days, 1-${max} (default ${fallback}).`, { minimum: 1, maximum: max, default: fallback });

/**
 * read: no side effects. create/update: change the store. destructive: removes or irreversibly
 * changes data (deletes, voids, refunds). sink: sends something to the outside world.
 */
export type ToolKind = 'read' | 'create' | 'update' | 'destructive' | 'sink';

export interface DemoToolSpec {
  name: string;
  description: string;
  kind: ToolKind;
  /** Overrides the kind's default idempotency (updates default to true, the rest to false). */
  idempotent?: boolean;
  input: JsonSchema;
  output: JsonSchema;
  tags?: readonly string[];
  handler: (args: Record<string, unknown>) => unknown;
}

function titleOf(name: string): string {
  const [area = '', tool = ''] = name.split(':');
  const words = tool.replace(/([A-Z])/g, ' $1').toLowerCase().trim();
  return `${words.charAt(0).toUpperCase()}${words.slice(1)} (${area})`;
}

export function defineTool(spec: DemoToolSpec): ToolDefinition {
  const [area = '', tool = ''] = spec.name.split(':');
  const verb = /^[a-z]+/.exec(tool)?.[0] ?? tool;
  const annotations: ToolAnnotations = { title: titleOf(spec.name) };
  if (spec.kind === 'read') {
    Object.assign(annotations, { readOnlyHint: true, idempotentHint: true, openWorldHint: false });
  } else {
    Object.assign(annotations, {
      readOnlyHint: false,
      destructiveHint: spec.kind === 'destructive',
      idempotentHint: spec.idempotent ?? spec.kind === 'update',
      openWorldHint: spec.kind === 'sink',
    });
  }
  const kindTags: Record<ToolKind, readonly string[]> = {
    read: ['read'],
    create: ['write', 'create'],
    update: ['write', 'update'],
    destructive: ['write', 'destructive'],
    sink: ['write', 'send', 'notify'],
  };
  const tags = [...new Set([area, verb, ...kindTags[spec.kind], ...(spec.tags ?? [])])];
  return {
    name: spec.name,
    description: spec.description,
    inputSchema: spec.input,
    outputSchema: spec.output,
    annotations,
    tags,
    handler: (args) => spec.handler(args),
  };
}
