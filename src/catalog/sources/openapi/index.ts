import { ToolFailure, type JsonSchema, type ToolCallContext, type ToolDefinition } from '../../types';
import { SourceCredentials, isUpstreamAuthError, type CallCredential, type SourceAuthConfig } from '../auth';
import { loadSpecDocument } from './spec-load';
import { SpecSchemas } from './spec-schemas';

/** One configured OpenAPI 3.x spec (config `sources.openapi[]`). */
export interface OpenApiConfig {
  /** Namespace: operations become `name:operationId`. */
  name: string;
  /** Path (relative to the working directory) or URL of the spec, YAML or JSON. */
  spec: string;
  /** Overrides the spec's first server URL. */
  baseUrl?: string;
  /** Static secrets, OAuth 2.0 tokens, or a credential per tenant. */
  auth?: SourceAuthConfig;
  headers: Readonly<Record<string, string>>;
  timeoutMs: number;
  /** Largest response body read; a larger answer is a RESPONSE_TOO_LARGE tool error. */
  maxResponseBytes: number;
  /** Headers sent when fetching the spec (and the files it references), literal and from the environment. */
  specHeaders: Readonly<Record<string, string>>;
  specHeadersEnv: Readonly<Record<string, string>>;
  specTimeoutMs: number;
  /** RFC 6902 operations that fix the spec as written, before references are resolved. */
  patches: readonly unknown[];
  /** Backoff between attempts to load a spec that failed (doubling from the first to the second). */
  retryInitialMs: number;
  retryMaxMs: number;
}

/** The spec request's headers; a header whose variable is unset is an error naming it. */
function specHeaders(config: OpenApiConfig): Record<string, string> {
  const headers: Record<string, string> = { ...config.specHeaders };
  for (const [header, env] of Object.entries(config.specHeadersEnv)) {
    const value = process.env[env];
    if (value === undefined || value === '') throw new Error(`specHeadersEnv.${header}: environment variable ${env} is not set`);
    headers[header] = value;
  }
  return headers;
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

interface RequestBody {
  required?: boolean;
  content?: Record<string, { schema?: JsonSchema }>;
}

interface OperationResponse {
  content?: Record<string, { schema?: JsonSchema }>;
}

interface Operation {
  operationId?: string;
  summary?: string;
  description?: string;
  parameters?: Parameter[];
  requestBody?: RequestBody;
  responses?: Record<string, OperationResponse>;
}

interface OpenApiDocument {
  openapi?: string;
  components?: { schemas?: Record<string, JsonSchema> };
  servers?: { url: string }[];
  paths?: Record<string, Partial<Record<Method, Operation>> & { parameters?: Parameter[] }>;
}

const toolPart = (text: string): string => text.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 128);

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

/**
 * Loads a spec and turns each operation into a tool that makes the real HTTP call. Each tool's schemas
 * carry only the component schemas they reach, as `$defs`.
 */
