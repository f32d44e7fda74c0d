import { ERROR_CODES } from '../errors';
import { DescribeBody, ExecuteBody, InvokeBody, SearchBody, requestJsonSchema } from '../gateway';

const jsonSchema = (schema: Parameters<typeof requestJsonSchema>[0]): Record<string, unknown> => requestJsonSchema(schema, 'document');

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: unknown) => ({ content: { 'application/json': { schema } } });
const errorResponse = (description: string) => ({ description, ...json(ref('ErrorBody')) });

const COMMON_ERRORS = {
  '400': errorResponse('Malformed JSON or an invalid field (BAD_REQUEST, MALFORMED_JSON)'),
  '401': errorResponse('Missing or invalid credentials, when auth is configured (UNAUTHORIZED)'),
  '413': errorResponse('Body over server.bodyLimitBytes (BODY_TOO_LARGE)'),
  '415': errorResponse('Not application/json (UNSUPPORTED_MEDIA_TYPE)'),
  '429': errorResponse("Over the tenant's rate limit or concurrency (RATE_LIMITED, TOO_MANY_EXECUTIONS); see Retry-After"),
};

/** The OpenAPI 3.1 document of our REST API, built from the same schemas that validate requests. */
export function openApiDocument(version: string): Record<string, unknown> {
  const post = (summary: string, body: string, okSchema: unknown, extra: Record<string, unknown> = {}) => ({
    post: { summary, requestBody: { required: true, ...json(ref(body)) }, responses: { '200': { description: 'The answer', ...json(okSchema) }, ...COMMON_ERRORS, ...extra }, security: [{ apiKey: [] }, { bearer: [] }, {}] },
  });
  return {
    openapi: '3.1.0',
    info: { title: 'scriptgate', version, description: 'Code-mode gateway for MCP: search, describe, execute scripts that orchestrate tools, invoke one tool.' },
    paths: {
      '/v1/search': post('Rank tools for a request', 'SearchRequest', ref('SearchResponse')),
      '/v1/describe': post('Schemas, TypeScript declarations and examples of tools', 'DescribeRequest', ref('DescribeResponse')),
      '/v1/execute': post('Run a script in the sandbox', 'ExecuteRequest', ref('ExecutionEnvelope'), { '503': errorResponse('Not ready, draining or saturated; see Retry-After') }),
      '/v1/invoke': post('Call one tool', 'InvokeRequest', ref('InvokeResponse'), { '404': errorResponse('Unknown or hidden tool (TOOL_NOT_FOUND)') }),
      '/health': { get: { summary: 'Liveness', responses: { '200': { description: 'The process runs' } } } },
      '/ready': { get: { summary: 'Readiness', responses: { '200': { description: 'Ready' }, '503': { description: 'Starting or draining' } } } },
      '/metrics': { get: { summary: 'Prometheus metrics', responses: { '200': { description: 'Text exposition', content: { 'text/plain': {} } } } } },
      '/openapi.json': { get: { summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1' } } } },
    },
    components: {
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        bearer: { type: 'http', scheme: 'bearer', description: 'An API key or a JWT' },
      },
      schemas: {
        SearchRequest: jsonSchema(SearchBody),
        DescribeRequest: jsonSchema(DescribeBody),
        ExecuteRequest: jsonSchema(ExecuteBody),
        InvokeRequest: jsonSchema(InvokeBody),
        SearchResponse: {
          type: 'object',
          required: ['tools', 'total', 'strategy'],
          properties: {
            tools: { type: 'array', items: { type: 'object', required: ['name', 'description', 'score'], properties: { name: { type: 'string' }, description: { type: 'string' }, score: { type: 'number', minimum: 0, maximum: 1 }, matchedQueries: { type: 'array', items: { type: 'integer' } } } } },
            total: { type: 'integer' },
            strategy: { type: 'string', enum: ['tfidf', 'ml'], description: 'Which ranking answered: tfidf (lexical), or ml (lexical fused with embeddings) once the catalog is embedded' },
          },
        },
        DescribeResponse: {
          type: 'object',
          required: ['tools', 'notFound'],
          properties: {
            tools: {
              type: 'array',
              items: {
                type: 'object',
                required: ['name', 'description', 'inputSchema', 'outputSchema', 'typescript', 'examples'],
                properties: {
                  name: { type: 'string' },
                  description: { type: 'string' },
                  inputSchema: { type: 'object' },
                  outputSchema: { oneOf: [{ type: 'object' }, { const: 'unknown' }] },
                  annotations: { type: 'object' },
                  typescript: { type: 'string' },
                  examples: { type: 'array', items: { type: 'string' } },
                },
              },
            },
            notFound: { type: 'array', items: { type: 'object', required: ['name', 'didYouMean'], properties: { name: { type: 'string' }, didYouMean: { type: 'array', items: { type: 'string' } } } } },
          },
        },
        ExecutionEnvelope: {
          type: 'object',
          required: ['status', 'logs', 'warnings', 'stats', 'executionId'],
          properties: {
            status: { enum: ['ok', 'syntax_error', 'illegal_access', 'blocked', 'runtime_error', 'tool_error', 'timeout', 'limit_exceeded'] },
            result: {},
            error: ref('Error'),
            logs: { type: 'array', items: { type: 'object', properties: { level: { type: 'string' }, message: { type: 'string' } } } },
            warnings: { type: 'array', items: { type: 'string' } },
            stats: { type: 'object', properties: { durationMs: { type: 'number' }, toolCalls: { type: 'integer' }, iterations: { type: 'integer' } } },
            risk: { type: 'object' },
            executionId: { type: 'string' },
          },
        },
        InvokeResponse: { type: 'object', required: ['status'], properties: { status: { enum: ['ok', 'tool_error'] }, result: {}, error: ref('Error') } },
        Error: {
          type: 'object',
          required: ['code', 'message', 'hint'],
          properties: { code: { enum: Object.keys(ERROR_CODES) }, message: { type: 'string' }, hint: { type: 'string' } },
          additionalProperties: true,
        },
        ErrorBody: { type: 'object', required: ['error'], properties: { error: ref('Error') } },
      },
    },
  };
}
