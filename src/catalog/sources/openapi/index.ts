import { resolve } from 'node:path';
import { ToolFailure, type JsonSchema, type ToolCallContext, type ToolDefinition } from '../../types';

/** One configured OpenAPI 3.x spec (config `sources.openapi[]`). */
export interface OpenApiConfig {
  /** Namespace: operations become `name:operationId`. */
  name: string;
  /** Path (relative to the working directory) or URL of the spec, YAML or JSON. */
  spec: string;
  /** Overrides the spec's first server URL. */
  baseUrl?: string;
  auth?:
    | { type: 'bearer'; tokenEnv: string }
    | { type: 'apiKey'; in: 'header' | 'query'; name: string; valueEnv: string }
    | { type: 'basic'; usernameEnv: string; passwordEnv: string };
  headers: Readonly<Record<string, string>>;
  timeoutMs: number;
  /** Largest response body read; a larger answer is a RESPONSE_TOO_LARGE tool error. */
  maxResponseBytes: number;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;
type Method = (typeof METHODS)[number];
const ERROR_BODY_CHARS = 500;

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  description?: string;
  schema?: JsonSchema;
}

interface Operation {
  operationId?: string;
  summary?: string;
  description?: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: JsonSchema }> };
  responses?: Record<string, { content?: Record<string, { schema?: JsonSchema }> }>;
}

interface OpenApiDocument {
  openapi?: string;
  components?: { schemas?: Record<string, JsonSchema> };
  servers?: { url: string }[];
  paths?: Record<string, Partial<Record<Method, Operation>> & { parameters?: Parameter[] }>;
}

const toolPart = (text: string): string => text.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 128);

const envValue = (source: string, name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === '') throw new ToolFailure('AUTH_NOT_CONFIGURED', `${source}: environment variable ${name} is not set`);
  return value;
};

function jsonSchemaOf(content: Record<string, { schema?: JsonSchema }> | undefined): JsonSchema | undefined {
  if (!content) return undefined;
  const key = Object.keys(content).find((k) => k === 'application/json' || /\+json$/.test(k));
  return key ? (content[key]?.schema ?? {}) : undefined;
}