export async function loadOpenApiTools(config: OpenApiConfig): Promise<ToolDefinition[]> {
  let doc: OpenApiDocument;
  try {
    doc = (await loadSpecDocument({ spec: config.spec, headers: specHeaders(config), timeoutMs: config.specTimeoutMs, patches: config.patches })) as OpenApiDocument;
  } catch (err) {
    throw new Error(`sources.openapi ${config.name}: ${(err as Error).message}`, { cause: err });
  }
  if (!doc.openapi?.startsWith('3.')) throw new Error(`sources.openapi ${config.name}: only OpenAPI 3.x is supported (got ${doc.openapi ?? 'swagger 2'})`);
  const server = config.baseUrl ?? doc.servers?.[0]?.url;
  if (!server) throw new Error(`sources.openapi ${config.name}: no baseUrl configured and the spec lists no servers`);
  const base = new URL(server, /^https?:\/\//.test(config.spec) ? config.spec : undefined);
  const schemas = new SpecSchemas(doc);

  const credentials = new SourceCredentials(config.name, config.auth);
  const tools: ToolDefinition[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const parameters = [...(item.parameters ?? []), ...(op.parameters ?? [])]
        .map((p) => schemas.follow(p))
        .filter((p): p is Parameter => p !== undefined && p.in !== 'cookie');
      const properties: Record<string, JsonSchema> = {};
      const required: string[] = [];
      const inputRefs = new Set<string>();
      for (const p of parameters) {
        properties[p.name] = { ...schemas.convert(p.schema ?? { type: 'string' }, inputRefs), ...(p.description ? { description: p.description } : {}) };
        if ((p.required || p.in === 'path') && !required.includes(p.name)) required.push(p.name);
      }
      const requestBody = schemas.follow(op.requestBody);
      const bodySchema = jsonSchemaOf(requestBody?.content);
      if (bodySchema) {
        properties.body = schemas.convert(bodySchema, inputRefs);
        if (requestBody?.required) required.push('body');
      }
      const okStatus = Object.keys(op.responses ?? {}).find((s) => /^2\d\d$/.test(s));
      const okResponse = okStatus ? schemas.follow(op.responses?.[okStatus]) : undefined;
      const responseSchema = jsonSchemaOf(okResponse?.content);
      const outputRefs = new Set<string>();
      const outputSchema = responseSchema ? schemas.withDefs(schemas.convert(responseSchema, outputRefs), outputRefs) : undefined;
      const name = `${config.name}:${toolPart(op.operationId ?? `${method}${path}`)}`;
      tools.push({
        name,
        description: [op.summary, op.description].filter(Boolean).join(' ') || `${method.toUpperCase()} ${path}`,
        inputSchema: schemas.withDefs({ type: 'object', properties, required, additionalProperties: false }, inputRefs),
        ...(outputSchema ? { outputSchema } : {}),
        annotations: {
          ...(op.summary ? { title: op.summary } : {}),
          ...(method === 'get' || method === 'head' ? { readOnlyHint: true } : method === 'delete' ? { readOnlyHint: false, destructiveHint: true } : { readOnlyHint: false }),
        },
        tags: [config.name, 'openapi', method],
        handler: (args, ctx) => callOperation(config, credentials, base, method, path, parameters, args, ctx, name),
      });
    }
  }
  return tools;
}

async function callOperation(
  config: OpenApiConfig,
  credentials: SourceCredentials,
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
  const url = new URL(base.pathname.replace(/\/$/, '') + resolvedPath, base);
  let body: string | undefined;
  if (args.body !== undefined) {
    body = JSON.stringify(args.body);
    headers['content-type'] = 'application/json';
  }
  const timeoutMs = Math.max(1, Math.min(config.timeoutMs, ctx.deadlineAt - Date.now()));
  // One deadline for the whole call, a retry after a 401 included.
  const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(timeoutMs)]);
  const send = (credential: CallCredential): Promise<Response> => {
    const authorized = new URLSearchParams(query);
    for (const [name, value] of Object.entries(credential.query)) authorized.set(name, value);
    url.search = authorized.toString();
    const init = { method: method.toUpperCase(), headers: { ...headers, ...credential.headers }, ...(body !== undefined ? { body } : {}) };
    return fetch(url, { ...init, signal, redirect: 'manual' });
  };
  const credential = await credentials.forCall(ctx.tenantId, ctx.signal).catch((err: unknown) => {
    throw ctx.signal.aborted ? new ToolFailure('CANCELLED', `${tool}: cancelled`) : err;
  });
  let response: Response;
  try {
    response = await send(credential);
    // A 401 to an OAuth token: renew it once and retry once (the request was refused before it was processed).
    if (response.status === 401 && credential.renew) {
      await response.body?.cancel();
      response = await send(await credential.renew());
    }
  } catch (err) {
    if (isUpstreamAuthError(err)) throw err;
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
