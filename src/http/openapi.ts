import {
  DecideApprovalBody,
  DescribeBody,
  DescribeResponseSchema,
  ErrorBodySchema,
  ExecuteBody,
  ExecutionEnvelopeSchema,
  InvokeBody,
  InvokeResponseSchema,
  JobViewSchema,
  PendingApprovalsSchema,
  QueuedAnswerSchema,
  SearchBody,
  SearchResponseSchema,
  requestJsonSchema,
  responseJsonSchema,
} from '../gateway';

const jsonSchema = (schema: Parameters<typeof requestJsonSchema>[0]): Record<string, unknown> => requestJsonSchema(schema, 'document');
const answer = responseJsonSchema;

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
  const post = (summary: string, body: string, okSchema: unknown, extra: Record<string, unknown> = {}, okStatus = '200') => ({
    post: { summary, requestBody: { required: true, ...json(ref(body)) }, responses: { [okStatus]: { description: 'The answer', ...json(okSchema) }, ...COMMON_ERRORS, ...extra }, security: [{ apiKey: [] }, { bearer: [] }, {}] },
  });
  return {
    openapi: '3.1.0',
    info: { title: 'scriptgate', version, description: 'Code-mode gateway for MCP: search, describe, execute scripts that orchestrate tools, invoke one tool.' },
    paths: {
      '/v1/search': post('Rank tools for a request', 'SearchRequest', ref('SearchResponse')),
      '/v1/describe': post('Schemas, TypeScript declarations and examples of tools', 'DescribeRequest', ref('DescribeResponse')),
      '/v1/execute': post('Run a script in the sandbox (async: true queues it as a job)', 'ExecuteRequest', ref('ExecutionEnvelope'), {
        '202': { description: 'Queued as a job (async: true), or paused at a call that needs approval (status input_required, the envelope with jobId and approval); Location names the job', ...json({ anyOf: [ref('QueuedAnswer'), ref('ExecutionEnvelope')] }) },
        '503': errorResponse('Not ready, draining or saturated; see Retry-After'),
      }),
      '/v1/jobs': post('Queue a script as a job; Location names it', 'ExecuteRequest', ref('QueuedAnswer'), {}, '202'),
      '/v1/jobs/{id}': {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        get: {
          summary: 'Read a job, waiting up to waitMs for it to finish',
          parameters: [{ name: 'waitMs', in: 'query', schema: { type: 'integer', minimum: 0 } }],
          responses: { '200': { description: 'The job', ...json(ref('JobView')) }, '404': errorResponse('No such job for this tenant (JOB_NOT_FOUND)'), ...COMMON_ERRORS },
          security: [{ apiKey: [] }, { bearer: [] }, {}],
        },
        delete: {
          summary: 'Cancel a job',
          responses: { '200': { description: 'The job after cancelling', ...json(ref('JobView')) }, '404': errorResponse('No such job for this tenant (JOB_NOT_FOUND)'), ...COMMON_ERRORS },
          security: [{ apiKey: [] }, { bearer: [] }, {}],
        },
      },
      '/v1/jobs/{id}/approvals/{approvalId}': {
        parameters: [
          { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
          { name: 'approvalId', in: 'path', required: true, schema: { type: 'string' } },
        ],
        post: {
          summary: 'Approve or deny the call a job waits on; the job resumes',
          requestBody: { required: true, ...json(ref('DecideApprovalRequest')) },
          responses: {
            '200': { description: 'The job after the decision', ...json(ref('JobView')) },
            '403': errorResponse('The caller lacks approvals.approverScope (NOT_APPROVER)'),
            '404': errorResponse('No such job for this tenant, or no such approval (JOB_NOT_FOUND, APPROVAL_NOT_FOUND)'),
            '409': errorResponse('Already decided, expired, or the job ended (APPROVAL_DECIDED)'),
            ...COMMON_ERRORS,
          },
          security: [{ apiKey: [] }, { bearer: [] }, {}],
        },
      },
      '/v1/approvals': {
        get: {
          summary: "The tenant's calls waiting for a person, soonest to expire first",
          responses: { '200': { description: 'Pending approvals', ...json(ref('PendingApprovals')) }, ...COMMON_ERRORS },
          security: [{ apiKey: [] }, { bearer: [] }, {}],
        },
      },
      '/v1/invoke': post('Call one tool', 'InvokeRequest', ref('InvokeResponse'), {
        '202': { description: 'The tool needs approval: the call became a job (status input_required); Location names it', ...json(ref('InvokeResponse')) },
        '404': errorResponse('Unknown or hidden tool (TOOL_NOT_FOUND)'),
      }),
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
        DecideApprovalRequest: jsonSchema(DecideApprovalBody),
        PendingApprovals: answer(PendingApprovalsSchema),
        SearchResponse: answer(SearchResponseSchema),
        DescribeResponse: answer(DescribeResponseSchema),
        ExecutionEnvelope: answer(ExecutionEnvelopeSchema),
        QueuedAnswer: answer(QueuedAnswerSchema),
        InvokeResponse: answer(InvokeResponseSchema),
        JobView: answer(JobViewSchema),
        ErrorBody: answer(ErrorBodySchema),
      },
    },
  };
}
