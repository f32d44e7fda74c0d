export { Gateway } from './gateway';
export type { GatewayOptions, ExecuteRequest, InvokeRequest, InvokeResponse } from './gateway';
export type { ExecutionEnvelope } from './envelope';
export type { TraceEntry } from './tool-trace';
export { ExecuteBody, InvokeBody, SearchBody, DescribeBody, GetJobBody, requestJsonSchema, jobSubmission, rejectJobFields, IDEMPOTENCY_KEY } from './request-schemas';
export type { ExecuteBodyValue } from './request-schemas';
export { Discovery, SEARCH_LIMITS, DESCRIBE_LIMITS } from './discovery';
export type { DescribeResponse, DescribedTool, SearchToolsRequest } from './discovery';
export type { DiscoveryTenant } from './discovery';
