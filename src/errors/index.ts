export { ERROR_CODES, isErrorCode } from './codes';
export type { ErrorCode, ErrorSpec, ExecutionStatus } from './codes';
export { GatewayError, toPublicError, fromWire, toWire } from './gateway-error';
export type { PublicError, WireError, ErrorDetails } from './gateway-error';
