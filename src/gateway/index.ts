export { Gateway } from './gateway';
export { createGateway } from './create-gateway';
export type { GatewayOptions, ExecuteRequest, InvokeRequest } from './gateway';
export type { DescribeFormat, ExecutionEnvelope, InvokeResponse, TraceEntry } from './response-schemas';
export { ExecuteBody, InvokeBody, SearchBody, DescribeBody, DecideApprovalBody, GetJobBody, requestJsonSchema, IDEMPOTENCY_KEY } from './request-schemas';
export type { ExecuteBodyValue } from './request-schemas';
export {
  DESCRIBE_FORMATS,
  DescribeResponseSchema,
  ErrorBodySchema,
  ExecutionEnvelopeSchema,
  InvokeResponseSchema,
  JobViewSchema,
  PendingApprovalsSchema,
  QueuedAnswerSchema,
  SearchResponseSchema,
  responseJsonSchema,
} from './response-schemas';
export { GatewayApi, apiOf, CAPACITY_CODES } from './api';
export { answerJson } from './envelope';
export { checkScript } from './check-script';
export { Preflight, findingsOf, refuses } from './preflight';
export type { PreflightResult } from './preflight';
