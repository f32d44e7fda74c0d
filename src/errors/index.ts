export { ERROR_CODES } from './codes';
export type { ErrorCode, ExecutionStatus } from './codes';
export { GatewayError, toPublicError, fromWire, toWire } from './gateway-error';
export type { PublicError } from './gateway-error';