/** Reads at most `max` bytes of a response body; more is an error, not a silent cut. */
async function readCapped(response: Response, max: number, source: string): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel();
      throw new ToolFailure('RESPONSE_TOO_LARGE', `${source}: the response is larger than ${max} bytes (maxResponseBytes)`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Loads a spec (resolving every $ref) and turns each operation into a tool that makes the real HTTP call. */
export async function loadOpenApiTools(config: OpenApiConfig): Promise<ToolDefinition[]> {
  const location = /^https?:\/\//.test(config.spec) ? config.spec : resolve(config.spec);
  let doc: OpenApiDocument;
  try {
    // Loaded on first use: the parser's $ref resolver is an ES module, needed only when a spec is configured.
    const { default: SwaggerParser } = await import('@apidevtools/swagger-parser');
    // Circular schemas stay as $ref so every schema remains plain JSON.
    doc = (await SwaggerParser.dereference(location, { dereference: { circular: 'ignore' } })) as OpenApiDocument;
  } catch (err) {
    throw new Error(`sources.openapi ${config.name}: cannot load ${config.spec}: ${(err as Error).message}`, { cause: err });
  }
  if (!doc.openapi?.startsWith('3.')) throw new Error(`sources.openapi ${config.name}: only OpenAPI 3.x is supported (got ${doc.openapi ?? 'swagger 2'})`);
  const server = config.baseUrl ?? doc.servers?.[0]?.url;
  if (!server) throw new Error(`sources.openapi ${config.name}: no baseUrl configured and the spec lists no servers`);
  const base = new URL(server, /^https?:\/\//.test(config.spec) ? config.spec : undefined);

  // Recursive schemas keep `$ref: '#/components/schemas/X'`; a schema that has one carries the spec's
  // component schemas at its root, so the pointer resolves when arguments are validated.
  const components = doc.components?.schemas ? { schemas: doc.components.schemas } : undefined;
  const withComponents = (schema: JsonSchema): JsonSchema =>
    components && JSON.stringify(schema).includes('"#/components/') ? { ...schema, components } : schema;

  const tools: ToolDefinition[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const parameters = [...(item.parameters ?? []), ...(op.parameters ?? [])].filter((p) => p.in !== 'cookie');
      const properties: Record<string, JsonSchema> = {};
      const required: string[] = [];
      for (const p of parameters) {
        properties[p.name] = { ...(p.schema ?? { type: 'string' }), ...(p.description ? { description: p.description } : {}) };
        if (p.required || p.in === 'path') required.push(p.name);
      }
      const bodySchema = jsonSchemaOf(op.requestBody?.content);
      if (bodySchema) {
        properties.body = bodySchema;
        if (op.requestBody?.required) required.push('body');
      }
      const okStatus = Object.keys(op.responses ?? {}).find((s) => /^2\d\d$/.test(s));
      const outputSchema = okStatus ? jsonSchemaOf(op.responses?.[okStatus]?.content) : undefined;
      const name = `${config.name}:${toolPart(op.operationId ?? `${method}${path}`)}`;
      tools.push({
        name,
        description: [op.summary, op.description].filter(Boolean).join(' ') || `${method.toUpperCase()} ${path}`,
        inputSchema: withComponents({ type: 'object', properties, required, additionalProperties: false }),
        ...(outputSchema ? { outputSchema: withComponents(outputSchema) } : {}),
        annotations: {
          ...(op.summary ? { title: op.summary } : {}),
          ...(method === 'get' || method === 'head' ? { readOnlyHint: true } : method === 'delete' ? { readOnlyHint: false, destructiveHint: true } : { readOnlyHint: false }),
        },
        tags: [config.name, 'openapi', method],
        handler: (args, ctx) => callOperation(config, base, method, path, parameters, args, ctx, name),
      });
    }
  }
  return tools;
}

async function callOperation(
  config: OpenApiConfig,
  base: URL,
  method: Method,
  path: string,
  parameters: Parameter[],
  args: Record<string, unknown>,
  ctx: ToolCallContext,
  tool: string,
): Promise<unknown> {
  let resolvedPath = path;
  const headers: Record<string, string> = { accept: 'application/json', ...config.headers };
  const query = new URLSearchParams();
  for (const p of parameters) {
    const value = args[p.name];
    if (value === undefined) continue;
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    if (p.in === 'path') resolvedPath = resolvedPath.replace(`{${p.name}}`, encodeURIComponent(text));
    else if (p.in === 'header') headers[p.name.toLowerCase()] = text;
    else if (Array.isArray(value)) for (const v of value) query.append(p.name, String(v));
    else query.append(p.name, text);
  }
  const auth = config.auth;
  if (auth?.type === 'bearer') headers.authorization = `Bearer ${envValue(tool, auth.tokenEnv)}`;
  if (auth?.type === 'basic') headers.authorization = `Basic ${Buffer.from(`${envValue(tool, auth.usernameEnv)}:${envValue(tool, auth.passwordEnv)}`).toString('base64')}`;
  if (auth?.type === 'apiKey' && auth.in === 'header') headers[auth.name.toLowerCase()] = envValue(tool, auth.valueEnv);
  if (auth?.type === 'apiKey' && auth.in === 'query') query.set(auth.name, envValue(tool, auth.valueEnv));
  const url = new URL(base.pathname.replace(/\/$/, '') + resolvedPath, base);
  url.search = query.toString();
  let body: string | undefined;
  if (args.body !== undefined) {
    body = JSON.stringify(args.body);
    headers['content-type'] = 'application/json';
  }
  const timeoutMs = Math.max(1, Math.min(config.timeoutMs, ctx.deadlineAt - Date.now()));
  let response: Response;
  try {
    response = await fetch(url, { method: method.toUpperCase(), headers, ...(body !== undefined ? { body } : {}), signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(timeoutMs)]), redirect: 'manual' });
  } catch (err) {
    if (ctx.signal.aborted) throw new ToolFailure('CANCELLED', `${tool}: cancelled`);
    const reason = (err as { name?: string }).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (err as Error).message;
    throw new ToolFailure('HTTP_UNAVAILABLE', `${tool}: ${method.toUpperCase()} ${url.pathname} failed: ${reason}`);
  }
  const text = await readCapped(response, config.maxResponseBytes, tool);
  if (!response.ok) {
    const trimmed = text.length > ERROR_BODY_CHARS ? `${text.slice(0, ERROR_BODY_CHARS)}…` : text;
    throw new ToolFailure('HTTP_ERROR', `${tool}: HTTP ${response.status} ${response.statusText}${trimmed ? `: ${trimmed}` : ''}`, { status: response.status, body: trimmed });
  }
  if (!text) return null;
  if (/json/.test(response.headers.get('content-type') ?? '')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new ToolFailure('HTTP_ERROR', `${tool}: the response says JSON but does not parse`);
    }
  }
  return text;
}
