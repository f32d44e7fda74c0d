export { Gateway } from './gateway';
export type { GatewayOptions, ExecuteRequest, InvokeRequest, InvokeResponse } from './gateway';
export type { ExecutionEnvelope } from './envelope';
